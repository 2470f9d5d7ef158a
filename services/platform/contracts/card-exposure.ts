import type { Request } from 'express';
import { maskCardsIn } from '../../../lib/contracts/mask-card';
import { mayReadFullCards } from '../auth/contract-policy';

/**
 * How this request's answer shows card numbers: masked, or in full for a role the policy allows
 * (services/platform/auth/contract-policy.ts). A full read is audited — who, what, which contracts,
 * the globalNo — with a log line that never holds the number itself.
 */
export function cardExposure(req: Request, what: string, ownField: string) {
  const caller = req.identity;
  if (!caller || !mayReadFullCards(caller)) return <T extends Record<string, unknown> | null | undefined>(row: T) => maskCardsIn(row);
  const actor = req.actor ?? caller;
  const contracts = new Set<unknown>();
  // One line per answer, written once the answer's rows are known.
  req.res?.once('finish', () => {
    if (contracts.size > 0) req.log?.info({ audit: 'card-read-full', user: actor.sub, roles: caller.roles, what, contracts: [...contracts], globalNo: req.globalNo }, 'full card numbers read');
  });
  return <T extends Record<string, unknown> | null | undefined>(row: T) => {
    if (row && typeof row.cardNo === 'string' && row.cardNo !== '') contracts.add(row[ownField]);
    return row;
  };
}
