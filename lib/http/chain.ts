import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Middlewares run in order as one Express layer. Each layer the router passes costs a path match
 * and, for a mounted one, rewriting `req.url` and `req.baseUrl` there and back; the edge and a
 * legacy row's checks are several small steps on every request (docs/benchmarks.md). An error, or a
 * rejected promise (Express 5 semantics), goes to `next`; a step that answers ends the chain.
 */
export function chain(...handlers: readonly RequestHandler[]): RequestHandler {
  if (handlers.length === 1) return handlers[0];
  return (req: Request, res: Response, next: NextFunction) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err === 'router' || err === 'route' ? undefined : err);
      if (i === handlers.length) return next();
      try {
        const result = handlers[i++](req, res, step);
        if (result instanceof Promise) result.then(undefined, next);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}
