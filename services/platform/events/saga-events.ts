import { z } from 'zod';
import type { OutgoingEvent } from '../../../lib/events/event-bus';
import { compensateYn, contractNo, modifyFields, registerFields } from '../contracts/contract-payload';

/** The source design's (docs/source-design.md#saga-broker-mode) topics (after the deployment's prefix, `sa-app-samp-ppon-cont-` by default), the source's spelling kept. */
export const SAGA_TOPICS = ['inetaplcaContCreate', 'inetaplcaContUpdate', 'inetaplcaContConpensate', 'intelnetContCreate', 'intelnetContUpdate', 'ContResponse'] as const;
/** Ours [fix]: messages that failed every delivery, with their error. */
export const DEAD_LETTER_TOPIC = 'DeadLetter';
/** Ours [a fix: docs/sagas.md#terminal-means-consistent]: MS3's compensations (the source never compensated MS3), spelled like MS2's topic. */
export const EXTRA_SAGA_TOPICS = ['intelnetContConpensate'] as const;
export type TopicName = (typeof SAGA_TOPICS)[number] | (typeof EXTRA_SAGA_TOPICS)[number] | typeof DEAD_LETTER_TOPIC;

/** The source design's (docs/source-design.md#saga-broker-mode) event names and the topic each request travels on. */
export const EVENT_TOPIC = {
  inetaplcaContCreate: 'inetaplcaContCreate',
  inetaplcaContUpdate: 'inetaplcaContUpdate',
  intelnetContCreate: 'intelnetContCreate',
  intelnetContUpdate: 'intelnetContUpdate',
  inetaplcaContCreateCompensate: 'inetaplcaContConpensate',
  inetaplcaContUpdateCompensate: 'inetaplcaContConpensate',
  intelnetContCreateCompensate: 'intelnetContConpensate',
  intelnetContUpdateCompensate: 'intelnetContConpensate',
} as const satisfies Record<string, TopicName>;
export type EventName = keyof typeof EVENT_TOPIC;
const EVENT_NAMES = Object.keys(EVENT_TOPIC) as [EventName, ...EventName[]];

export const topicName = (prefix: string, topic: TopicName) => `${prefix}${topic}`;
/** One consumer group per service, named after the source's application. */
export const consumerGroup = (service: string) => `samp.${service}`;

const optionalNo = contractNo.nullable().optional();

/** A request (MS1 → participant): the source design's (docs/source-design.md#saga-broker-mode) fields plus every business field and `attempt` (a compensation retry is a new attempt). */
export const requestEvent = z.object({
  ...registerFields.partial().shape,
  ...modifyFields.shape,
  globalNo: z.string().min(1).max(100),
  eventName: z.enum(EVENT_NAMES),
  saPponContNo: contractNo,
  saInetaplcaContNo: optionalNo,
  saIntelnetContNo: optionalNo,
  compensateYn,
  attempt: z.number().int().min(1).default(1),
});
export type RequestEvent = z.infer<typeof requestEvent>;

/** A reply (participant → MS1 on ContResponse), answering the request's `eventName` and `attempt`. */
export const replyEvent = z.object({
  globalNo: z.string().min(1).max(100),
  eventName: z.enum(EVENT_NAMES),
  successYn: z.enum(['Y', 'N']),
  message: z.string().max(500).default(''),
  saPponContNo: contractNo,
  saInetaplcaContNo: optionalNo,
  saIntelnetContNo: optionalNo,
  attempt: z.number().int().min(1).default(1),
});
export type ReplyEvent = z.infer<typeof replyEvent>;

/** The contract number is the key: where the broker partitions, one contract's events stay in order. */
export function requestOf(prefix: string, event: Omit<RequestEvent, 'attempt'> & { attempt?: number } & Record<string, unknown>): OutgoingEvent {
  return { topic: topicName(prefix, EVENT_TOPIC[event.eventName]), key: String(event.saPponContNo), payload: { attempt: 1, ...event } };
}

export function replyOf(prefix: string, reply: ReplyEvent): OutgoingEvent {
  return { topic: topicName(prefix, 'ContResponse'), key: String(reply.saPponContNo), payload: { ...reply } };
}
