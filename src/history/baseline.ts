import { readFile } from 'node:fs/promises';
import type { AuditReport, Changes, EvidenceChange } from '../model/report.js';
import type { Verdict } from '../model/results.js';
import type { Lang } from '../i18n/index.js';
import type { EvidenceJson, IndicatorJson } from '../report/json.js';
import { reportedText } from '../report/safe.js';
import { sanitize } from '../report/sanitize.js';
import { checkText, problemText } from '../report/words.js';
import { leafResults, roundScore } from '../score/score.js';
import { type IndicatorResult } from '../model/report.js';

interface BaselineLeaf {
  title: string;
  status: Verdict;
  score: number;
}

/** The parts of an earlier JSON report (version 1) that a comparison needs. */
export interface Baseline {
  path: string;
  finishedAt: string;
  title: string;
  score: number;
  complete: boolean;
  /** Leaf indicators by id. */
  leaves: Map<string, BaselineLeaf>;
  /** Every cited link, in report order. */
  citations: BaselineCitation[];
}

/** Where a link is cited and under what title: what pairs it with a link of another run (see matchCitations). */
interface CitationKey {
  /** The citing leaf, as leafKey makes it. */
  leaf: string;
  url: string;
  title: string;
}

/** One cited link of the baseline, in the form its report shows (cleaned, secrets masked). */
interface BaselineCitation extends CitationKey {
  status: Verdict;
}

export class BaselineError extends Error {
  readonly code = 'E_BASELINE';
}

export async function readBaseline(path: string): Promise<Baseline> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    // JSON.parse quotes the text it choked on: a file from elsewhere must not send escapes to the terminal.
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : sanitize((error as Error).message);
    throw new BaselineError(`--baseline ${path}: cannot read it (${why}); pass a report written earlier with --format json or --output report.json`);
  }
  const report = json as { version?: unknown; score?: unknown; title?: unknown; finished_at?: unknown; complete?: unknown; indicators?: unknown };
  const leaves = new Map<string, BaselineLeaf>();
  const citations: BaselineCitation[] = [];
  if (!report || report.version !== 1 || typeof report.score !== 'number' || !Array.isArray(report.indicators) || !collectLeaves(report.indicators, leaves, citations)) {
    throw new BaselineError(`--baseline ${path}: not a version 1 JSON report from this tool`);
  }
  if (leaves.size === 0) throw new BaselineError(`--baseline ${path}: the report judged no indicators, so there is nothing to compare with`);
  return {
    path, leaves, citations, score: report.score,
    title: String(report.title ?? ''),
    finishedAt: String(report.finished_at ?? ''),
    complete: report.complete !== false,
  };
}

/** False when the JSON is not shaped like our indicators, so a damaged file is a usage error, not a crash. */
function collectLeaves(nodes: unknown[], into: Map<string, BaselineLeaf>, citations: BaselineCitation[]): boolean {
  return nodes.every((node) => {
    const n = node as Partial<IndicatorJson> | null;
    if (!n || typeof n.id !== 'string' || typeof n.status !== 'string') return false;
    if (Array.isArray(n.evidence)) {
      const title = String(n.title ?? '');
      into.set(n.id, { title, status: n.status as Verdict, score: Number(n.score) || 0 });
      collectCitations(leafKey(n.id, title), n.evidence, citations);
      return true;
    }
    return Array.isArray(n.indicators) && collectLeaves(n.indicators, into, citations);
  });
}

/**
 * Every version 1 report lists each link with its url and status. One that does not (a file
 * edited by hand) is left out rather than refused: it then counts as new, as it did before links
 * were compared at all.
 */
function collectCitations(leaf: string, evidence: unknown[], into: BaselineCitation[]): void {
  for (const item of evidence) {
    const e = item as Partial<EvidenceJson> | null;
    if (!e || typeof e.url !== 'string' || typeof e.status !== 'string') continue;
    into.push({ leaf, url: e.url, title: typeof e.title === 'string' ? e.title : e.url, status: e.status as Verdict });
  }
}

/** Reports hold no control characters (see cleanMultiline), so keys joined with NUL never collide. */
function leafKey(id: string, title: string): string {
  return `${id}\u0000${title}`;
}

/**
 * A baseline from another table would make every indicator look new, and a nightly job stay
 * green while things break; refuse it. An interrupted baseline is usable but said to be partial.
 */
export function checkBaselineFits(baseline: Baseline, title: string): string | undefined {
  if (baseline.title && baseline.title !== title) {
    return `--baseline ${baseline.path}: it is a report on "${sanitize(baseline.title)}", not on "${sanitize(title)}"; pass a report from the same criteria`;
  }
  return undefined;
}

/**
 * Leaves are matched on id and title: ids are often derived from position, so an inserted
 * indicator shifts them, and a shifted id must not pass for the same indicator.
 * Newly failing: a leaf that fails now and did not before. `previous` tells a regression (it
 * passed) from one that merely became visible (unverified before) or is new.
 * The score change compares the same leaves on both sides, so --only and --changed runs agree.
 * Links are compared the same way, one by one (see matchCitations), so a link that breaks inside
 * an indicator that was already failing is still news.
 *
 * The baseline holds ids, titles and URLs as its report showed them, cleaned and with secrets
 * masked; `shown` puts this run's in the same form (reportedText with the run's redactor), so a
 * link whose URL carries a token still finds itself.
 */
export function compareWithBaseline(report: AuditReport, baseline: Baseline, lang: Lang, shown: (text: string) => string = reportedText()): Changes {
  const changes: Changes = {
    baseline: { path: baseline.path, finishedAt: baseline.finishedAt, score: baseline.score },
    scoreDelta: 0,
    newlyFailing: [],
    fixed: [],
  };
  let before = 0;
  let now = 0;
  const citations: Citation[] = [];
  for (const result of leafResults(report.indicators)) {
    const { id, title } = result.indicator;
    const old = baseline.leaves.get(shown(id));
    const same = old && old.title === shown(title) ? old : undefined;
    before += same?.score ?? 0;
    now += result.score;
    if (result.verdict === 'fail' && same?.status !== 'fail') {
      const previous = same?.status === 'pass' || same?.status === 'unverified' ? same.status : 'new';
      changes.newlyFailing.push({ id, title, reason: problemText(result.problem, lang), previous });
    } else if (result.verdict === 'pass' && same?.status === 'fail') {
      changes.fixed.push({ id, title });
    }
    collectRun(result, leafKey(shown(id), shown(title)), lang, shown, citations);
  }
  changes.scoreDelta = roundScore(now - before);
  return { ...changes, ...compareCitations(citations, baseline.citations) };
}

/** A link of this run: its keys as the baseline shows them, the rest as the criteria wrote it. */
interface Citation extends CitationKey {
  indicatorId: string;
  writtenTitle: string;
  writtenUrl: string;
  verdict: Verdict;
  /** Why it fails; empty unless it does. */
  reason: string;
}

function collectRun(result: IndicatorResult, leaf: string, lang: Lang, shown: (text: string) => string, into: Citation[]): void {
  // Read once: a leaf's evidence may be read back from disk each time it is asked for.
  for (const e of result.evidence ?? []) {
    // A failing link is judged by a check that failed, not by one that merely could not decide.
    const failed = e.verdict === 'fail' ? e.checks.find((c) => c.status === 'fail') : undefined;
    into.push({
      leaf, url: shown(e.evidence.url), title: shown(e.evidence.title),
      indicatorId: result.indicator.id, writtenTitle: e.evidence.title, writtenUrl: e.evidence.url,
      verdict: e.verdict, reason: failed ? checkText(failed, lang) : '',
    });
  }
}

/**
 * As for leaves: a link failing now that did not fail in the baseline is newly failing, with its
 * verdict there (`new` when it is in none); one passing now that failed there is fixed. A link
 * that was unverified and fails now is listed but, as for leaves, is no regression.
 */
function compareCitations(now: Citation[], base: BaselineCitation[]): Pick<Changes, 'newlyFailingEvidence' | 'fixedEvidence'> {
  const newlyFailing: EvidenceChange[] = [];
  const fixed: NonNullable<Changes['fixedEvidence']> = [];
  const before = matchCitations(now, base);
  now.forEach((c, i) => {
    const old = before[i]?.status;
    const link = { indicatorId: c.indicatorId, title: c.writtenTitle, url: c.writtenUrl };
    if (c.verdict === 'fail' && old !== 'fail') {
      newlyFailing.push({ ...link, reason: c.reason, previous: old === 'pass' || old === 'unverified' ? old : 'new' });
    } else if (c.verdict === 'pass' && old === 'fail') {
      fixed.push(link);
    }
  });
  return { newlyFailingEvidence: newlyFailing, fixedEvidence: fixed };
}

/**
 * How a link of this run finds itself in the baseline, closest first; each baseline link pairs
 * with one link at most, and equals pair in order:
 * 1. the same leaf, URL and title: a URL cited twice in one indicator, under two titles, stays two
 *    links, whatever their order;
 * 2. the same leaf and URL: its title was edited;
 * 3. the same URL anywhere: it moved to another indicator, or its indicator was renamed or
 *    renumbered. A URL still cited where it was, and now cited again elsewhere, is new there.
 * A link found nowhere is new. Every step is Map lookups, never a scan: 100,000 links cost
 * 100,000 lookups a step, and step 3's Map is built only when some link is still unpaired.
 * The Maps are nested, keyed by strings the reports already hold: a key joined from leaf, URL
 * and title is a new string whose hash is computed afresh: ten times slower, measured at that size.
 */
function matchCitations(now: readonly CitationKey[], base: readonly BaselineCitation[]): (BaselineCitation | undefined)[] {
  const paired: (BaselineCitation | undefined)[] = new Array(now.length).fill(undefined);
  const take = taker(base);
  const byLeaf = new Map<string, Map<string, Slot>>();
  base.forEach((b, i) => {
    let urls = byLeaf.get(b.leaf);
    if (!urls) byLeaf.set(b.leaf, (urls = new Map()));
    addTo(urls, b.url, i);
  });
  let unpaired = now.map((_, i) => i);
  for (const sameTitle of [true, false]) {
    unpaired = unpaired.filter((i) => {
      const c = now[i]!;
      paired[i] = take(byLeaf.get(c.leaf)?.get(c.url), sameTitle ? c.title : undefined);
      return paired[i] === undefined;
    });
  }
  if (unpaired.length === 0) return paired;
  const byUrl = new Map<string, Slot>();
  base.forEach((b, i) => addTo(byUrl, b.url, i));
  for (const i of unpaired) paired[i] = take(byUrl.get(now[i]!.url));
  return paired;
}

/** Baseline links (their indices) under one key, taken front first; `next` skips those taken. */
interface Queue {
  at: number[];
  next: number;
  /** The same, by title: made the first time a title is asked for. */
  byTitle?: Map<string, Queue>;
}

/** Nearly every key holds one link: a bare index, not a queue. */
type Slot = number | Queue;

function addTo(map: Map<string, Slot>, key: string, index: number): void {
  const slot = map.get(key);
  if (slot === undefined) map.set(key, index);
  else if (typeof slot === 'number') map.set(key, { at: [slot, index], next: 0 });
  else slot.at.push(index);
}

/**
 * Takes the first baseline link in a slot that no link of this run has taken yet (with the title
 * given, if one is). A link is taken once, whichever Maps it is in.
 */
function taker(base: readonly BaselineCitation[]): (slot: Slot | undefined, title?: string) => BaselineCitation | undefined {
  const used = new Uint8Array(base.length);
  const claim = (index: number) => {
    used[index] = 1;
    return base[index];
  };
  const first = (queue: Queue) => {
    while (queue.next < queue.at.length && used[queue.at[queue.next]!]) queue.next++;
    return queue.next < queue.at.length ? claim(queue.at[queue.next++]!) : undefined;
  };
  return (slot, title) => {
    if (slot === undefined) return undefined;
    if (typeof slot === 'number') return used[slot] || (title !== undefined && base[slot]!.title !== title) ? undefined : claim(slot);
    if (title === undefined) return first(slot);
    slot.byTitle ??= byTitle(slot.at, base);
    const same = slot.byTitle.get(title);
    return same ? first(same) : undefined;
  };
}

function byTitle(indices: number[], base: readonly BaselineCitation[]): Map<string, Queue> {
  const queues = new Map<string, Queue>();
  for (const index of indices) {
    const { title } = base[index]!;
    const queue = queues.get(title);
    if (queue) queue.at.push(index);
    else queues.set(title, { at: [index], next: 0 });
  }
  return queues;
}

/** --fail-on regression: something that passed in the baseline fails now, an indicator or a link. */
export function hasRegression(changes: Changes): boolean {
  const passedBefore = (item: { previous: string }) => item.previous === 'pass';
  return changes.newlyFailing.some(passedBefore) || (changes.newlyFailingEvidence ?? []).some(passedBefore);
}
