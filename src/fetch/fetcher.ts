import type { Readable, Transform } from 'node:stream';
import { constants as zlibConstants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import type { Settings } from '../criteria/types.js';
import { reason } from '../i18n/index.js';
import { proxyFor, type ProxySettings } from '../network/index.js';
import { sleep } from '../util/sleep.js';
import { classifyError, isRetryable, type FetchError } from './errors.js';
import { validatorHeaders, type CachedResponse, type ResponseCache } from './cache.js';
import type { HostScheduler, MarkSent } from './scheduler.js';
import { withWireTime, type WireTimeOptions } from './wire-time.js';

export interface RedirectHop {
  url: string;
  status: number;
  location: string;
}

interface FetchBase {
  url: string;
  finalUrl: string;
  redirects: RedirectHop[];
  attempts: number;
  durationMs: number;
}

export interface FetchedResponse extends FetchBase {
  ok: true;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body went past the size cap; what was read is still checked. */
  truncated: boolean;
  /** The server answered 304 to a conditional request, and the stored body stood in. */
  fromCache?: boolean;
}

export interface FetchFailure extends FetchBase {
  ok: false;
  error: FetchError;
}

export type FetchResult = FetchedResponse | FetchFailure;

export type RetryCandidate = Pick<FetchedResponse, 'status' | 'headers' | 'body'>;

export interface Exchange {
  url: string;
  fetchedAt: Date;
  requestHeaders: Record<string, string>;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
}

export interface FetchContext {
  dispatcher: Dispatcher;
  scheduler: HostScheduler;
  settings: Settings;
  /** Stop starting requests (SIGINT, SIGTERM); whatever was gathered is still reported. */
  signal?: AbortSignal;
  /** Abort requests already in flight; fires a grace period after `signal`. */
  abortInflight?: AbortSignal;
  /** Vetoes a retry of a 429/5xx answer; bot walls, for one, never deserve another try. */
  shouldRetry?: (response: RetryCandidate) => boolean;
  random?: () => number;
  /** --cache: conditional requests, so an unchanged page costs the server a 304. */
  cache?: ResponseCache;
  /** Headers a host needs (criteria `hosts:`: headers and cookies), added to every request to it. */
  hostHeaders?: (host: string) => Record<string, string>;
  /** Every hop as sent and answered, for --archive. */
  onExchange?: (exchange: Exchange) => void;
  /** The proxies in use, so a failure can be blamed on the proxy rather than the site. */
  proxy?: ProxySettings;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const RETRY_AFTER_CAP_MS = 30_000;
const BACKOFF_BASE_MS = 500;
/** Government servers often end gzip streams early; keep what decoded rather than failing. */
const ZLIB_LENIENT = { finishFlush: zlibConstants.Z_SYNC_FLUSH };

type Attempt = (Omit<FetchedResponse, keyof FetchBase> & { retryAfterMs?: number }) | { ok: false; error: FetchError };

/** GET with redirects followed one hop at a time, so each hop is rate-limited and recorded. */
export async function fetchUrl(url: string, ctx: FetchContext): Promise<FetchResult> {
  const started = performance.now();
  const redirects: RedirectHop[] = [];
  const visited = new Set<string>();
  let current = url;
  let attempts = 0;
  const base = () => ({ url, finalUrl: current, redirects, attempts, durationMs: Math.round(performance.now() - started) });

  for (;;) {
    visited.add(current);
    const outcome = await fetchWithRetries(current, ctx);
    attempts += outcome.attempts;
    const { result } = outcome;
    if (!result.ok) return { ...base(), ok: false, error: result.error };

    const location = result.headers['location'];
    if (!REDIRECT_STATUSES.has(result.status) || !location) return { ...base(), ...result };

    const next = redirectTarget(location, current);
    if (!next) {
      return { ...base(), ok: false, error: reason('BAD_REDIRECT', { location }) };
    }
    redirects.push({ url: current, status: result.status, location: next });
    if (visited.has(next)) {
      return { ...base(), ok: false, error: reason('REDIRECT_LOOP', { chain: [...redirects.map((h) => h.url), next] }) };
    }
    if (redirects.length > ctx.settings.maxRedirects) {
      return { ...base(), ok: false, error: reason('TOO_MANY_REDIRECTS', { max: ctx.settings.maxRedirects }) };
    }
    current = next;
  }
}

function redirectTarget(location: string, base: string): string | undefined {
  try {
    const url = new URL(location, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

async function fetchWithRetries(url: string, ctx: FetchContext): Promise<{ result: Attempt; attempts: number }> {
  const host = new URL(url).host;
  let attempt = 0;
  for (;;) {
    attempt++;
    const result = await ctx.scheduler.runRequest(host, (sent) => fetchOnce(url, ctx, sent), ctx.signal);
    const again = attempt <= ctx.settings.retries && !ctx.signal?.aborted && wantsRetry(result, ctx);
    if (!again) return { result, attempts: attempt };
    await sleep(backoffMs(attempt, result, ctx.random ?? Math.random), ctx.signal);
  }
}

function wantsRetry(result: Attempt, ctx: FetchContext): boolean {
  if (!result.ok) return isRetryable(result.error.code);
  const retryableStatus = result.status === 429 || (result.status >= 500 && result.status !== 501);
  return retryableStatus && (ctx.shouldRetry?.(result) ?? true);
}

/** Exponential backoff with jitter, unless the server said when to come back (capped). */
function backoffMs(attempt: number, result: Attempt, random: () => number): number {
  if (result.ok && result.retryAfterMs !== undefined) return Math.min(result.retryAfterMs, RETRY_AFTER_CAP_MS);
  const exponential = BACKOFF_BASE_MS * 2 ** (attempt - 1);
  return Math.round(exponential * (0.5 + random()));
}

async function fetchOnce(url: string, ctx: FetchContext, sent: MarkSent): Promise<Attempt> {
  const { settings } = ctx;
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  if (ctx.signal?.aborted) return { ok: false, error: reason('INTERRUPTED', {}) };
  const signal = ctx.abortInflight ? AbortSignal.any([ctx.abortInflight, timeout]) : timeout;
  // Held in memory for this request, so a 304 can never find its entry gone.
  const cached = await ctx.cache?.get(url);
  try {
    const requestHeaders: Record<string, string> = {
      'user-agent': settings.userAgent,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5',
      'accept-encoding': 'gzip, deflate, br',
      ...ctx.hostHeaders?.(new URL(url).host),
      ...(cached ? validatorHeaders(cached) : {}),
    };
    const fetchedAt = new Date();
    const options: Parameters<typeof request>[1] & WireTimeOptions = { method: 'GET', dispatcher: withWireTime(ctx.dispatcher), signal, headers: requestHeaders, onSent: sent };
    const response = await request(url, options);
    const headers = flattenHeaders(response.headers);
    if (response.statusCode === 304 && cached) {
      await response.body.dump();
      return reuseCached(url, cached, headers, ctx.cache!);
    }
    const cap = isDocumentType(headers['content-type']) ? settings.maxDocumentBytes : settings.maxBodyBytes;
    const { body, truncated } = await readCapped(decoded(response.body, headers['content-encoding']), cap);
    ctx.onExchange?.({ url, fetchedAt, requestHeaders, status: response.statusCode, headers, body, truncated });
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    const fetched = { ok: true as const, status: response.statusCode, headers, body, truncated };
    // Every full answer goes to the cache: a storable 200 is kept, anything else retires the old entry.
    if (ctx.cache) await ctx.cache.put(url, fetched);
    return { ...fetched, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (error) {
    if (ctx.abortInflight?.aborted) return { ok: false, error: reason('INTERRUPTED', {}) };
    const host = new URL(url).host;
    const cause = timeout.aborted ? { code: 'TIMEOUT' } : error;
    return { ok: false, error: classifyError(cause, host, settings.timeoutMs, proxyFor(url, ctx.proxy)) };
  }
}

/** PDF, Office files and unlabelled downloads get the larger document cap; pages keep the page cap. */
function isDocumentType(contentType: string | undefined): boolean {
  return /^(application\/(pdf|octet-stream|msword|vnd\.)|binary\/)/i.test(contentType ?? '');
}

/** A 304 stands for the stored 200; storing it again renews the entry, so pages checked nightly never expire. */
async function reuseCached(url: string, cached: CachedResponse, fresh: Record<string, string>, cache: ResponseCache): Promise<Attempt> {
  const headers = { ...cached.headers };
  for (const name of ['etag', 'last-modified']) if (fresh[name]) headers[name] = fresh[name]!;
  const response = { status: cached.status, headers, body: cached.body };
  await cache.put(url, response);
  return { ok: true, ...response, truncated: false, fromCache: true };
}

/**
 * Undoes Content-Encoding with node:zlib. undici 7's decompress interceptor would do the same,
 * but it is experimental there and prints a warning on every run.
 */
function decoded(body: Readable, encoding: string | undefined): Readable {
  const codings = (encoding ?? '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
  let stream = body;
  for (const coding of codings.reverse()) {
    const decoder = DECODERS[coding];
    if (!decoder) break; // an unknown coding: hand over the bytes as they came
    const next = decoder();
    stream.on('error', (error) => next.destroy(error));
    stream = stream.pipe(next);
  }
  return stream;
}

const DECODERS: Record<string, () => Transform> = {
  gzip: () => createGunzip(ZLIB_LENIENT),
  'x-gzip': () => createGunzip(ZLIB_LENIENT),
  deflate: () => createInflate(ZLIB_LENIENT),
  br: () => createBrotliDecompress({ finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH }),
};

async function readCapped(body: Readable, cap: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > cap) {
      chunks.push(chunk.subarray(0, cap - size));
      body.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
