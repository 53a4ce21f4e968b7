import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { DEFAULT_USER_AGENT } from '../criteria/settings.js';
import { blockedAddressOf, createNetworkDispatcher, isPrivateAddress, type AddressPolicy } from '../network/index.js';
import { buildRequest, readAnswer } from './formats.js';
import { cleanText } from './render.js';
import type { NotifyResult, NotifySummary, NotifyTarget } from './types.js';

export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;

/** Robots answer with a few bytes of JSON; nothing more is worth reading. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface SendOptions {
  dispatcher: Dispatcher;
  /** For the whole request, answer included. Default 10s. */
  timeoutMs?: number;
  /** The clock for signatures (ms since the epoch); tests fix it. */
  now?: () => number;
  /**
   * For `guarded` targets (settings.notify under block_private): the addresses refused, after
   * DNS. Default isPrivateAddress; tests pass their own, with a fake `lookup`.
   */
  blockAddress?: AddressPolicy;
  lookup?: LookupFunction;
}

/**
 * Posts the summary to every target at once. Never throws and never retries: each target gets a
 * result, and a failed one is for the caller to log; it must not change the audit's exit code.
 */
export async function sendNotifications(targets: NotifyTarget[], summary: NotifySummary, options: SendOptions): Promise<NotifyResult[]> {
  // Guarded targets get a dispatcher of their own that checks every address it connects to;
  // `options.dispatcher` may be anything, so it cannot be trusted to.
  const guarded = targets.some((t) => t.guarded)
    ? createNetworkDispatcher({
      timeoutMs: options.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS,
      blockAddress: options.blockAddress ?? isPrivateAddress,
      ...(options.lookup ? { lookup: options.lookup } : {}),
    })
    : undefined;
  try {
    return await Promise.all(targets.map((target) => sendOne(target, summary, target.guarded ? { ...options, dispatcher: guarded! } : options)));
  } finally {
    await guarded?.destroy();
  }
}

async function sendOne(target: NotifyTarget, summary: NotifySummary, options: SendOptions): Promise<NotifyResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS;
  let host = '(unknown host)';
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    host = new URL(target.url).host;
    const prepared = buildRequest(target, summary, (options.now ?? Date.now)());
    const response = await request(prepared.url, {
      method: 'POST',
      dispatcher: options.dispatcher,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        accept: 'application/json',
        'user-agent': DEFAULT_USER_AGENT,
      },
      body: JSON.stringify(prepared.body),
    });
    const text = await readCapped(response.body, MAX_ANSWER_BYTES);
    return { target, ...readAnswer(target.kind, response.statusCode, text) };
  } catch (error) {
    return { target, ok: false, detail: signal.aborted ? `no answer from ${host} within ${timeoutMs / 1000}s` : networkProblem(error, host) };
  }
}

/** A sentence for the log from an undici or Node error, which carries a `code`. */
function networkProblem(error: unknown, host: string): string {
  const blocked = blockedAddressOf(error);
  if (blocked) {
    return `refused: ${host} is at ${blocked.address}, an internal address, and this webhook comes from settings.notify in the criteria file, which --block-private (block_private) does not trust; give a trusted webhook with --notify`;
  }
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  const code = err?.cause?.code ?? err?.code ?? '';
  switch (code) {
    case 'ENOTFOUND':
      return `cannot resolve host ${host}`;
    case 'EAI_AGAIN':
      return `DNS lookup for ${host} failed temporarily (is this machine online?)`;
    case 'ECONNREFUSED':
      return `${host} refused the connection`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return `${host} closed the connection before answering`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return `could not connect to ${host} in time`;
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `no answer from ${host} in time`;
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `no route to ${host} (is this machine online?)`;
  }
  const detail = err?.cause?.message ?? err?.message ?? String(error);
  return cleanText(`request to ${host} failed: ${code ? `${code} ` : ''}${detail}`, 300);
}

async function readCapped(body: Readable, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= cap) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, cap).toString('utf8');
}
