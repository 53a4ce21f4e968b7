/** What the renderer needs and what it answers. Kept free of Playwright types, so callers need not import it. */

export interface RenderOptions {
  /** The browser to drive; see findBrowser(). Never downloaded. */
  executablePath: string;
  /** Pages rendering at once (default 2). */
  pagePool?: number;
  /** The whole render: navigation plus waiting for network idle. */
  timeoutMs: number;
  /** The run's proxy, so a browser in an office that must use one does not go around it. */
  proxy?: { server: string; bypass?: string };
  userAgent: string;
  /**
   * Every request the page makes (document, XHR, fetch, scripts, css) passes through this gate
   * first, so it counts against its host's rate limit. The gate resolves when the request may
   * start; if it rejects, the request is aborted. See schedulerGate().
   */
  gate?: (url: string) => Promise<void>;
  /** Abort: in-flight and queued renders resolve as INTERRUPTED, and the browser is closed. */
  signal?: AbortSignal;
  /** Extra Chromium switches, after the built-in ones. */
  launchArgs?: string[];
  /**
   * --block-private: render nothing (every render answers BLOCK_PRIVATE, and no browser is
   * started), since Chromium resolves names and follows redirects where the check cannot see.
   */
  blockPrivate?: boolean;
}

export interface RenderRequest {
  /** A full-page PNG of the rendered page. */
  screenshot?: boolean;
  /**
   * Headers for this page's own host (criteria `hosts:`). A `cookie` header becomes cookies of
   * that host; the others are added to requests to that host only, never to third parties.
   */
  headers?: Record<string, string>;
  /** Accept a bad certificate (criteria `hosts: … insecure`). */
  insecure?: boolean;
}

export interface Rendered {
  ok: true;
  /** The DOM after scripts ran, serialised (page.content()). */
  html: string;
  finalUrl: string;
  /** The main document's HTTP status, when known. */
  status?: number;
  /** Full-page PNG, only when asked for. */
  screenshot?: Buffer;
}

export type RenderFailureCode = 'NO_BROWSER' | 'LAUNCH_FAILED' | 'RENDER_TIMEOUT' | 'RENDER_FAILED' | 'INTERRUPTED' | 'BLOCK_PRIVATE';

export interface RenderFailure {
  ok: false;
  code: RenderFailureCode;
  detail: string;
}

export type RenderResult = Rendered | RenderFailure;

export function renderFailure(code: RenderFailureCode, detail: string): RenderFailure {
  return { ok: false, code, detail };
}
