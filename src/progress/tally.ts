import { sanitize } from '../report/sanitize.js';
import type { HostLeft } from '../i18n/index.js';

/** A host name as shown: no control characters or bidi overrides, whatever the caller passed. */
export function cleanHost(host: unknown): string {
  return sanitize(String(host)).replace(/\s+/g, ' ').trim();
}

interface HostTally {
  total: number;
  done: number;
  failed: number;
  /** Earliest time one of its URLs started (finish time minus its duration), on the progress clock. */
  firstStartAt: number;
  lastDoneAt: number;
}

/** What urlDone changed, for the displays that react to it. */
export interface Recorded {
  host: string;
  /** Set when this was the host's last URL. */
  finished?: { urls: number; failed: number; ms: number };
}

export interface Snapshot {
  done: number;
  total: number;
  failed: number;
  slowest: HostLeft | undefined;
  etaMs: number | undefined;
}

/**
 * The counts behind both displays: overall and per host, pure bookkeeping on an injected clock.
 * The bar's total is the larger of the announced total and the sum of the hosts' counts.
 */
export class Tally {
  readonly total: number;
  done = 0;
  failed = 0;
  private readonly hosts = new Map<string, HostTally>();

  constructor(
    total: number,
    hosts: ReadonlyMap<string, number>,
    private readonly startedAt: number,
  ) {
    let announced = 0;
    for (const [raw, n] of hosts) {
      const urls = count(n);
      if (urls === 0) continue;
      announced += urls;
      const host = cleanHost(raw);
      const known = this.hosts.get(host);
      if (known) known.total += urls;
      else this.hosts.set(host, { total: urls, done: 0, failed: 0, firstStartAt: Infinity, lastDoneAt: startedAt });
    }
    this.total = Math.max(count(total), announced);
  }

  /**
   * One URL finished. A host that start() did not announce, or one already finished, still counts
   * towards done/total (up to total), but gets no host line.
   */
  record(rawHost: string, outcome: 'ok' | 'failed', durationMs: number, at: number): Recorded {
    const failed = outcome !== 'ok';
    if (this.done < this.total) {
      this.done++;
      if (failed) this.failed++;
    }
    const host = cleanHost(rawHost);
    const tally = this.hosts.get(host);
    if (!tally || tally.done >= tally.total) return { host };
    tally.done++;
    if (failed) tally.failed++;
    const took = Number.isFinite(durationMs) && durationMs > 0 ? durationMs : 0;
    tally.firstStartAt = Math.min(tally.firstStartAt, at - took);
    tally.lastDoneAt = Math.max(tally.lastDoneAt, at);
    if (tally.done < tally.total) return { host };
    // From the host's first request (never before the run started) to its last answer.
    const ms = tally.lastDoneAt - Math.max(this.startedAt, tally.firstStartAt);
    return { host, finished: { urls: tally.total, failed: tally.failed, ms: Math.max(0, ms) } };
  }

  /** Hosts with URLs still to do, most first (ties by name, so the display does not flicker). */
  unfinished(): HostLeft[] {
    const left: HostLeft[] = [];
    for (const [host, t] of this.hosts) if (t.done < t.total) left.push({ host, left: t.total - t.done });
    return left.sort((a, b) => b.left - a.left || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  }

  /**
   * Throughput so far, overall and per host: under per-host rate limits the host with the most
   * left bounds the run, so the estimate is the larger of the two. Unknown before the first result.
   */
  etaMs(at: number): number | undefined {
    if (this.done === 0) return undefined;
    const elapsed = Math.max(0, at - this.startedAt);
    let eta = (elapsed * Math.max(0, this.total - this.done)) / this.done;
    for (const t of this.hosts.values()) {
      if (t.done > 0 && t.done < t.total) eta = Math.max(eta, (elapsed * (t.total - t.done)) / t.done);
    }
    return eta;
  }

  snapshot(at: number): Snapshot {
    return { done: this.done, total: this.total, failed: this.failed, slowest: this.unfinished()[0], etaMs: this.etaMs(at) };
  }
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
