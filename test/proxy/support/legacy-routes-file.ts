import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Writes a routing table to a fresh temp dir and returns its path. */
export function writeRoutesFile(routes: unknown[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bff-routes-'));
  const file = path.join(dir, 'routes.json');
  fs.writeFileSync(file, JSON.stringify({ routes }, null, 2));
  return file;
}
