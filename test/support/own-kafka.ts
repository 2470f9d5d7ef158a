import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);
const script = path.join(__dirname, '..', '..', 'scripts', 'infra', 'kafka.sh');

/** A Kafka broker of a test's own (never the shared one on 9092): its own ports and data directory. */
export interface OwnKafka {
  port: number;
  brokers: string;
  /** Starts the broker (again, on the same data) and resolves once it logs that it is started. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The running broker's process id (to freeze it with SIGSTOP). */
  pid(): number;
  /** Stops it and removes its data directory. */
  remove(): Promise<void>;
}

/**
 * Reserves the ports and a data directory; `start()` runs `scripts/infra/kafka.sh start` with
 * KAFKA_PORT, KAFKA_CONTROLLER_PORT and KAFKA_DATA_DIR (the jars come from the usual cache, or
 * INFRA_CACHE's). Until then the port is closed: a broker that is not there yet.
 */
export async function reserveOwnKafka(): Promise<OwnKafka> {
  const [port, controller] = [await freePort(), await freePort()];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kafka-${port}-`));
  const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controller), KAFKA_DATA_DIR: dir };
  const kafka = (command: string) => run('bash', [script, command], { env, timeout: 180_000 }).then(() => undefined);
  return {
    port,
    brokers: `127.0.0.1:${port}`,
    start: () => kafka('start'),
    stop: () => kafka('stop'),
    pid: () => Number(fs.readFileSync(path.join(dir, 'kafka.pid'), 'utf8').trim()),
    remove: async () => {
      await kafka('stop').catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
