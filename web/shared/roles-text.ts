import { isMessageKey, type Translate } from './i18n';

/** The user's roles in words (Agent, 상담원, …), joined. */
export function rolesText(t: Translate, roles: string[]): string {
  return roles.map((r) => (isMessageKey(`role.${r}`) ? t(`role.${r}` as never) : r)).join(', ');
}
