import { Writable } from 'node:stream';
import express, { Router } from 'express';
import request from 'supertest';
import { createLogger, requestLogger } from '../../lib/http/logger';
import { assignGlobalNo } from '../../lib/http/global-no';

describe('request logger: one line per request, req.log tagged with globalNo and path', () => {
  const appAt = (level: string) => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
    const app = express().use(requestLogger(createLogger({ name: 't', level }, sink)), assignGlobalNo());
    const nested = Router().get('/deep', (req, res) => {
      req.log.info({ note: 1 }, 'inside');
      res.json({ ok: true });
    });
    app.use('/mounted', nested);
    app.get('/boom', (_req, res) => void res.status(503).json({}));
    app.get('/healthz', (_req, res) => void res.json({}));
    return { app, lines };
  };

  it('writes the completion line with status and time, and req.log lines carry globalNo and the full path', async () => {
    const { app, lines } = appAt('info');
    await request(app).get('/mounted/deep?code=secret').set('x-global-no', 'LOGGER-TEST-01').expect(200);
    const mine = lines.filter((l) => l.globalNo === 'LOGGER-TEST-01');
    expect(mine.map((l) => l.msg)).toEqual(['inside', 'request completed']);
    for (const l of mine) expect(l.req).toEqual({ method: 'GET', path: '/mounted/deep' });
    expect(mine[1]).toMatchObject({ level: 30, res: { statusCode: 200 } });
    expect(typeof mine[1].responseTime).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('logs a 5xx at error level, skips probes, and writes nothing below its level', async () => {
    const info = appAt('info');
    await request(info.app).get('/boom').set('x-global-no', 'LOGGER-TEST-02').expect(503);
    await request(info.app).get('/healthz').expect(200);
    expect(info.lines).toHaveLength(1);
    expect(info.lines[0]).toMatchObject({ level: 50, msg: 'request errored', globalNo: 'LOGGER-TEST-02', res: { statusCode: 503 } });
    expect((info.lines[0].err as { message: string }).message).toBe('failed with status code 503');

    const warn = appAt('warn');
    await request(warn.app).get('/mounted/deep').expect(200);
    await request(warn.app).get('/boom').expect(503);
    expect(warn.lines.map((l) => l.msg)).toEqual(['request errored']);
  });
});
