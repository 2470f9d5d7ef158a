import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { Redis } from 'ioredis';
import { DEMO, loginVia, type Agent } from '../support/login';
import { startSystem, type RunningSystem } from './support/start-system';
import { validContract } from '../support/valid-contract';

const root = path.join(__dirname, '..', '..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two `npm start` systems on one machine and one Redis, told apart only by `START_BASE_PORT` (as
 * the README offers: "a second system beside the first"). Each must keep its own saga steps,
 * sessions, idempotency answers and data: before, both used the same streams, so one system's
 * participants took the other's saga steps and joined contracts of different customers, and an
 * `Idempotency-Key` used in one was "reused" in the other.
 */
describe('two npm start systems on one Redis', () => {
  const systems: RunningSystem[] = [];
  const agents: Agent[] = [];
  /** Each system's PC session cookie (name=value), as its login set it. */
  const sessionCookies: { name: string; value: string }[] = [];
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

  beforeAll(async () => {
    // One after the other: two systems starting at once on two cores may take longer than a start is given.
    for (let i = 0; i < 2; i++) systems.push(await startSystem({}, { ownPrefixes: false }));
    for (const system of systems) {
      const { bff, callback } = await loginVia(system.urls.pc, request.agent(system.urls.sso), system.urls.sso, DEMO);
      agents.push(bff);
      const set = ([] as string[]).concat(callback.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).find((c) => /^[^=]*\.sid[^=]*=/.test(c) && !/^[^=]*\.login=/.test(c));
      const [name, value] = (set ?? '=').split(/=(.*)/s);
      sessionCookies.push({ name, value });
    }
  }, 240_000);

  afterAll(async () => {
    for (const system of systems) system.kill();
    // What the two systems left: their data folders, and their Redis keys and streams.
    await redis.connect().catch(() => undefined);
    for (const system of systems) {
      fs.rmSync(path.join(root, 'data', `sys${system.base}`), { recursive: true, force: true });
      for (let cursor = '0'; ;) {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `sys${system.base}[:.]*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        if ((cursor = next) === '0') break;
      }
    }
    redis.disconnect();
  });

  /** Registers in event mode, waits for the saga's end, and returns the contract as that system composes it. */
  const registerByEvents = async (bff: Agent, contr: string, idempotencyKey: string) => {
    const ack = await bff.post('/api/contracts').set('X-CSRF', '1').set('Idempotency-Key', idempotencyKey).send({ contract: validContract({ contr }), mode: 'event' }).expect(202);
    let saga = { state: 'START', saPponContNo: 0 };
    for (let i = 0; i < 150 && saga.state === 'START'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      saga = (await bff.get(ack.headers.location).expect(200)).body;
    }
    return { state: saga.state, contract: (await bff.get(`/api/contracts/${saga.saPponContNo}`).expect(200)).body };
  };

  it("keeps each system's sagas to its own services, whatever the other does at the same time", async () => {
    const runs = await Promise.all(
      [0, 1, 2].flatMap((i) => agents.map((bff, s) => registerByEvents(bff, `System ${s} contract ${i}`, `same-key-${i}`))),
    );
    for (const [k, run] of runs.entries()) {
      const contr = `System ${k % 2} contract ${Math.floor(k / 2)}`;
      expect(run.state).toBe('END');
      // Every part of the contract is this system's own row of it, not another customer's.
      expect(run.contract.partial).toBe(false);
      expect(run.contract.ppon.contr).toBe(contr);
      expect(run.contract.inetaplca.contr).toBe(contr);
      expect(run.contract.inetaplca.saPponContNo).toBe(run.contract.ppon.saPponContNo);
      expect(run.contract.intelnet.contr).toBe(contr);
      expect(run.contract.intelnet.saPponContNo).toBe(run.contract.ppon.saPponContNo);
    }
  }, 90_000);

  it("never takes one system's session for the other's", async () => {
    const [first, second] = sessionCookies;
    expect(first.value).toBeTruthy();
    await request(systems[0].urls.pc).get('/bff/user').set('Cookie', `${first.name}=${first.value}`).expect(200);
    // The first system's session, handed to the second under the second's own cookie name (a
    // browser keeps cookies per host, not per port: both systems on localhost see both cookies).
    await request(systems[1].urls.pc).get('/bff/user').set('Cookie', `${second.name}=${first.value}`).expect(401);
  });

  it('gives each system a cookie of its own, so one browser stays signed in to both', () => {
    expect(sessionCookies[0].name).not.toBe(sessionCookies[1].name);
  });
});
