/**
 * A local HTTP site that imitates Chinese government websites (政府网站).
 *
 * Used by the test suite and by `audit demo`. Every route reproduces one
 * real-world behaviour the auditor has to cope with: column lists with dates,
 * PubDate meta tags, GBK/GB18030 pages, soft 404s, bot walls (瑞数 / 加速乐 /
 * slider captcha), flaky 429/503 responses, slow servers, resets, redirect
 * loops, script-filled columns, gzip and very large pages.
 *
 * The site is data plus a small server: the pages are templates in ./pages/ (dates filled per
 * run, see ./template.ts), the paths are the table in ./routes.ts, the answers ./respond.ts.
 *
 * The server only ever listens on 127.0.0.1 with an ephemeral port.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { demoDates } from './dates.js';
import { renderPages } from './pages/index.js';
import { HTML_UTF8, makeFillerChunk, respond, type SiteContext } from './respond.js';
import { NOT_FOUND, ROUTES } from './routes.js';

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

export async function startDemoSite(options: DemoSiteOptions = {}): Promise<DemoSite> {
  const now = options.now ?? new Date();
  const dates = demoDates(now);
  const timers = new Set<NodeJS.Timeout>();
  const site: SiteContext = {
    pages: renderPages(dates),
    dates,
    slowMs: options.slowMs ?? 3000,
    bigFiller: makeFillerChunk(),
    later: (ms, fn) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
  };

  const requests: DemoRequest[] = [];
  const hits = new Map<string, number>();
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
    respond(req, res, ROUTES.get(pathname) ?? NOT_FOUND, hit, site);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': HTML_UTF8 });
        res.end(site.pages.serverError);
      } else {
        res.destroy();
      }
    }
  });
  const sockets = trackSockets(server);
  const origin = await listen(server);

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

/** The server's open sockets, so close() can destroy them; client aborts and resets never crash it. */
function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Client aborts and resets are expected; never let them crash the process.
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });
  return sockets;
}

/** Listens on 127.0.0.1 with an ephemeral port; resolves to the origin. */
async function listen(server: Server): Promise<string> {
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
  return `http://127.0.0.1:${address.port}`;
}
