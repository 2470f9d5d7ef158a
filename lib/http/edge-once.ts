import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

const RAN = Symbol('edge steps ran');
type Marked = IncomingMessage & { [RAN]?: true };

/**
 * Marks a request whose per-request edge steps (request log, metrics) already ran before Express
 * saw it: the legacy rows' fast path starts them when it takes a request, so the log's and the
 * metrics' timing include the session read, and a client that leaves during it is logged; a
 * request it then hands to Express must not get them twice.
 */
export function markEdgeRan(req: IncomingMessage): void {
  (req as Marked)[RAN] = true;
}

/** `step`, except for a request whose edge steps already ran. */
export function unlessEdgeRan(step: RequestHandler): RequestHandler {
  return (req, res, next) => ((req as unknown as Marked)[RAN] ? next() : step(req, res, next));
}
