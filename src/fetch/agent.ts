import type { Dispatcher } from 'undici';
import type { Settings } from '../model/criteria.js';
import { createNetworkDispatcher, type NetworkOptions } from '../network/index.js';

/**
 * One keep-alive dispatcher per run, created by the caller and passed down, so tests can inject
 * their own. Proxies, extra CA roots and per-host certificate leniency live in src/network.
 */
export function createDispatcher(settings: Pick<Settings, 'timeoutMs'>, network: Omit<NetworkOptions, 'timeoutMs'> = {}): Dispatcher {
  return createNetworkDispatcher({ timeoutMs: settings.timeoutMs, ...network });
}
