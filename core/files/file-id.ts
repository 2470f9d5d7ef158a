import { randomBytes } from 'node:crypto';

const FILE_ID = /^[0-9a-f]{32}$/;

/** 128 random bits: not guessable, and safe as a file name on any file system. */
export function newFileId(): string {
  return randomBytes(16).toString('hex');
}

export function isFileId(value: unknown): value is string {
  return typeof value === 'string' && FILE_ID.test(value);
}
