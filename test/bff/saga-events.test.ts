import { dropTestData } from '../services/support/service-harness';
import { startSystemWithServices, type BffSystem } from '../support/system';
import type { Agent } from '../support/login';
import { validContract } from '../support/valid-contract';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

/** The whole text/event-stream (the request ends when the server ends the stream), split into events. */
async function readStream(agent: Agent, path: string, lastEventId?: string): Promise<{ status: number; events: SseEvent[] }> {
  const req = agent.get(path);
  if (lastEventId) req.set('last-event-id', lastEventId);
  const res = await req.timeout(30_000).buffer(true).parse((r, done) => {
    let text = '';
    r.on('data', (c: Buffer) => (text += c.toString()));
    r.on('end', () => done(null, text));
  });
  const events = String(res.body ?? '')
    .split('\n\n')
    .filter((block) => block.trim() && !block.startsWith(':'))
    .map((block) => Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()])) as SseEvent);
  return { status: res.status, events };
}

describe('saga progress over SSE: ids, retry, resume without replay, end of stream', () => {
  let sys: BffSystem;
  let closeAll: () => Promise<void>;
  let pc: Agent;

  beforeAll(async () => {
    ({ sys, close: closeAll } = await startSystemWithServices({ services: { tag: 'sse' } }));
    pc = await sys.login(sys.pc, { username: 'ops', password: 'ops1234' }); // an operator: the drill is theirs alone
  });
  afterAll(async () => {
    // the BFFs, the contract view and the three services
    await closeAll?.();
    await dropTestData();
  });

  /** An event-mode saga (the drill: a compensated one has more steps), followed to its end. */
  async function followedSaga(drill = false) {
    const ack = await pc.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: '강감찬' }), mode: 'event', ...(drill ? { drill: 'compensate' } : {}) }).expect(202);
    return { url: `${ack.headers.location}/events`, ...(await readStream(pc, `${ack.headers.location}/events`)) };
  }

  it('sets retry:, gives every event an id, and ends the stream right after the terminal event', async () => {
    const { events } = await followedSaga();
    expect(events[0].retry).toMatch(/^\d+$/);
    const typed = events.filter((e) => e.event);
    expect(typed.length).toBeGreaterThanOrEqual(4);
    for (const e of typed) expect(e.id).toMatch(/\S/);
    expect(new Set(typed.map((e) => e.id)).size).toBe(typed.length);
    expect(typed[typed.length - 1].event).toBe('end');
    expect(JSON.parse(typed[typed.length - 1].data!)).toMatchObject({ state: 'END' });
  });

  it('resumes after Last-Event-ID without replaying anything, and answers 204 once the end was delivered', async () => {
    const first = await followedSaga(true);
    const typed = first.events.filter((e) => e.event);
    const end = typed[typed.length - 1];
    expect(JSON.parse(end.data!)).toMatchObject({ state: 'CANCEL', message: expect.stringMatching(/\S/) });

    const firstStep = typed.findIndex((e) => e.event === 'step');
    const resumed = await readStream(pc, first.url, typed[firstStep].id);
    const again = resumed.events.filter((e) => e.event);
    // The steps after that event, each once, and nothing from before it; then the state and the end.
    const steps = (list: SseEvent[]) => list.filter((e) => e.event === 'step').map((e) => e.data);
    expect(steps(again)).toEqual(steps(typed).slice(1));
    expect(again.map((e) => e.event)).toEqual([...steps(typed).slice(1).map(() => 'step'), 'state', 'end']);
    expect(again[again.length - 1]).toEqual(end);

    const afterEnd = await readStream(pc, first.url, end.id);
    expect(afterEnd.status).toBe(204);
    expect(afterEnd.events).toEqual([]);
    // a fresh EventSource (the screen's, after one that failed) says where it was in the query
    const viaQuery = await readStream(pc, `${first.url}?lastEventId=${encodeURIComponent(typed[firstStep].id!)}`);
    expect(viaQuery.events.filter((e) => e.event)).toEqual(again);
    expect((await readStream(pc, `${first.url}?lastEventId=${encodeURIComponent(end.id!)}`)).status).toBe(204);
  });
});
