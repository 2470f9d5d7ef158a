import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../../../lib/errors/app-error';
import { mayDrill } from '../../../lib/contracts/contract-access';
import { errorCatalog } from '../../../lib/errors/catalog';
import { toServiceError } from '../../platform/http/to-service-error';
import { toFieldName } from '../../platform/contracts/column-case';
import { compensateYn, contractNo, modifyFields, registerFields, valuesOf } from '../../platform/contracts/contract-payload';
import type { CompensationOutcome, ContractStore } from '../../platform/contracts/contract-store';
import { GuardRefusal } from '../guard/saga-guard';
import type { ParticipantSteps } from '../domain/participant-steps';
import type { DocumentedRoute } from '../../../lib/openapi/api-route';
import { documentedRouter } from '../../../lib/openapi/documented-router';

export interface ParticipantRouteOptions {
  /** The source's request envelope, e.g. `inetaplcaContPayload`. */
  envelope: string;
  /** The saga steps, the same the bus consumer applies. */
  steps: ParticipantSteps;
}

type Payload = Record<string, unknown>;

/**
 * A saga participant's command side over HTTP (API mode): register and modify, committed as
 * `END`, and the compensations, each through the participant's steps. Every answer carries
 * `successYn`: "Y" on success and "N" on every failure (the source answered "Y" from one failure branch).
 */
export function participantRoutes(store: ContractStore, options: ParticipantRouteOptions, routes: DocumentedRoute[]) {
  const t = store.table;
  const ownField = toFieldName(t.key);
  const crossFields = t.crossKeys.map(toFieldName);
  const payloadOf = (body: unknown) => (body as Record<string, Payload>)[options.envelope];
  const body = <T extends z.ZodRawShape>(shape: T) => z.object({ [options.envelope]: z.object(shape) });
  /** The participant's answer: its own number and the cross numbers it holds. */
  const answered = z.looseObject({ successYn: z.literal('Y'), message: z.string(), [ownField]: contractNo.nullable(), ...Object.fromEntries(crossFields.map((f) => [f, contractNo.nullable()])) });
  const failures = { 400: 'VALIDATION_FAILED (with `successYn: "N"`)', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT / SAGA_IN_PROGRESS (a tombstone refuses a late step)' };
  const { steps } = options;
  const answer = (no: number | null, row: Payload | undefined) => ({
    successYn: 'Y',
    message: 'success',
    ...Object.fromEntries(crossFields.map((f) => [f, row?.[f] ?? null])),
    [ownField]: no,
  });
  const stepOf = (action: 'register' | 'modify', globalNo: string, payload: Payload) => ({
    action, globalNo, values: valuesOf(payload), saPponContNo: payload.saPponContNo as number, ownNo: payload[ownField] as number | undefined, compensateYn: payload.compensateYn as 'Y' | 'N' | undefined,
  });

  /** A drill fails on purpose: only an operator may ask for one (the user MS1 acts for, or the caller). */
  const refuseDrillFor = (req: Request, payload: Payload) => {
    if (steps.isDrill(payload.compensateYn as 'Y' | 'N' | undefined) && !mayDrill((req.actor ?? req.identity)?.roles ?? [])) {
      throw new AppError('FORBIDDEN', 'Only an operator may run a compensation drill');
    }
  };

  const { router, route } = documentedRouter(routes, '');
  const registerStep = body({ ...registerFields.shape, ...Object.fromEntries(crossFields.map((f) => [f, contractNo])), compensateYn });
  route({ method: 'post', path: '/cont/regSagaApi', summary: 'Saga step (API mode): register this part, committed END', request: { body: registerStep }, responses: { 201: { description: 'registered', schema: answered }, ...failures } }, async (req, res) => {
    const payload = payloadOf(req.body);
    refuseDrillFor(req, payload);
    const no = await store.write((w) => steps.apply(w, stepOf('register', req.globalNo, payload)));
    res.status(201).json(answer(no, payload));
  });
  const modifyStep = body({ ...modifyFields.shape, [ownField]: contractNo, compensateYn });
  route({ method: 'post', path: '/cont/amdSagaApi', summary: 'Saga step (API mode): modify this part, committed END', request: { body: modifyStep }, responses: { 200: { description: 'modified', schema: answered }, ...failures } }, async (req, res) => {
    refuseDrillFor(req, payloadOf(req.body));
    const no = await store.write((w) => steps.apply(w, stepOf('modify', req.globalNo, payloadOf(req.body))));
    res.json(answer(no, await store.find(no)));
  });
  /**
   * Compensations (MS2 and MS3 alike) act by globalNo: MS1 need not know our number, and one that
   * arrives before the step it undoes leaves a tombstone, so the late step is refused.
   */
  const compensation = (action: 'register' | 'modify'): RequestHandler => async (req, res) => {
    const named = payloadOf(req.body)[ownField] as number | undefined;
    const { outcome, no } = await store
      .write((w) => steps.compensate(w, { action, globalNo: req.globalNo, namedNo: named }))
      .catch((err: unknown) => {
        // Rolled back: a named contract that is not this saga's gets no tombstone either.
        if (err instanceof GuardRefusal) return { outcome: err.outcome, no: err.no };
        throw err;
      });
    failUnlessDone(outcome, no ?? named ?? 0, req.globalNo);
    res.json(answer(no, no === null ? undefined : await store.find(no)));
  };
  const undo = body({ [ownField]: contractNo.optional(), saPponContNo: contractNo.optional() });
  const undone = { 200: { description: 'compensated (or a tombstone left for a step not yet arrived)', schema: answered }, ...failures };
  // The source's spelling ("Conpensating"), which existing callers use.
  route({ method: 'post', path: '/cont/regSagaApiConpensating', summary: "Compensate this saga's registration (by globalNo)", request: { body: undo }, responses: undone }, compensation('register'));
  route({ method: 'post', path: '/cont/amdSagaApiConpensating', summary: "Compensate this saga's modification (by globalNo)", request: { body: undo }, responses: undone }, compensation('modify'));
  router.use(answerSagaFailure());
  return router;
}

function failUnlessDone(outcome: CompensationOutcome, no: number, globalNo: string): void {
  if (outcome === 'absent') throw new AppError('NOT_FOUND', `Contract ${no} has nothing to compensate`);
  if (outcome === 'foreign') throw new AppError('CONFLICT', `Contract ${no} is no longer in saga ${globalNo}`);
}

/** Problem documents from the saga endpoints also say `successYn: "N"` and `message`. */
function answerSagaFailure(): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    const known = toServiceError(err);
    const appError = known instanceof AppError ? known : new AppError('INTERNAL', undefined, {}, { cause: err });
    const message = appError.detail ?? errorCatalog[appError.code].title;
    next(new AppError(appError.code, appError.detail, { ...appError.extra, successYn: 'N', message }, { cause: appError.cause ?? err }));
  };
}
