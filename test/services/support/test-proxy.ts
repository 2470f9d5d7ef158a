import express from 'express';
import { serve, type RunningServer } from '../../../lib/http/serve';

export interface ProxyBehaviour {
  /** Answer 503 (no saga answer) to the first `times` calls of `path`. */
  failFirst?: { path: string; times: number };
  /** Hold calls of `path` for `ms` before forwarding; dropped if the caller gives up first. */
  delay?: { path: string; ms: number };
}

/**
 * A real HTTP hop in front of a real service that misbehaves on purpose: the participant's
 * failure or slowness as MS1 sees it, without touching our own modules.
 */
export async function startTestProxy(target: string, behaviour: ProxyBehaviour): Promise<RunningServer & { calls(path: string): number }> {
  const counts = new Map<string, number>();
  const app = express();
  app.use(express.json());
  app.post('/{*rest}', async (req, res) => {
    const n = (counts.get(req.path) ?? 0) + 1;
    counts.set(req.path, n);
    if (behaviour.failFirst?.path === req.path && n <= behaviour.failFirst.times) {
      res.status(503).json({ error: 'injected failure' });
      return;
    }
    if (behaviour.delay?.path === req.path) {
      const gaveUp = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), behaviour.delay?.ms);
        res.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (gaveUp) return;
    }
    const upstream = await fetch(target + req.originalUrl, {
      method: 'POST',
      // the caller's identity goes along (docs/identity.md#who-may-call-the-contract-services): MS1's token and the user it acts for
      headers: { 'content-type': 'application/json', 'x-global-no': req.get('x-global-no') ?? '', authorization: req.get('authorization') ?? '', 'x-acting-user': req.get('x-acting-user') ?? '' },
      body: JSON.stringify(req.body),
    });
    res.status(upstream.status).type(upstream.headers.get('content-type') ?? 'application/json').send(await upstream.text());
  });
  const server = await serve(app, 0);
  return { ...server, calls: (p) => counts.get(p) ?? 0 };
}
