import { Transform } from 'node:stream';
import type { FileKind } from '../../config/file-kinds';
import { AppError } from '../../lib/errors/app-error';
import { detectFileKind, extensionsOf, SNIFF_BYTES, type DetectedKind } from './detect-file-kind';

/**
 * A pass-through that holds back the first bytes until it can tell the file's kind, then lets
 * everything through — or fails with 415 before a byte beyond the window is stored.
 */
export function sniffFileKind(fileName: string, allowed: readonly FileKind[], onDetected: (kind: DetectedKind) => void): Transform {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let decided = false;

  const decide = (): AppError | undefined => {
    decided = true;
    const head = Buffer.concat(held, heldBytes).subarray(0, SNIFF_BYTES);
    if (heldBytes === 0) return new AppError('VALIDATION_FAILED', 'The file is empty');
    const detected = detectFileKind(head, fileName, allowed);
    if (!detected) {
      return new AppError('UNSUPPORTED_MEDIA_TYPE', `Only these files are accepted, and their content must match the extension: ${extensionsOf(allowed).join(', ')}`);
    }
    onDetected(detected);
    return undefined;
  };
  const release = (stream: Transform) => {
    for (const chunk of held) stream.push(chunk);
    held = [];
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (decided) return callback(null, chunk);
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes < SNIFF_BYTES) return callback();
      const refused = decide();
      if (refused) return callback(refused);
      release(this);
      callback();
    },
    flush(callback) {
      if (!decided) {
        const refused = decide();
        if (refused) return callback(refused);
        release(this);
      }
      callback();
    },
  });
}
