import { STATUS_CODES } from 'node:http';

/** Header names whose values are never written to the archive: it is attached to a submission. */
export const DEFAULT_REDACTED_REQUEST_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie'];

export const REDACTED = '[redacted]';

/** Codings that describe bytes no longer there: the fetcher stores bodies decoded and de-chunked. */
const ENCODING_HEADERS = ['content-encoding', 'transfer-encoding'] as const;

export type HeaderPairs = [string, string][];

/** CR and LF never reach a record: they would end the header block early. */
export function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/**
 * The HTTP head (status line, headers, blank line) as bytes. undici decodes header bytes as latin1,
 * one character per byte, so encoding them back as latin1 gives the bytes the server sent, a GBK
 * or UTF-8 Content-Disposition filename included. (warcio would write UTF-8, which doubles every
 * byte above 0x7f.) A line with characters beyond latin1 did not come from the wire; it is UTF-8.
 */
export function httpHead(statusline: string, pairs: HeaderPairs): Buffer {
  const lines = [statusline, ...pairs.map(([name, value]) => `${name}: ${value}`)].map(headerValue);
  return Buffer.concat([
    ...lines.map((line) => Buffer.from(`${line}\r\n`, /[^\x00-\xff]/.test(line) ? 'utf8' : 'latin1')),
    Buffer.from('\r\n', 'latin1'),
  ]);
}

export function requestLine(url: string): string {
  const parsed = new URL(url);
  return `GET ${parsed.pathname || '/'}${parsed.search} HTTP/1.1`;
}

/** What undici sent: the fetcher's headers, with Host first (undici adds it), secrets redacted. */
export function requestHeaders(url: string, headers: Record<string, string>, redact: ReadonlySet<string>): { pairs: HeaderPairs; redacted: string[] } {
  const pairs: HeaderPairs = [];
  const redacted: string[] = [];
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  if (!names.includes('host')) pairs.push(['host', new URL(url).host]);
  for (const [name, value] of Object.entries(headers)) {
    if (redact.has(name.toLowerCase())) {
      pairs.push([name, REDACTED]);
      redacted.push(name.toLowerCase());
    } else {
      pairs.push([name, headerValue(value)]);
    }
  }
  return { pairs, redacted };
}

export function statusLine(status: number, statusText: string | undefined): string {
  const text = (statusText ?? STATUS_CODES[status] ?? '').replace(/[\r\n]+/g, ' ');
  // RFC 9112: the space after the code stays even when there is no reason phrase.
  return `HTTP/1.1 ${status} ${text}`;
}

/**
 * The response headers for a body stored decoded: Content-Encoding and Transfer-Encoding are dropped
 * and Content-Length states the stored length, so any WARC reader gets the bytes it is told about.
 * The returned note says what changed, for the record's WARC header.
 */
export function responseHeaders(headers: Record<string, string>, bodyLength: number, truncated: boolean): { pairs: HeaderPairs; note: string } {
  const pairs: HeaderPairs = [];
  const removed: string[] = [];
  let originalLength: string | undefined;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if ((ENCODING_HEADERS as readonly string[]).includes(lower)) {
      removed.push(`${canonical(lower)}: ${headerValue(value)}`);
      continue;
    }
    if (lower === 'content-length') {
      originalLength = headerValue(value);
      continue;
    }
    pairs.push([name, headerValue(value)]);
  }
  pairs.push(['content-length', String(bodyLength)]);
  const parts = ['body stored decoded'];
  if (removed.length > 0) parts.push(`removed ${removed.join(', ')}`);
  parts.push(
    originalLength !== undefined && originalLength !== String(bodyLength)
      ? `Content-Length set to the stored length (was ${originalLength})`
      : 'Content-Length set to the stored length',
  );
  if (truncated) parts.push('body cut at the size limit');
  return { pairs, note: parts.join('; ') };
}

function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
