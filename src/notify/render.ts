import { formatNumber, signed } from '../report/words.js';
import { sanitize } from '../report/sanitize.js';
import { catalogue, type NotifyText } from '../i18n/index.js';
import type { NotifyItem, NotifyLinkItem, NotifySummary } from './types.js';

/** Robots' markdown limit (WeCom: 4096 bytes of UTF-8); DingTalk and Feishu take more, so it is safe for all. */
export const MAX_TEXT_BYTES = 4096;

const MAX_LISTED = 10;
const MAX_REASON_CHARS = 120;
const MAX_TITLE_CHARS = 100;
/** Enough for a deep government URL; longer ones are cut with an ellipsis. */
const MAX_URL_CHARS = 200;

export type Flavor = 'markdown' | 'plain';

export interface RenderedMessage {
  /** One line: the criteria title and the outcome (DingTalk shows it in the notification). */
  title: string;
  text: string;
}

/** Text from the network or a file, made safe to send: no control characters, one line, bounded. */
export function cleanText(text: string, maxChars = MAX_REASON_CHARS): string {
  const oneLine = sanitize(String(text)).replace(/\s+/g, ' ').trim();
  const chars = [...oneLine];
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : oneLine;
}

/** Robots render markdown links, images and HTML tags; page text must not smuggle any in. */
function markdownSafe(text: string): string {
  return text.replace(/[<>[\]]/g, (ch) => ({ '<': '＜', '>': '＞', '[': '［', ']': '］' })[ch]!);
}


/**
 * The message for a chat robot, in the summary's language, within `maxBytes` of UTF-8. The list
 * (newly failing indicators, then newly failing links with their URLs; else the failing
 * indicators) and the fixed list (indicators, then links) show at most 10 entries each, and fewer
 * when the bytes run out, ending with "… and N more".
 */
export function renderMessage(summary: NotifySummary, flavor: Flavor, maxBytes = MAX_TEXT_BYTES): RenderedMessage {
  const m = catalogue(summary.lang).notify;
  const safe = (text: string, maxChars?: number) => {
    const clean = cleanText(text, maxChars);
    return flavor === 'markdown' ? markdownSafe(clean) : clean;
  };

  const { regression, problemsHeading, problemLines, fixedLines } = lists(summary, m, safe);
  const status = summary.complete === false ? m.interrupted
    : !summary.passed ? m.failed : summary.regressed ?? regression ? m.regressed : m.passed;
  const title = m.heading(safe(summary.title, MAX_TITLE_CHARS), status);
  const delta = summary.scoreDelta === undefined ? '' : summary.scoreDelta === 0 ? m.unchanged : m.delta(signed(summary.scoreDelta));
  const head = [
    m.score(formatNumber(summary.score), formatNumber(summary.maxScore)) + delta,
    m.counts(summary.counts.pass, summary.counts.fail, summary.counts.unverified),
  ];

  const tail = summary.reportPath ? [m.report(safe(summary.reportPath, 500))] : [];

  const bullet = flavor === 'markdown' ? '- ' : '· ';
  const section = (heading: string, lines: string[], shown: number): string[] => {
    if (lines.length === 0) return [];
    const listed = lines.slice(0, shown).map((line) => bullet + line);
    if (shown < lines.length) listed.push(bullet + m.more(lines.length - shown));
    const h = flavor === 'markdown' ? `**${heading}**` : heading;
    return flavor === 'markdown' ? [h, listed.join('\n')] : [[h, ...listed].join('\n')];
  };
  const compose = (shownProblems: number, shownFixed: number): string => {
    const blocks = [
      flavor === 'markdown' ? `### ${title}` : title,
      ...head,
      ...section(problemsHeading, problemLines, shownProblems),
      ...section(m.fixed(fixedLines.length), fixedLines, shownFixed),
      ...tail,
    ];
    // DingTalk's markdown needs a blank line to break a paragraph; the plain text reads better tighter.
    return flavor === 'markdown' ? blocks.join('\n\n') : [blocks.slice(0, 3).join('\n'), ...blocks.slice(3)].join('\n\n');
  };

  for (let p = Math.min(problemLines.length, MAX_LISTED); p >= 0; p--) {
    for (let f = Math.min(fixedLines.length, MAX_LISTED); f >= 0; f--) {
      const text = compose(p, f);
      if (Buffer.byteLength(text, 'utf8') <= maxBytes) return { title, text };
    }
  }
  return { title, text: cutToBytes(compose(0, 0), maxBytes) };
}

/**
 * The message's two lists, one line an entry. What is new comes first: the newly failing
 * indicators, then the newly failing links, since a link that broke inside an indicator already
 * failing is news too; only when nothing is new, the failing indicators.
 */
function lists(summary: NotifySummary, m: NotifyText, safe: (text: string, maxChars?: number) => string) {
  const links = summary.newlyFailingEvidence ?? [];
  const regression = summary.newlyFailing.length > 0 || links.length > 0;
  const itemLine = (p: NotifyItem) => m.item(safe(p.id), safe(p.title, MAX_TITLE_CHARS), safe(p.reason));
  // A link cited without a title has its URL as its title: said once.
  const cited = (l: Omit<NotifyLinkItem, 'reason'>) => (l.title === l.url ? '' : `${safe(l.title, MAX_TITLE_CHARS)} `) + safe(l.url, MAX_URL_CHARS);
  const problemLines = regression
    ? [...summary.newlyFailing.map(itemLine), ...links.map((l) => m.item(safe(l.id), cited(l), safe(l.reason)))]
    : summary.topProblems.map(itemLine);
  const fixedLines = [
    ...summary.fixed.map((f) => m.item(safe(f.id), safe(f.title, MAX_TITLE_CHARS))),
    ...(summary.fixedEvidence ?? []).map((l) => m.item(safe(l.id), cited(l))),
  ];
  return { regression, problemsHeading: regression ? m.newlyFailing(problemLines.length) : m.problems, problemLines, fixedLines };
}

/** Cuts at a code point boundary, so the result is still valid UTF-8 within `maxBytes`. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const ellipsis = '…';
  let budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8');
  let out = '';
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (size > budget) break;
    out += ch;
    budget -= size;
  }
  return out + ellipsis;
}
