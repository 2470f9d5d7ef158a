import fs from 'node:fs';
import path from 'node:path';
import { SettingToFix } from '../http/retry-until-ready';

/** A data path this process cannot write: a setting to fix, so a start-up retry stops at once. */
export class UnwritableDir extends SettingToFix {
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
