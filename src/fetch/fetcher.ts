import type { Readable, Transform } from 'node:stream';
import { constants as zlibConstants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import type { Settings } from '../model/criteria.js';
import { reason, type Reason } from '../model/reasons.js';
import { proxyFor, type ProxySettings } from '../network/index.js';
import { sleep } from '../util/sleep.js';
import { classifyError, isRetryable } from './errors.js';
import { type FetchError } from '../model/fetch.js';
import { validatorHeaders, type CachedResponse, type ResponseCache } from './cache.js';
import type { HostScheduler, MarkSent, PageHold } from './scheduler.js';
import { withWireTime, type WireTimeOptions } from './wire-time.js';
import { type FetchBase, type FetchResult, type FetchedResponse, type RedirectHop } from '../model/fetch.js';

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
/**
 * The longest Retry-After the run waits for. A site that says "come back tomorrow" (86400) would
 * otherwise hold its host's queue, and the run, for a day; past this the URL is given up at once
 * as RATE_LIMITED (unverified) and checked on a later run.
 */
const RETRY_AFTER_CAP_MS = 30_000;
/** The statuses whose Retry-After means "come back later" (RFC 9110 §10.2.3); on a redirect it means something else. */
const COME_BACK_LATER = new Set([429, 503]);
/** The first retry waits about this long (×0.5–1.5 jitter), doubling after: long enough for a blip to pass, short enough that the default two retries cost seconds, not minutes. */
const BACKOFF_BASE_MS = 500;
/** Government servers often end gzip streams early; keep what decoded rather than failing. */
const ZLIB_LENIENT = { finishFlush: zlibConstants.Z_SYNC_FLUSH };

type Attempt = (Omit<FetchedResponse, keyof FetchBase> & { retryAfterMs?: number }) | { ok: false; error: FetchError };

/**
 * GET with redirects followed one hop at a time, so each hop is rate-limited and recorded. With a
 * hold, each request takes a place among the pages in hand; the final answer's place is left for
 * the caller to give back once the page is checked.
 */
export async function fetchUrl(url: string, ctx: FetchContext, hold?: PageHold): Promise<FetchResult> {
  const started = performance.now();
  const redirects: RedirectHop[] = [];
  const visited = new Set<string>();
  let current = url;
  let attempts = 0;
  const warnings: Reason[] = [];
  const base = () => ({ url, finalUrl: current, redirects, attempts, durationMs: Math.round(performance.now() - started), ...(warnings.length ? { warnings } : {}) });

  for (;;) {
    visited.add(current);
    const outcome = await fetchWithRetries(current, ctx, hold);
    attempts += outcome.attempts;
    const { result } = outcome;
    if (!result.ok) return { ...base(), ok: false, error: result.error };

    const location = result.headers['location'];
    if (!REDIRECT_STATUSES.has(result.status) || !location) return { ...base(), ...result };
    // A hop is not the page; holding its place while the next hop waits for its host could deadlock.
    hold?.release();

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
    // Followed, as a browser would, but an https link whose page is served in the clear is worth a word.
    if (new URL(current).protocol === 'https:' && new URL(next).protocol === 'http:') {
      warnings.push(reason('REDIRECT_DOWNGRADE', { from: current, to: next }));
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

async function fetchWithRetries(url: string, ctx: FetchContext, hold?: PageHold): Promise<{ result: Attempt; attempts: number }> {
  const host = new URL(url).host;
  let attempt = 0;
  for (;;) {
    attempt++;
    const result = await ctx.scheduler.runRequest(host, (sent) => fetchOnce(url, ctx, sent), ctx.signal, hold);
    const retryable = wantsRetry(result, ctx);
    const later = retryable ? tooLateToWait(result, host) : undefined;
    if (later) return { result: later, attempts: attempt };
    const again = attempt <= ctx.settings.retries && !ctx.signal?.aborted && retryable;
    if (!again) return { result, attempts: attempt };
    hold?.release(); // an answer to be retried is let go; the backoff holds no place
    await sleep(backoffMs(attempt, result, ctx.random ?? Math.random), ctx.signal);
  }
}

function wantsRetry(result: Attempt, ctx: FetchContext): boolean {
  if (!result.ok) return isRetryable(result.error.code);
  const retryableStatus = result.status === 429 || (result.status >= 500 && result.status !== 501);
  return retryableStatus && (ctx.shouldRetry?.(result) ?? true);
}

/**
 * A 429 or 503 whose Retry-After is past the cap: the site asked to be left alone for longer than
 * a run waits, so the URL is given up now, unverified, whatever retries are left. Never slept on.
 */
function tooLateToWait(result: Attempt, host: string): Attempt | undefined {
  if (!result.ok || result.retryAfterMs === undefined || result.retryAfterMs <= RETRY_AFTER_CAP_MS) return undefined;
  if (!COME_BACK_LATER.has(result.status)) return undefined;
  const seconds = Math.ceil(result.retryAfterMs / 1000);
  return { ok: false, error: reason('RATE_LIMITED', { host, status: result.status, seconds, capSeconds: RETRY_AFTER_CAP_MS / 1000 }) };
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
  /** What the attempt got to, so a failure can say where it stopped. */
  const stage: Stage = { onWire: false };
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
    const onSent = () => {
      stage.onWire = true;
      sent();
    };
    const options: Parameters<typeof request>[1] & WireTimeOptions = { method: 'GET', dispatcher: withWireTime(ctx.dispatcher), signal, headers: requestHeaders, onSent };
    const response = await answerBefore(request(url, options), signal);
    const headers = flattenHeaders(response.headers);
    if (response.statusCode === 304 && cached) {
      await response.body.dump();
      return reuseCached(url, cached, headers, ctx.cache!);
    }
    const cap = isDocumentType(headers['content-type']) ? settings.maxDocumentBytes : settings.maxBodyBytes;
    stage.reading = { received: 0, ...expectedLength(headers) };
    const { body, truncated } = await readCapped(response.body, headers['content-encoding'], cap, stage.reading);
    ctx.onExchange?.({ url, fetchedAt, requestHeaders, status: response.statusCode, headers, body, truncated });
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    const fetched = { ok: true as const, status: response.statusCode, headers, body, truncated };
    // Every full answer goes to the cache: a storable 200 is kept, anything else retires the old entry.
    if (ctx.cache) await ctx.cache.put(url, fetched);
    return { ...fetched, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (error) {
    if (ctx.abortInflight?.aborted) return { ok: false, error: reason('INTERRUPTED', {}) };
    return { ok: false, error: failureOf(error, url, ctx, { ...stage, timedOut: timeout.aborted }) };
  }
}

/**
 * undici acts on an abort only once a request has its connection, so a request stuck in a TCP or
 * TLS handshake outlives its timeout until the connector's own (coarse) timer fires: measured 1.5 s
 * for a 1 s timeout, and up to the 10 s connect cap for Ctrl-C's abort of requests in flight.
 * Racing the signal ends the attempt on time; an answer that still comes later is let go.
 */
async function answerBefore<T extends { body: { destroy(): unknown } }>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort: () => void = ignore;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([pending, aborted]);
  } catch (error) {
    pending.then((late) => late.body.destroy(), ignore);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

interface Stage {
  /** The request's headers went out on a connected socket (TCP, and TLS, were up). */
  onWire: boolean;
  /** Set once the status and headers are in and the body is being read. */
  reading?: BodyRead;
  timedOut?: boolean;
}

interface BodyRead {
  /** Decoded bytes read so far. */
  received: number;
  /** Content-Length, where it counts the same bytes as `received` (no content coding). */
  expected?: number;
  /** A content decoder failed on the server's bytes: the coding, and zlib's error. */
  decodeFailure?: { coding: string; error: Error };
}

/** Why an attempt failed, told by where it stopped: connecting, waiting for the answer, or reading it. */
function failureOf(error: unknown, url: string, ctx: FetchContext, stage: Stage): FetchError {
  const host = new URL(url).host;
  const { timeoutMs } = ctx.settings;
  // The whole-request timeout fired. Before the request was on the wire the connection never came
  // up (a TCP or TLS handshake that stalls); after, the answer did not come, or not all of it.
  if (stage.timedOut) return stage.onWire ? reason('TIMEOUT', { host, seconds: timeoutMs / 1000 }) : reason('CONNECT_TIMEOUT', { host });
  const { reading } = stage;
  const bad = reading?.decodeFailure;
  if (bad) return reason('BAD_CONTENT_ENCODING', { host, encoding: bad.coding, detail: errorText(bad.error) });
  const classified = classifyError(error, host, timeoutMs, proxyFor(url, ctx.proxy));
  // The answer had begun: a connection lost now cut the page short; the server did answer.
  if (reading && classified.code === 'CONNECTION_RESET') {
    return reason('BODY_INCOMPLETE', { host, received: reading.received, ...(reading.expected !== undefined ? { expected: reading.expected } : {}) });
  }
  return classified;
}

function errorText(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code ? `${code}: ${error.message}` : error.message;
}

/** Content-Length, when it measures the bytes the reader sees: with a content coding it counts the coded ones. */
function expectedLength(headers: Record<string, string>): { expected?: number } {
  const coding = headers['content-encoding']?.trim().toLowerCase();
  const length = headers['content-length']?.trim();
  if ((coding && coding !== 'identity') || !length || !/^\d+$/.test(length)) return {};
  return { expected: Number(length) };
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
 * but it is experimental there and prints a warning on every run. Returns every stream of the
 * chain, the response body first, so the reader can close them all. A decoder's own error is
 * noted in `read` (the server's bytes are not what it says they are); an error from upstream (the
 * connection) passes through the decoders to the reader but is not theirs.
 */
function decoderChain(body: Readable, encoding: string | undefined, read: BodyRead): Readable[] {
  const codings = (encoding ?? '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
  const chain: Readable[] = [body];
  const passedOn = new WeakSet<object>();
  for (const coding of codings.reverse()) {
    const make = DECODERS[coding];
    if (!make) break; // an unknown coding: hand over the bytes as they came
    const decoder = make();
    decoder.on('error', (error) => {
      if (!passedOn.has(error)) read.decodeFailure ??= { coding, error };
    });
    const upstream = chain[chain.length - 1]!;
    upstream.on('error', (error) => {
      if (typeof error === 'object' && error !== null) passedOn.add(error);
      decoder.destroy(error);
    });
    chain.push(upstream.pipe(decoder));
  }
  return chain;
}

const DECODERS: Record<string, () => Transform> = {
  gzip: () => createGunzip(ZLIB_LENIENT),
  'x-gzip': () => createGunzip(ZLIB_LENIENT),
  deflate: () => createInflate(ZLIB_LENIENT),
  br: () => createBrotliDecompress({ finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH }),
};

const ignore = () => undefined;

/**
 * Reads at most `cap` bytes after decoding, so a gzip bomb (1 GB of zeros in 1 MB) stops at the
 * cap: zlib only inflates as fast as this loop reads. However the read ends (the cap, an error, the
 * end), every stream of the chain is then destroyed. A decoder stopped at the cap once left the
 * response body paused with its connection open, which held dispatcher.close(), and so the end of
 * the run, until the request timed out.
 */
async function readCapped(raw: Readable, encoding: string | undefined, cap: number, read: BodyRead): Promise<{ body: Buffer; truncated: boolean }> {
  const chain = decoderChain(raw, encoding, read);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of chain[chain.length - 1]! as AsyncIterable<Buffer>) {
      if (read.received + chunk.length > cap) {
        chunks.push(chunk.subarray(0, cap - read.received));
        read.received = cap;
        return { body: Buffer.concat(chunks), truncated: true };
      }
      chunks.push(chunk);
      read.received += chunk.length;
    }
    return { body: Buffer.concat(chunks), truncated: false };
  } finally {
    // Nobody reads these streams any more: an error they raise while closing has no one to tell.
    for (const stream of chain) stream.on('error', ignore).destroy();
  }
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
