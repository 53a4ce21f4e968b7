import type { Duration } from '../model/criteria.js';
import { subtractDuration } from '../criteria/duration.js';
import { chinaDay, datesInMeta, daysBetween, httpDateToChinaDay, newestPast, newestPastDateIn, type FoundDate } from './dates.js';
import type { PageFacts } from './page.js';
import { reason } from '../model/reasons.js';
import { fail, pass, type CheckResult } from '../model/results.js';

/** 政府网站 meta tags first, then the Open Graph and Dublin Core ones other CMSs write. */
const DATE_META = [
  'pubdate', 'publishdate', 'publish_date', 'publishtime', 'firstpublishedtime', 'lastmodifiedtime', 'updatetime',
  'article:modified_time', 'article:published_time', 'og:updated_time', 'og:article:published_time',
  'dcterms.modified', 'dc.date.modified', 'dcterms.created', 'dc.date.created', 'dc.date', 'date', 'last-modified',
];

/**
 * The page's last update: metadata, then the newest date in the visible text, then Last-Modified
 * only when the page shows no date at all (dynamic CMS pages send the time of the request).
 */
export function findLastUpdated(page: PageFacts, text: string, lastModified: string | undefined, today: string): FoundDate | undefined {
  for (const name of DATE_META) {
    const date = newestPast((page.meta.get(name) ?? []).flatMap(datesInMeta), today);
    if (date) return { date, source: `meta ${displayMetaName(name)}` };
  }
  const inText = newestPastDateIn(text, today);
  if (inText) return { date: inText, source: 'page text' };
  const header = httpDateToChinaDay(lastModified);
  if (header && header <= today) return { date: header, source: 'Last-Modified header' };
  return undefined;
}

export function checkFreshness(found: FoundDate | undefined, maxAge: Duration, now: Date): CheckResult {
  if (!found) return fail('freshness', reason('NO_DATE', {}));
  // Day arithmetic on China's calendar: a nightly run at 05:00 Beijing time is still that day there.
  const today = chinaDay(now);
  const cutoff = subtractDuration(new Date(`${today}T00:00:00Z`), maxAge).toISOString().slice(0, 10);
  const facts = { date: found.date, source: found.source, age: daysBetween(found.date, today), allowed: maxAge.text };
  return found.date >= cutoff ? pass('freshness', reason('FRESH', facts)) : fail('freshness', reason('STALE', { ...facts, cutoff }));
}

function displayMetaName(name: string): string {
  return name === 'pubdate' ? 'PubDate' : name;
}
