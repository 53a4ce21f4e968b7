/**
 * What the demo site answers at each path, as one table. The path is matched without its query
 * string; any other path gets NOT_FOUND. How each kind of route is answered is ./respond.ts.
 */
import type { DemoDates } from './dates.js';
import type { PageName } from './pages/index.js';

export type Headers = Readonly<Record<string, string>>;

export type Route =
  /** The page at `status` (default 200); `headers` are sent after Content-Type and Content-Length
   * (a Content-Type here replaces the UTF-8 one); `lastModified` adds that date as Last-Modified. */
  | { kind: 'page'; page: PageName; status?: number; headers?: Headers; lastModified?: keyof DemoDates }
  /** `busy` for the first `failures` requests of the path (counted per full path, query included,
   * HEAD too), then the page at 200. */
  | { kind: 'flaky'; page: PageName; failures: number; busy: { status: number; page: PageName; headers?: Headers } }
  /** Nothing at all until slowMs has passed, then the page. */
  | { kind: 'slow'; page: PageName }
  /** Headers and the first half of the page at once, the rest after slowMs. */
  | { kind: 'slow-body'; page: PageName }
  /** `status` with Location `to`, and a small page linking there. */
  | { kind: 'redirect'; status: 301 | 302; to: string }
  /** The connection destroyed without an answer. */
  | { kind: 'reset' }
  /** The page's head and tail around ~12 MB of filler, chunked (no Content-Length). */
  | { kind: 'big'; page: PageName };

export const NOT_FOUND: Route = { kind: 'page', page: 'notFound', status: 404 };

const NO_CACHE = 'no-cache, no-store';

const TABLE: Record<string, Route> = {
  '/': { kind: 'page', page: 'home' },
  '/index.html': { kind: 'page', page: 'home' },
  '/list/fresh': { kind: 'page', page: 'listFresh' },
  '/list/stale': { kind: 'page', page: 'listStale' },
  '/article/meta': { kind: 'page', page: 'articleMeta' },
  '/article/cn-date': { kind: 'page', page: 'articleCnDate' },
  '/gbk/list': { kind: 'page', page: 'gbkList', headers: { 'Content-Type': 'text/html; charset=gb2312' } },
  '/gbk/meta': { kind: 'page', page: 'gbkMeta', headers: { 'Content-Type': 'text/html' } },
  '/nodate': { kind: 'page', page: 'nodate' },
  '/last-modified': { kind: 'page', page: 'lastModified', lastModified: 'fresh' },
  '/future': { kind: 'page', page: 'future' },
  '/soft404': { kind: 'page', page: 'soft404' },
  '/under-construction': { kind: 'page', page: 'underConstruction' },
  '/gone': NOT_FOUND,
  '/server-error': { kind: 'page', page: 'serverError', status: 500 },
  '/botwall/rs': {
    kind: 'page',
    page: 'botwallRs',
    status: 412,
    headers: { 'Set-Cookie': 'FSSBBIl1UgzbN7N80S=xyz; path=/', 'Cache-Control': NO_CACHE },
  },
  '/botwall/jsl': { kind: 'page', page: 'botwallJsl', status: 521, headers: { 'Cache-Control': NO_CACHE } },
  '/botwall/captcha': { kind: 'page', page: 'captcha' },
  '/flaky/429': {
    kind: 'flaky',
    page: 'flaky429',
    failures: 1,
    busy: { status: 429, page: 'flaky429Busy', headers: { 'Retry-After': '1' } },
  },
  '/flaky/503': { kind: 'flaky', page: 'flaky503', failures: 2, busy: { status: 503, page: 'flaky503Busy' } },
  '/slow': { kind: 'slow', page: 'slow' },
  '/slow-body': { kind: 'slow-body', page: 'slowBody' },
  '/reset': { kind: 'reset' },
  '/redirect/a': { kind: 'redirect', status: 301, to: '/redirect/b' },
  '/redirect/b': { kind: 'redirect', status: 302, to: '/list/fresh' },
  '/redirect/loop': { kind: 'redirect', status: 302, to: '/redirect/loop2' },
  '/redirect/loop2': { kind: 'redirect', status: 302, to: '/redirect/loop' },
  '/script-filled': { kind: 'page', page: 'scriptFilled' },
  '/site/label/8888': { kind: 'page', page: 'labelList' },
  '/gzip': { kind: 'page', page: 'gzip', headers: { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } },
  '/big': { kind: 'big', page: 'big' },
  '/keywords': { kind: 'page', page: 'keywords' },
};

export const ROUTES: ReadonlyMap<string, Route> = new Map(Object.entries(TABLE));
