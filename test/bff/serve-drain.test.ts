import http from 'node:http';
import { serve } from '../../lib/http/serve';

/**
 * lib/http/serve.ts's drain, over real sockets: a request in flight when `close` starts finishes
 * (200, its connection closed after it), an event stream ends with a `reconnect` event and a short
 * `retry:` (the browser's EventSource reconnects, with Last-Event-ID, through the load balancer to
 * another instance), new connections are refused, and `close` resolves as soon as all of it is done.
 */
describe('serve(): close drains', () => {
  it('finishes what is in flight, ends event streams with a reconnect event, refuses new connections', async () => {
    let ticks = 0;
    const running = await serve((req, res) => {
      if (req.url === '/events') {
        // as Express does (res.set): a header given to writeHead alone is not readable back
        res.setHeader('content-type', 'text/event-stream');
        res.writeHead(200);
        res.write('retry: 2000\n\n');
        const timer = setInterval(() => !res.writableEnded && res.write(`id: ${++ticks}\nevent: tick\ndata: {}\n\n`), 50);
        res.once('close', () => clearInterval(timer));
        return;
      }
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('slow done'), 800);
    }, 0, '127.0.0.1');
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: running.port, path, agent }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        }).once('error', reject);
      });

    const stream = get('/events');
    await new Promise((r) => setTimeout(r, 200));
    const slow = get('/slow');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await running.close(10_000);
    const closedIn = Date.now() - t0;

    const events = await stream;
    expect(events.body).toMatch(/id: \d+\nevent: tick/);
    expect(events.body.endsWith('retry: 250\nevent: reconnect\ndata: {}\n\n')).toBe(true);
    const answer = await slow;
    expect(answer).toMatchObject({ status: 200, body: 'slow done' });
    expect(answer.headers.connection).toBe('close');
    // done when the work was, not when the grace period ran out
    expect(closedIn).toBeLessThan(2_000);
    await expect(get('/slow')).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });

  it('cuts what is still open once the grace period has passed', async () => {
    const running = await serve((_req, res) => void setTimeout(() => res.end('too late'), 5_000).unref(), 0, '127.0.0.1');
    const pending = fetch(`${running.url}/`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await running.close(300);
    expect(Date.now() - t0).toBeLessThan(1_500);
    await expect(pending).rejects.toThrow();
  });
});
