import { z } from 'zod';
import { SAGA_STATES } from '../saga-log/saga-state';

const no = z.number().int();
const sagaState = z.enum(SAGA_STATES);
/** What every saga row answers: the summary, and the list's items. */
const sagaFields = {
  globalNo: z.string(),
  saPponContNo: no,
  kind: z.enum(['reg', 'amd']),
  mode: z.enum(['api', 'event']),
  state: sagaState,
  message: z.string().nullable(),
  attempts: no,
  nextTryAt: z.string().nullable(),
  deadlineAt: z.string().nullable(),
  startedAt: z.string(),
  undo: z.string().nullable(),
};
const sagaSummary = z.looseObject(sagaFields).meta({ id: 'SagaSummary' });

const sagaListItem = z
  .object({
    ...sagaFields,
    endedAt: z.string().nullable(),
    messageCode: z.string().nullable().meta({ description: 'why it failed, a code of the error catalog (or STEP_FAILED); null while START and when END' }),
    message: z.string().nullable().meta({ description: "the English detail, for operators' repairs" }),
    startedBy: z.string().nullable(),
  })
  .meta({ id: 'SagaListItem' });

/** MS1's saga answers (services/orchestrator/entry-points/send-saga-answer.ts, the saga log). */
export const orchestratorResponses = {
  sagaEnded: z
    .object({ globalNo: z.string(), saPponContNo: no, saInetaplcaContNo: no.nullable(), saIntelnetContNo: no.nullable(), state: z.literal('END'), successYn: z.literal('Y'), message: z.string() })
    .meta({ id: 'SagaEnded' }),
  sagaFailed: {
    400: 'VALIDATION_FAILED / DRILL_NOT_ALLOWED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    409: 'SAGA_CANCELLED (the problem also carries globalNo, saPponContNo, state, successYn "N", failedStep) / SAGA_IN_PROGRESS',
    502: 'SAGA_COMPENSATION_FAILED: a compensation is not complete yet and is retried',
  },
  sagaAccepted: z.object({ globalNo: z.string(), saPponContNo: no, state: z.literal('START'), message: z.string() }).meta({ id: 'SagaAcceptedByMs1' }),
  sagaSummary,
  sagaListPage: z.object({ items: z.array(sagaListItem), nextCursor: z.string().nullable() }).meta({ id: 'SagaListPage' }),
  saga: z.looseObject({ globalNo: z.string(), state: sagaState, steps: z.array(z.looseObject({})).optional() }).meta({ id: 'SagaLog' }),
};
