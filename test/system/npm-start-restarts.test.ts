import net from 'node:net';
import { startSystem, type RunningSystem } from './support/start-system';

/**
 * `npm start` with one child that cannot become ready at first (its port is taken, so it exits
 * before its ready line): the supervisor does not abort the system; it says why, restarts that
 * child with backoff, and the system is up once the child can start.
 */
describe('npm start keeps restarting a child that fails before it is ready', () => {
  let system: RunningSystem | undefined;
  let squatter: net.Server | undefined;
  afterAll(async () => {
    system?.kill();
    squatter?.close();
  });

  it('says why, keeps the others running, and comes up once the child can start', async () => {
    system = await startSystem({}, {
      // intelnet's port (START_BASE_PORT + 3) is held by another process when the system starts
      beforeStart: async (base) => {
        squatter = net.createServer();
        await new Promise<void>((resolve) => squatter!.listen(base + 3, '0.0.0.0', resolve));
      },
      waitUntilUp: false,
    });
    await system.waitFor(/supervisor +\| intelnet exited with 1 before it was ready \(last line: .*EADDRINUSE.*\); it will be restarted/, 90_000);
    await system.waitFor(/supervisor +\| intelnet exited unexpectedly \(1\); restarting in \d+ ms \(restart #2\)/, 30_000);
    expect(system.child.exitCode).toBeNull();
    expect(system.output()).not.toMatch(/npm start failed/);
    // the others kept running meanwhile
    expect((await fetch(`${system.urls.ppon}/healthz`)).status).toBe(200);

    await new Promise<void>((resolve) => squatter!.close(() => resolve()));
    await system.waitFor(/The contract BFF system is up/, 90_000);
    await system.waitFor(/supervisor +\| intelnet is back \(restart #\d+/, 5_000);
    expect((await fetch(`http://localhost:${system.base + 3}/readyz`)).status).toBe(200);
  }, 200_000);
});
