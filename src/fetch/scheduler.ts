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
  /** How many requests a window of `window` ms may hold: the rate's whole part, at least 1. */
  perWindow: number;
  window: number;
  /** When each of the latest `perWindow` requests was actually sent, once it has been. */
  recentSends: Promise<number>[];
}

/**
 * Intervals are 0.5% longer than 1/rate, and a window 15 ms longer than a second's worth of them:
 * a server counts a request when it gets round to it, and a busy one was measured seeing a
 * request 12 ms late, which put rate + 1 requests into one of its 1-second windows.
 */
const SPACING_MARGIN = 0.005;
const WINDOW_SLACK_MS = 15;

/**
 * Politeness first: a request waits for its host's turn before it takes one of the global slots,
 * so a slow or rate-limited host waits on its own and never holds the others back. The start time
 * is claimed only once a global slot is held, so requests that queued there cannot leave in a burst.
 *
 * The promise kept is the server's view: never more than `per_host_rate` requests in any
 * 1-second window, counted when requests reach the wire rather than when they were handed over
 * (a request that first has to open a connection leaves late). So a request waits, besides its
 * place on the evenly spaced plan, until one second after the request `rate` places before it
 * was sent. A late request then delays only every `rate`-th request after it, not all of them:
 * with a busy event loop, strict gaps between neighbours made a host's run 17% longer.
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
        const { wait, windowStart, sent } = this.claimStart(state);
        try {
          await sleep(wait, signal);
          await this.spacedAfter(await windowStart, state.window, signal);
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
      const interval = (1000 / rate) * (1 + SPACING_MARGIN);
      // At most floor(rate) in a second (one, below 1 a second), and never closer than the rate allows:
      // at 2.5 a second, 2 per second, since the 3rd request of a 2-request window would make 3.
      const perWindow = Math.max(1, Math.floor(rate));
      const window = 1000 * (1 + SPACING_MARGIN) * Math.max(1, perWindow / rate) + WINDOW_SLACK_MS;
      state = { limit: pLimit(concurrency), concurrency, interval, nextStart: 0, perWindow, window, recentSends: [] };
      this.hosts.set(host, state);
    }
    return state;
  }

  /**
   * Claims the host's next start time and a place among its recent sends in one step, so that the
   * request it must keep a window's distance from is settled by the order of claims.
   */
  private claimStart(state: HostState): { wait: number; windowStart: Promise<number>; sent: MarkSent } {
    const now = this.now();
    const start = Math.max(now, state.nextStart);
    state.nextStart = start + state.interval;
    const windowStart = state.recentSends.length < state.perWindow ? Promise.resolve(-Infinity) : state.recentSends.shift()!;
    let sent!: MarkSent;
    state.recentSends.push(new Promise<number>((resolve) => {
      let done = false;
      sent = () => {
        if (!done) resolve(this.now());
        done = true;
      };
    }));
    return { wait: start - now, windowStart, sent };
  }

  /** Timers fire late, never early; the loop covers a clock that ticks in whole milliseconds. */
  private async spacedAfter(sentAt: number, distance: number, signal?: AbortSignal): Promise<void> {
    for (let wait = sentAt + distance - this.now(); wait > 0 && !signal?.aborted; wait = sentAt + distance - this.now()) {
      await sleep(Math.ceil(wait), signal);
    }
  }
}
