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

/** Tells the scheduler the request is on the wire (see withWireTime). */
export type MarkSent = () => void;

interface HostState {
  limit: LimitFunction;
  concurrency: number;
  interval: number;
  nextStart: number;
  /** When the latest request to start was actually sent, once it has been. */
  previousSent: Promise<number>;
}

/**
 * Intervals are 0.5% longer than 1/rate (1 ms at 5 a second), so that jitter between leaving
 * here and arriving at the server cannot put rate + 1 requests into one of its 1-second windows.
 */
const SPACING_MARGIN = 0.005;

/**
 * Politeness first: a request waits for its host's turn before it takes one of the global slots,
 * so a slow or rate-limited host waits on its own and never holds the others back. The start time
 * is claimed only once a global slot is held, so requests that queued there cannot leave in a burst.
 *
 * Spacing is measured between the moments requests reach the wire, not when they were handed
 * over: a request that first has to open a connection leaves late, and the next one must not
 * follow it closer than the interval.
 */
export class HostScheduler {
  private readonly global: LimitFunction;
  private readonly hosts = new Map<string, HostState>();

  // A monotonic clock: a wall-clock step (NTP on a cron server) must never let requests bunch up.
  constructor(private readonly options: SchedulerOptions, private readonly now: () => number = () => performance.now()) {
    this.global = pLimit(options.concurrency);
  }

  /** For work that is on the wire as soon as it starts (a browser page load, a TLS handshake). */
  run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.runRequest(host, (sent) => { sent(); return task(); }, signal);
  }

  /** For an HTTP request: `task` calls `sent` once its headers are being written. */
  runRequest<T>(host: string, task: (sent: MarkSent) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const state = this.host(host);
    return state.limit(async () => {
      // Wait outside the global pool until the host is likely free, so that the wait inside it is short.
      await sleep(state.nextStart - this.now(), signal);
      return this.global(async () => {
        const { wait, previousSent, sent } = this.claimStart(state);
        try {
          await sleep(wait, signal);
          await this.spacedAfter(await previousSent, state.interval, signal);
          return await task(sent);
        } finally {
          sent(); // a request that never went out frees its successor now
        }
      });
    });
  }

  /** How many requests the host may have in flight: its own limit, or the run's. */
  concurrencyFor(host: string): number {
    return this.host(host).concurrency;
  }

  private host(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      const own = this.options.hostLimits?.(host);
      const rate = own?.perHostRate ?? this.options.perHostRate;
      const concurrency = own?.perHostConcurrency ?? this.options.perHostConcurrency;
      state = {
        limit: pLimit(concurrency),
        concurrency,
        interval: (1000 / rate) * (1 + SPACING_MARGIN),
        nextStart: 0,
        previousSent: Promise.resolve(-Infinity),
      };
      this.hosts.set(host, state);
    }
    return state;
  }

  /**
   * Claims the host's next start time, and a place in the chain of sent times, in one step, so the
   * order of claims is the order on the wire.
   */
  private claimStart(state: HostState): { wait: number; previousSent: Promise<number>; sent: MarkSent } {
    const now = this.now();
    const start = Math.max(now, state.nextStart);
    state.nextStart = start + state.interval;
    const previousSent = state.previousSent;
    let sent!: MarkSent;
    state.previousSent = new Promise<number>((resolve) => {
      let done = false;
      sent = () => {
        if (!done) resolve(this.now());
        done = true;
      };
    });
    return { wait: start - now, previousSent, sent };
  }

  /** Timers fire late, never early; the loop covers a clock that ticks in whole milliseconds. */
  private async spacedAfter(previousSentAt: number, interval: number, signal?: AbortSignal): Promise<void> {
    for (let wait = previousSentAt + interval - this.now(); wait > 0 && !signal?.aborted; wait = previousSentAt + interval - this.now()) {
      await sleep(Math.ceil(wait), signal);
    }
  }
}
