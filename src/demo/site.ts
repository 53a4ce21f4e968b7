/**
 * A local HTTP site that imitates Chinese government websites (政府网站).
 *
 * Used by the test suite and by `audit demo`. Every route reproduces one
 * real-world behaviour the auditor has to cope with: column lists with dates,
 * PubDate meta tags, GBK/GB18030 pages, soft 404s, bot walls (瑞数 / 加速乐 /
 * slider captcha), flaky 429/503 responses, slow servers, resets, redirect
 * loops, script-filled columns, gzip and very large pages.
 *
 * The pages are templates in ./pages/ (dates filled per run, see ./template.ts).
 *
 * The server only ever listens on 127.0.0.1 with an ephemeral port.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { demoDates } from './dates.js';
import { FILLER_MARKER, redirectPage, renderPages, type RenderedPages } from './pages/index.js';

export { demoDates, formatCnDate, formatDate, formatDateTime, type DemoDates } from './dates.js';

export interface DemoSiteOptions {
  /** Dates shown on pages are computed relative to this instant (default: new Date()). */
  now?: Date;
  /** Delay used by /slow and /slow-body, in milliseconds (default 3000). */
  slowMs?: number;
}

export interface DemoRequest {
  method: string;
  /** Request target as received, including the query string. */
  path: string;
  /** Date.now() when the request arrived. */
  at: number;
  userAgent?: string;
}

export interface DemoSite {
  /** e.g. http://127.0.0.1:12345 */
  origin: string;
  requests: DemoRequest[];
  close(): Promise<void>;
}

const HTML_UTF8 = 'text/html; charset=utf-8';

function text(pages: RenderedPages, name: keyof RenderedPages): string {
  const page = pages[name];
  if (typeof page !== 'string') throw new Error(`demo site: page ${name} is not UTF-8 text`);
  return page;
}

// ---------------------------------------------------------------------------
// /big: ~12 MB streamed in chunks
// ---------------------------------------------------------------------------

const BIG_TARGET_BYTES = 12 * 1024 * 1024;

function makeFillerChunk(): Buffer {
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
  const marker = FILLER_MARKER;
  const idx = head.indexOf(marker);
  const before = Buffer.from(head.slice(0, idx), 'utf8');
  const after = Buffer.from(head.slice(idx + marker.length), 'utf8');
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

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

export async function startDemoSite(options: DemoSiteOptions = {}): Promise<DemoSite> {
  const now = options.now ?? new Date();
  const slowMs = options.slowMs ?? 3000;
  const dates = demoDates(now);
  const pages = renderPages(dates);
  const bigPage = text(pages, 'big');
  const bigFiller = makeFillerChunk();

  const requests: DemoRequest[] = [];
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): void => {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, {
      'Content-Type': HTML_UTF8,
      'Content-Length': String(buf.length),
      ...headers,
    });
    if (req.method === 'HEAD') res.end();
    else res.end(buf);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const rawPath = req.url ?? '/';
    requests.push({
      method: req.method ?? 'GET',
      path: rawPath,
      at: Date.now(),
      ...(req.headers['user-agent'] !== undefined ? { userAgent: req.headers['user-agent'] } : {}),
    });
    // Per-instance hit counter keyed by the full request path (including query).
    const hit = (hits.get(rawPath) ?? 0) + 1;
    hits.set(rawPath, hit);

    const q = rawPath.indexOf('?');
    const pathname = q === -1 ? rawPath : rawPath.slice(0, q);

    switch (pathname) {
      case '/':
      case '/index.html':
        return send(req, res, 200, pages.home);
      case '/list/fresh':
        return send(req, res, 200, pages.listFresh);
      case '/list/stale':
        return send(req, res, 200, pages.listStale);
      case '/article/meta':
        return send(req, res, 200, pages.articleMeta);
      case '/article/cn-date':
        return send(req, res, 200, pages.articleCnDate);
      case '/gbk/list':
        return send(req, res, 200, pages.gbkList, { 'Content-Type': 'text/html; charset=gb2312' });
      case '/gbk/meta':
        return send(req, res, 200, pages.gbkMeta, { 'Content-Type': 'text/html' });
      case '/nodate':
        return send(req, res, 200, pages.nodate);
      case '/last-modified':
        return send(req, res, 200, pages.lastModified, { 'Last-Modified': dates.fresh.toUTCString() });
      case '/future':
        return send(req, res, 200, pages.future);
      case '/soft404':
        return send(req, res, 200, pages.soft404);
      case '/under-construction':
        return send(req, res, 200, pages.underConstruction);
      case '/gone':
        return send(req, res, 404, pages.notFound);
      case '/server-error':
        return send(req, res, 500, pages.serverError);
      case '/botwall/rs':
        return send(req, res, 412, pages.botwallRs, {
          'Set-Cookie': 'FSSBBIl1UgzbN7N80S=xyz; path=/',
          'Cache-Control': 'no-cache, no-store',
        });
      case '/botwall/jsl':
        return send(req, res, 521, pages.botwallJsl, { 'Cache-Control': 'no-cache, no-store' });
      case '/botwall/captcha':
        return send(req, res, 200, pages.captcha);
      case '/flaky/429':
        if (hit === 1) return send(req, res, 429, pages.flaky429Busy, { 'Retry-After': '1' });
        return send(req, res, 200, pages.flaky429);
      case '/flaky/503':
        if (hit <= 2) return send(req, res, 503, pages.flaky503Busy);
        return send(req, res, 200, pages.flaky503);
      case '/slow':
        later(slowMs, () => {
          if (!res.destroyed) send(req, res, 200, pages.slow);
        });
        return;
      case '/slow-body': {
        const full = text(pages, 'slowBody');
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
        later(slowMs, () => {
          if (!res.destroyed) res.end(rest);
        });
        return;
      }
      case '/reset':
        req.socket.destroy();
        return;
      case '/redirect/a':
        return send(req, res, 301, redirectPage(dates, '/redirect/b'), { Location: '/redirect/b' });
      case '/redirect/b':
        return send(req, res, 302, redirectPage(dates, '/list/fresh'), { Location: '/list/fresh' });
      case '/redirect/loop':
        return send(req, res, 302, redirectPage(dates, '/redirect/loop2'), { Location: '/redirect/loop2' });
      case '/redirect/loop2':
        return send(req, res, 302, redirectPage(dates, '/redirect/loop'), { Location: '/redirect/loop' });
      case '/script-filled':
        return send(req, res, 200, pages.scriptFilled);
      case '/site/label/8888':
        return send(req, res, 200, pages.labelList);
      case '/gzip':
        return send(req, res, 200, pages.gzip, { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
      case '/big':
        // Chunked transfer (no Content-Length), so size limits must be enforced while streaming.
        res.writeHead(200, { 'Content-Type': HTML_UTF8 });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        void streamBig(res, bigPage, bigFiller).catch(() => {
          res.destroy();
        });
        return;
      case '/keywords':
        return send(req, res, 200, pages.keywords);
      default:
        return send(req, res, 404, pages.notFound);
    }
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': HTML_UTF8 });
        res.end(pages.serverError);
      } else {
        res.destroy();
      }
    }
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Client aborts and resets are expected; never let them crash the process.
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });

  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error('demo site: unexpected server address');
  }
  const origin = `http://127.0.0.1:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      sockets.clear();
    });
    return closing;
  };

  return { origin, requests, close };
}
