import pLimit, { type LimitFunction } from 'p-limit';
import { sleep } from '../util/sleep.js';

export interface SchedulerOptions {
  concurrency: number;
  perHostConcurrency: number;
  /** Requests per second to one host; starts are spaced evenly (one late start's successor may follow half an interval after it), never bursts. */
  perHostRate: number;
  /** A host's own limits (criteria `hosts:`), where it has any. */
  hostLimits?: (host: string) => { perHostRate?: number; perHostConcurrency?: number } | undefined;
}

/** Tells the scheduler the request is on the wire (see withWireTime). */
export type MarkSent = () => void;

/**
 * One URL's place among the pages in hand (see HostScheduler.pageHold): taken just before its
 * request goes out, given back once its page has been checked, or at once for a response that is
 * not the page (a redirect hop, an attempt to be retried).
 */
export interface PageHold {
  /** Takes a place if one is free now; true when the place is held. */
  tryTake(): boolean;
  /** Resolves once the place is held, or early when the signal aborts (the caller checks it). */
  take(signal?: AbortSignal): Promise<void>;
  /** Gives the place back; harmless when none is held. */
  release(): void;
}

/** What a request that found no free place in hand returns from its host's slot. */
const NO_PLACE: unique symbol = Symbol('no place in hand');
/** The claim queue of a request that holds no place: it waits for nobody and nobody waits for it. */
const NO_QUEUE = { previous: Promise.resolve(), done: () => undefined };

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
  /** Settles once the host's latest request has claimed its start (see afterPreviousClaim). */
  lastClaim: Promise<void>;
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
  private readonly inHand: Places;
  private readonly hosts = new Map<string, HostState>();

  // A monotonic clock: a wall-clock step (NTP on a cron server) must never let requests bunch up.
  constructor(private readonly options: SchedulerOptions, private readonly now: () => number = () => performance.now()) {
    this.global = pLimit(options.concurrency);
    this.inHand = new Places(2 * options.concurrency);
  }

  /**
   * A place among the pages in hand: fetched or being fetched, and not yet checked. There are
   * twice `concurrency` places: as many pages as may be on the wire, and as many again waiting to
   * be checked. Without a bound, with hundreds of hosts every per-host worker held a finished body
   * while pages queued to be checked: 400 bodies (100 MB) at 200 hosts. The place is taken only
   * once the host's turn has come, so requests still waiting on a slow host's rate never hold one;
   * error-page probes and renders take none, since a page in hand may be waiting for them. A
   * request that finds no place free waits for one outside its host's slots (see runRequest).
   */
  pageHold(): PageHold {
    return new Hold(this.inHand);
  }

  /** For work that is on the wire as soon as it starts (a browser page load, a TLS handshake). */
  run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.runRequest(host, (sent) => { sent(); return task(); }, signal);
  }

  /** For an HTTP request: `task` calls `sent` once its headers are being written. */
  async runRequest<T>(host: string, task: (sent: MarkSent) => Promise<T>, signal?: AbortSignal, hold?: PageHold): Promise<T> {
    const state = this.host(host);
    for (;;) {
      const outcome = await state.limit(() => this.inHostSlot(state, task, signal, hold));
      if (outcome !== NO_PLACE) return outcome;
      // No place in hand is free: wait for one outside the host's slots, then queue again. Waiting
      // inside a slot could deadlock: pages in hand wait for their host's error-page probe, and
      // a probe queued behind redirect hops from other hosts that wait for a place would never go.
      await hold!.take(signal);
    }
  }

  private async inHostSlot<T>(state: HostState, task: (sent: MarkSent) => Promise<T>, signal: AbortSignal | undefined, hold: PageHold | undefined): Promise<T | typeof NO_PLACE> {
    // Only requests that take a place in hand queue for their claim: one without (a probe, a
    // render's gate) may be what a page in hand waits for, and must never queue behind a
    // request that waits for that page's place.
    const claimed = hold ? this.afterPreviousClaim(state) : NO_QUEUE;
    try {
      await claimed.previous;
      // Wait outside the global pool until the host is likely free, so that the wait inside it is short.
      await sleep(state.nextStart - this.now(), signal);
    } catch (error) {
      claimed.done();
      throw error;
    }
    // Once the run is stopping, a request goes without a place: it will only say INTERRUPTED.
    if (hold && !signal?.aborted && !hold.tryTake()) {
      claimed.done();
      return NO_PLACE;
    }
    return this.global(async () => {
      const { wait, windowStart, sent } = this.claimStart(state);
      claimed.done();
      try {
        await sleep(wait, signal);
        await this.spacedAfter(await windowStart, state.window, signal);
        return await task(sent);
      } finally {
        sent(); // a request that never went out frees its successor now
      }
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
      state = { limit: pLimit(concurrency), concurrency, interval, nextStart: 0, perWindow, window, recentSends: [], lastClaim: Promise.resolve() };
      this.hosts.set(host, state);
    }
    return state;
  }

  /**
   * A host's requests reach their claim in turn: one waits for the claim before it, and only then
   * reads the host's next start. Two workers of a host that both read it before either claimed
   * once took a global slot each, the second to sit out its interval inside the pool, and at 20
   * hosts × 2 workers against 32 slots four hosts started half a second late.
   */
  private afterPreviousClaim(state: HostState): { previous: Promise<void>; done: () => void } {
    const previous = state.lastClaim;
    let done!: () => void;
    state.lastClaim = new Promise<void>((resolve) => (done = resolve));
    return { previous, done };
  }

  /**
   * Claims the host's next start time and a place among its recent sends in one step, so that the
   * request it must keep a window's distance from is settled by the order of claims.
   */
  private claimStart(state: HostState): { wait: number; windowStart: Promise<number>; sent: MarkSent } {
    const now = this.now();
    const planned = state.nextStart;
    const start = Math.max(now, planned);
    // A start a little late (a busy event loop) keeps the plan, and the next one makes up for it,
    // at least half an interval later: pushing every later start back made 50 starts, each a few
    // ms late, cost a 10 s run half a second. The 1-second windows below still hold the rate. A
    // start later than that (the host was idle, or stalled) begins a new plan rather than a burst.
    state.nextStart = start - planned <= state.interval / 2 ? planned + state.interval : start + state.interval;
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

/** The places for pages in hand: a count, and the holds waiting in turn for one to be given back. */
class Places {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  tryTake(): boolean {
    if (this.free === 0) return false;
    this.free--;
    return true;
  }

  /** True once a place is handed over; false if the signal aborted first (nothing is held then). */
  wait(signal?: AbortSignal): Promise<boolean> {
    if (this.tryTake()) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const handOver = () => {
        signal?.removeEventListener('abort', leave);
        resolve(true);
      };
      const leave = () => {
        const at = this.waiting.indexOf(handOver);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      };
      this.waiting.push(handOver);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

class Hold implements PageHold {
  private held = false;

  constructor(private readonly places: Places) {}

  tryTake(): boolean {
    if (!this.held) this.held = this.places.tryTake();
    return this.held;
  }

  async take(signal?: AbortSignal): Promise<void> {
    if (!this.held) this.held = await this.places.wait(signal);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.places.give();
  }
}
