import { loadServiceConfig } from '../../config/service-config';
import { fromKafkaMessage, toKafkaMessage } from '../../lib/events/kafka-codec';
import { EVENT_TOPIC, replyOf, requestOf, SAGA_TOPICS, topicName } from '../../services/platform/events/saga-events';

// What we send to the Kafka client and read back; the broker itself is exercised in kafka-bus/kafka-saga/kafka-rebalance.test.ts.
const prefix = loadServiceConfig('ppon', {}).eventTopicPrefix;

describe('Kafka adapter mapping', () => {
  test('topics are exactly the names of the source design (docs/source-design.md#saga-broker-mode) under the default prefix', () => {
    expect(SAGA_TOPICS.map((t) => topicName(prefix, t))).toEqual([
      'sa-app-samp-ppon-cont-inetaplcaContCreate',
      'sa-app-samp-ppon-cont-inetaplcaContUpdate',
      'sa-app-samp-ppon-cont-inetaplcaContConpensate',
      'sa-app-samp-ppon-cont-intelnetContCreate',
      'sa-app-samp-ppon-cont-intelnetContUpdate',
      'sa-app-samp-ppon-cont-ContResponse',
    ]);
    expect(EVENT_TOPIC.inetaplcaContCreateCompensate).toBe('inetaplcaContConpensate');
    expect(EVENT_TOPIC.inetaplcaContUpdateCompensate).toBe('inetaplcaContConpensate');
  });

  test("the message key is MS1's contract number, for requests and replies alike (one contract, one partition)", () => {
    const request = requestOf(prefix, { globalNo: 'g-000001', eventName: 'intelnetContCreate', saPponContNo: 42, saInetaplcaContNo: 7, contr: 'Kim', compensateYn: 'N' });
    const reply = replyOf(prefix, { globalNo: 'g-000001', eventName: 'intelnetContCreate', successYn: 'Y', message: 'success', saPponContNo: 42, saIntelnetContNo: 9, attempt: 1 });
    expect(toKafkaMessage(request).key).toBe('42');
    expect(toKafkaMessage(reply).key).toBe('42');
    expect(request.topic).toBe('sa-app-samp-ppon-cont-intelnetContCreate');
    expect(reply.topic).toBe('sa-app-samp-ppon-cont-ContResponse');
  });

  test('the field names of the source design (docs/source-design.md#saga-broker-mode) survive serialization both ways, with the event name as a header', () => {
    const request = requestOf(prefix, { globalNo: 'g-000002', eventName: 'inetaplcaContCreate', saPponContNo: 5, contr: 'Kim', payr: 'Lee', svcNo: '02-1', cardNo: '9410', compensateYn: 'Y' });
    const message = toKafkaMessage(request);
    expect(message.headers).toEqual({ eventName: 'inetaplcaContCreate' });
    const delivery = fromKafkaMessage(request.topic, 3, { key: Buffer.from(String(message.key)), value: Buffer.from(String(message.value)), offset: '17' });
    expect(delivery).toEqual({ topic: request.topic, id: '3/17', key: '5', deliveries: 1, payload: { globalNo: 'g-000002', eventName: 'inetaplcaContCreate', saPponContNo: 5, contr: 'Kim', payr: 'Lee', svcNo: '02-1', cardNo: '9410', compensateYn: 'Y', attempt: 1 } });
  });

  test('a record that is not a JSON object is refused, not delivered', () => {
    expect(() => fromKafkaMessage('t', 0, { key: null, value: Buffer.from('[1,2]'), offset: '0' })).toThrow('not a JSON object');
    expect(() => fromKafkaMessage('t', 0, { key: null, value: null, offset: '0' })).toThrow('no value');
  });
});
