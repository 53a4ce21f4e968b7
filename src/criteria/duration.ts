import type { Duration } from '../model/criteria.js';

/** Column-type presets from the national rules for checking government websites. */
export const MAX_AGE_PRESETS: Record<string, string> = {
  news: '14d',
  notice: '180d',
  statutory: '365d',
};

// Case matters: "6M" could mean months or minutes, so only the lower-case units are accepted.
const UNIT_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|mo|y)$/;
const ISO_PATTERN =
  /^P(?!$)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?!$)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function empty(text: string): Duration {
  return { years: 0, months: 0, days: 0, ms: 0, text };
}

/** Parses `14d`, `2w`, `6mo`, `1y`, `20s`, ISO 8601 `P6M`, or a preset name. Returns undefined when invalid. */
export function parseDuration(input: string | number, { presets = false } = {}): Duration | undefined {
  const text = String(input).trim();
  if (presets && MAX_AGE_PRESETS[text] !== undefined) {
    const preset = parseDuration(MAX_AGE_PRESETS[text]!);
    return preset && { ...preset, text };
  }
  const unit = UNIT_PATTERN.exec(text);
  if (unit) {
    const amount = Number(unit[1]);
    const d = empty(text);
    switch (unit[2]) {
      case 'ms': d.ms = amount; break;
      case 's': d.ms = amount * SECOND; break;
      case 'm': d.ms = amount * MINUTE; break;
      case 'h': d.ms = amount * HOUR; break;
      case 'd': d.days = amount; break;
      case 'w': d.days = amount * 7; break;
      case 'mo': d.months = amount; break;
      case 'y': d.years = amount; break;
    }
    return d;
  }
  const iso = ISO_PATTERN.exec(text);
  if (iso) {
    const [, y, mo, w, dd, h, mi, s] = iso.map((part) => Number(part ?? 0));
    return {
      years: y!, months: mo!, days: w! * 7 + dd!,
      ms: h! * HOUR + mi! * MINUTE + s! * SECOND,
      text,
    };
  }
  return undefined;
}

/** Length in milliseconds, for timeouts; calendar parts use 30-day months and 365-day years. */
export function durationToMs(d: Duration): number {
  return d.ms + d.days * DAY + d.months * 30 * DAY + d.years * 365 * DAY;
}

/** The earliest instant that is still within `d` of `now`, stepping back along the calendar. */
export function subtractDuration(now: Date, d: Duration): Date {
  const t = subtractMonths(now, Math.trunc(d.years) * 12 + Math.trunc(d.months));
  const fractional = (d.years % 1) * 365 * DAY + (d.months % 1) * 30 * DAY;
  return new Date(t.getTime() - d.days * DAY - d.ms - fractional);
}

/** Steps back whole months, stopping at the month's last day: 08-31 minus 6mo is 02-28, not 03-03. */
function subtractMonths(date: Date, months: number): Date {
  const t = new Date(date.getTime());
  const day = t.getUTCDate();
  t.setUTCDate(1);
  t.setUTCMonth(t.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(Math.min(day, lastDay));
  return t;
}
