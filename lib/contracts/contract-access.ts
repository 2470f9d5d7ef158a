/**
 * Who may change a contract, the rule of services/platform/auth/contract-policy.ts: agents,
 * supervisors and operators register; an agent changes only the contracts they registered,
 * supervisors and operators any. (Reading is whatever the service answers the caller.)
 */
export const MAKER_ROLES = ['agent', 'supervisor', 'operator'] as const;
export const MODIFY_ANY_ROLES = ['supervisor', 'operator'] as const;

export function mayModifyContract(user: { sub: string; roles: readonly string[] }, makerId: unknown): boolean {
  if (user.roles.some((r) => (MODIFY_ANY_ROLES as readonly string[]).includes(r))) return true;
  return user.roles.some((r) => (MAKER_ROLES as readonly string[]).includes(r)) && makerId === user.sub.slice(0, 50);
}

/** The compensation drill (MS3 fails on purpose) is an operator's exercise, and only where settings allow drills at all. */
export const DRILL_ROLES = ['operator'] as const;
export const mayDrill = (roles: readonly string[]) => roles.some((r) => (DRILL_ROLES as readonly string[]).includes(r));
