import type { ServiceConfig } from '../../../config/service-config';
import type { EventBus } from '../../../lib/events/event-bus';
import type { Logger } from '../../../lib/http/logger';
import type { ServiceDatabase } from '../db/create-database';
import { createEventBus } from './create-event-bus';
import { createFaultHooks, type FaultHooks } from './fault-hooks';
import { createOutbox, startOutboxRelay, type Outbox } from './outbox';
import { createProcessedMessages, type ProcessedMessages } from './processed-messages';
import { startEventPurge, type EventPurge } from './event-purge';
import type { Registry } from 'prom-client';
import { outboxMetrics } from './outbox-metrics';
import { createChangeNotices, type ChangeNotices } from './change-notices';

/** A service's side of the broker mode: bus, outbox and its relay, processed-message record. */
export interface ServiceEvents {
  bus: EventBus;
  outbox: Outbox;
  processed: ProcessedMessages;
  faults: FaultHooks;
  /** After a commit: tells the BFFs (Redis pub/sub) that a saga or a contract changed. */
  notices: ChangeNotices;
  /** Periodic deletion of sent outbox rows and processed-message rows past their retention. */
  purge: EventPurge;
  /** The outbox backlog gauges, for the service's `/metrics`. */
  metrics: Registry;
  close(): Promise<void>;
}

export function openServiceEvents(config: ServiceConfig, database: ServiceDatabase, logger: Logger): ServiceEvents {
  const bus = createEventBus(config, logger);
  const faults = createFaultHooks(config);
  // Without a relay (OUTBOX_RELAY=false: another process publishes), rows wait for that process's poll.
  const relay = config.outboxRelay ? startOutboxRelay({ database, bus, pollMs: config.outboxPollMs, claimMs: config.outboxClaimMs, logger, faults }) : undefined;
  const notices = createChangeNotices({ redisUrl: config.redisUrl, channel: config.noticeChannel, logger });
  const purge = startEventPurge({ database, retentionMs: config.eventRetentionMs, everyMs: config.purgeEveryMs, leaseMs: config.jobLeaseMs, logger, guardRetentionMs: config.name === 'ppon' ? undefined : config.guardRetentionMs });
  return {
    bus,
    purge,
    outbox: createOutbox(database, relay),
    processed: createProcessedMessages(database),
    faults,
    notices,
    metrics: outboxMetrics(database, config.name),
    close: async () => {
      await purge.close();
      await relay?.close();
      await bus.close();
      await notices.close();
    },
  };
}
