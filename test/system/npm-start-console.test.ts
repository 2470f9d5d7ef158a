import { startSystem, type RunningSystem } from './support/start-system';

/** `name | text` lines of the supervisor's output, with the JSON ones parsed. */
function linesOf(output: string): { name: string; text: string; level?: number }[] {
  return output
    .split('\n')
    .map((line) => /^(\S+) +\| (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, name, text]) => {
      try {
        return { name, text, level: (JSON.parse(text) as { level?: number }).level };
      } catch {
        return { name, text };
      }
    });
}

const ANSI = /\u001b\[\d+(;\d+)*m/;
const WARN = 40;

/**
 * What a newcomer reads after `npm start` (scripts/start-all.ts): nothing that looks like breakage
 * on a clean start, every line the same shape, and a real problem standing out.
 */
describe('npm start: the console', () => {
  describe('a clean start, as a pipe reads it (JSON lines, every level from info)', () => {
    let system: RunningSystem;
    beforeAll(async () => {
      system = await startSystem({ LOG_LEVEL: 'info' });
      // The services' event consumers start reading once the services are ready: let them run.
      await new Promise((r) => setTimeout(r, 3_000));
    }, 100_000);
    afterAll(() => system?.kill());

    it('prints no warning and no error, from any process', () => {
      const lines = linesOf(system.output());
      expect(lines.length).toBeGreaterThan(8);
      const bad = lines.filter((l) => (l.level ?? 0) >= WARN || (l.level === undefined && /warn|error|fail|unsupported/i.test(l.text)));
      expect(bad.map((l) => `${l.name} | ${l.text}`)).toEqual([]);
    });

    it('writes the processes\' own lines as JSON when the output is not a terminal', () => {
      const json = linesOf(system.output()).filter((l) => l.level !== undefined);
      expect(json.length).toBeGreaterThan(0);
      expect(system.output()).not.toMatch(ANSI);
    });
  });

  describe('pretty (LOG_FORMAT=pretty, what a terminal gets), with a service that cannot reach its database', () => {
    let system: RunningSystem;
    beforeAll(async () => {
      system = await startSystem({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty', INTELNET_DB_KIND: 'mariadb', INTELNET_MARIADB_URL: 'mysql://root@127.0.0.1:1/nowhere' }, { waitUntilUp: false });
      await system.waitFor(/intelnet.*WARN.*waiting for database/, 60_000);
      // ppon's own (pretty) ready line, which may come after the supervisor's plain one.
      await system.waitFor(/ppon[^\n]*INFO[^\n]*ppon ready/, 60_000);
    }, 100_000);
    afterAll(() => system?.kill());

    it('prints aligned, coloured lines, no JSON', () => {
      const lines = linesOf(system.output().replace(/\u001b\[[\d;]*m/g, ''));
      expect(lines.filter((l) => l.level !== undefined)).toEqual([]);
      expect(system.output()).toMatch(ANSI);
      // Every process's lines start at the same column: the names are padded to one width.
      const bars = new Set(system.output().replace(/\u001b\[[\d;]*m/g, '').split('\n').filter((l) => / \| /.test(l)).map((l) => l.indexOf(' | ')));
      expect(bars.size).toBe(1);
      // A service's own line: time, level, message.
      expect(system.output().replace(/\u001b\[[\d;]*m/g, '')).toMatch(/ppon +\| \[\d\d:\d\d:\d\d\.\d{3}\] INFO: ppon ready/);
    });

    it('makes the real problem stand out: a coloured WARN naming what the service waits for', () => {
      const line = system.output().split('\n').find((l) => /intelnet/.test(l) && /waiting for database/.test(l)) ?? '';
      // pino-pretty's colours: yellow WARN.
      expect(line).toContain('\u001b[33mWARN\u001b[39m');
      expect(line).toMatch(/127\.0\.0\.1:1|ECONNREFUSED/);
    });
  });
});
