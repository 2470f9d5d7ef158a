import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testPrefix } from '../../support/bff';

/** A fresh storage dir and Redis prefix for one test file, shared by every app it starts. */
export function filesEnv(): Record<string, string> {
  return { FILES_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bff-files-')), FILES_PREFIX: `${testPrefix}files:` };
}

/** Every file under the storage dir, partial uploads included. */
export function filesOnDisk(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Every entry under the storage dir, folders too (relative, sorted): what a request left behind. */
export function storageTree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

export const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9, 'contract-')]);
export const png = () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200, 1)]);
