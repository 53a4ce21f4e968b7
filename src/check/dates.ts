/** Day-precision dates as Chinese government pages write them, in China's time zone. */
export interface FoundDate {
  /** YYYY-MM-DD */
  date: string;
  /** Where it came from: "meta PubDate", "page text", "Last-Modified header". */
  source: string;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

const DATE_PATTERNS = [
  // 2021-12-20, 2021/12/20, 2021.12.20, [2021-12-20], 2021-12-20 17:19, 2021-12-20T17:19:00+08:00
  /(?<!\d)((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)/g,
  // 2021年12月20日, 2021 年 12 月 20 日
  /(?<!\d)((?:19|20)\d{2})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/g,
];

/** Every valid calendar date in the text, as YYYY-MM-DD, in order of appearance. */
export function findDates(text: string): string[] {
  const found: { index: number; date: string }[] = [];
  eachDate(text, (year, month, day, index) => found.push({ index, date: isoDay(year, month, day) }));
  return found.sort((a, b) => a.index - b.index).map((f) => f.date);
}

/**
 * The newest date in the text that is not after today: what freshness needs, found without
 * collecting, sorting or even writing out the thousand dates of a list page (compared as numbers).
 */
export function newestPastDateIn(text: string, today: string): string | undefined {
  const limit = Number(today.replaceAll('-', ''));
  let newest = -1;
  eachDate(text, (year, month, day) => {
    const number = year * 10_000 + month * 100 + day;
    if (number <= limit && number > newest) newest = number;
  });
  return newest < 0 ? undefined : isoDay(Math.floor(newest / 10_000), Math.floor(newest / 100) % 100, newest % 100);
}

/** Each valid calendar date the patterns find, pattern by pattern (not in text order). */
function eachDate(text: string, visit: (year: number, month: number, day: number, index: number) => void): void {
  for (const pattern of DATE_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const year = Number(match[1]);
      const month = Number(match[3]);
      const day = Number(match[4]);
      if (isCalendarDay(year, month, day)) visit(year, month, day, match.index ?? 0);
    }
  }
}

/** A meta value with a time zone (article:modified_time) is converted to China's day first. */
export function datesInMeta(value: string): string[] {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value.trim())) {
    const ms = Date.parse(value.trim());
    if (!Number.isNaN(ms)) return [chinaDay(new Date(ms))];
  }
  return findDates(value);
}

/** Arithmetic rather than a Date per match: a list page has a thousand dates. 2021-02-30 is none. */
function isCalendarDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function isoDay(year: number, month: number, day: number): string {
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** "Today" as a date in China, where the pages are published. */
export function chinaDay(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Dates after today are validity periods or planning horizons (2035年远景目标), not updates. */
export function newestPast(dates: Iterable<string>, today: string): string | undefined {
  let newest: string | undefined;
  for (const date of dates) {
    if (date <= today && (newest === undefined || date > newest)) newest = date;
  }
  return newest;
}

export function daysBetween(earlier: string, later: string): number {
  return Math.round((Date.parse(later) - Date.parse(earlier)) / 86_400_000);
}

/** An HTTP date (Last-Modified) as a China day. */
export function httpDateToChinaDay(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : chinaDay(new Date(ms));
}
