import { isFlowStore, MemoryFlowStore, type FlowStore } from '../cache/flow-store';
import type { ResolvedCache } from '../cache/options';
import { ConfigError } from '../core/errors';

/**
 * Sign-in flows live where sessions do: in the shared store when there is one, so that any
 * instance can take a flow's next step; else in this process's memory.
 */
export function flowStoreFor(cache: ResolvedCache | false): FlowStore {
  const store = cache ? cache.store : undefined;
  if (store === undefined) return new MemoryFlowStore();
  if (!isFlowStore(store)) {
    throw new ConfigError(
      'ERR_PINGONE_SIGN_IN',
      'signIn with a shared cache.store needs a store that keeps sign-in flows too (getFlow, ' +
        'setFlow, deleteFlow), as RedisStore does; otherwise a step reaching another instance ' +
        'would find no flow.',
    );
  }
  return store;
}
