import { useApiGet } from '../shared/use-api-get';
import { ContractForm, FIELDS } from '../shared/contract-form';
import { ContractHistory } from '../shared/contract-history';
import { ContractStateLine, PartAbsent, absentWhy, stateOf, type AbsentPart } from '../shared/contract-state';
import { Documents } from '../shared/files-screen';
import { useFormat } from '../shared/format';
import { isMessageKey, useT, type MessageKey } from '../shared/i18n';
import { useMenu } from '../shared/menu';
import { codeText, problemText } from '../shared/problem-text';
import { Link } from '../shared/router';
import { useSession } from '../shared/session';
import type { PcContract } from './contract-grid';
import { textOf } from '../shared/text-of';

const PARTS = [
  { key: 'ppon', no: 'saPponContNo' },
  { key: 'inetaplca', no: 'saInetaplcaContNo' },
  { key: 'intelnet', no: 'saIntelnetContNo' },
] as const;

/** What an agent reads on a contract, in this order; dates are formatted, the rest shown as given (card numbers come masked). */
const DETAIL_FIELDS = ['contr', 'payr', 'svcNo', 'cardNo', 'saler', 'apyr', 'admrInfo', 'bcbnConn', 'rack', 'intlTrafc', 'mfamtCont', 'mkerNm', 'mkeDate', 'amdrNm', 'amdDate'] as const;
const DATES = new Set(['mkeDate', 'amdDate']);

/** Loads one composed contract (404 and other problems become a translated message). */
function useContract(no: number) {
  const t = useT();
  const { data: contract, error, reload } = useApiGet<PcContract>(`/api/contracts/${no}`);
  return { contract, error: error ? problemText(t, error) : null, reload };
}

/** Who may modify this contract: a supervisor or operator any, an agent the ones they made. */
function useCanModify(contract: PcContract | null): boolean {
  const { can, user } = useSession();
  if (!contract || stateOf(contract, contract.ppon).contractState === 'TERMINATED') return false;
  return can.modifyAny || (can.modifyOwn && [user.sub, user.claims.preferred_username].includes(String(contract.ppon.mkerId)));
}

/**
 * One part of the contract (phone, internet application, intelligent network): its number and
 * processing state; else that it does not exist (`absent`, said apart from a part that could not be read).
 */
function Part({ part, no, row, error, absent }: { part: (typeof PARTS)[number]['key']; no: unknown; row: Record<string, unknown> | null; error?: string; absent?: AbsentPart }) {
  const t = useT();
  const format = useFormat();
  const state = `transac.${textOf(row?.transacSttus)}`;
  return (
    <section className="panel" aria-labelledby={`part-${part}`} data-part={part}>
      <h3 id={`part-${part}`}>{t(`part.${part}`)}</h3>
      {row ? (
        <dl className="fields">
          <div>
            <dt>{t('field.no')}</dt>
            <dd>{textOf(no ?? '—')}</dd>
          </div>
          <div>
            <dt>{t('partState')}</dt>
            <dd>{isMessageKey(state) ? t(state) : '—'}</dd>
          </div>
          <div>
            <dt>{t('field.amdDate')}</dt>
            <dd className="nowrap">{format.date(row.amdDate ?? row.mkeDate) || '—'}</dd>
          </div>
        </dl>
      ) : absent ? (
        <p>
          <PartAbsent absent={absent} />
        </p>
      ) : (
        <p className="partial-marker" role="note" data-error={error}>
          ⚠ {t('partError')}
          {error ? ` — ${codeText(t, error)}` : ''}
        </p>
      )}
    </section>
  );
}

/** The detail screen: the contract's state and last change, its fields, its three parts, its documents and history. */
export function ContractDetail({ no }: { no: number }) {
  const t = useT();
  const format = useFormat();
  const { contract, error } = useContract(no);
  const canModify = useCanModify(contract);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!contract) return <p>{t('loading')}</p>;
  const { contractState, lastChange } = stateOf(contract, contract.ppon);
  const shown = (f: string) => {
    const v = contract.ppon[f];
    if (v === null || v === undefined || v === '') return '—';
    return DATES.has(f) ? format.date(v) : textOf(v);
  };
  return (
    <section aria-labelledby="detail-title">
      <div className="title-row">
        <h1 id="detail-title">{t('detail', { no })}</h1>
        <ContractStateLine contractState={contractState} lastChange={lastChange} />
        {contract.partial && (
          <span className="partial-marker" role="note">
            ⚠ {t('partial')}
          </span>
        )}
        {canModify && (
          <Link to={`/contracts/${no}/edit`} className="button primary" data-action="modify">
            {t('modify')}
          </Link>
        )}
        <a className="button" href={`/legacy/app/?cont=${no}`} target="_blank" rel="noopener noreferrer" data-action="legacy">
          {t('legacyNewTab')}
        </a>
      </div>
      {contract.viewBehind && (
        <p className="note" role="note" data-view-behind>
          {t('viewBehind')}
        </p>
      )}
      <h2>{t('contractDetails')}</h2>
      <dl className="fields contract-fields">
        {DETAIL_FIELDS.map((f) => (
          <div key={f} data-field={f}>
            <dt>{t(`field.${f}` as MessageKey)}</dt>
            <dd className={f === 'cardNo' || f === 'svcNo' || DATES.has(f) ? 'nowrap' : undefined}>{shown(f)}</dd>
          </div>
        ))}
      </dl>
      <h2>{t('parts')}</h2>
      <div className="panels">
        {PARTS.map((p) => (
          <Part
            key={p.key}
            part={p.key}
            no={contract.ppon[p.no] ?? contract[p.key]?.[p.no]}
            row={contract[p.key]}
            error={p.key === 'ppon' ? undefined : contract.errors[p.key]}
            absent={p.key !== 'ppon' && contract.absent?.includes(p.key) ? absentWhy(lastChange) : undefined}
          />
        ))}
      </div>
      <Documents base={`/api/contracts/${no}/documents`} title="contractDocuments" level={2} canChange={canModify} />
      <ContractHistory no={no} current={contract.ppon} sagaPath={(g) => `/sagas?globalNo=${encodeURIComponent(g)}`} />
    </section>
  );
}

export function ModifyScreen({ no }: { no: number }) {
  const t = useT();
  const { roles } = useSession();
  const menu = useMenu(roles);
  const { contract, error, reload } = useContract(no);
  const canModify = useCanModify(contract);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!contract) return <p>{t('loading')}</p>;
  const initial = Object.fromEntries(FIELDS.map((f) => [f.name, contract.ppon[f.name] == null ? '' : String(contract.ppon[f.name])]));
  return (
    <section aria-labelledby="modify-title">
      <h1 id="modify-title">{t('modifyTitle', { no })}</h1>
      {canModify ? <ContractForm contractNo={no} initial={initial} onSaved={reload} detailPath={(n) => `/contracts/${n}`} drillAllowed={menu?.drillAllowed === true} /> : <p>{t('readOnly')}</p>}
    </section>
  );
}
