import request from 'supertest';
import type { Kysely } from 'kysely';
import type { ServiceName } from '../../../config/service-config';
import { BUSINESS_COLUMNS } from '../../../services/platform/contracts/contract-table';
import type { AnyDb } from '../../../services/platform/db/create-database';
import { auth } from './service-harness';

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
  const ms1 = (await db('ppon').selectFrom(TABLES.ppon).selectAll().where('SA_PPON_CONT_NO', '=', saPponContNo).executeTakeFirst()) as Row | undefined;
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
