import { describe, expect, it } from 'vitest';
import { durationToMs, MAX_AGE_PRESETS, parseDuration, subtractDuration } from '../../src/criteria/duration.js';
import type { Duration } from '../../src/model/criteria.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function parts(d: Duration | undefined) {
  expect(d).toBeDefined();
  const { years, months, days, ms } = d!;
  return { years, months, days, ms };
}

function must(text: string, options?: { presets?: boolean }): Duration {
  const d = parseDuration(text, options);
  expect(d, `parseDuration(${JSON.stringify(text)})`).toBeDefined();
  return d!;
}

describe('parseDuration: units', () => {
  it.each([
    ['500ms', { years: 0, months: 0, days: 0, ms: 500 }],
    ['20s', { years: 0, months: 0, days: 0, ms: 20 * SECOND }],
    ['5m', { years: 0, months: 0, days: 0, ms: 5 * MINUTE }], // m is minutes, not months
    ['2h', { years: 0, months: 0, days: 0, ms: 2 * HOUR }],
    ['14d', { years: 0, months: 0, days: 14, ms: 0 }],
    ['2w', { years: 0, months: 0, days: 14, ms: 0 }],
    ['6mo', { years: 0, months: 6, days: 0, ms: 0 }],
    ['1y', { years: 1, months: 0, days: 0, ms: 0 }],
    ['1.5h', { years: 0, months: 0, days: 0, ms: 90 * MINUTE }],
    [' 14d ', { years: 0, months: 0, days: 14, ms: 0 }],
    ['14 d', { years: 0, months: 0, days: 14, ms: 0 }],
  ])('reads %j', (text, expected) => {
    const d = must(text);
    expect(parts(d)).toEqual(expected);
  });

  it('keeps the text as written, trimmed, for messages', () => {
    expect(must('6mo').text).toBe('6mo');
    expect(must('  2w ').text).toBe('2w');
  });
});

describe('parseDuration: ISO 8601', () => {
  it.each([
    ['P6M', { years: 0, months: 6, days: 0, ms: 0 }],
    ['P1Y', { years: 1, months: 0, days: 0, ms: 0 }],
    ['P2W', { years: 0, months: 0, days: 14, ms: 0 }],
    ['P14D', { years: 0, months: 0, days: 14, ms: 0 }],
    ['PT30S', { years: 0, months: 0, days: 0, ms: 30 * SECOND }],
    ['PT5M', { years: 0, months: 0, days: 0, ms: 5 * MINUTE }], // M after T is minutes
    ['PT1.5H', { years: 0, months: 0, days: 0, ms: 90 * MINUTE }],
    ['P1Y2M3DT4H5M6S', { years: 1, months: 2, days: 3, ms: 4 * HOUR + 5 * MINUTE + 6 * SECOND }],
  ])('reads %s', (text, expected) => {
    expect(parts(must(text))).toEqual(expected);
  });
});

describe('parseDuration: presets', () => {
  it('are the national column-type ages: news 14d, notice 180d, statutory 365d', () => {
    expect(MAX_AGE_PRESETS).toEqual({ news: '14d', notice: '180d', statutory: '365d' });
  });

  it.each([
    ['news', 14],
    ['notice', 180],
    ['statutory', 365],
  ])('reads %s as %i days when presets are allowed, keeping the name', (name, days) => {
    const d = must(name, { presets: true });
    expect(d).toEqual({ years: 0, months: 0, days, ms: 0, text: name });
  });

  it.each(['news', 'notice', 'statutory'])('rejects %s when presets are not allowed (e.g. a timeout)', (name) => {
    expect(parseDuration(name)).toBeUndefined();
    expect(parseDuration(name, { presets: false })).toBeUndefined();
  });

  it('still reads ordinary durations when presets are allowed', () => {
    expect(parts(must('2w', { presets: true }))).toEqual({ years: 0, months: 0, days: 14, ms: 0 });
  });

  it('does not treat other object keys as presets', () => {
    expect(parseDuration('toString', { presets: true })).toBeUndefined();
    expect(parseDuration('constructor', { presets: true })).toBeUndefined();
  });
});

describe('parseDuration: invalid input', () => {
  it.each([
    '', '   ', 'fast', '3 weeks', '14', 'd', '14dd', '1.2.3d', '-1d', '+1d', '1d2h',
    'P', 'PT', 'P1DT', 'T5M', 'P5', '6 months', 'news!', 'one day',
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
    expect(parseDuration(text, { presets: true })).toBeUndefined();
  });

  it('rejects a bare number, which has no unit', () => {
    expect(parseDuration(14)).toBeUndefined();
  });
});

describe('durationToMs', () => {
  it.each([
    ['20s', 20 * SECOND],
    ['PT30S', 30 * SECOND],
    ['2h', 2 * HOUR],
    ['1d', DAY],
    ['2w', 14 * DAY],
    ['1mo', 30 * DAY],
    ['1y', 365 * DAY],
    ['P1DT1H', DAY + HOUR],
  ])('%s is %i ms', (text, ms) => {
    expect(durationToMs(must(text))).toBe(ms);
  });

  it('reads presets in days', () => {
    expect(durationToMs(must('news', { presets: true }))).toBe(14 * DAY);
  });
});

describe('subtractDuration', () => {
  const iso = (d: Date) => d.toISOString();

  it('steps back a year along the calendar: 2021-12-20 minus 1y is 2020-12-20 (across a leap day)', () => {
    const now = new Date('2021-12-20T09:19:00.000Z');
    expect(iso(subtractDuration(now, must('1y')))).toBe('2020-12-20T09:19:00.000Z');
  });

  it('steps back months along the calendar, not in 30-day blocks', () => {
    const now = new Date('2021-12-20T09:19:00.000Z');
    expect(iso(subtractDuration(now, must('6mo')))).toBe('2021-06-20T09:19:00.000Z');
    expect(iso(subtractDuration(now, must('P6M')))).toBe('2021-06-20T09:19:00.000Z');
    expect(iso(subtractDuration(new Date('2021-03-15T00:00:00.000Z'), must('1mo')))).toBe('2021-02-15T00:00:00.000Z');
    expect(iso(subtractDuration(new Date('2021-01-10T00:00:00.000Z'), must('2mo')))).toBe('2020-11-10T00:00:00.000Z');
  });

  it('steps back days and weeks exactly', () => {
    const now = new Date('2021-12-20T09:19:00.000Z');
    expect(iso(subtractDuration(now, must('14d')))).toBe('2021-12-06T09:19:00.000Z');
    expect(iso(subtractDuration(now, must('2w')))).toBe('2021-12-06T09:19:00.000Z');
    expect(iso(subtractDuration(now, must('news', { presets: true })))).toBe('2021-12-06T09:19:00.000Z');
    expect(iso(subtractDuration(now, must('statutory', { presets: true })))).toBe('2020-12-20T09:19:00.000Z');
  });

  it('steps back time parts exactly', () => {
    const now = new Date('2021-12-20T00:00:30.000Z');
    expect(iso(subtractDuration(now, must('PT30S')))).toBe('2021-12-20T00:00:00.000Z');
    expect(iso(subtractDuration(now, must('1h')))).toBe('2021-12-19T23:00:30.000Z');
  });

  it('combines calendar and exact parts: P1Y2M3DT4H', () => {
    const now = new Date('2021-12-20T12:00:00.000Z');
    expect(iso(subtractDuration(now, must('P1Y2M3DT4H')))).toBe('2020-10-17T08:00:00.000Z');
  });

  it('does not change the date it is given', () => {
    const now = new Date('2021-12-20T09:19:00.000Z');
    subtractDuration(now, must('6mo'));
    expect(iso(now)).toBe('2021-12-20T09:19:00.000Z');
  });

  // Six months before 31 August is the end of February (as in date-fns subMonths, java.time minusMonths,
  // Temporal's default "constrain"), not a day in March: a page dated 2021-03-01 is within six months of
  // 2021-08-31 and must not be judged stale.
  it.each([
    ['2021-08-31T00:00:00.000Z', '6mo', '2021-02-28T00:00:00.000Z'],
    ['2021-03-31T00:00:00.000Z', '1mo', '2021-02-28T00:00:00.000Z'],
    ['2021-12-31T00:00:00.000Z', '1mo', '2021-11-30T00:00:00.000Z'],
    ['2020-02-29T00:00:00.000Z', '1y', '2019-02-28T00:00:00.000Z'],
  ])('clamps to the end of a shorter month: %s minus %s is %s', (now, text, expected) => {
    const start = subtractDuration(new Date(now), must(text));
    expect(iso(start)).toBe(expected);
    // Whatever the rule, the window must never be shorter than the calendar duration.
    expect(start.getTime()).toBeLessThanOrEqual(new Date(expected).getTime());
  });
});
