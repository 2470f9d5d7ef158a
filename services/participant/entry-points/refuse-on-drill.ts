import type { RequestHandler } from 'express';
import { AppError } from '../../../lib/errors/app-error';

/**
 * The source's compensation drill: `compensateYn: "Y"` makes MS3, the last step, fail on purpose
 * so that MS1 compensates. Refused outright (400) where drills are not allowed.
 */
export function refuseOnDrill(drillsAllowed: boolean): RequestHandler {
  return (req, _res, next) => {
    const payload = (req.body as { intelnetContPayload: { compensateYn?: string } }).intelnetContPayload;
    if (payload.compensateYn !== 'Y') return next();
    throw drillsAllowed ? new AppError('DRILL_FAILURE') : new AppError('DRILL_NOT_ALLOWED');
  };
}
