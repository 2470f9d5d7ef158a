/**
 * `npm run files:sweep [-- pc|mobile] [-- --clean]`: compares the uploaded files' records with the
 * bytes on disk (FILES_DIR, FILES_PREFIX of the app's configuration) and prints what drifted;
 * `--clean` also removes records without bytes and bytes without a record (older than an hour).
 * Run it from cron on one instance; both apps share the files, so one app's run covers both.
 */
import { loadBffConfig, type BffAppName } from '../config/bff-config';
import { buildBffRuntime } from '../core/runtime/build-bff-runtime';
import { sweepFiles } from '../core/files/sweep-files';
import pino from 'pino';
import { createLogger } from '../lib/http/logger';

async function main() {
  const app: BffAppName = process.argv.includes('mobile') ? 'mobile' : 'pc';
  const clean = process.argv.includes('--clean');
  const config = loadBffConfig(app);
  // The report is this command's output (stdout, JSON for a cron job to read); its warnings go to stderr.
  const runtime = await buildBffRuntime(config, createLogger({ name: 'files-sweep', level: 'warn' }, pino.destination(2)));
  try {
    const report = await sweepFiles(runtime.files, { clean, graceMs: 60 * 60 * 1000 });
    console.log(JSON.stringify({ app, clean, ...report }, null, 2));
  } finally {
    await runtime.close();
  }
}

void main().catch((err: unknown) => {
  console.error(`files sweep failed: ${(err as Error).message}`);
  process.exit(1);
});
