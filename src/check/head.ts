import { Parser } from 'htmlparser2';
import type { FetchedResponse } from '../model/fetch.js';
import { withoutSpaces } from '../util/text.js';
import { analyzeHtml, type PageFacts } from './page.js';
import { echoesOf, mayBeErrorPage, type ErrorPage } from './probe.js';
import { carriesWallMarker, pagePhrases } from './signatures.js';

/**
 * How much of a status-only page is parsed when the rest cannot change its verdict. A list page's
 * head (styles, scripts, navigation) and its first visible lines fit in this; a page whose visible
 * text starts later is parsed as before.
 */
export const HEAD_CHARS = 8 * 1024;

export interface HeadOptions {
  /** The host's error page, when its probes taught one. */
  errorPage?: ErrorPage | undefined;
  /** The criteria's own soft-404 phrases, beside the built-in ones. */
  soft404Phrases: readonly string[];
}

/**
 * The facts of a status-only page's head, when the head alone settles what the content check asks
 * of the page (bot wall? soft 404? the host's error page?), else undefined and the caller parses
 * the page as before. The content check then reaches the same verdict on these facts as on the
 * whole page's, for each of its questions:
 *
 * - Bot wall: on a 2xx page only 瑞数 and 加速乐 are told by markers (none may be in the head
 *   detectBotWall reads), and a captcha only by a phrase (see below).
 * - Soft 404, placeholder, captcha: by a phrase in the title or on a line of its own. None may
 *   occur anywhere in the HTML as far as mayHoldPhrase can tell, which errs towards "may".
 * - The host's error page: the head's visible text alone is already too long to be it. The head is
 *   parsed without ending the parse, so its text is the start of the whole page's text, and
 *   mayBeErrorPage is made to rule a page out from the start of its text.
 *
 * Checks that read the text (keywords, freshness, selectors) never come here.
 */
export function factsFromHead(response: FetchedResponse, html: string, options: HeadOptions): PageFacts | undefined {
  // Only a success can be a soft 404 or the error page in disguise; other statuses are judged as before.
  if (response.status < 200 || response.status >= 300 || html.length <= HEAD_CHARS) return undefined;
  if (carriesWallMarker(html, response.headers)) return undefined;
  if (mayHoldPhrase(html, pagePhrases(options.soft404Phrases))) return undefined;
  const facts = analyzeHtml(html.slice(0, HEAD_CHARS), { complete: false });
  const { errorPage } = options;
  if (errorPage && mayBeErrorPage(facts.text, errorPage, echoesOf([response.url, response.finalUrl]))) return undefined;
  return facts;
}

/**
 * Whether any of the phrases could be in the page's title or visible text, read from the HTML
 * without parsing it. It may answer true for a page that holds none (a phrase in a script or an
 * attribute), never false for one that holds one: a false "no" would pass a soft 404.
 *
 * A phrase is found in the checks' compacted text: lower case, with whitespace and punctuation
 * removed (the title keeps its punctuation, which only makes it harder to find there). So in the
 * HTML its letters must stand in order, with nothing between them but whitespace, punctuation, or
 * markup the parser drops. Between two letters, a comment, a tag (read as the parser reads it,
 * quotes and all) or an entity that decodes to whitespace or punctuation is stepped over; anything
 * the parse would read differently (a script, style or other element set apart, a declaration, a
 * tag or comment left open, an entity without its semicolon) answers true at once. A letter
 * written as an entity (`&#39029;` for 页) is caught before the scan: any entity that decodes to a
 * letter of a phrase answers true.
 */
export function mayHoldPhrase(html: string, phrases: readonly string[]): boolean {
  const scanner = scannerFor(phrases);
  if (!scanner) return true;
  const entities = entitiesIn(html);
  for (const written of entities.values()) for (const ch of written.toLowerCase()) if (scanner.letters.has(ch)) return true;
  const { isFirst, byFirst } = scanner;
  for (let i = 0; i < html.length; i++) {
    const code = html.charCodeAt(i);
    if (isFirst[code] === 0) continue;
    if (code === 0x212a || code === 0x130) return true;
    for (const needle of byFirst.get(folded(code))!) if (continuesAt(html, i + 1, needle, entities)) return true;
  }
  return false;
}

interface Scanner {
  /** Each phrase's letters, compacted as the checks compact them. */
  byFirst: Map<number, string[]>;
  /** 1 where a phrase may start (either case), and at the two characters that send a page to the parse. */
  isFirst: Uint8Array;
  letters: Set<string>;
}

/** Built once per list of phrases (a run has one), not per page. */
const scanners = new Map<string, Scanner | undefined>();

function scannerFor(phrases: readonly string[]): Scanner | undefined {
  const key = phrases.join('\u0000');
  if (scanners.has(key)) return scanners.get(key);
  const needles = phrases.map((phrase) => [...withoutSpaces(phrase)].filter((ch) => !PUNCTUATION.test(ch)).join(''));
  // Only letters the scan compares as they stand: ASCII letters and digits, and Chinese characters,
  // with ASCII case folded. The two characters outside ASCII that lower-case into it (the Kelvin
  // sign, a dotted İ) send the page to the parse; so does a phrase with other letters (on a Greek
  // Σ, lower-casing a whole page and its compacted text do not even agree).
  let scanner: Scanner | undefined;
  if (!needles.some((needle) => needle === '' || !/^[a-z0-9\p{Script=Han}]+$/u.test(needle))) {
    scanner = { byFirst: new Map(), isFirst: new Uint8Array(0x10000), letters: new Set(needles.join('')) };
    for (const needle of needles) {
      const first = needle.charCodeAt(0);
      scanner.byFirst.set(first, [...(scanner.byFirst.get(first) ?? []), needle]);
      scanner.isFirst[first] = 1;
      if (first >= 0x61 && first <= 0x7a) scanner.isFirst[first - 0x20] = 1;
    }
    scanner.isFirst[0x212a] = scanner.isFirst[0x130] = 1;
  }
  if (scanners.size > 16) scanners.clear(); // runs in one process (tests) each bring their own
  scanners.set(key, scanner);
  return scanner;
}

const PUNCTUATION = /\p{P}/u;
/** Whitespace and punctuation only: what the compacted text leaves out between two letters (and newlines, which it keeps). */
const GAP = /^(?:[\s\u200b]|\p{P})+$/u;
/** Elements whose content the parse keeps out of the text, reads as raw text, or treats apart. */
const SET_APART = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'object', 'textarea', 'title', 'xmp', 'noembed', 'noframes', 'plaintext', 'svg', 'math']);
const LONGEST_SET_APART = Math.max(...[...SET_APART].map((name) => name.length));
/** Named, numeric and legacy (no semicolon) character references, as written. */
const REFERENCE = /&(?:#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);?/gi;
/** The same, only where the scan stands. */
const REFERENCE_HERE = /&(?:#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);?/iy;
const MAYBE = -1;
const CUT = -2;

/** ASCII upper case to lower case; every other code unit as it is. */
function folded(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}

/** Whether `needle` (its first letter already matched) goes on from `at`, as far as the HTML alone tells. */
function continuesAt(html: string, at: number, needle: string, entities: ReadonlyMap<string, string>): boolean {
  let p = at;
  for (let j = 1; j < needle.length;) {
    if (p >= html.length) return false; // the page (or the part of it the check reads) ends first
    const code = folded(html.charCodeAt(p));
    if (code === needle.charCodeAt(j)) {
      j++;
      p++;
    } else if (code === 0x3c /* < */) {
      const end = stepOverMarkup(html, p);
      if (end === MAYBE) return true;
      if (end === undefined || end === CUT) return false; // a lone "<" is text, and no letter of a phrase
      p = end;
    } else if (code === 0x26 /* & */) {
      REFERENCE_HERE.lastIndex = p;
      const reference = REFERENCE_HERE.exec(html);
      const written = reference ? entities.get(reference[0]) : undefined;
      if (written === undefined) {
        p++; // no entity: a literal "&", punctuation
      } else if (!reference![0].endsWith(';')) {
        return true; // a legacy entity: where its name ends depends on what follows
      } else if (GAP.test(written)) {
        p += reference![0].length;
      } else {
        return false; // decodes to a symbol (&gt; is ">"), which the compacted text keeps
      }
    } else if (isGap(code, html, p)) {
      p++;
    } else {
      return false;
    }
  }
  return true;
}

/** Whitespace or punctuation; ASCII letters and digits and Chinese characters, by far the most common, told without a regex. */
function isGap(code: number, html: string, at: number): boolean {
  if ((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x4e00 && code <= 0x9fff)) return false;
  return GAP.test(html[at]!);
}

/** An ASCII letter, as a tag's name must start. */
function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/** htmlparser2's whitespace inside tags. */
function isTagSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\n' || ch === '\t' || ch === '\f' || ch === '\r';
}

/**
 * Where markup starting at `at` ends, as htmlparser2 reads it; MAYBE where the parse might read it
 * otherwise; CUT where the HTML ends inside it in a state whose rest the parse drops (a comment, a
 * tag's name or attributes): no text follows it. Undefined when the "<" is plain text.
 */
function stepOverMarkup(html: string, at: number): number | undefined {
  if (html.startsWith('<!--', at)) {
    const end = html.indexOf('-->', at + 4);
    return end < 0 ? CUT : end + 3;
  }
  const next = html[at + 1] ?? '';
  if (next === '!' || next === '?') return MAYBE;
  const closing = next === '/';
  const nameAt = closing ? at + 2 : at + 1;
  if (!isAsciiLetter(html.charCodeAt(nameAt))) return closing ? MAYBE : undefined;
  let p = nameAt;
  while (p < html.length && !isTagSpace(html[p]) && html[p] !== '/' && html[p] !== '>') p++;
  if (p - nameAt <= LONGEST_SET_APART && SET_APART.has(html.slice(nameAt, p).toLowerCase())) return MAYBE;
  if (closing) {
    // After a closing tag's name everything up to ">" is dropped, quotes included; cut off there,
    // the parser's end reports it oddly, so the scan does not guess.
    const end = html.indexOf('>', p);
    return end >= 0 ? end + 1 : p >= html.length ? CUT : MAYBE;
  }
  // Attributes: a name, then "=" and a value, double-quoted, single-quoted or bare.
  for (;;) {
    while (isTagSpace(html[p])) p++;
    if (html[p] === '/') {
      p++;
      if (p >= html.length) return MAYBE; // "<br/" cut off: the parser's end reports it as text
      continue;
    }
    if (p >= html.length) return CUT;
    if (html[p] === '>') return p + 1;
    while (p < html.length && !isTagSpace(html[p]) && html[p] !== '=' && html[p] !== '/' && html[p] !== '>') p++;
    while (isTagSpace(html[p])) p++;
    if (html[p] !== '=') continue;
    p++;
    while (isTagSpace(html[p])) p++;
    const quote = html[p];
    if (quote === '"' || quote === "'") {
      const end = html.indexOf(quote, p + 1);
      if (end < 0) return CUT;
      p = end + 1;
    } else {
      while (p < html.length && !isTagSpace(html[p]) && html[p] !== '>') p++;
    }
  }
}

/**
 * Every distinct character reference in the HTML that is an entity, with what decoding writes for
 * it. Each is decoded by the parser the page is read with (named, numeric, and legacy ones without
 * a semicolon, as in text, where more is decoded than in attributes): `&fjlig;` writes "fj",
 * `&copy2020` writes "©" before its literal "2020", and `&type=` in a link is no entity.
 */
function entitiesIn(html: string): Map<string, string> {
  const references = [...new Set(html.match(REFERENCE) ?? [])];
  const entities = new Map<string, string>();
  if (references.length === 0) return entities;
  // One parse for all of them, a tag between each, so that each one's text is told apart.
  const decoded = references.map(() => '');
  let index = 0;
  new Parser({ onopentagname: () => index++, ontext: (text) => (decoded[index] += text) }, { decodeEntities: true }).end(references.join('<br>'));
  references.forEach((reference, i) => {
    const text = decoded[i]!;
    if (text === reference) return;
    // Without a semicolon, what follows the entity's name stays as it was: only the start is written.
    let common = 0;
    if (!reference.endsWith(';')) {
      while (common < text.length && common < reference.length && text[text.length - 1 - common] === reference[reference.length - 1 - common]) common++;
    }
    entities.set(reference, text.slice(0, text.length - common));
  });
  return entities;
}
