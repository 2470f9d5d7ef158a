/**
 * Fault soak of the sagas (docs/sagas.md#fault-soak), bench-style (not a jest test): the three services as real
 * child processes, N sagas (register and modify, several per contract, API and broker mode, a few
 * drills) from concurrent clients while a fault loop freezes (SIGSTOP) and kills (SIGKILL) the
 * participants and MS1 and restarts them, and the relays publish some events twice and hold some
 * back. Then the faults stop, the run waits for quiescence (no saga START or COMPENSATING) and runs
 * the consistency checker over the three databases. Prints ended / cancelled / still compensating /
 * stuck past deadline / inconsistent and the sagas per second. Goal: 0 inconsistent, 0 stuck.
 *
 *   npm run soak:saga -- [--n 1000] [--db sqlite|mariadb] [--concurrency 12] [--seed 1] [--quiesce-seconds 300] [--instances 2] [--bus redis|kafka]
 *
 * `--instances 2`: two processes of every service on one database each and one bus
 * (test/services/support/replica-harness.ts); clients spread over the MS1s, and each fault hits one
 * process, the other of its service going on. `--bus kafka` (with `--instances 2` or more): the
 * broker mode on Kafka (127.0.0.1:9092; `npm run infra:kafka`) instead of Redis Streams.
 *
 * Needs Redis on 127.0.0.1:6379 (and MariaDB on :3306 for --db mariadb); this run's databases,
 * files and streams are deleted afterwards.
 */
import { sql } from 'kysely';
import request from 'supertest';
import type { ServiceName } from '../config/service-config';
import { checkConsistency, formatReport } from '../scripts/check-consistency';
import { seededRandom } from '../services/platform/events/fault-hooks';
import { startServiceProcesses } from '../test/services/support/process-harness';
import { startReplicas } from '../test/services/support/replica-harness';
import type { Kysely } from 'kysely';
import type { AnyDb } from '../services/platform/db/create-database';
import { auth, dropTestData, type BusKind, type DbKind } from '../test/services/support/service-harness';
import { cardNumber, serviceNumber } from '../test/support/valid-contract';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('n', '1000'));
const DB = arg('db', 'sqlite') as DbKind;
const CONCURRENCY = Number(arg('concurrency', '12'));
const SEED = Number(arg('seed', String(Date.now() % 100_000)));
const QUIESCE_SECONDS = Number(arg('quiesce-seconds', '300'));
const INSTANCES = Number(arg('instances', '1'));
const BUS = arg('bus', 'redis') as BusKind;
if (BUS !== 'redis' && BUS !== 'kafka') throw new Error('--bus is redis or kafka');
if (BUS === 'kafka' && INSTANCES < 2) throw new Error('--bus kafka runs with --instances 2 or more');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SETTINGS = {
  LOG_LEVEL: 'error',
  PARTICIPANT_TIMEOUT_MS: '1000',
  SAGA_DEADLINE_MS: '3000',
  SAGA_SWEEP_MS: '250',
  COMPENSATION_RETRIES: '1',
  COMPENSATION_BACKOFF_MS: '100',
  COMPENSATION_BACKOFF_MAX_MS: '2000',
  EVENT_REDELIVER_MS: '1000',
  OUTBOX_POLL_MS: '100',
  FAULT_DUPLICATE_RATE: '0.1',
  FAULT_DELAY_RATE: '0.003',
  FAULT_DELAY_MS: '1000',
};

/** What the soak does to the services, for one process of each or for replicas (one process of a service per fault). */
interface Target {
  ms1Url(i: number): string;
  db(name: ServiceName): Kysely<AnyDb>;
  freeze(name: ServiceName, which: number): () => void;
  kill(name: ServiceName, which: number): Promise<() => Promise<unknown>>;
  close(): Promise<void>;
}

async function startTarget(settings: Record<string, string>): Promise<Target> {
  if (INSTANCES <= 1) {
    const s = await startServiceProcesses(DB, { tag: 'soak', all: settings });
    return {
      ms1Url: () => s.ppon.url,
      db: (name) => s.db(name),
      freeze: (name) => (s.freeze(name), () => s.thaw(name)),
      kill: async (name) => (await s.kill(name), () => s.restart(name)),
      close: () => s.close(),
    };
  }
  const r = await startReplicas(DB, { bus: BUS, tag: 'soak', count: INSTANCES, all: settings });
  const at = (name: ServiceName, which: number) => r.replicas(name)[which % INSTANCES];
  return {
    ms1Url: (i) => at('ppon', i).url,
    db: (name) => r.database(name).db,
    freeze: (name, which) => {
      const replica = at(name, which);
      r.freeze(replica);
      return () => r.thaw(replica);
    },
    kill: async (name, which) => {
      const replica = at(name, which);
      await r.kill(replica);
      return () => r.restart(replica);
    },
    close: () => r.close(),
  };
}

interface Tally { accepted: number; api: number; broker: number; modify: number; refused: Record<string, number> }

async function main() {
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  console.log(`soak: ${N} sagas on ${DB}, ${INSTANCES} process(es) of each service, bus ${BUS}, concurrency ${CONCURRENCY}, seed ${SEED}`);
  const s = await startTarget({ ...SETTINGS, FAULT_SEED: String(SEED) });
  const contracts: number[] = [];
  const tally: Tally = { accepted: 0, api: 0, broker: 0, modify: 0, refused: {} };
  const refuse = (why: string) => (tally.refused[why] = (tally.refused[why] ?? 0) + 1);
  let faulting = true;
  const faultLog: string[] = [];

  /** One saga request; refusals (locked contract, MS1 down) do not count as sagas. */
  const one = async (i: number) => {
    const broker = random() < 0.5;
    const drill = random() < 0.05 ? 'Y' : undefined;
    const reg = contracts.length < 5 || random() < 0.3;
    const payload = reg
      ? { contr: `Soak ${i}`, payr: `Payer ${i}`, svcNo: serviceNumber(i), cardNo: cardNumber(i), mkerId: 'soak', compensateYn: drill }
      : { saPponContNo: pick(contracts), payr: `Payer ${i}`, rack: `Rack ${i}`, amdrId: 'soak', compensateYn: drill };
    const path = `/cont/${reg ? 'reg' : 'amd'}${broker ? 'Pubsub' : 'SagaApi'}`;
    let res;
    try {
      res = await request(s.ms1Url(i)).post(path).set(auth()).timeout(30_000).send({ pponContPayload: payload });
    } catch {
      refuse('MS1 unreachable');
      await sleep(200);
      return;
    }
    const { code, saPponContNo } = res.body as { code?: string; saPponContNo?: unknown };
    if (res.status === 202 || res.status < 300 || ['SAGA_CANCELLED', 'SAGA_COMPENSATION_FAILED'].includes(code ?? '')) {
      tally.accepted++;
      if (broker) tally.broker++;
      else tally.api++;
      if (!reg) tally.modify++;
      if (reg && typeof saPponContNo === 'number' && (res.status === 201 || res.status === 202)) contracts.push(saPponContNo);
      return;
    }
    refuse(code ?? `HTTP ${res.status}`);
    // A cancelled registration cannot be modified: no longer a target.
    if (code === 'CONFLICT' && !reg) contracts.splice(contracts.indexOf(payload.saPponContNo as number), 1);
    if (res.status >= 500) await sleep(100);
  };

  const faults = async () => {
    while (faulting) {
      await sleep(500 + random() * 1500);
      if (!faulting) break;
      // Every fourth fault is on MS1 (killed: it is the orchestrator whose death matters), the rest on a participant.
      const target: ServiceName = faultLog.length % 4 === 3 ? 'ppon' : pick(['inetaplca', 'intelnet']);
      const what = target === 'ppon' ? 'kill' : pick(['freeze', 'freeze', 'kill']);
      const ms = Math.round(500 + random() * (what === 'freeze' ? 5000 : 2000));
      const which = Math.floor(random() * INSTANCES);
      faultLog.push(`${what} ${target}${INSTANCES > 1 ? `#${which}` : ''} ${ms}ms`);
      try {
        if (what === 'freeze') {
          const thaw = s.freeze(target, which);
          await sleep(ms);
          thaw();
        } else {
          const restart = await s.kill(target, which);
          await sleep(ms);
          await restart();
        }
      } catch (err) {
        console.error(`fault ${what} ${target} failed: ${(err as Error).message}`);
      }
    }
  };

  const started = performance.now();
  const faultLoop = faults();
  let next = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (tally.accepted < N) await one(next++);
  });
  await Promise.all(workers);
  const loadSeconds = (performance.now() - started) / 1000;
  faulting = false;
  await faultLoop;

  // Quiescence: no saga left START or COMPENSATING (or the bound).
  const quiet = performance.now();
  const open = async () =>
    Number(((await s.db('ppon').selectFrom('SA_SAGA').select(sql<number>`count(*)`.as('n')).where('STATE', 'in', ['START', 'COMPENSATING']).executeTakeFirst()) as { n: number }).n);
  while ((await open()) > 0 && performance.now() - quiet < QUIESCE_SECONDS * 1000) await sleep(500);
  const quiesceSeconds = (performance.now() - quiet) / 1000;

  const states = (await s.db('ppon').selectFrom('SA_SAGA').select(['STATE', sql<number>`count(*)`.as('n')]).groupBy('STATE').execute()) as unknown as { STATE: string; n: number }[];
  const count = (state: string) => Number(states.find((r) => r.STATE === state)?.n ?? 0);
  const report = await checkConsistency({ ppon: s.db('ppon'), inetaplca: s.db('inetaplca'), intelnet: s.db('intelnet') });
  const total = states.reduce((sum, r) => sum + Number(r.n), 0);

  console.log(formatReport(report));
  console.log(`faults: ${faultLog.length} (${faultLog.filter((f) => f.startsWith('freeze')).length} freezes, ${faultLog.filter((f) => f.startsWith('kill')).length} kills; ${faultLog.filter((f) => f.includes('ppon')).length} on MS1)`);
  console.log(`refused (not sagas): ${JSON.stringify(tally.refused)}`);
  console.log(
    `| ${DB}${INSTANCES > 1 ? ` ×${INSTANCES}` : ''} | ${total} (${tally.api} API, ${tally.broker} broker; ${tally.modify} modify) | ${count('END')} | ${count('CANCEL')} | ${count('COMPENSATING')} | ${report.pastDeadline} | ${report.inconsistent.length} | ${(tally.accepted / loadSeconds).toFixed(1)} | ${quiesceSeconds.toFixed(1)} s |`,
  );
  await s.close();
  await dropTestData();
  process.exitCode = report.inconsistent.length > 0 || report.pastDeadline > 0 || count('START') + count('COMPENSATING') > 0 ? 1 : 0;
}

main().catch(async (err: unknown) => {
  console.error(err);
  await dropTestData().catch(() => undefined);
  process.exit(2);
});
