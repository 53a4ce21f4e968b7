import pLimit, { type LimitFunction } from 'p-limit';
import { sleep } from '../util/sleep.js';

export interface SchedulerOptions {
  concurrency: number;
  perHostConcurrency: number;
  /** Requests per second to one host; starts are spaced evenly, never bursts. */
  perHostRate: number;
}

interface HostState {
  limit: LimitFunction;
  nextStart: number;
}

/**
 * Politeness first: a host's own concurrency and rate gate a request before it takes one of the
 * global slots, so a slow or rate-limited host waits on its own and never holds the others back.
 */
export class HostScheduler {
  private readonly global: LimitFunction;
  private readonly hosts = new Map<string, HostState>();
  private readonly interval: number;

  constructor(private readonly options: SchedulerOptions, private readonly now: () => number = Date.now) {
    this.global = pLimit(options.concurrency);
    this.interval = 1000 / options.perHostRate;
  }

  run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const state = this.host(host);
    return state.limit(async () => {
      await sleep(this.reserveStart(state), signal);
      return this.global(task);
    });
  }

  private host(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { limit: pLimit(this.options.perHostConcurrency), nextStart: 0 };
      this.hosts.set(host, state);
    }
    return state;
  }

  /** Claims the host's next start time and returns how long to wait for it. */
  private reserveStart(state: HostState): number {
    const now = this.now();
    const start = Math.max(now, state.nextStart);
    state.nextStart = start + this.interval;
    return start - now;
  }
}
