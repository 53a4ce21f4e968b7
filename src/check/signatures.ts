import type { WallVendor } from '../model/reasons.js';
import { withoutSpaces } from '../util/text.js';
import type { PageFacts } from './page.js';

/**
 * A phrase only says something about the page when the page puts it up front: in the title, or
 * as a line of its own. A sentence that merely mentions it ("新校区项目正在建设中") says nothing.
 *
 * The page's lines are compacted once (no spaces or punctuation, lower case) and kept as one
 * string, so each phrase costs one native search of the page rather than a loop over its lines.
 */
function compactLines(page: PageFacts): string {
  let compact = COMPACT.get(page);
  if (compact === undefined) {
    compact = withoutSpaceOrPunctuation(page.text).toLowerCase();
    COMPACT.set(page, compact);
  }
  return compact;
}

/** Three checks read the same lines; a page is worked out once, and let go with the page. */
const COMPACT = new WeakMap<PageFacts, string>();
/** What withoutSpaces removes within a line (whitespace, zero-width space), plus punctuation. */
const SPACE_OR_PUNCTUATION = /[^\S\n]|\u200b|\p{P}/u;
let removable: Uint8Array | undefined;

/**
 * Same result as replacing SPACE_OR_PUNCTUATION, at a quarter of the cost: a list page's dates and
 * titles are full of punctuation, and a regex replace pays for every match. A table of the basic
 * plane (built once, in about 5 ms) answers per character; punctuation outside it is kept, which
 * Chinese pages do not use.
 */
function withoutSpaceOrPunctuation(text: string): string {
  removable ??= removableTable();
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (removable[text.charCodeAt(i)] === 1) {
      if (i > start) out += text.slice(start, i);
      start = i + 1;
    }
  }
  return out + text.slice(start);
}

function removableTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    const isSurrogate = code >= 0xd800 && code <= 0xdfff;
    if (!isSurrogate && SPACE_OR_PUNCTUATION.test(String.fromCharCode(code))) table[code] = 1;
  }
  return table;
}

/** Each line that holds `needle`, with what comes before it on that line (its first occurrence there). */
function* linesHolding(compact: string, needle: string): Generator<{ line: string; before: string }> {
  if (!needle) return;
  for (let at = compact.indexOf(needle); at >= 0;) {
    const start = compact.lastIndexOf('\n', at) + 1;
    const newline = compact.indexOf('\n', at + needle.length);
    const end = newline < 0 ? compact.length : newline;
    yield { line: compact.slice(start, end), before: compact.slice(start, at) };
    if (newline < 0) return;
    at = compact.indexOf(needle, end);
  }
}

/** The phrase, give or take `slack` characters of greeting or apology around it. */
function standsAlone(compact: string, phrase: string, slack: number): boolean {
  const needle = withoutSpaces(phrase).replace(/\p{P}/gu, '');
  for (const { line } of linesHolding(compact, needle)) if (line.length <= needle.length + slack) return true;
  return false;
}

function inTitle(page: PageFacts, phrase: string): boolean {
  return withoutSpaces(page.title).includes(withoutSpaces(phrase));
}

/** Unmistakable "this page is gone" phrases: trusted in the title or in a line of their own. */
const GONE_PHRASES = [
  '您访问的页面不存在', '页面不存在', '网页不存在', '页面找不到', '找不到页面', '找不到该页面', '无法找到该页',
  '该信息已删除', '信息已删除', '页面已删除', '该页面已被删除', '文章不存在', '404 not found', 'page not found', '404错误', '错误404',
];
/** Phrases that also occur in ordinary sentences ("项目正在建设中"): only when they start a line of their own. */
const PLACEHOLDER_PHRASES = ['栏目正在建设中', '栏目建设中', '正在建设中', '页面建设中', '信息不存在', '内容不存在'];

export function findSoft404Phrase(page: PageFacts, extraPhrases: readonly string[]): string | undefined {
  const text = compactLines(page);
  const gone = [...GONE_PHRASES, ...extraPhrases].find((p) => inTitle(page, p) || standsAlone(text, p, 20));
  if (gone) return gone;
  return PLACEHOLDER_PHRASES.find((phrase) => {
    const needle = withoutSpaces(phrase);
    // Allow 本/该/此 before it and a short "敬请期待" after it, nothing else.
    for (const { line, before } of linesHolding(text, needle)) {
      if (line.length <= needle.length + 6 && /^[本该此]?$/.test(before)) return true;
    }
    return false;
  });
}

export interface BotWall {
  vendor: WallVendor;
  status: number;
  /** The human-check phrase that gave a captcha page away; empty for the vendors' scripts. */
  phrase: string;
}

/** Interstitials are tiny; a real page that merely has a captcha in its form is not one. */
const INTERSTITIAL_MAX_CHARS = 800;
const CHALLENGE_PHRASES = ['安全验证', '人机验证', '滑动验证', '拖动滑块', '访问异常', '访问被拦截', '您的访问被阻断', '访问受限'];

/**
 * How much of a body the vendors' markers are looked for in. Challenge pages are a few KB of
 * script; a marker 100 KB into a page is in a real page that mentions it, not a wall.
 */
const WALL_MARKER_SCAN_CHARS = 64 * 1024;

/** A raw body as the text its vendor markers are looked for in (they are ASCII): only the head is decoded. */
export function wallMarkerText(body: Buffer): string {
  return body.toString('latin1', 0, WALL_MARKER_SCAN_CHARS);
}

/**
 * A vendor's challenge page shows nothing of its own: its body is script, at most with a line
 * such as "请开启 JavaScript". A real page that carries the vendor's script shows far more (the
 * 数据查询 page of nmpa.gov.cn, served after the first 瑞数 cookie, shows about 290 characters).
 */
const CHALLENGE_ONLY_MAX_CHARS = 50;
const JSL_MARKERS = /__jsl_clearance|\('_'\)\+\('_'\)\+\('j'\)\+\('s'\)\+\('l'\)/;

/**
 * Anti-bot interstitials common on Chinese government sites. A wall says nothing about the link
 * itself. What the body is decides, not the status: some deployments send the 瑞数 or 加速乐
 * challenge with 200 or 202, and a full page keeps the vendor's script beside its text. Their own
 * statuses (瑞数's 412, 加速乐's 521) with the challenge are walls whatever the body.
 *
 * `whole` may be the decoded page with its facts, or, without facts, the raw head of the body
 * (wallMarkerText): the visible text is then estimated from the markup.
 */
export function detectBotWall(status: number, headers: Record<string, string>, whole: string, page: PageFacts | undefined): BotWall | undefined {
  const body = whole.length > WALL_MARKER_SCAN_CHARS ? whole.slice(0, WALL_MARKER_SCAN_CHARS) : whole;
  const cookies = headers['set-cookie'] ?? '';
  const wall = (vendor: WallVendor, phrase = ''): BotWall => ({ vendor, status, phrase });
  const challengeOnly = () => !visibleLengthExceeds(page ? page.text : markupText(body), CHALLENGE_ONLY_MAX_CHARS);
  if (/\$_ts/.test(body) && (status === 412 || challengeOnly())) return wall('ruishu');
  if (status === 521 || ((JSL_MARKERS.test(body) || /__jsl_clearance/.test(cookies)) && challengeOnly())) return wall('jiasule');
  if ((status === 403 || status === 503 || status === 429) && /just a moment|cf-chl|challenge-platform/i.test(body)) return wall('cloudflare');
  const phrase = page && findChallengePhrase(page);
  return phrase ? wall('captcha', phrase) : undefined;
}

function findChallengePhrase(page: PageFacts): string | undefined {
  if (visibleLengthExceeds(page.text, INTERSTITIAL_MAX_CHARS)) return undefined;
  const text = compactLines(page);
  return CHALLENGE_PHRASES.find((phrase) => inTitle(page, phrase) || standsAlone(text, phrase, 20));
}

/**
 * What a browser would show of markup that was not parsed: scripts (also one cut off at the end
 * of the head read), styles, comments and tags removed. In a raw latin1 head a Chinese character
 * counts three times, which only makes a page look fuller, never emptier.
 */
function markupText(html: string): string {
  return html.replace(/<(script|style|noscript|template)\b[\s\S]*?(?:<\/\1\s*>|$)|<!--[\s\S]*?(?:-->|$)|<[^>]*>/gi, ' ');
}

/** Counts characters that are not spaces, stopping at `max`: a long page is known long at once. */
function visibleLengthExceeds(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let count = 0;
  for (const match of text.matchAll(/[^\s\u200b]+/g)) {
    count += match[0].length;
    if (count > max) return true;
  }
  return false;
}

/** The phrase stands on a line of its own (give or take `slack` characters), as a placeholder would. */
export function standsAloneInPage(page: PageFacts, phrase: string, slack: number): boolean {
  return standsAlone(compactLines(page), phrase, slack);
}

/**
 * Every phrase the checks above look for in a page's title or lines: a page in which none of them
 * can occur is no soft 404, placeholder or captcha page, whatever its lines (see check/head.ts).
 */
export function pagePhrases(extraPhrases: readonly string[]): string[] {
  return [...GONE_PHRASES, ...extraPhrases, ...PLACEHOLDER_PHRASES, ...CHALLENGE_PHRASES];
}

/** Whether the head of a page carries a marker of 瑞数 or 加速乐, the two walls detectBotWall tells by markers on a 2xx page. */
export function carriesWallMarker(html: string, headers: Record<string, string>): boolean {
  const body = html.length > WALL_MARKER_SCAN_CHARS ? html.slice(0, WALL_MARKER_SCAN_CHARS) : html;
  return /\$_ts/.test(body) || JSL_MARKERS.test(body) || /__jsl_clearance/.test(headers['set-cookie'] ?? '');
}
