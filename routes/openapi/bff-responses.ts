import { z } from 'zod';
import { profileSchema } from '../../core/session/profile-schema';
import { contractViewSchemas } from '../../core/compose/contract-view-schemas';

const str = z.string();
const int = z.number().int();
const nullableStr = z.string().nullable();
const instant = z.string().meta({ format: 'date-time' });

interface MenuItem {
  id: string;
  label: string;
  path: string;
  roles?: string[];
  children?: MenuItem[];
}
const menuItem: z.ZodType<MenuItem> = z
  .looseObject({
    id: str,
    label: str,
    path: str,
    roles: z.array(str).optional(),
    get children() {
      return z.array(menuItem).optional();
    },
  })
  .meta({ id: 'MenuItem' });

const file = { id: str, name: str, size: int, kind: str, contentType: str, createdAt: instant };
const fileBody = z.object(file).meta({ id: 'File' });
const documentBody = z.object({ ...file, contractNo: int, uploadedBy: str }).meta({ id: 'Document' });
const sagaStep = z.looseObject({ participant: str, action: str, attempt: int, outcome: str, durationMs: int, error: nullableStr, startedAt: str }).partial().meta({ id: 'SagaStep' });

/** The bodies the BFF's routes answer (the routes that send them declare them: routes/, bff-pc/, bff-mobile/). */
export const bffResponses = {
  health: z.object({ status: z.literal('ok') }),
  readiness: z.object({ ready: z.boolean(), checks: z.record(z.string(), z.enum(['up', 'down', 'memory'])) }).meta({ id: 'Readiness' }),
  user: z
    .object({
      sub: str,
      name: str.optional(),
      roles: z.array(z.enum(['agent', 'viewer', 'supervisor', 'operator'])),
      claims: z.record(z.string(), z.unknown()),
      session: z.object({ expiresAt: instant, absoluteExpiresAt: instant, expiresIn: z.object({ idle: int, absolute: int }) }),
      logoutUrl: str,
    })
    .meta({ id: 'User' }),
  userSessions: z
    .object({ sessions: z.array(z.object({ id: str, app: z.enum(['pc', 'mobile']).nullable(), startedAt: nullableStr, lastSeenAt: nullableStr, browser: str, current: z.boolean() })) })
    .meta({ id: 'UserSessions' }),
  sessionsEnded: z.object({ ended: int }).meta({ id: 'SessionsEnded' }),
  diagnostics: z.record(z.string(), z.unknown()),
  menuItem,
  menu: (app: 'pc' | 'mobile') => z.object({ app: z.literal(app), items: z.array(menuItem), drillAllowed: z.boolean() }).meta({ id: 'Menu' }),
  profile: profileSchema.meta({ id: 'Profile' }),
  contractPage: (item: z.ZodType) =>
    z
      .object({
        size: int,
        total: int,
        nextCursor: nullableStr.meta({ description: 'opaque; pass as `cursor` with the same filters and sort for the next page (null: last page)' }),
        partial: z.boolean(),
        items: z.array(item),
      })
      .meta({ id: 'ContractPage' }),
  sagaAccepted: z.object({ globalNo: str, state: z.literal('START'), accepted: z.literal(true), statusUrl: str, eventsUrl: str }).meta({ id: 'SagaAccepted' }),
  sagaOutcome: z.looseObject({ globalNo: str, state: z.literal('END'), saPponContNo: int.optional(), saInetaplcaContNo: int.optional(), saIntelnetContNo: int.optional() }).meta({ id: 'SagaOutcome' }),
  saga: z
    .looseObject({
      globalNo: str.optional(),
      kind: z.enum(['reg', 'amd']).optional(),
      mode: z.enum(['api', 'event']).optional(),
      state: z.enum(['START', 'COMPENSATING', 'END', 'CANCEL']),
      message: nullableStr.optional(),
      saPponContNo: int.nullable().optional(),
      steps: z.array(sagaStep).optional(),
    })
    .meta({ id: 'Saga' }),
  file: fileBody,
  fileList: z.object({ items: z.array(fileBody) }).meta({ id: 'FileList' }),
  document: documentBody,
  documentList: z.object({ items: z.array(documentBody) }).meta({ id: 'DocumentList' }),
  home: z
    .object({
      user: z.object({ sub: str, name: z.unknown() }),
      menu: z.array(menuItem),
      recent: z.object({
        total: int,
        partial: z.boolean(),
        error: str.optional().meta({ description: 'why the list is missing (partial): an error code of the catalog' }),
        items: z.array(contractViewSchemas.mobile.item),
      }),
    })
    .meta({ id: 'Home' }),
  binary: z.string().meta({ format: 'binary' }),
  text: z.string(),
};
