import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

/** Headers a middleware sets on every response, the same each time. */
export interface FixedHeaders {
  set: readonly (readonly [name: string, value: string | readonly string[]])[];
  /** Sets them (and removes those it removes) as the middleware would, without running it. */
  handler: RequestHandler;
}

function record(middleware: RequestHandler): { set: [string, string | string[]][]; removed: string[] } {
  const set: [string, string | string[]][] = [];
  const removed: string[] = [];
  const res = {
    setHeader: (name: string, value: string | string[]) => void set.push([name.toLowerCase(), value]),
    removeHeader: (name: string) => void removed.push(name.toLowerCase()),
    getHeader: () => undefined,
  };
  let called = false;
  middleware({ headers: {}, method: 'GET', url: '/' } as unknown as IncomingMessage as never, res as never, () => void (called = true));
  if (!called) throw new Error('the header middleware did not pass the request on');
  return { set, removed };
}

/**
 * A middleware that only sets constant headers (helmet with static options), run once at start-up
 * against a recorder; each request then gets the recorded headers set directly. helmet() does the
 * same work on every request — 4.5 % of a proxied request's CPU in the profile (docs/benchmarks.md).
 * Refuses a middleware whose headers differ between two runs (a nonce, say): it is not constant.
 */
export function fixedHeaders(middleware: RequestHandler): FixedHeaders {
  const first = record(middleware);
  if (JSON.stringify(first) !== JSON.stringify(record(middleware))) throw new Error('the header middleware does not set constant headers');
  const { set, removed } = first;
  return {
    set,
    handler: (_req, res, next) => {
      for (const name of removed) res.removeHeader(name);
      for (const [name, value] of set) res.setHeader(name, value);
      next();
    },
  };
}
