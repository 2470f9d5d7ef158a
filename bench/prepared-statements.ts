/**
 * Prepared (the binary protocol, what the services send) against text statements, on MariaDB on
 * loopback: the client's CPU per statement, the server's (mariadbd), and statements per second at
 * 32 concurrent, for two shapes the services run on every saga step: a contract row's INSERT (22
 * columns, Korean and a 4-byte character) and its `SELECT *` by key. Rounds alternate the two
 * ways; the table gives the medians. The baseline is the text protocol of the same run.
 *
 *   npm run bench:prepared -- [--n 8000] [--rounds 3]
 */
import { execFileSync } from 'node:child_process';
import { createPool } from 'mysql2';
import { median, numberArg } from './support/bench-args';
import { cpuMsOf } from './support/bench-processes';

const N = numberArg('n', 8000);
const ROUNDS = numberArg('rounds', 3);
const CONCURRENCY = 32;
const DATABASE = `bench_prepared_${Date.now().toString(36)}`;
const COLUMNS = Array.from({ length: 22 }, (_, i) => `C${i}`);

interface Figure { clientUs: number; serverUs: number; perSecond: number }

async function main() {
  const admin = createPool({ host: '127.0.0.1', user: 'root', connectionLimit: 1 }).promise();
  await admin.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.query(`CREATE TABLE \`${DATABASE}\`.T (ID integer primary key auto_increment, ${COLUMNS.map((c) => `${c} varchar(100)`).join(', ')}, AT datetime(6))`);
  const pool = createPool({ host: '127.0.0.1', user: 'root', database: DATABASE, connectionLimit: 10, timezone: 'Z', maxPreparedStatements: 64 }).promise();
  const mariadb = execFileSync('pgrep', ['-x', 'mariadbd'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  const insert = `insert into T (${COLUMNS.join(', ')}, AT) values (${COLUMNS.map(() => '?').join(', ')}, ?)`;
  const select = 'select * from T where ID = ?';

  const measure = async (way: 'execute' | 'query'): Promise<Figure> => {
    const run = (sqlText: string, values: (string | number | Date)[]) => (way === 'execute' ? pool.execute(sqlText, values) : pool.query(sqlText, values));
    const client0 = process.cpuUsage();
    const server0 = cpuMsOf(...mariadb);
    const started = performance.now();
    let i = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (i++ < N) {
          const [written] = (await run(insert, [...COLUMNS.map((c) => `값 ${c} 😀`), new Date()])) as unknown as [{ insertId: number }];
          await run(select, [written.insertId]);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const client = process.cpuUsage(client0);
    return { clientUs: (client.user + client.system) / (2 * N), serverUs: ((cpuMsOf(...mariadb) - server0) * 1000) / (2 * N), perSecond: (2 * N) / seconds };
  };

  const figures: Record<'execute' | 'query', Figure[]> = { execute: [], query: [] };
  // A warm-up of each way first (JIT, the statements prepared once per connection).
  await measure('execute');
  await measure('query');
  for (let round = 0; round < ROUNDS; round++) {
    for (const way of round % 2 === 0 ? (['execute', 'query'] as const) : (['query', 'execute'] as const)) figures[way].push(await measure(way));
  }
  await pool.end();
  await admin.query(`DROP DATABASE \`${DATABASE}\``);
  await admin.end();

  const row = (way: 'execute' | 'query', label: string) => {
    const f = figures[way];
    const m = (pick: (x: Figure) => number) => median(f.map(pick));
    const base = figures.query;
    const ratio = m((x) => x.perSecond) / median(base.map((x) => x.perSecond));
    return `| ${label} | ${m((x) => x.clientUs).toFixed(0)} | ${m((x) => x.serverUs).toFixed(0)} | ${m((x) => x.perSecond).toFixed(0)} | ${ratio.toFixed(2)}× |`;
  };
  console.log(`\nMariaDB on loopback, a 22-column INSERT and its SELECT * by key, ${CONCURRENCY} concurrent, ${2 * N} statements per measurement, medians of ${ROUNDS} rounds (node ${process.version})\n`);
  console.log('| statements | client CPU µs per statement | MariaDB CPU µs per statement | statements per second | vs text |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  console.log(row('query', 'text (baseline)'));
  console.log(row('execute', 'prepared (the services)'));
}

void main();
