/**
 * `npm run check:consistency`: reads the three services' databases through their configured URLs
 * (the services' own config loader: PPON_DB_KIND, PPON_MARIADB_URL, PPON_SQLITE_FILE, … for each
 * service) and lists every contract whose three rows disagree with its last terminal saga. Exits 1
 * if there is one, 0 otherwise. Contracts whose last saga is still START or COMPENSATING are
 * counted as open, not judged.
 */
import type { Kysely } from 'kysely';
import { loadServiceConfig, SERVICE_NAMES, type ServiceName } from '../config/service-config';
import { BUSINESS_COLUMNS } from '../services/platform/contracts/contract-table';
import { createDatabase, type AnyDb, type ServiceDatabase } from '../services/platform/db/create-database';

type Row = Record<string, unknown>;

export interface Disagreement {
  saPponContNo: number;
  globalNo: string | null;
  state: string | null;
  problems: string[];
}

export interface ConsistencyReport {
  contracts: number;
  /** Contracts whose last saga has not ended (START or COMPENSATING). */
  open: number;
  /** Sagas still START past their deadline (stuck: recovery should have moved them). */
  pastDeadline: number;
  inconsistent: Disagreement[];
}

const TABLE: Record<ServiceName, string> = { ppon: 'SA_PPON_CONT', inetaplca: 'SA_INETAPLCA_CONT', intelnet: 'SA_INTELNET_CONT' };
const business = (row: Row) => JSON.stringify(BUSINESS_COLUMNS.map((c) => row[c] ?? null));

/** The rules, on rows already read: pure, so the soak and the test can call it. */
export async function checkConsistency(db: Record<ServiceName, Kysely<AnyDb>>, now = new Date()): Promise<ConsistencyReport> {
  const ms1: Row[] = await db.ppon.selectFrom(TABLE.ppon).selectAll().execute();
  const sagas: Row[] = await db.ppon.selectFrom('SA_SAGA').select(['GLOBAL_NO', 'SA_PPON_CONT_NO', 'KIND', 'STATE', 'STARTED_AT', 'DEADLINE_AT']).orderBy('STARTED_AT').execute();
  const byContract = new Map<number, Row[]>();
  for (const saga of sagas) {
    const no = Number(saga.SA_PPON_CONT_NO);
    byContract.set(no, [...(byContract.get(no) ?? []), saga]);
  }
  const participantRows = async (name: 'inetaplca' | 'intelnet') => {
    const rows: Row[] = await db[name].selectFrom(TABLE[name]).selectAll().execute();
    const map = new Map<number, Row[]>();
    for (const row of rows) map.set(Number(row.SA_PPON_CONT_NO), [...(map.get(Number(row.SA_PPON_CONT_NO)) ?? []), row]);
    return map;
  };
  const ms2 = await participantRows('inetaplca');
  const ms3 = await participantRows('intelnet');
  const report: ConsistencyReport = {
    contracts: ms1.length,
    open: 0,
    pastDeadline: sagas.filter((s) => s.STATE === 'START' && s.DEADLINE_AT && new Date(s.DEADLINE_AT as string) < now).length,
    inconsistent: [],
  };
  const known = new Set<number>();

  for (const r1 of ms1) {
    const no = Number(r1.SA_PPON_CONT_NO);
    known.add(no);
    const history = byContract.get(no) ?? [];
    const last = history[history.length - 1];
    if (last && (last.STATE === 'START' || last.STATE === 'COMPENSATING')) {
      report.open++;
      continue;
    }
    const terminal = [...history].reverse().find((s) => s.STATE === 'END' || s.STATE === 'CANCEL');
    const problems: string[] = [];
    const rows = { inetaplca: ms2.get(no) ?? [], intelnet: ms3.get(no) ?? [] };
    if (history.some((s) => s.STATE !== 'END' && s.STATE !== 'CANCEL' && s !== last)) problems.push('an earlier saga of this contract never ended');
    if (r1.TRANSAC_STTUS === 'START') problems.push('MS1 row is START with no saga running');
    if (terminal && r1.TRANSAC_NO !== terminal.GLOBAL_NO) problems.push(`MS1 row carries ${String(r1.TRANSAC_NO)}, not its last saga ${String(terminal.GLOBAL_NO)}`);

    if (r1.DEL_YN === 'Y') {
      if (terminal && !(terminal.KIND === 'reg' && terminal.STATE === 'CANCEL')) problems.push('MS1 row deleted though its last saga is not a cancelled registration');
      for (const name of ['inetaplca', 'intelnet'] as const) {
        const live = rows[name].filter((r) => r.DEL_YN === 'N');
        if (live.length > 0) problems.push(`${name} keeps ${live.length} live row(s) for a cancelled contract`);
      }
    } else {
      if (terminal?.KIND === 'reg' && terminal.STATE === 'CANCEL') problems.push('registration cancelled but MS1 row is live');
      const expectedStatus = terminal?.STATE === 'END' ? 'END' : 'CANCEL';
      if (terminal && r1.TRANSAC_STTUS !== expectedStatus) problems.push(`MS1 row is ${String(r1.TRANSAC_STTUS)} after a saga ${String(terminal.STATE)}`);
      for (const name of ['inetaplca', 'intelnet'] as const) {
        const live = rows[name].filter((r) => r.DEL_YN === 'N');
        const cross = name === 'inetaplca' ? 'SA_INETAPLCA_CONT_NO' : 'SA_INTELNET_CONT_NO';
        if (live.length !== 1) {
          problems.push(`${name} has ${live.length} live rows`);
          continue;
        }
        const [r] = live;
        if (r1[cross] !== r[cross]) problems.push(`MS1 names ${name} contract ${String(r1[cross])}, the live one is ${String(r[cross])}`);
        if (business(r) !== business(r1)) problems.push(`${name} values differ from MS1's`);
        if (terminal?.STATE === 'END' && (r.TRANSAC_NO !== terminal.GLOBAL_NO || r.TRANSAC_STTUS !== 'END')) problems.push(`${name} row is not the END of saga ${String(terminal.GLOBAL_NO)}`);
        if (terminal?.STATE === 'CANCEL' && r.TRANSAC_NO === terminal.GLOBAL_NO && r.TRANSAC_STTUS !== 'CANCEL') problems.push(`${name} kept the cancelled saga's change`);
      }
    }
    if (problems.length > 0) {
      report.inconsistent.push({ saPponContNo: no, globalNo: (terminal?.GLOBAL_NO as string) ?? null, state: (terminal?.STATE as string) ?? null, problems });
    }
  }
  for (const [name, map] of [['inetaplca', ms2], ['intelnet', ms3]] as const) {
    for (const [no, rows] of map) {
      if (!known.has(no) && rows.some((r) => r.DEL_YN === 'N')) report.inconsistent.push({ saPponContNo: no, globalNo: null, state: null, problems: [`${name} has a live row for MS1 contract ${no}, which does not exist`] });
    }
  }
  return report;
}

/** Opens the three databases as the services would (no migration: read only), from `env`. */
export async function openServiceDatabases(env: Record<string, string | undefined> = process.env): Promise<Record<ServiceName, ServiceDatabase>> {
  const open = {} as Record<ServiceName, ServiceDatabase>;
  for (const name of SERVICE_NAMES) {
    const config = loadServiceConfig(name, env);
    open[name] = await createDatabase({ kind: config.dbKind, sqliteFile: config.sqliteFile, mariadbUrl: config.mariadbUrl });
  }
  return open;
}

export function formatReport(report: ConsistencyReport): string {
  const lines = report.inconsistent.map((d) => `contract ${d.saPponContNo} (last saga ${d.globalNo ?? '-'} ${d.state ?? '-'}): ${d.problems.join('; ')}`);
  lines.push(`${report.contracts} contracts, ${report.open} with a saga still open, ${report.pastDeadline} sagas START past their deadline, ${report.inconsistent.length} inconsistent`);
  return lines.join('\n');
}

if (require.main === module) {
  void (async () => {
    const databases = await openServiceDatabases();
    try {
      const report = await checkConsistency({ ppon: databases.ppon.db, inetaplca: databases.inetaplca.db, intelnet: databases.intelnet.db });
      console.log(formatReport(report));
      process.exitCode = report.inconsistent.length > 0 ? 1 : 0;
    } finally {
      for (const database of Object.values(databases)) await database.close();
    }
  })().catch((err: unknown) => {
    console.error(`check:consistency failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  });
}
