import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { serve, type RunningServer } from '../../lib/http/serve';
import { freePort } from '../support/free-port';
import { launchChromium } from './support/browser';

/**
 * What the saga screen's EventSource (web/shared/saga-progress.tsx) does when the BFF instance its
 * stream runs on drains: two instances behind nginx, each served by lib/http/serve.ts; the one
 * holding the stream closes; Chromium's EventSource gets the `reconnect` event, reconnects through
 * nginx to the other instance within the short `retry:`, and sends the last id it had.
 */
const describeInBrowser = describe; // no Chromium fails the run, never skips it (test/support/no-skip-reporter.js)
jest.setTimeout(60_000);

describeInBrowser('a drained instance hands its event stream to the other one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sse-reconnect-'));
  let browser: Browser | undefined;
  let nginx: ChildProcess | undefined;
  const instances: RunningServer[] = [];
  afterAll(async () => {
    await browser?.close();
    nginx?.kill('SIGTERM');
    await Promise.all(instances.map((i) => i.close(0)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the browser reconnects to the other instance with Last-Event-ID', async () => {
    const seen: { instance: string; lastEventId: string | undefined }[] = [];
    const app = (name: string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      if (req.url !== '/events') {
        res.setHeader('content-type', 'text/html');
        return res.end('<!doctype html><title>sse</title><p>sse</p>');
      }
      const last = req.headers['last-event-id'] as string | undefined;
      seen.push({ instance: name, lastEventId: last });
      res.setHeader('content-type', 'text/event-stream');
      res.setHeader('x-accel-buffering', 'no');
      res.writeHead(200);
      res.write('retry: 2000\n\n');
      let n = last ? Number(last) : 0;
      const timer = setInterval(() => !res.writableEnded && res.write(`id: ${++n}\nevent: tick\ndata: ${JSON.stringify({ instance: name, n })}\n\n`), 100);
      res.once('close', () => clearInterval(timer));
    };
    instances.push(await serve(app('a'), 0, '127.0.0.1'), await serve(app('b'), 0, '127.0.0.1'));
    const front = await freePort();
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  upstream bff { server 127.0.0.1:${instances[0].port}; server 127.0.0.1:${instances[1].port}; }
  server { listen 127.0.0.1:${front}; location / { proxy_pass http://bff; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; proxy_next_upstream error timeout; } }
}
`,
    );
    nginx = spawn('/usr/sbin/nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', `${dir}/error.log`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await fetch(`http://127.0.0.1:${front}/`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${front}/`);
    await page.evaluate(() => {
      const w = window as unknown as { ticks: { instance: string; n: number }[]; reconnects: number };
      w.ticks = [];
      w.reconnects = 0;
      const source = new EventSource('/events');
      source.addEventListener('tick', (e) => w.ticks.push(JSON.parse((e).data)));
      source.addEventListener('reconnect', () => w.reconnects++);
    });
    await page.waitForFunction(() => (window as unknown as { ticks: unknown[] }).ticks.length >= 5);
    // the instance holding the stream drains: its stream ends with the reconnect event
    const [from, to] = seen[0].instance === 'a' ? ['a', 'b'] : ['b', 'a'];
    const t0 = Date.now();
    await instances[from === 'a' ? 0 : 1].close(5_000);
    await page.waitForFunction((other) => (window as unknown as { ticks: { instance: string }[] }).ticks.some((t) => t.instance === other), to, { timeout: 10_000 });
    const movedIn = Date.now() - t0;
    const { ticks, reconnects } = await page.evaluate(() => window as unknown as { ticks: { instance: string; n: number }[]; reconnects: number }).then(() =>
      page.evaluate(() => ({ ticks: (window as unknown as { ticks: { instance: string; n: number }[] }).ticks, reconnects: (window as unknown as { reconnects: number }).reconnects })),
    );
    const lastOfA = ticks.filter((t) => t.instance === from).at(-1)!;
    const firstOfB = ticks.find((t) => t.instance === to)!;
    console.log(`event stream moved from the drained instance to the other in ${movedIn} ms; last id on a ${lastOfA.n}, first on b ${firstOfB.n}`);
    expect(reconnects).toBe(1);
    expect(seen.at(-1)).toEqual({ instance: to, lastEventId: String(lastOfA.n) });
    expect(firstOfB.n).toBe(lastOfA.n + 1); // nothing lost, nothing replayed
    expect(movedIn).toBeLessThan(2_000); // the short retry, not the stream's own 2 s
  });
});
