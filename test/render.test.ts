import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BROWSER_CANDIDATES, findBrowser, noBrowser, Renderer, renderedResponse, type RenderOptions } from '../src/render/index.js';
import type { FetchedResponse } from '../src/model/fetch.js';

const browserPath = findBrowser(process.env);
if (!browserPath) console.warn('render.test.ts: skipped: no Chromium; apt-get install chromium (or set CHROMIUM_PATH)');

describe('findBrowser', () => {
  const only = (...present: string[]) => (path: string) => present.includes(path);

  it('takes CHROMIUM_PATH first, when it exists', () => {
    expect(findBrowser({ CHROMIUM_PATH: '/opt/chrome/chrome' }, only('/opt/chrome/chrome', '/usr/bin/chromium'))).toBe('/opt/chrome/chrome');
  });

  it('falls back in order: chromium, chromium-browser, google-chrome', () => {
    expect(BROWSER_CANDIDATES).toEqual(['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']);
    const all = only('/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome');
    expect(findBrowser({ CHROMIUM_PATH: '/missing' }, all)).toBe('/usr/bin/chromium');
    expect(findBrowser({}, only('/usr/bin/chromium-browser', '/usr/bin/google-chrome'))).toBe('/usr/bin/chromium-browser');
    expect(findBrowser({ CHROMIUM_PATH: '' }, only('/usr/bin/google-chrome'))).toBe('/usr/bin/google-chrome');
  });

  it('finds nothing when nothing exists, and says how to install a browser', () => {
    const asked: string[] = [];
    expect(findBrowser({ CHROMIUM_PATH: '/x/chrome' }, (p) => (asked.push(p), false))).toBeUndefined();
    expect(asked).toEqual(['/x/chrome', ...BROWSER_CANDIDATES]);
    expect(noBrowser({ CHROMIUM_PATH: '/x/chrome' })).toMatchObject({ ok: false, code: 'NO_BROWSER', detail: expect.stringContaining('apt-get install chromium') });
  });
});

describe('Renderer without a browser', () => {
  it('answers NO_BROWSER for a missing executable and closes cleanly, twice', async () => {
    const renderer = new Renderer({ executablePath: '/nonexistent/chromium', timeoutMs: 1000, userAgent: 'test' });
    const result = await renderer.render('http://127.0.0.1:9/');
    expect(result).toMatchObject({ ok: false, code: 'NO_BROWSER', detail: expect.stringContaining('apt-get install chromium') });
    await renderer.close();
    await renderer.close();
  });

  it('closes a renderer that never launched, and refuses to render afterwards', async () => {
    const renderer = new Renderer({ executablePath: '/nonexistent/chromium', timeoutMs: 1000, userAgent: 'test' });
    await renderer.close();
    expect(await renderer.render('http://127.0.0.1:9/')).toMatchObject({ ok: false, code: 'INTERRUPTED' });
  });

  it('answers LAUNCH_FAILED when the executable is no browser', async () => {
    const renderer = new Renderer({ executablePath: '/bin/false', timeoutMs: 1000, userAgent: 'test' });
    try {
      const [a, b] = await Promise.all([renderer.render('http://127.0.0.1:9/a'), renderer.render('http://127.0.0.1:9/b')]);
      expect(a).toMatchObject({ ok: false, code: 'LAUNCH_FAILED', detail: expect.stringContaining('exit code 1') });
      expect(b).toEqual(a);
    } finally {
      await renderer.close();
    }
  });
});

// ---------------------------------------------------------------------------
// A loopback site with a script-filled column, like Anhui's /public/column pages.
// ---------------------------------------------------------------------------

interface Hit { path: string; headers: IncomingHttpHeaders }

interface Site {
  origin: string;
  hits: Hit[];
  /** The most /pooled documents the server was answering at once. */
  maxPooled: number;
  close(): Promise<void>;
}

const ITEMS = [
  { title: '财政预算公开', date: '2026-03-10' },
  { title: '部门决算公开', date: '2026-02-27' },
  { title: '“三公”经费公开', date: '2026-01-15' },
];

const LIST_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>财政资金</title><link rel="stylesheet" href="/style.css"></head>
<body>
  <img src="/img.png" alt="banner">
  <h2>财政资金</h2>
  <ul id="list"></ul>
  <div class="loading">正在加载</div>
  <script src="/app.js"></script>
</body></html>`;

const APP_JS = `fetch('/api/items').then((r) => r.json()).then((items) => {
  document.getElementById('list').innerHTML = items.map((i) => '<li><a href="#">' + i.title + '</a><span>' + i.date + '</span></li>').join('');
  document.querySelector('.loading').style.display = 'none';
});`;

const STYLE_CSS = `@font-face { font-family: Gov; src: url(/font.woff2) format('woff2'); }
body { font-family: Gov, sans-serif; background: url(/img.png); }`;

/** The list loads, but a second request never ends, so the network never goes idle. */
const SLOW_LIST_PAGE = LIST_PAGE.replace('<script src="/app.js"></script>', `<script>${APP_JS}\nfetch('/slow-api');</script>`);

async function startSite(): Promise<Site> {
  const sockets = new Set<Socket>();
  const site: Site = { origin: '', hits: [], maxPooled: 0, close: async () => undefined };
  let pooled = 0;
  const send = (res: ServerResponse, type: string, body: string | Buffer, status = 200) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(body);
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    site.hits.push({ path, headers: req.headers });
    const pathname = path.split('?')[0];
    switch (pathname) {
      case '/list': return send(res, 'text/html; charset=utf-8', LIST_PAGE);
      case '/slow-list': return send(res, 'text/html; charset=utf-8', SLOW_LIST_PAGE);
      case '/app.js': return send(res, 'application/javascript', APP_JS);
      case '/style.css': return send(res, 'text/css', STYLE_CSS);
      case '/api/items': return send(res, 'application/json; charset=utf-8', JSON.stringify(ITEMS));
      case '/img.png': return send(res, 'image/png', Buffer.from('89504e470d0a1a0a', 'hex'));
      case '/font.woff2': return send(res, 'font/woff2', Buffer.alloc(16));
      case '/go':
        res.writeHead(302, { Location: '/list' });
        return res.end();
      case '/pooled':
        pooled++;
        site.maxPooled = Math.max(site.maxPooled, pooled);
        setTimeout(() => {
          pooled--;
          send(res, 'text/html; charset=utf-8', `<!doctype html><title>${path}</title><p>第${path.slice(-1)}页 2026-03-01</p>`);
        }, 300);
        return;
      case '/slow-api':
      case '/never':
        return; // never answered
      default:
        return send(res, 'text/plain', 'not found', 404);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.close = () => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  return site;
}

/** Processes in this process group (Playwright starts Chromium as a group leader). Linux only. */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the ")" that closes the command name: state, ppid, pgrp, …
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      return pgrp === pgid ? [Number(pid)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/** The browser process started with this marker among its switches. */
function browserPid(marker: string): number | undefined {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker)) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe.skipIf(!browserPath)('Renderer with the system Chromium', { tags: ['slow'] }, () => {
  let site: Site;
  const renderers: Renderer[] = [];
  const make = (options: Partial<RenderOptions> = {}) => {
    const renderer = new Renderer({ executablePath: browserPath!, timeoutMs: 8000, userAgent: 'evidence-audit/test', ...options });
    renderers.push(renderer);
    return renderer;
  };
  const paths = (hits: Hit[]) => hits.map((h) => h.path);

  beforeAll(async () => {
    site = await startSite();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(renderers.splice(0).map((r) => r.close()));
    site.hits.length = 0;
  });
  afterAll(async () => {
    await site.close();
  });

  it('renders a script-filled list; images and fonts are never requested; every request passes the gate first', async () => {
    const gated: string[] = [];
    const renderer = make({ gate: async (url) => void gated.push(new URL(url).pathname) });
    const result = await renderer.render(`${site.origin}/list`, { screenshot: true, headers: { Cookie: 'sid=abc', 'X-Audit': 'yes' } });

    if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
    expect(result.status).toBe(200);
    expect(result.finalUrl).toBe(`${site.origin}/list`);
    expect(result.html).toContain('<li><a href="#">财政预算公开</a><span>2026-03-10</span></li>');
    expect(result.html).toContain('部门决算公开');
    expect(result.screenshot?.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');

    const served = paths(site.hits);
    expect(served).not.toContain('/img.png');
    expect(served).not.toContain('/font.woff2');
    expect(gated).not.toContain('/img.png');
    expect(gated).not.toContain('/font.woff2');
    expect(gated[0]).toBe('/list');
    expect(gated).toEqual(expect.arrayContaining(['/list', '/style.css', '/app.js', '/api/items']));
    expect(gated.indexOf('/app.js')).toBeLessThan(gated.indexOf('/api/items'));
    // Nothing reached the server without passing the gate.
    for (const path of served) expect(gated).toContain(path.split('?')[0]);

    // The host's headers and cookies went with its own requests.
    const api = site.hits.find((h) => h.path === '/api/items')!;
    expect(api.headers['cookie']).toBe('sid=abc');
    expect(api.headers['x-audit']).toBe('yes');
    expect(api.headers['user-agent']).toBe('evidence-audit/test');
    expect(api.headers['accept-language']).toMatch(/^zh-CN/);
  });

  it('gives the rendered DOM to the page checks as an ordinary UTF-8 response', async () => {
    const result = await make().render(`${site.origin}/list`);
    if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
    const fetched: FetchedResponse = {
      ok: true, url: `${site.origin}/list`, finalUrl: `${site.origin}/list`, redirects: [], attempts: 1, durationMs: 5,
      status: 200, headers: { 'content-type': 'text/html; charset=gbk', 'content-length': '10' }, body: Buffer.from('<ul></ul>'), truncated: false,
    };
    const response = renderedResponse(fetched, result);
    expect(response.headers).toEqual({ 'content-type': 'text/html; charset=utf-8' });
    expect(response.body.toString('utf8')).toContain('财政预算公开');
    expect(response.status).toBe(200);
  });

  it('charges redirect hops to the gate too', async () => {
    const gated: string[] = [];
    const result = await make({ gate: async (url) => void gated.push(new URL(url).pathname) }).render(`${site.origin}/go`);
    expect(result).toMatchObject({ ok: true, finalUrl: `${site.origin}/list`, status: 200 });
    expect(gated.slice(0, 2)).toEqual(['/go', '/list']);
  });

  it('is done at the timeout when the network never goes idle, and keeps the DOM', async () => {
    // The browser is launched and warm first, and the timeout is long enough for a loaded CI machine
    // to bring the page in: what is timed is the wait for an idle network that never comes.
    const renderer = make({ timeoutMs: 4000 });
    await renderer.render(`${site.origin}/list`);
    const started = Date.now();
    const result = await renderer.render(`${site.origin}/slow-list`);
    if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
    expect(result.html).toContain('财政预算公开');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3900);
    expect(paths(site.hits)).toContain('/slow-api');
  });

  it('answers RENDER_TIMEOUT when the page itself never arrives', async () => {
    const result = await make({ timeoutMs: 1000 }).render(`${site.origin}/never`);
    expect(result).toMatchObject({ ok: false, code: 'RENDER_TIMEOUT' });
  });

  it('launches one browser and renders at most pagePool pages at once', async () => {
    const launch = vi.spyOn(chromium, 'launch');
    const renderer = make({ pagePool: 2 });
    const results = await Promise.all([1, 2, 3, 4].map((n) => renderer.render(`${site.origin}/pooled?n=${n}`)));
    expect(results.map((r) => r.ok && r.html.includes('2026-03-01'))).toEqual([true, true, true, true]);
    expect(launch).toHaveBeenCalledTimes(1);
    expect(site.maxPooled).toBeGreaterThanOrEqual(1);
    expect(site.maxPooled).toBeLessThanOrEqual(2);
  });

  it.skipIf(!existsSync('/proc'))('answers INTERRUPTED on abort and leaves no browser process behind', async () => {
    const marker = `--evidence-audit-test=${randomUUID()}`;
    const controller = new AbortController();
    const renderer = make({ signal: controller.signal, launchArgs: [marker], timeoutMs: 15_000 });
    const pending = renderer.render(`${site.origin}/never`);
    const queued = renderer.render(`${site.origin}/list`);
    expect(await waitFor(() => paths(site.hits).includes('/never'), 10_000)).toBe(true);
    const pid = browserPid(marker);
    expect(pid).toBeDefined();
    expect(groupMembers(pid!).length).toBeGreaterThan(0);

    const abortedAt = Date.now();
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, code: 'INTERRUPTED' });
    expect(await queued).toMatchObject({ ok: false, code: 'INTERRUPTED' });
    expect(Date.now() - abortedAt).toBeLessThan(1000);

    await renderer.close();
    await renderer.close(); // idempotent
    expect(await waitFor(() => browserPid(marker) === undefined && groupMembers(pid!).length === 0, 5000)).toBe(true);
    expect(await renderer.render(`${site.origin}/list`)).toMatchObject({ ok: false, code: 'INTERRUPTED' });
  });

  it.skipIf(!existsSync('/proc'))('closes a browser whose launch was still under way when the run was aborted', async () => {
    const marker = `--evidence-audit-test=${randomUUID()}`;
    const controller = new AbortController();
    const renderer = make({ signal: controller.signal, launchArgs: [marker] });
    const pending = renderer.render(`${site.origin}/list`);
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, code: 'INTERRUPTED' });
    await renderer.close(); // waits for the launch, then closes its browser
    expect(await waitFor(() => browserPid(marker) === undefined, 5000)).toBe(true);
    expect(paths(site.hits)).toEqual([]);
  });

  it.skipIf(!existsSync('/proc'))('closes the browser on close() while a render is in flight', async () => {
    const marker = `--evidence-audit-test=${randomUUID()}`;
    const renderer = make({ launchArgs: [marker], timeoutMs: 15_000 });
    const pending = renderer.render(`${site.origin}/never`);
    expect(await waitFor(() => paths(site.hits).includes('/never'), 10_000)).toBe(true);
    await renderer.close();
    expect(await pending).toMatchObject({ ok: false, code: 'INTERRUPTED' });
    expect(await waitFor(() => browserPid(marker) === undefined, 5000)).toBe(true);
  });
});
