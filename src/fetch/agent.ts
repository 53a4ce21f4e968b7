import { Agent, type Dispatcher } from 'undici';
import type { Settings } from '../criteria/types.js';

/**
 * One keep-alive Agent per run, created by the caller and passed down, so tests can inject their own.
 */
export function createDispatcher(settings: Pick<Settings, 'timeoutMs'>): Dispatcher {
  return new Agent({
    connect: { timeout: Math.min(settings.timeoutMs, 10_000) },
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    keepAliveTimeout: 10_000,
  });
}
