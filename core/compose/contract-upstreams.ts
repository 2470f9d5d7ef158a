import type { BffConfig } from '../../config/bff-config';
import { createUpstream, type Upstream, type UpstreamObserver } from './create-upstream';

/** The three contract services as this BFF sees them: HTTP upstreams, one breaker each. */
export interface ContractUpstreams {
  ppon: Upstream;
  inetaplca: Upstream;
  intelnet: Upstream;
  /** The contract view (docs/services.md#the-contract-view): lists and search. */
  view: Upstream;
}

export function createContractUpstreams(config: BffConfig, observe?: UpstreamObserver): ContractUpstreams {
  const options = { timeoutMs: config.upstreamTimeoutMs, breakerThreshold: config.breakerThreshold, breakerHalfOpenMs: config.breakerHalfOpenMs, observe };
  return {
    ppon: createUpstream('ppon', config.pponUrl, options),
    inetaplca: createUpstream('inetaplca', config.inetaplcaUrl, options),
    intelnet: createUpstream('intelnet', config.intelnetUrl, options),
    view: createUpstream('contract-view', config.contractViewUrl, options),
  };
}
