import { contractChanged } from '../platform/events/contract-change-events';
import { VIEW_GROUP, type ContractViewDeps } from './view-deps';

/**
 * Applies every contract change the three services publish. A change resolves (is acknowledged)
 * only after its row committed; an older or repeated version changes nothing ('stale').
 */
export async function startViewConsumer(deps: ContractViewDeps): Promise<void> {
  await deps.bus.subscribe(VIEW_GROUP, [deps.topic], async (delivery) => {
    const change = contractChanged.parse(delivery.payload);
    deps.applied.inc({ outcome: await deps.store.apply(change) });
  });
}
