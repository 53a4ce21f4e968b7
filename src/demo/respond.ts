/**
 * How the demo site answers each kind of route in ./routes.ts: plain pages, flaky ones, slow
 * headers, a slow body, redirects, a reset connection and the ~12 MB streamed page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoDates } from './dates.js';
import { FILLER_MARKER, redirectPage, type RenderedPages } from './pages/index.js';
import type { Headers, Route } from './routes.js';

export const HTML_UTF8 = 'text/html; charset=utf-8';

/** What a running site answers from: its pages and dates, and its one timer helper. */
export interface SiteContext {
  pages: RenderedPages;
  dates: DemoDates;
  slowMs: number;
  /** One 64 KB chunk of /big's filler rows. */
  bigFiller: Buffer;
  /** setTimeout whose timer the site clears on close. */
  later(ms: number, fn: () => void): void;
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: string | Buffer, headers: Headers = {}): void {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    'Content-Type': HTML_UTF8,
    'Content-Length': String(buf.length),
    ...headers,
  });
  if (req.method === 'HEAD') res.end();
  else res.end(buf);
}

function text(pages: RenderedPages, name: keyof RenderedPages): string {
  const page = pages[name];
  if (typeof page !== 'string') throw new Error(`demo site: page ${name} is not UTF-8 text`);
  return page;
}

/** Answers one request by its route; `hit` is this request's number for its full path (1 = first). */
export function respond(req: IncomingMessage, res: ServerResponse, route: Route, hit: number, site: SiteContext): void {
  const { pages } = site;
  switch (route.kind) {
    case 'page': {
      const headers = route.lastModified === undefined
        ? route.headers
        : { ...route.headers, 'Last-Modified': site.dates[route.lastModified].toUTCString() };
      return send(req, res, route.status ?? 200, pages[route.page], headers);
    }
    case 'flaky':
      if (hit <= route.failures) return send(req, res, route.busy.status, pages[route.busy.page], route.busy.headers);
      return send(req, res, 200, pages[route.page]);
    case 'slow':
      site.later(site.slowMs, () => {
        if (!res.destroyed) send(req, res, 200, pages[route.page]);
      });
      return;
    case 'slow-body':
      return slowBody(req, res, text(pages, route.page), site);
    case 'redirect':
      return send(req, res, route.status, redirectPage(site.dates, route.to), { Location: route.to });
    case 'reset':
      req.socket.destroy();
      return;
    case 'big':
      // Chunked transfer (no Content-Length), so size limits must be enforced while streaming.
      res.writeHead(200, { 'Content-Type': HTML_UTF8 });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      void streamBig(res, text(pages, route.page), site.bigFiller).catch(() => {
        res.destroy();
      });
      return;
  }
}

function slowBody(req: IncomingMessage, res: ServerResponse, full: string, site: SiteContext): void {
  const mid = Math.floor(full.length / 2);
  const first = Buffer.from(full.slice(0, mid), 'utf8');
  const rest = Buffer.from(full.slice(mid), 'utf8');
  res.writeHead(200, {
    'Content-Type': HTML_UTF8,
    'Content-Length': String(first.length + rest.length),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.write(first);
  site.later(site.slowMs, () => {
    if (!res.destroyed) res.end(rest);
  });
}

// ---------------------------------------------------------------------------
// /big: ~12 MB streamed in chunks
// ---------------------------------------------------------------------------

const BIG_TARGET_BYTES = 12 * 1024 * 1024;

export function makeFillerChunk(): Buffer {
  const row = '        <p class="row">本行为明细表填充数据，用于模拟体量很大的页面，内容无实际意义。</p>\n';
  const rows: string[] = [];
  let size = 0;
  const rowBytes = Buffer.byteLength(row);
  while (size + rowBytes <= 64 * 1024) {
    rows.push(row);
    size += rowBytes;
  }
  return Buffer.from(rows.join(''), 'utf8');
}

async function streamBig(res: ServerResponse, head: string, filler: Buffer): Promise<void> {
  const idx = head.indexOf(FILLER_MARKER);
  const before = Buffer.from(head.slice(0, idx), 'utf8');
  const after = Buffer.from(head.slice(idx + FILLER_MARKER.length), 'utf8');
  const waitDrain = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });

  let sent = 0;
  const write = async (chunk: Buffer): Promise<boolean> => {
    if (res.destroyed || res.writableEnded) return false;
    sent += chunk.length;
    if (!res.write(chunk)) await waitDrain();
    return !res.destroyed;
  };

  if (!(await write(before))) return;
  while (sent + filler.length + after.length <= BIG_TARGET_BYTES) {
    if (!(await write(filler))) return;
  }
  if (!res.destroyed) res.end(after);
}
