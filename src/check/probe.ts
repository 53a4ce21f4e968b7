import { randomBytes } from 'node:crypto';
import type { FetchResult } from '../model/fetch.js';
import { decodeBody } from '../fetch/decode.js';
import { withoutSpaces } from '../util/text.js';
import { analyzeHtml, CONTENT_CHECK_BYTES, looksLikeHtml } from './page.js';
import { detectBotWall } from './signatures.js';

/** What one address answered, as the error-page comparison reads it. */
export interface ProbeAnswer {
  url: string;
  status: number;
  /** fingerprintOf its visible text, with its own address taken out. */
  fingerprint: string;
  /** The body's length in bytes. */
  bytes: number;
}

/** What every missing page of a host shares, and how much two of them were seen to differ by. */
export interface ErrorTemplate {
  /** Character bigrams (with their counts) that the probes' answers have in common (see BigramCounts). */
  stable: BigramCounts;
  /** How many bigrams `stable` holds, counted with repeats. */
  size: number;
  /**
   * How many bigrams beyond the template an error page may carry: twice what either answer had
   * beyond it (an echoed word, a request id), since two samples understate how much a third may
   * vary. Zero when the template comes from one answer.
   */
  allowance: number;
  /** The most bigrams a page can have and still be this error page. */
  maxBigrams: number;
}

/** What a host answers for a page that cannot exist: its error page, learned once per run. */
export interface ErrorPage {
  probeUrl: string;
  status: number;
  /**
   * One template when the two probes agreed, or when only one could be read; one per answer when
   * they differed too much to tell template from variation (each is then matched as one probe was).
   */
  templates: readonly ErrorTemplate[];
  /** The longest fingerprint any template accepts: a longer page is not the error page. */
  maxChars: number;
  /**
   * The error page is longer than a status-only page's prefix read: such a host's pages are read
   * whole, since a prefix of the template alone would make every page look like the error page.
   */
  longerThanPrefix: boolean;
}

/**
 * Two random, nonexistent paths per host, fetched once per run through the same polite fetch,
 * teach the auditor that host's error page, whatever its language or template. Two, because what
 * differs between two missing pages (an echoed word, a time, a counter) must not decide.
 */
export class ErrorPageProbe {
  private readonly learned = new Map<string, Promise<ErrorPage | undefined>>();
  private readonly homes = new Map<string, Promise<boolean>>();

  constructor(private readonly fetch: (url: string) => Promise<FetchResult>) {}

  forOrigin(origin: string): Promise<ErrorPage | undefined> {
    let page = this.learned.get(origin);
    if (!page) {
      page = this.learn(origin);
      this.learned.set(origin, page);
    }
    return page;
  }

  /** What the host's root showed, when it was cited, settles whether its error page is its home page. */
  knowHome(origin: string, showsErrorPage: boolean): void {
    this.homes.set(origin, Promise.resolve(showsErrorPage));
  }

  /**
   * Whether the host's error page is its home page (a front proxy answering every address with
   * it). Asked only when a deeper link shows the error page and the root was not seen: the root is
   * then fetched, at most once per host, through the same polite fetch. Never throws.
   */
  errorPageIsHome(origin: string, errorPage: ErrorPage): Promise<boolean> {
    let known = this.homes.get(origin);
    if (!known) {
      known = this.read(`${origin}/`).then((home) => home !== undefined && looksLikeErrorPage(home.fingerprint, errorPage));
      this.homes.set(origin, known);
    }
    return known;
  }

  /** Never throws: probes that cannot be read leave the host without a known error page, as failed ones do. */
  private async learn(origin: string): Promise<ErrorPage | undefined> {
    // Both at once: the scheduler spaces them by the host's rate, and pages in hand wait for them.
    const answers = await Promise.all([probeUrlFor(origin), probeUrlFor(origin)].map((url) => this.read(url)));
    return errorPageFrom(answers.filter((answer): answer is ProbeAnswer => answer !== undefined));
  }

  private async read(url: string): Promise<ProbeAnswer | undefined> {
    try {
      const fetched = await this.fetch(url);
      if (!fetched.ok || !looksLikeHtml(fetched.headers['content-type'], fetched.body)) return undefined;
      const html = decodeBody(fetched.body, fetched.headers['content-type']);
      const facts = analyzeHtml(html);
      // A bot wall answers every address alike: it is not what the host says of a missing page.
      if (detectBotWall(fetched.status, fetched.headers, html, facts)) return undefined;
      const fingerprint = fingerprintOf(withoutSpaces(facts.text), echoesOf([url, fetched.finalUrl]));
      return fingerprint.length < 2 ? undefined : { url, status: fetched.status, fingerprint, bytes: fetched.body.length };
    } catch {
      return undefined;
    }
  }
}

function probeUrlFor(origin: string): string {
  return `${origin}/evidence-audit-probe-${randomBytes(6).toString('hex')}.html`;
}

/** The host's error page from what its probes answered (none, one or two answers). */
export function errorPageFrom(answers: readonly ProbeAnswer[]): ErrorPage | undefined {
  const [first, second] = answers;
  if (!first) return undefined;
  const templates = second ? templatesOf(first.fingerprint, second.fingerprint) : [templateOf(bigramCounts(first.fingerprint), 0)];
  return {
    probeUrl: first.url,
    status: first.status,
    templates,
    maxChars: Math.max(...templates.map((t) => t.maxBigrams + 1)),
    longerThanPrefix: answers.some((answer) => answer.bytes > CONTENT_CHECK_BYTES),
  };
}

/**
 * Variation beyond this many bigrams, or beyond the size of what the two answers share, is no
 * echoed word or request id: the host answered two missing pages with different pages (a 404 and
 * a busy page, say). An allowance that large would let real pages through as the error page.
 */
const MAX_VARIATION = 64;

/** The bigrams both answers share are the template; what either has beyond them sets the allowance. */
function templatesOf(a: string, b: string): ErrorTemplate[] {
  const countsA = bigramCounts(a);
  const countsB = bigramCounts(b);
  const stable = new Map<number, number>();
  for (const [pair, count] of countsA) {
    const common = Math.min(count, countsB.get(pair) ?? 0);
    if (common > 0) stable.set(pair, common);
  }
  const shared = sizeOf(stable);
  const variation = Math.max(a.length, b.length) - 1 - shared;
  if (variation <= MAX_VARIATION && variation <= shared) return [templateOf(stable, 2 * variation)];
  return [templateOf(countsA, 0), templateOf(countsB, 0)];
}

/**
 * The longest page that can match: with all of the template and `allowance` bigrams beyond it
 * free, the Dice score falls under SAME_PAGE past size × (2 / SAME_PAGE − 1) further bigrams.
 */
function templateOf(counts: ReadonlyMap<number, number>, allowance: number): ErrorTemplate {
  const size = sizeOf(counts);
  return { stable: BigramCounts.of(counts), size, allowance, maxBigrams: Math.floor(size * (2 / SAME_PAGE - 1) + allowance + 1e-9) };
}

/**
 * A template's bigrams as two typed arrays, sorted by bigram: a run keeps one or two per host for
 * its whole length, and a national audit has thousands of hosts. A Map of two-character strings
 * cost about 50 bytes a bigram (500 KB for a host whose error page is a 20,000-character home
 * page); these cost 6. Looked up by binary search, only for the rare page long enough to compare.
 */
export class BigramCounts {
  private constructor(private readonly pairs: Uint32Array, private readonly counts: Uint16Array) {}

  static of(counts: ReadonlyMap<number, number>): BigramCounts {
    const pairs = Uint32Array.from(counts.keys()).sort();
    return new BigramCounts(pairs, Uint16Array.from(pairs, (pair) => Math.min(counts.get(pair)!, 0xffff)));
  }

  get(pair: number): number {
    let low = 0;
    let high = this.pairs.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.pairs[middle]!;
      if (found === pair) return this.counts[middle]!;
      if (found < pair) low = middle + 1;
      else high = middle - 1;
    }
    return 0;
  }
}

const FINGERPRINT_CHARS = 20_000;

/**
 * From the visible text with spaces removed (withoutSpaces), which the caller has already worked
 * out: the page's own address taken out (see echoesOf), then digits, so that what a template
 * fills in per request does not count.
 */
export function fingerprintOf(compactText: string, echoes: Echoes = NO_ECHOES): string {
  return echoes.removedFrom(compactText).replace(/\d+/g, '').slice(0, FINGERPRINT_CHARS);
}

/** The forms of a page's address that an error template may print, compacted as the text is. */
export class Echoes {
  /** The forms by their first UTF-16 unit, longest first. */
  private readonly byFirst = new Map<number, string[]>();
  /** The longest form's length: how much of a page an echo cut off by a prefix can hide. */
  readonly longest: number;

  constructor(forms: Iterable<string>) {
    let longest = 0;
    for (const form of forms) {
      const list = this.byFirst.get(form.charCodeAt(0));
      if (list) list.push(form);
      else this.byFirst.set(form.charCodeAt(0), [form]);
      longest = Math.max(longest, form.length);
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.length - a.length);
    this.longest = longest;
  }

  /**
   * The text with every form taken out in one pass, from the left, the longest where several
   * start at one place (as a regex alternation of the forms, longest first, would): so a prefix
   * of a text loses what the text loses, but for a form that runs past the prefix's end.
   */
  removedFrom(text: string): string {
    if (this.byFirst.size === 0) return text;
    let out = '';
    let kept = 0;
    for (let i = 0; i < text.length;) {
      const form = this.byFirst.get(text.charCodeAt(i))?.find((f) => text.startsWith(f, i));
      if (!form) {
        i++;
        continue;
      }
      out += text.slice(kept, i);
      i += form.length;
      kept = i;
    }
    return kept === 0 ? text : out + text.slice(kept);
  }
}

const NO_ECHOES = new Echoes([]);
/** Shorter forms ("zh", a segment "a") occur in ordinary text; taking them out would change what is compared. */
const MIN_ECHO_CHARS = 4;

/**
 * An error template that prints the requested address ("链接 /col/xyz 暂时无法打开") differs from
 * itself by that address: on a short template, enough to hide a dead link. The address is taken
 * out in every form a template is likely to print it: the URL, host and path, path and query, the
 * path, the last segment (with and without extension), each as sent, percent-decoded and
 * HTML-escaped.
 */
export function echoesOf(urls: readonly string[]): Echoes {
  const forms = new Set<string>();
  for (const url of new Set(urls)) {
    for (const form of addressForms(url)) {
      const compact = withoutSpaces(form);
      if (compact.length >= MIN_ECHO_CHARS) forms.add(compact);
    }
  }
  return new Echoes(forms);
}

function addressForms(url: string): Set<string> {
  const forms = new Set<string>();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return forms;
  }
  const { protocol, host, pathname, search } = parsed;
  const last = pathname.slice(pathname.lastIndexOf('/', pathname.length - 2) + 1).replace(/\/$/, '');
  const written = [`${protocol}//${host}${pathname}${search}`, `${host}${pathname}${search}`, `${pathname}${search}`, pathname, pathname.slice(1), last, last.replace(/\.[^.]*$/, '')];
  for (const form of written) {
    const decoded = form.includes('%') ? percentDecoded(form) : form;
    for (const each of [form, decoded]) {
      forms.add(each);
      if (/[&<>"']/.test(each)) forms.add(htmlEscaped(each));
    }
  }
  return forms;
}

function percentDecoded(form: string): string {
  try {
    return decodeURIComponent(form);
  } catch {
    return form; // a stray % that is not an escape: the form as sent is all there is
  }
}

function htmlEscaped(form: string): string {
  return form.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Error pages repeat to the letter but for what the probes saw vary; real pages share only their template. */
const SAME_PAGE = 0.97;

export function looksLikeErrorPage(fingerprint: string, errorPage: ErrorPage): boolean {
  return errorPage.templates.some((template) => matchesTemplate(fingerprint, template));
}

/**
 * Sørensen–Dice over character bigrams between the page and the template, where up to
 * `allowance` of the page's bigrams outside the template are not counted against it. With no
 * allowance (one probe, or two identical answers) it is the plain Dice score of the two texts.
 */
function matchesTemplate(fingerprint: string, template: ErrorTemplate): boolean {
  const bigrams = fingerprint.length - 1;
  if (bigrams < 1 || bigrams > template.maxBigrams) return false;
  let shared = 0;
  for (const [pair, count] of bigramCounts(fingerprint)) shared += Math.min(count, template.stable.get(pair));
  const beyond = Math.max(0, bigrams - shared - template.allowance);
  return (2 * shared) / (template.size + shared + beyond) >= SAME_PAGE;
}

/** Each bigram as one number, its two UTF-16 code units side by side: no string made per pair. */
function bigramCounts(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const pair = ((text.charCodeAt(i) << 16) | text.charCodeAt(i + 1)) >>> 0;
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

function sizeOf(counts: ReadonlyMap<number, number>): number {
  let size = 0;
  for (const count of counts.values()) size += count;
  return size;
}

/**
 * False when the page's visible text is too long to be the error page, told without making its
 * fingerprint: the characters that would surely stay in it are counted, and counting stops once
 * there are too many. A list page is ruled out after a few hundred characters, not 60,000.
 * (Whitespace is approximated from above and digits are skipped, so the count never exceeds the
 * fingerprint's length; when in doubt the caller compares the fingerprints.)
 *
 * Taking the page's address out shortens it, so past the limit the prefix counted is fingerprinted
 * with its echoes taken out; an echo that runs past the prefix can hide at most `longest − 1` of
 * its characters, which the limit allows for.
 */
export function mayBeErrorPage(visibleText: string, errorPage: ErrorPage, echoes: Echoes = NO_ECHOES): boolean {
  const limit = errorPage.maxChars;
  if (limit >= FINGERPRINT_CHARS) return true; // a fingerprint cut at its cap is never too long
  const hidden = Math.max(0, echoes.longest - 1);
  let kept = 0;
  for (let i = 0; i < visibleText.length; i++) {
    if (!surelyKept(visibleText.charCodeAt(i))) continue;
    if (++kept <= limit + hidden) continue;
    if (echoes.longest === 0) return false;
    return fingerprintOf(withoutSpaces(visibleText.slice(0, i + 1)), echoes).length - hidden <= limit;
  }
  return true;
}

/** Not whitespace (in any form withoutSpaces removes: every candidate is counted as space) and not a digit. */
function surelyKept(code: number): boolean {
  if (code <= 0x20 || (code >= 0x30 && code <= 0x39)) return false;
  if (code < 0x7f) return true;
  return !(code <= 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x206f) || code === 0x3000 || code === 0xfeff);
}

const HOME_PATH = /^\/((index|default|home)\.(s?html?|jsp|aspx?|php))?$/i;

/** A link that was not to the home page but ends there was sent away: the page is gone. */
export function redirectedHome(url: string, finalUrl: string): boolean {
  const from = new URL(url);
  const to = new URL(finalUrl);
  return !HOME_PATH.test(from.pathname) && HOME_PATH.test(to.pathname) && from.href !== to.href;
}

/** The link is to the host's home page (`/`, `/index.html`, …), by its path. */
export function citesHomePage(url: string): boolean {
  return HOME_PATH.test(new URL(url).pathname);
}

/**
 * The link is the host's root and ended on a home page: what it shows is the home page by
 * definition. A root sent on to a deeper page (/404.html) shows no such thing.
 */
export function showsHostRoot(url: string, finalUrl: string): boolean {
  const from = new URL(url);
  return from.pathname === '/' && from.search === '' && HOME_PATH.test(new URL(finalUrl).pathname);
}
