import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../lib/errors/app-error';

/** Where the last page ended: the sort value and the contract number of its last row (keyset paging). */
export interface CursorPosition {
  value: string | number;
  no: number;
}

const payload = z.object({ v: z.literal(1), q: z.string().regex(/^[0-9a-f]{16}$/), a: z.union([z.string().max(200), z.number().int()]), n: z.number().int().positive().max(2_147_483_647) }).strict();

/** The query a cursor belongs to (filters, sort, order): a cursor of another query is refused, not misread. */
export const queryHash = (query: Record<string, unknown>) =>
  createHash('sha256')
    .update(JSON.stringify(Object.keys(query).sort().map((k) => [k, query[k] ?? null])))
    .digest('hex')
    .slice(0, 16);

/**
 * Opaque to clients (base64url JSON), validated on the way back: shape, size, and the query it was
 * made for. A position, not an offset: rows added or removed meanwhile never shift a page.
 */
export const viewCursor = {
  encode: (hash: string, position: CursorPosition) => Buffer.from(JSON.stringify({ v: 1, q: hash, a: position.value, n: position.no })).toString('base64url'),
  decode: (cursor: string, hash: string): CursorPosition => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const checked = payload.safeParse(parsed);
    // Named like every other refused field (lib/http/validate.ts), so a screen can say which.
    const refused = (message: string) => new AppError('VALIDATION_FAILED', `cursor ${message}`, { errors: [{ in: 'query', path: 'cursor', code: 'INVALID_FORMAT', message }] });
    if (!checked.success) throw refused('is not a cursor of this list');
    if (checked.data.q !== hash) throw refused('belongs to another query (filters or sort changed)');
    return { value: checked.data.a, no: checked.data.n };
  },
};
