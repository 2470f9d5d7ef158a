import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** Runs one infra script (`start` is idempotent: it says "already running" when it answers). */
function infra(name: 'kafka' | 'keycloak'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(root, 'scripts/infra', `${name}.sh`), 'start'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run infra:${name} failed (exit ${code}); the suites that need it cannot run`))));
  });
}

/**
 * jest globalSetup: the Kafka broker and Keycloak the suites use are started when they do not
 * answer, and left running for the next run (`npm run infra:kafka -- stop` stops one). A part
 * that cannot start fails the whole run: no suite skips silently.
 */
export default async function startInfra(): Promise<void> {
  process.stderr.write('\n');
  await Promise.all([infra('kafka'), infra('keycloak')]);
}
