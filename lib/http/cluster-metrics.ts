import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const ASK = 'bff:metrics-ask';
const ANSWER = 'bff:metrics-answer';
type Answer = { type: typeof ANSWER; id: string; text?: string; error?: string };

/**
 * `/metrics` of a `node:cluster` app (BFF_WORKERS > 1): a scrape lands on one worker, which asks the
 * primary; the primary gathers every worker's registries (prom-client's AggregatorRegistry, over
 * the cluster's IPC) and answers their sum, so one scrape shows the whole instance.
 */
export const clusterMetrics = {
  /** In the primary: answers the workers' asks with the aggregate of all workers. */
  serve(): void {
    const aggregator = new AggregatorRegistry();
    cluster.on('message', (worker, message: { type?: string; id?: string }) => {
      if (message?.type !== ASK || typeof message.id !== 'string') return;
      const id = message.id;
      aggregator.clusterMetrics().then(
        (text) => worker.send({ type: ANSWER, id, text } satisfies Answer),
        (err: Error) => worker.send({ type: ANSWER, id, error: err.message } satisfies Answer),
      );
    });
  },
  /** In a worker: these registries are what this worker reports to the primary. */
  report(registries: Registry[]): void {
    AggregatorRegistry.setRegistries(registries);
    // prom-client answers the primary's requests only once an AggregatorRegistry exists in the worker too.
    new AggregatorRegistry();
  },
  /** In a worker: the whole cluster's metrics text, from the primary. */
  ask(timeoutMs: number): Promise<string> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const onMessage = (message: Answer) => {
        if (message?.type !== ANSWER || message.id !== id) return;
        done();
        if (message.text !== undefined) resolve(message.text);
        else reject(new Error(message.error ?? 'no metrics'));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error('the primary did not answer'));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        process.off('message', onMessage);
      };
      process.on('message', onMessage);
      process.send!({ type: ASK, id });
    });
  },
};
