import { ContractStateLine, PartAbsent, absentWhy } from '../../shared/contract-state';
import { Documents } from '../../shared/files-screen';
import { isMessageKey, useT } from '../../shared/i18n';
import { codeText } from '../../shared/problem-text';
import { Link } from '../../shared/router';
import { useCanModify, useCard } from '../mobile-contract';
import { HistoryList } from './history-list';

const PARTS = ['ppon', 'inetaplca', 'intelnet'] as const;

/** One contract on a phone: its values, state and last change, its three parts, its documents, its history. */
export function DetailScreen({ no }: { no: number }) {
  const t = useT();
  const { card, error } = useCard(no);
  const canModify = useCanModify(card);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!card) return <p>{t('loading')}</p>;
  const values: [string, string | null | undefined][] = [
    ['field.contr', card.contractor],
    ['field.payr', card.payer],
    ['field.svcNo', card.serviceNumber],
    ['field.cardNo', card.cardNo],
    ['field.saler', card.seller],
  ];
  return (
    <section aria-labelledby="card-title" className="detail-card">
      <h1 id="card-title">{t('detail', { no })}</h1>
      <p>
        <ContractStateLine contractState={card.contractState} lastChange={card.lastChange} />
        {card.partial && <span className="partial-marker"> ⚠ {t('partial')}</span>}
      </p>
      <dl>
        {values
          .filter(([, v]) => v !== undefined)
          .map(([label, v]) => (
            <div key={label} className="pair">
              <dt>{t(label as never)}</dt>
              <dd className="nowrap">{v ?? '—'}</dd>
            </div>
          ))}
      </dl>
      {card.viewBehind && (
        <p className="note" role="note" data-view-behind>
          {t('viewBehind')}
        </p>
      )}
      {canModify && (
        <Link to={`/contracts/${no}/edit`} className="button primary wide" data-action="modify">
          {t('modify')}
        </Link>
      )}
      {card.parts && (
        <>
          <h2>{t('parts')}</h2>
          <ul className="parts">
            {PARTS.map((k) => {
              const part = card.parts![k];
              const stateKey = `transac.${part.state ?? ''}`;
              return (
                <li key={k} data-part={k} data-state={part.state ?? ''}>
                  <strong>{t(`part.${k}`)}</strong> {part.absent ? <PartAbsent absent={absentWhy(card.lastChange)} /> : <>{part.no ? t('partNo', { no: part.no }) : '—'} · {part.state ? (isMessageKey(stateKey) ? t(stateKey) : '—') : `⚠ ${codeText(t, part.error)}`}</>}
                </li>
              );
            })}
          </ul>
        </>
      )}
      <Documents base={`/api/contracts/${no}/documents`} title="contractDocuments" camera level={2} canChange={canModify} />
      <HistoryList no={no} />
    </section>
  );
}
