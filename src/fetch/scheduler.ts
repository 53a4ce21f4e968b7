import pLimit, { type LimitFunction } from 'p-limit';
import { sleep } from '../util/sleep.js';

export interface SchedulerOptions {
  concurrency: number;
  perHostConcurrency: number;
  /** Requests per second to one host; starts are spaced evenly, never bursts. */
  perHostRate: number;
  /** A host's own limits (criteria `hosts:`), where it has any. */
  hostLimits?: (host: string) => { perHostRate?: number; perHostConcurrency?: number } | undefined;
}

interface HostState {
  limit: LimitFunction;
  interval: number;
  nextStart: number;
}

/**
 * Politeness first: a request waits for its host's turn before it takes one of the global slots,
 * so a slow or rate-limited host waits on its own and never holds the others back. The start time
 * is claimed only once a global slot is held, so requests that queued there cannot leave in a burst.
 */
export class HostScheduler {
  private readonly global: LimitFunction;
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly options: SchedulerOptions, private readonly now: () => number = Date.now) {
    this.global = pLimit(options.concurrency);
  }

  run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const state = this.host(host);
    return state.limit(async () => {
      // Wait outside the global pool until the host is likely free, so that the wait inside it is short.
      await sleep(state.nextStart - this.now(), signal);
      return this.global(async () => {
        await sleep(this.claimStart(state), signal);
        return task();
      });
    });
  }

  private host(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      const own = this.options.hostLimits?.(host);
      const rate = own?.perHostRate ?? this.options.perHostRate;
      state = { limit: pLimit(own?.perHostConcurrency ?? this.options.perHostConcurrency), interval: 1000 / rate, nextStart: 0 };
      this.hosts.set(host, state);
    }
    return state;
  }

  /** Claims the host's next start time and returns how long to wait for it. */
  private claimStart(state: HostState): number {
    const now = this.now();
    const start = Math.max(now, state.nextStart);
    state.nextStart = start + state.interval;
    return start - now;
  }
}
