import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** A process of the system run as an operator runs it, with its output kept. */
export interface OwnProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output matches (rejects if the process exits first or after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited(): Promise<number | string | null>;
  /** SIGTERM, then SIGKILL after `killAfterMs`. */
  stop(killAfterMs?: number): Promise<void>;
}

/** Starts `entry` (a .ts file under the repository, with tsx) in the repository, env on top of the test's own. */
export function spawnProcess(entry: string, env: Record<string, string>): OwnProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { ...process.env, NODE_ENV: 'test', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const collect = (c: Buffer) => {
    out += c.toString();
    listeners.forEach((l) => l());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exit = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => (resolve(code ?? signal), listeners.forEach((l) => l()))));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output: () => out,
    exited: () => exit,
    waitFor: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) return done(), resolve();
          if (gone()) {
            done();
            reject(new Error(`${entry} exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${out.slice(-3000)}`));
          }
        };
        const timer = setTimeout(() => (done(), reject(new Error(`no ${pattern} from ${entry} within ${timeoutMs} ms:\n${out.slice(-3000)}`))), timeoutMs);
        const done = () => (clearTimeout(timer), listeners.delete(check));
        listeners.add(check);
        check();
      }),
    stop: async (killAfterMs = 30_000) => {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
