/**
 * The demo site's dates. Pages are rendered in China Standard Time (UTC+8, no DST) so their
 * output does not depend on the machine's time zone.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function cstParts(d: Date): { y: number; m: number; d: number; hh: number; mm: number } {
  const s = new Date(d.getTime() + CST_OFFSET_MS);
  return {
    y: s.getUTCFullYear(),
    m: s.getUTCMonth() + 1,
    d: s.getUTCDate(),
    hh: s.getUTCHours(),
    mm: s.getUTCMinutes(),
  };
}

/** `YYYY-MM-DD` (China time). */
export function formatDate(d: Date): string {
  const p = cstParts(d);
  return `${p.y}-${pad2(p.m)}-${pad2(p.d)}`;
}

/** `YYYY年MM月DD日` (China time). */
export function formatCnDate(d: Date): string {
  const p = cstParts(d);
  return `${p.y}年${pad2(p.m)}月${pad2(p.d)}日`;
}

/** `YYYY-MM-DD HH:mm` (China time). */
export function formatDateTime(d: Date): string {
  const p = cstParts(d);
  return `${p.y}-${pad2(p.m)}-${pad2(p.d)} ${pad2(p.hh)}:${pad2(p.mm)}`;
}

export interface DemoDates {
  now: Date;
  /** now − 3 days */
  fresh: Date;
  /** now − 40 days */
  recent: Date;
  /** now − 2 years (730 days) */
  stale: Date;
  /** now + 30 days */
  future: Date;
}

/** The reference dates used by the demo pages, exported so tests can assert against them. */
export function demoDates(now: Date = new Date()): DemoDates {
  const t = now.getTime();
  return {
    now: new Date(t),
    fresh: new Date(t - 3 * DAY_MS),
    recent: new Date(t - 40 * DAY_MS),
    stale: new Date(t - 730 * DAY_MS),
    future: new Date(t + 30 * DAY_MS),
  };
}

export function daysBefore(d: Date, days: number): Date {
  return new Date(d.getTime() - days * DAY_MS);
}
