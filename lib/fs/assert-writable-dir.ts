import fs from 'node:fs';
import path from 'node:path';

/** A setting to fix, not a dependency to wait for: `settingToFix` stops a start-up retry at once (lib/http/retry-until-ready.ts). */
export class UnwritableDir extends Error {
  readonly settingToFix = true;
  override name = 'UnwritableDir';
}

/**
 * Makes `dir` if needed and proves this process can write there, at start, before anything else
 * does: a data path on a read-only image layer or a volume of another user stops the process with
 * one line that names the setting to fix (the caller prints the message; no stack trace).
 */
export function assertWritableDir(setting: string, dir: string): void {
  const probe = path.join(dir, `.write-probe-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UnwritableDir(`${setting}: ${path.resolve(dir)} is not writable by this process (${code}); point it at a writable directory or volume`, { cause: err });
  }
}
