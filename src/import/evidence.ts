import { parseMarker } from './headings.js';
import type { DraftEvidence, RichLine } from './types.js';

/**
 * Evidence as tables print it: a label line then a URL line, "标签：URL" on one line, a bare URL,
 * a link whose text is the label, or a link behind a display text such as "查看". URLs are cut
 * where the published text ends them (spaces, nbsp, full-width punctuation) and kept as written
 * otherwise: http:// stays http:// for the linter to report, and nothing is repaired silently.
 */

/** An address in running text ends at whitespace (nbsp and the ideographic space too) or full-width punctuation. */
const URL_IN_TEXT = /https?:\/\/[^\s\u00a0\u3000<>"'“”‘’，。；：、！？（）【】《》「」…]+/giu;
/** ASCII punctuation that ends a sentence rather than an address: dropped, with a doubt. */
const TRAILING_ASCII = /[.,;:!?'"\]}>]+$/;
/** What is left of an address cut by a line break: URL characters only, no scheme, no CJK. */
const CONTINUATION = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]{2,}$/;
/** An address printed without its scheme; adding one would be a guess. */
const SCHEMELESS = /(?<![/\w.])www\.[a-z0-9-]+(\.[a-z0-9-]+)+[^\s\u00a0\u3000，。；、）】]*/gi;
/** A cell that says there is no evidence. */
const NONE = /^(无|暂无|没有|无链接|不涉及|\/|／|\\|[-—–－]+)$/;
/** Display texts that are no label: the link's own words for "open it". */
const GENERIC_TEXT = /^(查看|点击查看|点击|点此|点击进入|进入|链接|详见|详情|网址|访问|打开|下载|附件|here|link|view|click)$/i;
/** A label's own punctuation: "规划蓝图专题：", "【预决算】", "1.政策解读". */
const LABEL_EDGES = /^[\s•·●○■□◆▪\-—*【\[]+|[\s:：】\]]+$/g;

/** Longer than this, a line is prose rather than a label (the Huainan labels are 2–13 characters). */
export const LABEL_MAX = 40;

export interface EvidenceRead {
  evidence: DraftEvidence[];
  /** A label with no link, text it skipped: said on the indicator. */
  doubts: string[];
  /** The cell or paragraph said "无" or was empty: evidence: [] without a doubt. */
  none: boolean;
}

type Token = { kind: 'text'; text: string } | { kind: 'link'; url: string; label?: string; doubts: string[] };
/** A line, or two joined where an address was cut by a line break. */
type ReadLine = RichLine & { joined?: string };

/** `base`: the page's own address, against which relative links resolve (a file has none). */
export function readEvidence(lines: readonly RichLine[], base?: string): EvidenceRead {
  const read: EvidenceRead = { evidence: [], doubts: [], none: true };
  let pending: { text: string; where: string } | undefined;
  const unused = () => {
    if (!pending) return;
    // A long line is prose that strayed into the evidence, not a label.
    read.doubts.push(pending.text.length > LABEL_MAX
      ? `text with no link, not imported: "${shorten(pending.text)}" (${pending.where})`
      : `a label with no link: "${pending.text}" (${pending.where})`);
  };
  for (const line of joinSplitUrls(lines)) {
    for (const token of tokens(line, base, read.doubts)) {
      if (token.kind === 'text') {
        const text = labelText(token.text);
        // "。" after an address, a stray bracket: punctuation alone is no label.
        if (!/[\p{L}\p{N}]/u.test(text) || NONE.test(text)) continue;
        read.none = false;
        unused();
        pending = { text, where: line.where };
        continue;
      }
      read.none = false;
      const title = token.label ?? pending?.text;
      pending = undefined;
      const doubts = title ? token.doubts : [...token.doubts, `a link with no label (${line.where})`];
      read.evidence.push({ ...(title ? { title } : {}), url: token.url, doubts });
    }
  }
  unused();
  return read;
}

/** A line that says the indicator cites nothing: "无", "/", "—". */
export function saysNone(text: string): boolean {
  return NONE.test(labelText(text));
}

/** Whether a line carries an address: a link, or a URL in its text. */
export function hasUrl(line: RichLine): boolean {
  return line.links.length > 0 || /https?:\/\//i.test(line.text);
}

/** Whether a line is the rest of an address cut by a line break. */
export function isContinuation(text: string): boolean {
  return CONTINUATION.test(text.trim()) && !/^https?:/i.test(text.trim()) && !/^[0-9]+(\.[0-9]+)?$/.test(text.trim());
}

/**
 * A URL cut over two lines (copied from a narrow column) is joined, with a doubt on it: the
 * second line holds nothing but URL characters and the first ends in an address.
 */
function joinSplitUrls(lines: readonly RichLine[]): ReadLine[] {
  const out: ReadLine[] = [];
  for (const line of lines) {
    const previous = out[out.length - 1];
    const endsInUrl = previous && previous.links.length === 0 && /https?:\/\/\S+$/i.test(previous.text.trim());
    if (previous && endsInUrl && line.links.length === 0 && isContinuation(line.text)) {
      const places = line.where === previous.where ? previous.where : `${previous.where} and ${line.where}`;
      const joined = `the address was split across lines and has been joined: check it (${places})`;
      out[out.length - 1] = { ...previous, text: previous.text.trim() + line.text.trim(), joined };
      continue;
    }
    out.push(line);
  }
  return out;
}

/** A line's text and links in reading order; bare URLs in its text become links too. */
function tokens(line: ReadLine, base: string | undefined, doubts: string[]): Token[] {
  const out: Token[] = [];
  let cursor = 0;
  for (const link of line.links) {
    const at = link.text ? line.text.indexOf(link.text, cursor) : -1;
    if (at >= 0) out.push(...textTokens(line.text.slice(cursor, at), line.where, doubts));
    const token = linkToken(link.text, link.href, base, line.where, doubts);
    if (token) out.push(token);
    if (at >= 0) cursor = at + link.text.length;
  }
  out.push(...textTokens(line.text.slice(cursor), line.where, doubts));
  // Only the line's last address runs on over the break.
  const last = out.findLast((t) => t.kind === 'link');
  if (line.joined && last?.kind === 'link') last.doubts.unshift(line.joined);
  return out;
}

function textTokens(text: string, where: string, doubts: string[]): Token[] {
  const out: Token[] = [];
  let cursor = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    out.push({ kind: 'text', text: text.slice(cursor, match.index) });
    cursor = match.index + match[0].length;
    const { url, dropped } = trimUrl(match[0]);
    const urlDoubts = dropped ? [`"${dropped}" after the address was taken as punctuation and left out (${where})`] : [];
    if (validUrl(url)) out.push({ kind: 'link', url, doubts: urlDoubts });
    else doubts.push(`not a valid address, skipped: "${match[0]}" (${where})`);
  }
  const rest = text.slice(cursor);
  for (const bare of rest.matchAll(SCHEMELESS)) {
    doubts.push(`an address without http:// or https://, skipped: "${bare[0]}" (${where}); add it with its scheme as published`);
  }
  out.push({ kind: 'text', text: rest.replace(SCHEMELESS, '') });
  return out;
}

function linkToken(text: string, href: string, base: string | undefined, where: string, doubts: string[]): Token | undefined {
  const target = href.trim();
  let url: URL;
  try {
    // "#top", "#Sheet2!A1": a place in the same page or workbook, not evidence.
    if (target === '' || target.startsWith('#')) throw new TypeError('not a web address');
    url = new URL(target, base);
  } catch {
    doubts.push(base || /^([a-z][a-z0-9+.-]*:|#|$)/i.test(target)
      ? `a link that is not a web address, skipped: "${text}" → "${target}" (${where})`
      : `a relative link with no page address to resolve it against, skipped: "${text}" → "${target}" (${where}); import the page by its URL`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    doubts.push(`a link that is not a web address, skipped: "${text}" → "${target}" (${where})`);
    return undefined;
  }
  const linkDoubts: string[] = [];
  if (!/^https?:/i.test(target)) linkDoubts.push(`a relative link "${target}", resolved against the page's address (${where})`);
  const shown = text.trim();
  const shownUrl = /^https?:\/\//i.test(shown) ? trimUrl(shown).url : undefined;
  if (shownUrl && shownUrl !== target && shownUrl !== url.href) {
    linkDoubts.push(`the link shows ${shownUrl} but points to ${url.href}; the link's target is kept (${where})`);
  }
  const label = labelText(shown);
  const meaningful = label !== '' && !shownUrl && !GENERIC_TEXT.test(label);
  const kept = /^https?:/i.test(target) ? target : url.href;
  return { kind: 'link', url: kept, ...(meaningful ? { label } : {}), doubts: linkDoubts };
}

/** Full-width punctuation and odd spaces never get in (URL_IN_TEXT); ASCII punctuation at the end is dropped, and said. */
function trimUrl(raw: string): { url: string; dropped?: string } {
  let url = raw;
  let dropped = '';
  for (;;) {
    const tail = TRAILING_ASCII.exec(url)?.[0] ?? (url.endsWith(')') && !url.includes('(') ? ')' : '');
    if (!tail) break;
    url = url.slice(0, -tail.length);
    dropped = tail + dropped;
  }
  return dropped ? { url, dropped } : { url };
}

function validUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** A label as shown, without its colon, brackets, bullet or list number. */
export function labelText(text: string): string {
  const bare = text.replace(/[\u00a0\u3000]/g, ' ').replace(LABEL_EDGES, '').trim();
  const numbered = parseMarker(bare);
  return (numbered ? numbered.rest : bare).replace(LABEL_EDGES, '').trim();
}

/** Long text quoted in a doubt: its start is enough to find it. */
export function shorten(text: string, max = 30): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
