import type { Transaction } from 'kysely';
import type { AnyDb, ServiceDatabase } from '../db/create-database';
import type { ReplyEvent } from './saga-events';

export interface ProcessedMessage {
  successYn: 'Y' | 'N';
  reply: ReplyEvent;
}

/** The idempotency record of handled requests, keyed by (globalNo, eventName), holding the reply sent. */
export interface ProcessedMessages {
  /** Locks what it reads on MariaDB, so a request and its compensation cannot pass each other unseen. */
  find(trx: Transaction<AnyDb>, globalNo: string, eventName: string): Promise<ProcessedMessage | undefined>;
  record(trx: Transaction<AnyDb>, reply: ReplyEvent): Promise<void>;
}

export function createProcessedMessages(database: ServiceDatabase): ProcessedMessages {
  return {
    find: async (trx, globalNo, eventName) => {
      let query = trx.selectFrom('SA_PROCESSED_MSG').select(['SUCCESS_YN', 'REPLY']).where('GLOBAL_NO', '=', globalNo).where('EVENT_NAME', '=', eventName);
      // SQLite runs one write transaction at a time already (and has no FOR UPDATE).
      if (database.kind === 'mariadb') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      return row && { successYn: row.SUCCESS_YN as 'Y' | 'N', reply: JSON.parse(String(row.REPLY)) as ReplyEvent };
    },
    record: async (trx, reply) => {
      await trx
        .insertInto('SA_PROCESSED_MSG')
        .values({ GLOBAL_NO: reply.globalNo, EVENT_NAME: reply.eventName, SUCCESS_YN: reply.successYn, REPLY: JSON.stringify(reply), PROCESSED_AT: database.timestamp() })
        .execute();
    },
  };
}
