import type { Marker, MarkerFamily } from './types.js';

/**
 * Outline numbers and weights as Chinese tables print them: 一、 （一） 1. （1） ①, and
 * "(18%", "（30分）", "（3）" at the end of a heading, half- or full-width, the closing bracket
 * sometimes missing (the Huainan table has none).
 */

const CN = '[一二三四五六七八九十百零〇]{1,4}';
const DIGITS = '[0-9０-９]{1,3}';

/** Each family's pattern; the match's group 1 is the numeral. Order matters: the bracketed ones first. */
const MARKERS: readonly { family: MarkerFamily; pattern: RegExp }[] = [
  { family: 'cn-paren', pattern: new RegExp(`^[(（]\\s*(${CN})\\s*[)）]\\s*[、.．]?\\s*`) },
  { family: 'num-paren', pattern: new RegExp(`^[(（]\\s*(${DIGITS})\\s*[)）]\\s*[、.．]?\\s*`) },
  // "一、", "一." but not "一级指标"; "1." or "1、" but not "1.5倍" or "2021年".
  { family: 'cn', pattern: new RegExp(`^(${CN})\\s*[、，,.．]\\s*`) },
  { family: 'num', pattern: new RegExp(`^(${DIGITS})\\s*[、.．](?![0-9０-９])\\s*`) },
  { family: 'circled', pattern: /^([\u2460-\u2473])\s*/ },
];

/** A weight in brackets at the end: "(3%", "（30分）", "（满分10分）", "（3）"; or "8分" after a space. */
const BRACKETED_WEIGHT = /[(（]\s*(?:满分|分值|权重|计)?\s*[:：]?\s*([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*(%|％|分)?\s*[)）]?\s*[。.．]?\s*$/;
const SPACED_WEIGHT = /[\s\u3000]([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*(%|％|分)\s*$/;
/** A bracket at the end that talks about a weight but holds no number we can read: "（三分）", "（分值待定）". */
const WEIGHT_LIKE = /[(（]([^()（）]{0,24}(?:分|%|％|权重|分值)[^()（）]{0,24})[)）]?\s*[。.．]?\s*$/;
/** Punctuation that ends a heading's title in print but is no part of the name: "规划信息公开。(3%". */
const TITLE_END = /[\s\u3000。．.:：；;,，、]+$/;

export interface Heading {
  marker?: Marker;
  title: string;
  weight?: number;
  /** The weight-like text that could not be read, quoted as printed. */
  unreadWeight?: string;
}

export function parseMarker(text: string): { marker: Marker; rest: string } | undefined {
  for (const { family, pattern } of MARKERS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const numeral = match[1]!;
    const number = numeralValue(family, numeral);
    if (number === undefined) continue;
    const shown = family === 'circled' ? String(number) : numeral.normalize('NFKC');
    return { marker: { family, number, numeral: shown }, rest: text.slice(match[0].length) };
  }
  return undefined;
}

/** A heading line or a name cell: its marker, title and weight, each when present. */
export function parseHeading(line: string): Heading {
  const text = line.trim();
  const numbered = parseMarker(text);
  const rest = numbered ? numbered.rest : text;
  const marker = numbered ? { marker: numbered.marker } : {};
  const weighed = BRACKETED_WEIGHT.exec(rest) ?? SPACED_WEIGHT.exec(rest);
  if (weighed) {
    return { ...marker, title: cleanTitle(rest.slice(0, weighed.index)), weight: toNumber(weighed[1]!) };
  }
  const unread = WEIGHT_LIKE.exec(rest);
  if (unread) return { ...marker, title: cleanTitle(rest.slice(0, unread.index)), unreadWeight: unread[0].trim() };
  return { ...marker, title: cleanTitle(rest) };
}

/** A weight cell: "3", "3分", "3%", "３"; undefined for anything else. */
export function parseWeightCell(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(分|%)?$/.exec(text.normalize('NFKC').replace(/\s+/g, ''));
  return match ? Number(match[1]) : undefined;
}

export function cleanTitle(text: string): string {
  return text.replace(TITLE_END, '').trim();
}

function toNumber(digits: string): number {
  return Number(digits.normalize('NFKC'));
}

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

function numeralValue(family: MarkerFamily, numeral: string): number | undefined {
  if (family === 'circled') return numeral.charCodeAt(0) - 0x2460 + 1;
  if (family === 'num' || family === 'num-paren') return toNumber(numeral);
  return chineseNumber(numeral);
}

/** 一 … 九十九, and 一百: enough for any table's sections. */
export function chineseNumber(text: string): number | undefined {
  if (text === '一百' || text === '百') return 100;
  const match = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(text);
  if (!match || text === '') return undefined;
  const [, tens, ten, units] = match;
  if (!ten) return tens && !units ? CN_DIGITS[tens] : undefined;
  return (tens ? CN_DIGITS[tens]! : 1) * 10 + (units ? CN_DIGITS[units]! : 0);
}

/** Words that name the table itself: "2021年政务公开自评表", "考核评估指标体系". */
const TITLE_HINT = /(自评|自查|评估|考核|测评|考评|评分|指标)[^，。,]{0,8}表|指标体系|评分细则/;

/** The table's title among the lines above it: the first that names a table, else none. */
export function titleAmong(lines: readonly { text: string }[]): string | undefined {
  const named = lines.find((line) => TITLE_HINT.test(line.text) && line.text.trim().length <= 60);
  return named ? cleanTitle(named.text.replace(/\s+/g, ' ')) : undefined;
}

export function namesTable(text: string): boolean {
  return TITLE_HINT.test(text);
}

const CN_NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** A number as the family prints it: 12 is 十二 among 一、 and （一）, 12 among 1. and （1）. */
export function numeralFor(family: MarkerFamily, n: number): string {
  if ((family !== 'cn' && family !== 'cn-paren') || n < 1 || n > 99) return String(n);
  const tens = Math.floor(n / 10);
  return `${tens > 1 ? CN_NUMERALS[tens] : ''}${tens > 0 ? '十' : ''}${CN_NUMERALS[n % 10]}`;
}
