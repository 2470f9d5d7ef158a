import { ContractStateLine } from '../../shared/contract-state';
import { useT } from '../../shared/i18n';
import { Link } from '../../shared/router';
import type { Card } from '../mobile-contract';

/** One contract in a list: number, contractor, service number, state and last change. */
export function CardItem({ c }: { c: Card }) {
  const t = useT();
  return (
    <li className="card" data-contract={c.no}>
      <Link to={`/contracts/${c.no}`}>
        <span className="card-no">#{c.no}</span>
        <span className="card-name">{c.contractor ?? '—'}</span>
        <span className="card-svc nowrap">{c.serviceNumber ?? ''}</span>
        <span className="card-state">
          <ContractStateLine contractState={c.contractState} lastChange={c.lastChange && { ...c.lastChange, at: undefined }} />
        </span>
        {c.partial && <span className="partial-marker"> ⚠ {t('partial')}</span>}
      </Link>
    </li>
  );
}
