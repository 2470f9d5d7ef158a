import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';

/**
 * Answers a request, or part of it, before Express sees it: true when it took the request. It may
 * hand it back later with `toExpress()` (once, and only if it has changed nothing on it yet).
 */
export type Claim = (req: IncomingMessage, res: ServerResponse, toExpress: () => void) => boolean;

type Handle = (this: Express, req: IncomingMessage, res: ServerResponse, callback?: unknown) => void;

/**
 * Puts `claim` in front of the app, on the app itself: every server or test client the app is
 * given to (`http.createServer(app)`, supertest) goes through it. What it takes skips Express's
 * per-request work — the prototype swap of req and res, the router's walk — which is a fifth of a
 * proxied request's CPU (docs/benchmarks.md). A mounted app (one called with a callback) is untouched.
 */
export function claimBeforeExpress(app: Express, claim: Claim): void {
  const target = app as unknown as { handle: Handle };
  const express = target.handle;
  target.handle = function handle(this: Express, req, res, callback) {
    let taken = false;
    if (callback === undefined) {
      try {
        taken = claim(req, res, () => express.call(app, req, res));
      } catch {
        // a claim that throws before taking the request leaves it to Express (its 500 if it throws there too)
      }
    }
    if (!taken) express.call(this, req, res, callback);
  };
}
