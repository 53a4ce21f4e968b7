import pLimit, { type LimitFunction } from 'p-limit';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { INSTALL_HINT, isExecutableFile } from './browser-path.js';
import { renderFailure, type Rendered, type RenderFailure, type RenderOptions, type RenderRequest, type RenderResult } from './types.js';

/** Switches for a quiet, headless, container-friendly browser that talks to nobody but the pages. */
const BASE_ARGS: readonly string[] = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];
/** Never needed to read a page's text or dates, and the heaviest to fetch. */
const BLOCKED_TYPES: ReadonlySet<string> = new Set(['image', 'font', 'media']);
const DEFAULT_PAGE_POOL = 2;
const LAUNCH_TIMEOUT_MS = 30_000;
/** Past timeoutMs, the time a render gets to serialise the page (and take its screenshot) before it is given up. */
const SETTLE_MS = 5_000;
/**
 * Why --block-private turns rendering off rather than checking the browser's requests: Chromium
 * resolves names itself and follows redirects itself (Playwright routes only a chain's first
 * request), and a route handler sees a URL, never the address connected to. Resolving the name
 * here first would not help: Chromium's own lookup may answer differently (DNS rebinding).
 * Pages also reach out without a routable request (preconnect hints, DNS prefetch). So no
 * browser is started, and evidence that needs one stays unverified, saying why.
 */
const BLOCK_PRIVATE_DETAIL = 'rendering is off with --block-private (block_private): the browser resolves host names and follows redirects itself, out of reach of the address check';

interface Session {
  context?: BrowserContext;
  /** The render has answered; whatever it still creates is closed at once. */
  done: boolean;
}

/**
 * Renders script-filled pages in ONE headless system Chromium per run, at most `pagePool` pages
 * at a time, each in a fresh browser context (no cookies shared between evidence).
 *
 * The browser is a separate process tree. The caller must call close() in a `finally` (and on
 * SIGINT/SIGTERM, e.g. by aborting `signal`): a run that throws or is interrupted would otherwise
 * leave Chromium running behind it, since nothing else closes it before the Node process exits.
 * Playwright's own signal handlers are turned off: on Ctrl-C they would close the browser and
 * then exit the process with 130 themselves, before the run could write its partial report.
 * (Playwright still kills the browser's process group if the process exits without close().)
 *
 * With `blockPrivate` it never starts a browser: every render answers BLOCK_PRIVATE (see
 * BLOCK_PRIVATE_DETAIL for why), and `executablePath` is not looked at.
 */
export class Renderer {
  private readonly pool: LimitFunction;
  private browser: Promise<Browser | RenderFailure> | undefined;
  private closing: Promise<void> | undefined;
  /** Set once the renderer is aborted or closed; every render from then on answers with it. */
  private stopReason: RenderFailure | undefined;
  /** The renders not yet answered, told at once when the renderer stops. */
  private readonly waiting = new Set<(result: RenderResult) => void>();
  private readonly onAbort = (): void => {
    this.stop(renderFailure('INTERRUPTED', 'the run was interrupted'));
    void this.close();
  };

  constructor(private readonly options: RenderOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, not ${options.timeoutMs}`);
    const pagePool = options.pagePool ?? DEFAULT_PAGE_POOL;
    if (!Number.isInteger(pagePool) || pagePool < 1) throw new RangeError(`pagePool must be a positive integer, not ${pagePool}`);
    this.pool = pLimit(pagePool);
    if (options.blockPrivate) {
      this.stopReason = renderFailure('BLOCK_PRIVATE', BLOCK_PRIVATE_DETAIL);
      return;
    }
    if (options.signal?.aborted) this.stop(renderFailure('INTERRUPTED', 'the run was interrupted'));
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Lazily launches the browser on first use (concurrent first calls share the launch). Never rejects. */
  render(url: string, request: RenderRequest = {}): Promise<RenderResult> {
    if (this.stopReason) return Promise.resolve(this.stopReason);
    // Not Promise.race with a "stopped" promise: that would keep every answer (and its HTML)
    // reachable until the renderer stops.
    return new Promise((resolve) => {
      const answer = (result: RenderResult) => {
        this.waiting.delete(answer);
        resolve(result);
      };
      this.waiting.add(answer);
      this.pool(() => this.stopReason ?? this.renderPage(url, request))
        .then(answer, (error: unknown) => answer(renderFailure('RENDER_FAILED', messageOf(error))));
    });
  }

  /** Closes the browser. Idempotent; safe if it never launched or its launch failed. Never rejects. */
  close(): Promise<void> {
    this.stop(renderFailure('INTERRUPTED', 'the renderer was closed'));
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private stop(reason: RenderFailure): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    for (const answer of [...this.waiting]) answer(reason);
  }

  private async shutdown(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    // A launch still under way is waited for, so that its browser is closed too.
    const browser = await this.browser;
    if (browser && !isFailure(browser)) await browser.close().catch(() => undefined);
  }

  private launch(): Promise<Browser | RenderFailure> {
    // Checked synchronously: once close() has begun, no browser may start behind its back.
    if (this.stopReason) return Promise.resolve(this.stopReason);
    this.browser ??= this.start();
    return this.browser;
  }

  private async start(): Promise<Browser | RenderFailure> {
    const { executablePath, launchArgs = [] } = this.options;
    if (!isExecutableFile(executablePath)) return renderFailure('NO_BROWSER', `no browser at ${executablePath}; ${INSTALL_HINT}`);
    let chromium: typeof import('playwright-core').chromium;
    try {
      // Loaded on first use: runs that render nothing never pay for it.
      ({ chromium } = await import('playwright-core'));
    } catch (error) {
      return renderFailure('LAUNCH_FAILED', `cannot load playwright-core: ${messageOf(error)}`);
    }
    try {
      // Playwright kills the process it started when the launch fails, so nothing is left running.
      return await chromium.launch({
        executablePath,
        headless: true,
        args: [...BASE_ARGS, ...launchArgs],
        ...(this.options.proxy ? { proxy: this.options.proxy } : {}),
        timeout: LAUNCH_TIMEOUT_MS,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (error) {
      return renderFailure('LAUNCH_FAILED', `cannot start ${executablePath}: ${launchProblem(error)}`);
    }
  }

  private async renderPage(url: string, request: RenderRequest): Promise<RenderResult> {
    if (!/^https?:\/\//i.test(url)) return renderFailure('RENDER_FAILED', `only http(s) pages can be rendered: ${url}`);
    const browser = await this.launch();
    if (isFailure(browser)) return browser;
    if (this.stopReason) return this.stopReason;

    const { timeoutMs } = this.options;
    const session: Session = { done: false };
    let timer: NodeJS.Timeout | undefined;
    // A last resort for a page that hangs while being serialised: the pool slot must come back.
    const givenUp = new Promise<RenderFailure>((resolve) => {
      timer = setTimeout(() => resolve(renderFailure('RENDER_TIMEOUT', `${url} did not finish rendering within ${timeoutMs + SETTLE_MS} ms`)), timeoutMs + SETTLE_MS);
    });
    try {
      return await Promise.race([this.visit(browser, url, request, session), givenUp]);
    } catch (error) {
      if (this.stopReason) return this.stopReason;
      return renderFailure('RENDER_FAILED', browser.isConnected() ? messageOf(error) : 'the browser exited unexpectedly');
    } finally {
      clearTimeout(timer);
      session.done = true;
      await session.context?.close().catch(() => undefined);
    }
  }

  private async visit(browser: Browser, url: string, request: RenderRequest, session: Session): Promise<RenderResult> {
    const { timeoutMs, userAgent } = this.options;
    const deadline = Date.now() + timeoutMs;
    const context = await browser.newContext({
      userAgent,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      serviceWorkers: 'block',
      acceptDownloads: false,
      ignoreHTTPSErrors: request.insecure === true,
    });
    if (session.done) {
      await context.close().catch(() => undefined);
      return renderFailure('RENDER_TIMEOUT', `${url} did not finish rendering in time`);
    }
    session.context = context;

    const host = new URL(url).host;
    const { cookies, headers } = splitHeaders(request.headers);
    if (cookies.length > 0) await context.addCookies(cookies.map(([name, value]) => ({ name, value, url: new URL(url).origin })));
    // WebSockets would bypass the gate, and no list of dated items needs one.
    await context.routeWebSocket(() => true, (ws) => ws.close());
    await context.route(() => true, (route) => this.handleRoute(route, host, headers));
    // Playwright routes only the first request of a redirect chain. Hops are charged to the gate
    // afterwards, so at least they push the host's next requests back.
    context.on('request', (req) => {
      if (req.redirectedFrom() && !this.stopReason) void this.options.gate?.(req.url()).catch(() => undefined);
    });

    const page = await context.newPage();
    let status: number | undefined;
    try {
      const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: remaining(deadline) });
      status = response?.status();
    } catch (error) {
      if (this.stopReason) return this.stopReason;
      return isTimeout(error)
        ? renderFailure('RENDER_TIMEOUT', `no page from ${url} within ${timeoutMs} ms`)
        : renderFailure('RENDER_FAILED', messageOf(error));
    }
    try {
      await page.waitForLoadState('networkidle', { timeout: remaining(deadline) });
    } catch (error) {
      // The page is done at network idle or at the timeout: a request that never ends (a poll,
      // a slow counter) must not cost the list that did load.
      if (!isTimeout(error)) throw error;
    }
    const html = await contentOf(page);
    const screenshot = request.screenshot ? await screenshotOf(page) : undefined;
    const rendered: Rendered = { ok: true, html, finalUrl: page.url() };
    if (status !== undefined) rendered.status = status;
    if (screenshot) rendered.screenshot = screenshot;
    return rendered;
  }

  /** Blocks what is never needed; everything else waits for the gate (its host's turn) first. */
  private async handleRoute(route: Route, host: string, headers: Record<string, string>): Promise<void> {
    const request = route.request();
    const url = request.url();
    try {
      if (this.stopReason || BLOCKED_TYPES.has(request.resourceType()) || !/^https?:/i.test(url)) {
        await route.abort('blockedbyclient');
        return;
      }
      await this.options.gate?.(url);
      if (this.stopReason) {
        await route.abort('aborted');
        return;
      }
      const own = Object.keys(headers).length > 0 && sameHost(url, host);
      await route.continue(own ? { headers: { ...request.headers(), ...headers } } : undefined);
    } catch {
      // The gate refused (the run is stopping) or the page is already gone.
      await route.abort('aborted').catch(() => undefined);
    }
  }
}

function isFailure(value: Browser | RenderFailure): value is RenderFailure {
  return (value as Partial<RenderFailure>).ok === false;
}

function remaining(deadline: number): number {
  // Playwright reads a timeout of 0 as "no timeout".
  return Math.max(1, deadline - Date.now());
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/** The first line of an error, without Playwright's "page.goto: " prefix and call log. */
function messageOf(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\u001b\[[0-9;]*m/g, '');
  return (text.split('\n')[0] ?? text).replace(/^[a-zA-Z]+\.[a-zA-Z]+: /, '').trim();
}

/** Playwright's launch error, plus what the browser itself said (a missing library, say) and its exit code. */
function launchProblem(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\u001b\[[0-9;]*m/g, '');
  const said = /\[pid=\d+\]\[err\] (.+)/.exec(text)?.[1]?.trim();
  const exit = /exitCode=(\d+)/.exec(text)?.[1];
  return `${messageOf(error)}${said ? `: ${said}` : ''}${exit ? ` (exit code ${exit})` : ''}`;
}

function sameHost(url: string, host: string): boolean {
  try {
    return new URL(url).host === host;
  } catch {
    return false;
  }
}

/** A Cookie header can only be set through the cookie store; the other headers go with the host's requests. */
function splitHeaders(all: Record<string, string> | undefined): { cookies: [string, string][]; headers: Record<string, string> } {
  const cookies: [string, string][] = [];
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(all ?? {})) {
    if (name.toLowerCase() !== 'cookie') {
      headers[name.toLowerCase()] = value;
      continue;
    }
    for (const pair of value.split(';')) {
      const at = pair.indexOf('=');
      const key = (at < 0 ? '' : pair.slice(0, at)).trim();
      if (key) cookies.push([key, pair.slice(at + 1).trim()]);
    }
  }
  return { cookies, headers };
}

/** page.content() fails while a script navigates; wait for the new document and try again. */
async function contentOf(page: Page): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.content();
    } catch (error) {
      if (attempt >= 3 || !/navigat/i.test(messageOf(error))) throw error;
      await page.waitForLoadState('domcontentloaded', { timeout: SETTLE_MS }).catch(() => undefined);
    }
  }
}

/** The screenshot is a courtesy for the report: the DOM is what is checked, so it may fail alone. */
async function screenshotOf(page: Page): Promise<Buffer | undefined> {
  try {
    return await page.screenshot({ fullPage: true, type: 'png', animations: 'disabled', caret: 'hide', timeout: SETTLE_MS });
  } catch {
    return undefined;
  }
}
