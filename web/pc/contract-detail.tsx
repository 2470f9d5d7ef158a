import { useEffect, useState } from 'react';
import { api, ApiError } from '../shared/api';
import { ContractForm, FIELDS } from '../shared/contract-form';
import { useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { useSession } from '../shared/session';
import type { PcContract } from './contract-grid';

type Rows = Record<string, unknown>[] | null;
interface History {
  partial: boolean;
  ppon: Rows;
  inetaplca: Rows;
  intelnet: Rows;
}

const PARTS = [
  { key: 'ppon', title: 'MS1 ppon' },
  { key: 'inetaplca', title: 'MS2 inetaplca' },
  { key: 'intelnet', title: 'MS3 intelnet' },
] as const;

/** Loads one composed contract (404 and other problems become a message). */
function useContract(no: number) {
  const [contract, setContract] = useState<PcContract | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setContract(null);
    void api<PcContract>(`/api/contracts/${no}`).then(setContract, (err) => setError(err instanceof ApiError ? err.message : String(err)));
  }, [no]);
  return { contract, error };
}

/** Who may modify this contract: a supervisor any, an agent the ones they made. */
function useCanModify(contract: PcContract | null): boolean {
  const { can, user } = useSession();
  if (!contract || contract.ppon.delYn === 'Y') return false;
  return can.modifyAny || (can.modifyOwn && [user.sub, user.claims.preferred_username].includes(String(contract.ppon.mkerId)));
}

function Panel({ title, row, error }: { title: string; row: Record<string, unknown> | null; error?: string }) {
  const t = useT();
  return (
    <section className="panel" aria-label={title} data-part={title}>
      <h2>{title}</h2>
      {row ? (
        <dl>
          {Object.entries(row).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v === null ? '—' : String(v)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="partial-marker" role="note">
          ⚠ {t('partial')}
          {error ? `: ${error}` : ''}
        </p>
      )}
    </section>
  );
}

const HISTORY_COLUMNS = ['transacSttus', 'delYn', 'contr', 'payr', 'svcNo', 'globalNo'];

/** The detail screen: the three services' panels side by side, then each service's history. */
export function ContractDetail({ no }: { no: number }) {
  const t = useT();
  const { contract, error } = useContract(no);
  const [history, setHistory] = useState<History | null>(null);
  const canModify = useCanModify(contract);
  useEffect(() => {
    void api<History>(`/api/contracts/${no}/history`).then(setHistory, () => undefined);
  }, [no]);
  if (error) return <p role="alert">{error}</p>;
  if (!contract) return <p>{t('loading')}</p>;
  return (
    <section aria-labelledby="detail-title">
      <div className="title-row">
        <h1 id="detail-title">{t('detail', { no })}</h1>
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
        <a className="button" href={`/legacy/app/?cont=${no}`}>
          {t('legacy')}
        </a>
      </div>
      {contract.viewBehind && (
        <p className="note" role="note" data-view-behind>
          {t('viewBehind')}
        </p>
      )}
      <div className="panels">
        {PARTS.map((p) => (
          <Panel key={p.key} title={p.title} row={contract[p.key]} error={p.key === 'ppon' ? undefined : contract.errors[p.key]} />
        ))}
      </div>
      <h2>{t('history')}</h2>
      {!history ? (
        <p>{t('loading')}</p>
      ) : (
        PARTS.map((p) => {
          const rows = history[p.key];
          return (
            <section key={p.key} className="history" aria-label={`${t('history')} ${p.title}`}>
              <h3>{p.title}</h3>
              {rows === null ? (
                <p className="partial-marker">⚠ {t('partial')}</p>
              ) : rows.length === 0 ? (
                <p>{t('noHistory')}</p>
              ) : (
                <table className="grid">
                  <thead>
                    <tr>
                      {HISTORY_COLUMNS.map((c) => (
                        <th scope="col" key={c}>
                          {c}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r, i) => (
                      <tr key={i}>
                        {HISTORY_COLUMNS.map((c) => (
                          <td key={c}>{r[c] === undefined || r[c] === null ? '' : String(r[c])}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          );
        })
      )}
    </section>
  );
}

export function ModifyScreen({ no }: { no: number }) {
  const t = useT();
  const { contract, error } = useContract(no);
  const canModify = useCanModify(contract);
  if (error) return <p role="alert">{error}</p>;
  if (!contract) return <p>{t('loading')}</p>;
  const initial = Object.fromEntries(FIELDS.map((f) => [f.name, contract.ppon[f.name] == null ? '' : String(contract.ppon[f.name])]));
  return (
    <section aria-labelledby="modify-title">
      <h1 id="modify-title">{t('modifyTitle', { no })}</h1>
      {canModify ? <ContractForm contractNo={no} initial={initial} detailPath={(n) => `/contracts/${n}`} /> : <p>{t('readOnly')}</p>}
    </section>
  );
}
