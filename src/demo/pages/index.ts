/**
 * The demo site's pages as one table: each page's template (./columns.ts, ./articles.ts,
 * ./errors.ts, composed with the chrome in ./layout.ts) and how its bytes are encoded.
 * renderPages fills the templates' dates once per site start (see ../template.ts).
 *
 * The pages are TypeScript data rather than .html files so that tsc ships them into dist/ like
 * any other module: no copy step in the build, no path resolved at run time, nothing for the
 * package's `files` list or the Dockerfile to forget.
 */
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import type { DemoDates } from '../dates.js';
import { fill } from '../template.js';
import * as articles from './articles.js';
import * as columns from './columns.js';
import * as errors from './errors.js';

interface PageTemplate {
  html: string;
  /** Sent in this legacy encoding instead of UTF-8. */
  charset?: 'gb18030' | 'gbk';
  /** Sent gzip-compressed (the route says Content-Encoding). */
  gzip?: true;
}

export const PAGES = {
  home: { html: columns.home },
  listFresh: { html: columns.listFresh },
  listStale: { html: columns.listStale },
  gbkList: { html: columns.gbkList, charset: 'gb18030' },
  underConstruction: { html: columns.underConstruction },
  scriptFilled: { html: columns.scriptFilled },
  labelList: { html: columns.labelList },
  articleMeta: { html: articles.articleMeta },
  articleCnDate: { html: articles.articleCnDate },
  gbkMeta: { html: articles.gbkMeta, charset: 'gbk' },
  nodate: { html: articles.nodate },
  lastModified: { html: articles.lastModified },
  future: { html: articles.future },
  flaky429: { html: articles.flaky429 },
  flaky503: { html: articles.flaky503 },
  slow: { html: articles.slow },
  slowBody: { html: articles.slowBody },
  gzip: { html: articles.gzipPage, gzip: true },
  keywords: { html: articles.keywords },
  big: { html: articles.big },
  soft404: { html: errors.soft404 },
  notFound: { html: errors.notFound },
  serverError: { html: errors.serverError },
  flaky429Busy: { html: errors.flaky429Busy },
  flaky503Busy: { html: errors.flaky503Busy },
  botwallRs: { html: errors.botwallRs },
  botwallJsl: { html: errors.botwallJsl },
  captcha: { html: errors.captcha },
} satisfies Record<string, PageTemplate>;

export type PageName = keyof typeof PAGES;

/** A page as sent: a string is sent as UTF-8, a Buffer as it is. */
export type RenderedPages = Record<PageName, string | Buffer>;

function encode(html: string, template: PageTemplate): string | Buffer {
  if (template.charset !== undefined) return iconv.encode(html, template.charset);
  if (template.gzip) return gzipSync(Buffer.from(html, 'utf8'));
  return html;
}

/** Every page with its dates filled in for this run, encoded as it is sent. */
export function renderPages(dates: DemoDates): RenderedPages {
  const entries = Object.entries(PAGES) as [PageName, PageTemplate][];
  return Object.fromEntries(entries.map(([name, template]) => [name, encode(fill(template.html, dates), template)])) as RenderedPages;
}

/** The body of a redirect to `to` (escaped: it lands in an href). */
export function redirectPage(dates: DemoDates, to: string): string {
  return fill(errors.redirect, dates, { to });
}

export { FILLER_MARKER } from './articles.js';
