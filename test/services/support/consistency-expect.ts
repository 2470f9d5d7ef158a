import request from 'supertest';
import type { Kysely } from 'kysely';
import type { ServiceName } from '../../../config/service-config';
import { BUSINESS_COLUMNS } from '../../../services/platform/contracts/contract-table';
import type { AnyDb } from '../../../services/platform/db/create-database';
import { auth, busBacklog, type BusKind } from './service-harness';

type Row = Record<string, unknown>;
const TABLES: Record<ServiceName, string> = { ppon: 'SA_PPON_CONT', inetaplca: 'SA_INETAPLCA_CONT', intelnet: 'SA_INTELNET_CONT' };
export const business = (row: Row | undefined) => row && Object.fromEntries(BUSINESS_COLUMNS.map((c) => [c, row[c] ?? null]));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy, or fails naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`still waiting after ${timeoutMs} ms for ${what}`);
    await sleep(everyMs);
  }
}

/** Waits until the saga is neither running nor compensating (old or new vocabulary), returns its log. */
export function settled(ppon: { url: string }, globalNo: string, timeoutMs = 30_000) {
  return waitFor(`saga ${globalNo} to settle`, async () => {
    const res = await request(ppon.url).get(`/sagas/${globalNo}`).set(auth());
    return res.status === 200 && !['START', 'COMPENSATING'].includes(res.body.state) ? (res.body as { state: string; steps: { participant: string; action: string; outcome: string }[] } & Row) : undefined;
  }, timeoutMs);
}

/**
 * What "the three services agree" means for one contract, read from the three databases: MS1's row
 * is not left START; a cancelled registration has no live row anywhere; a live contract has exactly
 * one live row in MS2 and MS3, pointing at it, with MS1's business values.
 */
export async function agreement(db: (name: ServiceName) => Kysely<AnyDb>, saPponContNo: number): Promise<string[]> {
  const problems: string[] = [];
  const ms1 = await db('ppon').selectFrom(TABLES.ppon).selectAll().where('SA_PPON_CONT_NO', '=', saPponContNo).executeTakeFirst();
  if (!ms1) return [`MS1 has no contract ${saPponContNo}`];
  if (ms1.TRANSAC_STTUS === 'START') problems.push('MS1 row still START');
  for (const name of ['inetaplca', 'intelnet'] as const) {
    const rows = (await db(name).selectFrom(TABLES[name]).selectAll().where('SA_PPON_CONT_NO', '=', saPponContNo).execute()) as Row[];
    const live = rows.filter((r) => r.DEL_YN === 'N');
    if (ms1.DEL_YN === 'Y') {
      if (live.length > 0) problems.push(`${name} keeps a live row (${live.map((r) => r.TRANSAC_NO).join(', ')}) for a cancelled contract`);
      continue;
    }
    if (live.length !== 1) {
      problems.push(`${name} has ${live.length} live rows`);
      continue;
    }
    const mine = JSON.stringify(business(ms1));
    const theirs = JSON.stringify(business(live[0]));
    if (mine !== theirs) problems.push(`${name} says ${theirs} where MS1 says ${mine}`);
  }
  return problems;
}

const SERVICES: ServiceName[] = ['ppon', 'inetaplca', 'intelnet'];
const count = async (query: Promise<unknown>) => Number(((await query) as { N: number | string } | undefined)?.N ?? 0);

/** What is still to do, read from the services' own databases and the bus; [] when nothing is. */
async function unfinished(db: (name: ServiceName) => Kysely<AnyDb>, bus?: { kind: BusKind; prefix: string }): Promise<string[]> {
  const left: string[] = [];
  for (const name of SERVICES) {
    const unsent = await count(db(name).selectFrom('SA_OUTBOX').select((eb) => eb.fn.countAll().as('N')).where('SENT_AT', 'is', null).executeTakeFirst());
    if (unsent > 0) left.push(`${name}: ${unsent} outbox events unsent`);
  }
  const open = await count(db('ppon').selectFrom('SA_SAGA').select((eb) => eb.fn.countAll().as('N')).where('STATE', 'in', ['START', 'COMPENSATING']).executeTakeFirst());
  if (open > 0) left.push(`${open} sagas open`);
  const pending = await count(db('ppon').selectFrom('SA_SAGA').select((eb) => eb.fn.countAll().as('N')).where('AWAITING', 'is not', null).executeTakeFirst());
  if (pending > 0) left.push(`${pending} saga replies pending`);
  if (bus) {
    const backlog = await busBacklog(bus.kind, { prefix: bus.prefix });
    if (backlog > 0) left.push(`${backlog} messages not yet handled on the bus`);
  }
  return left;
}

/** Every contract row and saga state of the three databases: unchanged between two looks means no late write is landing. */
async function snapshot(db: (name: ServiceName) => Kysely<AnyDb>): Promise<string> {
  const rows = await Promise.all(SERVICES.map((name) => db(name).selectFrom(TABLES[name]).selectAll().execute()));
  const sagas = await db('ppon').selectFrom('SA_SAGA').select(['GLOBAL_NO', 'STATE']).execute();
  return JSON.stringify([rows, sagas]);
}

/**
 * Waits for quiescence: every outbox drained, no saga open, no reply pending, nothing left on the
 * bus (broker mode), and the three databases unchanged across `stableMs` (a participant thawed
 * from a freeze may still be committing a request it took before). A consistency check made
 * after this cannot be beaten by a late commit that a fixed sleep would let through.
 */
export async function quiescent(db: (name: ServiceName) => Kysely<AnyDb>, bus?: { kind: BusKind; prefix: string }, timeoutMs = 60_000, stableMs = 700): Promise<void> {
  const until = Date.now() + timeoutMs;
  let before = '';
  let left: string[];
  for (;;) {
    left = await unfinished(db, bus);
    const now = left.length === 0 ? await snapshot(db) : '';
    if (now !== '' && now === before) return;
    before = now;
    if (Date.now() > until) throw new Error(`not quiescent after ${timeoutMs} ms: ${left.join('; ') || 'the databases keep changing'}`);
    await sleep(stableMs);
  }
}

/** The three agree at quiescence, and still agree a moment later (nothing was still on its way). */
export async function agreementAtRest(db: (name: ServiceName) => Kysely<AnyDb>, saPponContNo: number, bus?: { kind: BusKind; prefix: string }): Promise<string[][]> {
  await quiescent(db, bus);
  const first = await agreement(db, saPponContNo);
  await sleep(1000);
  await quiescent(db, bus);
  return [first, await agreement(db, saPponContNo)];
}
