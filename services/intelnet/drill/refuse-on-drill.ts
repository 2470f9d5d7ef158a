import type { RequestHandler } from 'express';
import { AppError } from '../../../lib/errors/app-error';
import { mayDrill } from '../../../lib/contracts/contract-access';

/**
 * The source's compensation drill: `compensateYn: "Y"` makes MS3, the last step, fail on purpose
 * so that MS1 compensates. Refused outright (400) where drills are not allowed, and (403) for a user
 * who may not drill — the user MS1 acts for, or the caller itself.
 */
export function refuseOnDrill(drillsAllowed: boolean): RequestHandler {
  return (req, _res, next) => {
    const payload = (req.body as { intelnetContPayload: { compensateYn?: string } }).intelnetContPayload;
    if (payload.compensateYn !== 'Y') return next();
    if (!drillsAllowed) throw new AppError('DRILL_NOT_ALLOWED');
    if (!mayDrill((req.actor ?? req.identity)?.roles ?? [])) throw new AppError('FORBIDDEN', 'Only an operator may run a compensation drill');
    throw new AppError('DRILL_FAILURE');
  };
}
