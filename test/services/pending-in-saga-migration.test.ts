import { createDatabase, type ServiceDatabase } from '../../services/platform/db/create-database';
import { runMigrations } from '../../services/platform/db/run-migrations';
import { pponMigrations } from '../../services/ppon/migrations';
import { createPendingSagas } from '../../services/orchestrator/saga-log/pending-sagas';
import { pponTable } from '../../services/ppon/ppon-table';
import { DB_KINDS, dropTestData, ownDatabases } from './support/service-harness';

// Upgrading MS1 across `011_pending_in_saga`: the broker sagas open at the upgrade (their state in
// SA_SAGA_PENDING until then) go on from their SA_SAGA row, as if nothing had happened.
afterAll(() => dropTestData());

const before011 = Object.fromEntries(Object.entries(pponMigrations).filter(([name]) => name < '011'));

test.each(DB_KINDS)('on %s: open broker sagas move into their saga rows, awaiting the same reply until the same deadline; ended ones await nothing', async (kind) => {
  const settings = ownDatabases(kind, 'ppon', 'pending-upgrade');
  const open = (): Promise<ServiceDatabase> => createDatabase({ kind, sqliteFile: settings.SQLITE_FILE, mariadbUrl: settings.MARIADB_URL });
  const started = new Date(Date.now() - 5_000);
  const since = new Date(Date.now() - 1_000);
  const later = new Date(Date.now() + 60_000);
  const past = new Date(Date.now() - 500);

  // The schema as it was, with two sagas awaiting a reply (one past its deadline) and one ended.
  let database = await open();
  await runMigrations(database.db, before011);
  const saga = (globalNo: string, no: number, state: string) => ({
    GLOBAL_NO: globalNo, SA_PPON_CONT_NO: no, KIND: 'reg', MODE: 'event', STATE: state, STARTED_AT: database.timestamp(started), DEADLINE_AT: database.timestamp(later),
  });
  await database.db.insertInto('SA_SAGA').values([saga('g-waiting', 1, 'START'), saga('g-overdue', 2, 'COMPENSATING'), saga('g-ended', 3, 'END')]).execute();
  const pendingRow = (globalNo: string, no: number, awaiting: string, attempt: number, deadline: Date) => ({
    GLOBAL_NO: globalNo, KIND: 'reg', SA_PPON_CONT_NO: no, SA_INETAPLCA_CONT_NO: no === 2 ? 20 : null, SA_INTELNET_CONT_NO: null,
    FIELDS: JSON.stringify({ contr: '홍길동 😀', payr: 'Payer' }), COMPENSATE_YN: no === 2 ? 'Y' : null,
    AWAITING: awaiting, ATTEMPT: attempt, AWAIT_SINCE: database.timestamp(since), DEADLINE_AT: database.timestamp(deadline), FAILURE: no === 2 ? 'intelnet register failed (N): refused' : null,
  });
  await database.db.insertInto('SA_SAGA_PENDING').values([pendingRow('g-waiting', 1, 'inetaplcaContCreate', 1, later), pendingRow('g-overdue', 2, 'inetaplcaContCreateCompensate', 3, past)]).execute();
  await database.db.destroy();

  // The new MS1 starts: its migrations run.
  database = await open();
  try {
    await runMigrations(database.db, pponMigrations);
    const pending = createPendingSagas(database, pponTable);
    const load = (globalNo: string) => database.transaction((trx) => pending.load(trx, globalNo));

    expect(await load('g-waiting')).toEqual({
      globalNo: 'g-waiting', kind: 'reg', saPponContNo: 1, saInetaplcaContNo: null, saIntelnetContNo: null, fields: { contr: '홍길동 😀', payr: 'Payer' }, compensateYn: undefined,
      awaiting: 'inetaplcaContCreate', attempt: 1, awaitSince: since, deadlineAt: later, failure: null, startedAt: started,
    });
    expect(await load('g-overdue')).toMatchObject({ saInetaplcaContNo: 20, compensateYn: 'Y', awaiting: 'inetaplcaContCreateCompensate', attempt: 3, deadlineAt: past, failure: 'intelnet register failed (N): refused' });
    expect(await load('g-ended')).toBeUndefined();
    // The deadline sweeper finds the one past its deadline, and only it.
    expect(await pending.overdue(100)).toEqual(['g-overdue']);
    // The old table is gone: nothing reads or writes it any more.
    await expect(database.db.selectFrom('SA_SAGA_PENDING').selectAll().execute()).rejects.toThrow();
    // A migrated database migrates no further (a second replica starting finds nothing to do).
    await runMigrations(database.db, pponMigrations);
    expect(await pending.overdue(100)).toEqual(['g-overdue']);
  } finally {
    await database.db.destroy();
  }
});
