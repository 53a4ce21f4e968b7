import { chinaDay, datesInMeta } from '../check/dates.js';

/**
 * A PDF date string (`D:20211220171900+08'00'`, ISO 32000 7.9.4) as a day in China.
 * Producers are sloppy: the `D:` prefix, the apostrophes and every part after the year may be
 * missing. A date without a time zone is taken as written (local time of a Chinese office).
 */
export function pdfDateToChinaDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const match = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz])|([+-])\s*(\d{2})'?\s*(\d{2})?'?)?/.exec(text);
  if (match && (match[2] !== undefined || /^D:/.test(text))) {
    const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', zulu, sign, oh, om = '00'] = match;
    const offsetMinutes = zulu ? 0 : sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : undefined;
    return toChinaDay(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), offsetMinutes);
  }
  // "2021-12-20T17:19:00+08:00", "2021/12/20 17:19" and the like, as written by odd producers.
  return datesInMeta(text)[0];
}

/**
 * A W3CDTF date (docProps/core.xml, XMP): `2021-12-20T09:00:00Z`, `2021-12-20T17:00+08:00`,
 * `2021-12-20`, `2021-12`, `2021`. With a zone it is converted to China's day; without, taken as written.
 */
export function w3cdtfToChinaDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?)?)?)?$/
    .exec(value.trim());
  if (!match) return datesInMeta(value.trim())[0];
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', zulu, sign, oh, om = '00'] = match;
  const offsetMinutes = zulu ? 0 : sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : undefined;
  return toChinaDay(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), offsetMinutes);
}

function toChinaDay(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMinutes: number | undefined): string | undefined {
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1) return undefined; // 2021-02-30
  if (offsetMinutes === undefined) return probe.toISOString().slice(0, 10);
  return chinaDay(new Date(wall - offsetMinutes * 60_000));
}
