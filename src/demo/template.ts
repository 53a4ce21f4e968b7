/**
 * The demo pages' one template mechanism: `{{…}}` placeholders, filled when a site starts,
 * because what the pages show as fresh or stale is relative to the run's `now`.
 *
 *   {{fresh}}            the date `fresh` as YYYY-MM-DD (China time)
 *   {{stale-18d}}        18 days before `stale`, YYYY-MM-DD
 *   {{fresh|datetime}}   YYYY-MM-DD HH:mm
 *   {{recent|cn}}        YYYY年MM月DD日
 *   {{recent|year}}      YYYY
 *   {{to}}               a value the caller passes by name (the redirect page's target)
 *
 * Date names are those of DemoDates: now, fresh, recent, stale, future (see ./dates.ts).
 * Every value is HTML-escaped (& < > "), so a value can never add markup; the text around the
 * placeholders is copied as it is. An unknown name or format throws, so a typo fails the first
 * test that starts the site instead of serving `{{frsh}}`. No other syntax exists: the pages'
 * own scripts and styles contain no `{{`.
 */
import { cstParts, daysBefore, formatCnDate, formatDate, formatDateTime, type DemoDates } from './dates.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const FORMATS: Record<string, (d: Date) => string> = {
  date: formatDate,
  cn: formatCnDate,
  datetime: formatDateTime,
  year: (d) => String(cstParts(d).y),
};

const DATE_PLACEHOLDER = /^(now|fresh|recent|stale|future)(?:-(\d+)d)?(?:\|(\w+))?$/;

function dateValue(dates: DemoDates, name: string): string | undefined {
  const m = DATE_PLACEHOLDER.exec(name);
  if (m === null) return undefined;
  const format = m[3] ?? 'date';
  if (!Object.hasOwn(FORMATS, format)) return undefined;
  return FORMATS[format]!(daysBefore(dates[m[1] as keyof DemoDates], Number(m[2] ?? 0)));
}

/** The template with every placeholder replaced by its escaped value; throws on an unknown one. */
export function fill(template: string, dates: DemoDates, values: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{\{([^{}]*)\}\}/g, (_, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : dateValue(dates, name);
    if (value === undefined) throw new Error(`demo site: unknown placeholder {{${name}}}`);
    return escapeHtml(value);
  });
}
