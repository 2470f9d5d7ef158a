import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import request from 'supertest';
import { DEMO, loginVia } from '../support/login';

const root = path.join(__dirname, '..', '..');

/**
 * What a newcomer does: `npm start`, log in as demo on http://localhost:3000, use a screen, Ctrl-C.
 * Uses the fixed ports of `npm start` (3000, 3001, 9000, 8081–8083, 8090): they must be free.
 */
describe('npm start: the whole system on one machine', () => {
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-all.ts'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not up after 60 s:\n${output}`)), 60_000);
      const collect = (c: Buffer) => {
        output += c.toString();
        if (output.includes('The contract BFF system is up')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('exit', (code) => reject(new Error(`npm start exited ${code}:\n${output}`)));
    });
  }, 70_000);

  afterAll(() => {
    // its own process group: a failed test must not leave the services holding the ports
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  });

  it('prints the URLs and the demo login', () => {
    for (const text of ['http://localhost:3000', 'http://localhost:3001', 'http://localhost:9000', 'http://localhost:8081', 'demo / demo1234']) expect(output).toContain(text);
  });

  it('lets demo log in on the PC app and register a contract through the whole system', async () => {
    const { bff } = await loginVia('http://localhost:3000', request.agent('http://localhost:9000'), 'http://localhost:9000', DEMO);
    expect((await bff.get('/bff/user').expect(200)).body.sub).toBe('demo');
    const created = await bff.post('/api/contracts').set('X-CSRF', '1').send({ contract: { contr: 'npm start smoke test' } }).expect(201);
    const view = await bff.get(`/api/contracts/${created.body.saPponContNo}`).expect(200);
    expect(view.body.partial).toBe(false);
    // event mode across the separate service processes (Redis Streams when Redis answers)
    const ack = await bff.post('/api/contracts').set('X-CSRF', '1').send({ contract: { contr: 'npm start event mode' }, mode: 'event' }).expect(202);
    let state = 'START';
    for (let i = 0; i < 100 && state === 'START'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await bff.get(ack.headers.location).expect(200)).body.state;
    }
    expect(state).toBe('END');
  });

  it('stops every process on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const port of [3000, 3001, 9000, 8081]) {
      await expect(fetch(`http://localhost:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
    }
  }, 20_000);
});
