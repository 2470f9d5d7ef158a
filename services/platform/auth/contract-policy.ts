import type { Request, RequestHandler } from 'express';
import { AppError } from '../../../lib/errors/app-error';
import type { Identity, Role } from './identity';
import { FULL_CARD_ROLES } from '../../../lib/contracts/mask-card';
import { MAKER_ROLES, MODIFY_ANY_ROLES } from '../../../lib/contracts/contract-access';

const READERS: Role[] = ['viewer', 'agent', 'supervisor', 'operator', 'saga'];
const MAKERS: Role[] = [...MAKER_ROLES];
/** Who may change any contract, not only their own (lib/contracts/contract-access.ts: the BFF's documents follow the same rule). */
const MODIFY_ANY: Role[] = [...MODIFY_ANY_ROLES];
const SAGA_ONLY: Role[] = ['saga', 'operator'];
/** Who sees every saga in MS1's list (e.g. ?state=COMPENSATING, to repair); anyone else sees the sagas they started. */
const SEE_EVERY_SAGA: Role[] = ['operator', 'supervisor'];

/** One row of a service's authorization table. `audit` stamps the payload's audit fields from the actor. */
interface Rule {
  method: string;
  path: RegExp;
  roles: Role[];
  audit?: 'maker' | 'amender';
  /** MS1's modifications: an agent may change only a contract whose MKER_ID is their `sub`. */
  ownContract?: boolean;
}

export type ServiceKind = 'orchestrator' | 'participant' | 'view';

/** The identity contract's authorization, as data: read it top to bottom, first match wins; what no row names is the saga's and operators' only. */
export function contractPolicy(kind: ServiceKind): Rule[] {
  if (kind === 'orchestrator') {
    return [
      { method: 'POST', path: /^\/cont\/(regSagaApi|regPubsub|regPubsubCompensate)$/, roles: MAKERS, audit: 'maker' },
      { method: 'POST', path: /^\/cont\/(amdSagaApi|amdPubsub|amdPubsubCompensate)$/, roles: MAKERS, audit: 'amender', ownContract: true },
      { method: 'GET', path: /^\/sagas\/dead-letters$/, roles: ['operator', 'supervisor'] },
      // The saga metrics are the operators'; the saga list is every reader's, narrowed by the route to
      // the caller's own sagas unless they may see every saga (SEE_EVERY_SAGA); a saga by its globalNo stays readable.
      { method: 'GET', path: /^\/metrics\/saga$/, roles: SEE_EVERY_SAGA },
      { method: 'GET', path: /^\//, roles: READERS },
      // Anything else that changes state (repairs, retries, whatever comes next) is the saga's and operators' alone.
      { method: '*', path: /^\//, roles: SAGA_ONLY },
    ];
  }
  if (kind === 'view') {
    // The read model answers exactly what the services' lists answer (every reading role sees every contract).
    return [
      { method: 'GET', path: /^\//, roles: READERS },
      { method: '*', path: /^\//, roles: SAGA_ONLY },
    ];
  }
  return [
    // Saga steps and their compensations: MS1 (role saga) calls them; an operator may repair by hand.
    { method: 'POST', path: /^\/cont\/regSagaApi$/, roles: SAGA_ONLY, audit: 'maker' },
    { method: 'POST', path: /^\/cont\/amdSagaApi$/, roles: SAGA_ONLY, audit: 'amender' },
    { method: 'POST', path: /^\/cont\/\w+Conpensating$/, roles: SAGA_ONLY },
    { method: 'GET', path: /^\//, roles: READERS },
    { method: '*', path: /^\//, roles: SAGA_ONLY },
  ];
}

/** Whether MS1's saga list shows this caller every saga, or only those they started (services/orchestrator/entry-points/saga-routes.ts). */
export const maySeeEverySaga = (who: Identity) => has(who, SEE_EVERY_SAGA);

/** Card numbers leave a service masked, except to these roles (lib/contracts/mask-card.ts); each full read is audited. */
export const mayReadFullCards = (who: Identity) => has(who, FULL_CARD_ROLES as Role[]);

const has = (who: Identity, roles: Role[]) => who.roles.some((r) => (roles as string[]).includes(r));

/** The source's request envelope (`pponContPayload`, …), if the body has one. */
function payloadOf(req: Request): Record<string, unknown> | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const key = body && typeof body === 'object' ? Object.keys(body).find((k) => k.endsWith('ContPayload')) : undefined;
  const payload = key ? body![key] : undefined;
  return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
}

/**
 * Who may do what (after authentication, after the JSON body is parsed, before any route): 403
 * problem and nothing written when the caller's roles do not allow the call. The audit columns of
 * a write are the actor's, from the verified token — whatever the body says is replaced.
 */
export function authorizeCalls(kind: ServiceKind, ownerOf?: (no: number) => Promise<string | null | undefined>): RequestHandler {
  const rules = contractPolicy(kind);
  return async (req, _res, next) => {
    const caller = req.identity as Identity;
    const actor = req.actor ?? caller;
    // HEAD is a GET without the body: it reads, so it is authorized as one.
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const rule = rules.find((r) => (r.method === '*' || r.method === method) && r.path.test(req.path));
    if (!rule || !has(caller, rule.roles)) throw new AppError('FORBIDDEN', rule ? `This needs one of the roles ${rule.roles.join(', ')}` : 'No role may call this');
    const payload = payloadOf(req);
    if (payload && rule.ownContract && !has(caller, MODIFY_ANY) && typeof payload.saPponContNo === 'number' && ownerOf) {
      const owner = await ownerOf(payload.saPponContNo);
      // An unknown contract is the route's 404, not ours to reveal or hide.
      if (owner !== undefined && owner !== actor.sub) throw new AppError('FORBIDDEN', 'An agent may modify only the contracts they registered');
    }
    if (payload && rule.audit) {
      for (const f of ['mkerId', 'mkerNm', 'amdrId', 'amdrNm']) delete payload[f];
      const [id, nm] = rule.audit === 'maker' ? ['mkerId', 'mkerNm'] : ['amdrId', 'amdrNm'];
      payload[id] = actor.sub.slice(0, 50);
      payload[nm] = actor.name.slice(0, 100);
    }
    next();
  };
}
