import { z } from 'zod';
import type { ServiceDatabase } from '../../platform/db/create-database';
import { isUniqueViolation } from '../../platform/db/is-unique-violation';
import { maskCardsDeep } from '../../../lib/contracts/mask-card';

const deadLetter = z.object({
  topic: z.string().max(200),
  group: z.string().max(100),
  id: z.string().max(100),
  key: z.string().max(100),
  payload: z.unknown(),
  error: z.string(),
  attempts: z.number().int(),
  at: z.string(),
});

export interface DeadLetters {
  /**
   * Stores one dead letter from the dead-letter topic; a redelivered one is stored once. Card
   * numbers in it are stored masked: diagnosing a dead letter never needs one, and this table is
   * read without the contract reads' audit. The list masks them too (rows stored before).
   */
  store(payload: Record<string, unknown>): Promise<void>;
  list(limit: number): Promise<Record<string, unknown>[]>;
}

export function createDeadLetters(database: ServiceDatabase): DeadLetters {
  const { db } = database;
  return {
    store: async (payload) => {
      const letter = deadLetter.parse(payload);
      await db
        .insertInto('SA_DEAD_LETTER')
        .values({
          SOURCE_TOPIC: letter.topic,
          SOURCE_ID: letter.id,
          GROUP_NAME: letter.group,
          MSG_KEY: letter.key,
          PAYLOAD: JSON.stringify(maskCardsDeep(letter.payload ?? null)),
          ERROR: letter.error.slice(0, 500),
          ATTEMPTS: letter.attempts,
          DEAD_AT: database.timestamp(new Date(letter.at)),
        })
        .execute()
        .catch((err: unknown) => {
          if (!isUniqueViolation(err)) throw err;
        });
    },
    list: async (limit) => {
      const rows: Record<string, unknown>[] = await db.selectFrom('SA_DEAD_LETTER').selectAll().orderBy('DEAD_LETTER_NO', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        topic: r.SOURCE_TOPIC,
        id: r.SOURCE_ID,
        group: r.GROUP_NAME,
        key: r.MSG_KEY,
        message: maskCardsDeep(JSON.parse(String(r.PAYLOAD))),
        error: r.ERROR,
        attempts: r.ATTEMPTS,
        at: new Date(r.DEAD_AT as string).toISOString(),
      }));
    },
  };
}
