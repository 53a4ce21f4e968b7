import { randomBytes } from 'node:crypto';
import type { FetchResult } from '../fetch/fetcher.js';
import { decodeBody } from '../fetch/decode.js';
import { withoutSpaces } from '../util/text.js';
import { analyzeHtml, CONTENT_CHECK_BYTES, looksLikeHtml } from './page.js';

/** What a host answers for a page that cannot exist: its error page, learned once per run. */
export interface ErrorPage {
  probeUrl: string;
  status: number;
  /** The visible text, compacted, digits removed: what every missing page on the host shares. */
  fingerprint: string;
  /**
   * The error page is longer than a status-only page's prefix read: such a host's pages are read
   * whole, since a prefix of the template alone would make every page look like the error page.
   */
  longerThanPrefix: boolean;
}

/**
 * One random, nonexistent path per host, fetched once per run through the same polite fetch,
 * teaches the auditor that host's error page, whatever its language or template.
 */
export class ErrorPageProbe {
  private readonly learned = new Map<string, Promise<ErrorPage | undefined>>();

  constructor(private readonly fetch: (url: string) => Promise<FetchResult>) {}

  forOrigin(origin: string): Promise<ErrorPage | undefined> {
    let page = this.learned.get(origin);
    if (!page) {
      page = this.learn(origin);
      this.learned.set(origin, page);
    }
    return page;
  }

  /** Never throws: a probe that cannot be read leaves the host without a known error page, as a failed one does. */
  private async learn(origin: string): Promise<ErrorPage | undefined> {
    const probeUrl = `${origin}/evidence-audit-probe-${randomBytes(6).toString('hex')}.html`;
    try {
      const fetched = await this.fetch(probeUrl);
      if (!fetched.ok || !looksLikeHtml(fetched.headers['content-type'], fetched.body)) return undefined;
      const fingerprint = fingerprintOf(withoutSpaces(analyzeHtml(decodeBody(fetched.body, fetched.headers['content-type'])).text));
      if (fingerprint.length === 0) return undefined;
      return { probeUrl, status: fetched.status, fingerprint, longerThanPrefix: fetched.body.length > CONTENT_CHECK_BYTES };
    } catch {
      return undefined;
    }
  }
}

const FINGERPRINT_CHARS = 20_000;

/** From the visible text with spaces removed (withoutSpaces), which the caller has already worked out. */
export function fingerprintOf(compactText: string): string {
  return compactText.replace(/\d+/g, '').slice(0, FINGERPRINT_CHARS);
}

/** Error pages repeat to the letter but for an echoed path or a date; real pages share only their template. */
const SAME_PAGE = 0.97;

export function looksLikeErrorPage(fingerprint: string, errorPage: ErrorPage): boolean {
  return diceSimilarity(fingerprint, errorPage.fingerprint) >= SAME_PAGE;
}

/** The best Dice score two texts of these lengths could reach: a long page against a short error page is settled by length. */
function lengthsAllow(a: number, b: number): boolean {
  return (2 * (Math.min(a, b) - 1)) / (a - 1 + b - 1) >= SAME_PAGE;
}

/**
 * False when the page's visible text is too long to be the error page, told without making its
 * fingerprint: the characters that would surely stay in it are counted, and counting stops once
 * there are too many. A list page is ruled out after a few hundred characters, not 60,000.
 * (Whitespace is approximated from above and digits are skipped, so the count never exceeds the
 * fingerprint's length; when in doubt the caller compares the fingerprints.)
 */
export function mayBeErrorPage(visibleText: string, errorPage: ErrorPage): boolean {
  const errorLength = errorPage.fingerprint.length;
  let kept = 0;
  for (let i = 0; i < visibleText.length && kept < FINGERPRINT_CHARS; i++) {
    if (!surelyKept(visibleText.charCodeAt(i))) continue;
    kept++;
    if (kept > errorLength && !lengthsAllow(kept, errorLength)) return false;
  }
  return true;
}

/** Not whitespace (in any form withoutSpaces removes: every candidate is counted as space) and not a digit. */
function surelyKept(code: number): boolean {
  if (code <= 0x20 || (code >= 0x30 && code <= 0x39)) return false;
  if (code < 0x7f) return true;
  return !(code <= 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x206f) || code === 0x3000 || code === 0xfeff);
}

/** Sørensen–Dice over character bigrams: cheap, and robust to a path echoed into the page. */
function diceSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  if (!lengthsAllow(a.length, b.length)) return 0;
  const counts = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const pair = a.slice(i, i + 2);
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const pair = b.slice(i, i + 2);
    const n = counts.get(pair);
    if (n) {
      shared++;
      counts.set(pair, n - 1);
    }
  }
  return (2 * shared) / (a.length - 1 + b.length - 1);
}

const HOME_PATH = /^\/((index|default|home)\.(s?html?|jsp|aspx?|php))?$/i;

/** A link that was not to the home page but ends there was sent away: the page is gone. */
export function redirectedHome(url: string, finalUrl: string): boolean {
  const from = new URL(url);
  const to = new URL(finalUrl);
  return !HOME_PATH.test(from.pathname) && HOME_PATH.test(to.pathname) && from.href !== to.href;
}
