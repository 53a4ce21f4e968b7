import type { AuditReport } from '../model/report.js';
import { chinaDay } from '../check/dates.js';
import type { EvidenceResult } from '../model/results.js';
import type { Evidence, Indicator } from '../model/criteria.js';
import type { ReadReport } from '../report/read.js';
import { sanitize } from '../report/sanitize.js';
import { scoreIndicator, totals } from '../score/score.js';
import { isOtherShard } from './split.js';
import type { Shard } from '../model/report.js';

/** One shard's report, as read from its file. */
export interface Part {
  file: string;
  read: ReadReport;
}

/** The parts cannot make one report: which file, and why. A usage error (exit 2). */
export class MergeError extends Error {
  readonly code = 'E_MERGE';
}

export interface Merged {
  report: AuditReport;
  /** Worth saying, not worth refusing: shards that judged on different days, archives not linked. */
  notes: string[];
}

/**
 * The shards of one run, joined into the report a single run would have written: every evidence
 * takes the result of the one shard that audited it, and the whole is scored again by
 * src/score/score.ts (never by adding the shards' partial scores). Refused, with the file to
 * blame: shards of different totals, a shard given twice or missing, reports on other criteria
 * (sha256) or another selection, and evidence audited by no shard or by two.
 * A report without `shard` counts as shard 1 of 1, so one whole report can be written again in
 * other formats or another language.
 */
export function mergeReports(parts: Part[]): Merged {
  const sorted = checkShards(parts);
  const base = sorted[0]!;
  for (const part of sorted.slice(1)) checkSameRun(base, part);
  const results = new Map<Evidence, EvidenceResult>();
  pickResults(sorted, base.read.indicators, sorted.map((p) => p.read.indicators), results, '');
  const indicators = base.read.indicators.map((indicator) => scoreIndicator(indicator, results));
  const reports = sorted.map((p) => p.read.report);
  const first = base.read.report;
  const report: AuditReport = {
    title: first.title,
    criteria: first.criteria,
    now: earliest(reports.map((r) => r.now)),
    startedAt: earliest(reports.map((r) => r.startedAt)),
    finishedAt: new Date(Math.max(...reports.map((r) => r.finishedAt.getTime()))),
    complete: reports.every((r) => r.complete),
    indicators,
    totals: totals(indicators),
    ...(first.selection ? { selection: first.selection } : {}),
    ...(first.selected ? { selected: first.selected } : {}),
    // One whole report keeps what it had; the changes of shards would be partial (and --baseline is refused with --shard).
    ...(sorted.length === 1 && first.changes ? { changes: first.changes } : {}),
    ...(sorted.length === 1 && first.archive ? { archive: first.archive } : {}),
  };
  return { report, notes: notes(sorted) };
}

function shardOf(part: Part): Shard {
  return part.read.report.shard ?? { index: 1, total: 1 };
}

/** The same total everywhere, each shard once, none missing; sorted by shard. */
function checkShards(parts: Part[]): Part[] {
  const total = shardOf(parts[0]!).total;
  const byIndex = new Map<number, Part>();
  for (const part of parts) {
    const shard = shardOf(part);
    if (shard.total !== total) {
      throw new MergeError(`${part.file} is shard ${shard.index} of ${shard.total}, but ${parts[0]!.file} is shard ${shardOf(parts[0]!).index} of ${total}: merge the shards of one run, all made with the same --shard total`);
    }
    const seen = byIndex.get(shard.index);
    if (seen) throw new MergeError(`shard ${shard.index} of ${total} is given twice: ${seen.file} and ${part.file}; pass each shard's report once`);
    byIndex.set(shard.index, part);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const given = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([i, p]) => `${i} (${p.file})`).join(', ');
    const which = missing.length === 1 ? `shard ${missing[0]} of ${total} is` : `shards ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} of ${total} are`;
    throw new MergeError(`${which} missing (given: ${given}); pass the report of every shard, ${listShards(total)}`);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
}

function listShards(total: number): string {
  return total <= 3 ? Array.from({ length: total }, (_, i) => `${i + 1}/${total}`).join(', ') : `1/${total} … ${total}/${total}`;
}

function checkSameRun(base: Part, part: Part): void {
  const a = base.read.report;
  const b = part.read.report;
  if (a.criteria.sha256 !== b.criteria.sha256) {
    throw new MergeError(`${part.file} was audited against other criteria than ${base.file} (sha256 ${b.criteria.sha256.slice(0, 12)}… of ${sanitize(b.criteria.path)}, not ${a.criteria.sha256.slice(0, 12)}… of ${sanitize(a.criteria.path)}); merge the shards of one run of one criteria file`);
  }
  if (selectionKey(a) !== selectionKey(b)) {
    throw new MergeError(`${part.file} audited another part of the table (--only, --changed) than ${base.file}; run every shard with the same selection`);
  }
}

function selectionKey(report: AuditReport): string {
  return JSON.stringify({ skipped: report.selection?.skipped.map((s) => s.id) ?? null, basis: report.selected?.basis ?? null });
}

/**
 * Walks the shards' trees in step (they must be the same tree), and takes each evidence's result
 * from the one shard that audited it.
 */
function pickResults(parts: Part[], nodes: Indicator[], trees: Indicator[][], into: Map<Evidence, EvidenceResult>, path: string): void {
  nodes.forEach((node, i) => {
    const where = `${path}${node.id}`;
    const same = trees.map((tree, p) => {
      const other = tree[i];
      if (!other || other.id !== node.id || Boolean(other.evidence) !== Boolean(node.evidence) || (other.evidence?.length ?? other.children.length) !== (node.evidence?.length ?? node.children.length)) {
        throw new MergeError(`${parts[p]!.file}: its indicators differ from ${parts[0]!.file}'s at indicator ${sanitize(where)}; merge the shards of one run`);
      }
      return other;
    });
    if (!node.evidence) {
      pickResults(parts, node.children, same.map((n) => n.children), into, `${where} › `);
      return;
    }
    node.evidence.forEach((evidence, e) => into.set(evidence, judgedOnce(parts, same.map((n) => n.evidence![e]!), evidence, where)));
  });
}

function judgedOnce(parts: Part[], slots: Evidence[], evidence: Evidence, where: string): EvidenceResult {
  const judged: { part: Part; result: EvidenceResult }[] = [];
  slots.forEach((slot, p) => {
    const result = parts[p]!.read.results.get(slot)!;
    if (slot.url !== evidence.url) throw new MergeError(`${parts[p]!.file}: its evidence differs from ${parts[0]!.file}'s at line ${evidence.position.line} (indicator ${sanitize(where)}); merge the shards of one run`);
    if (!isOtherShard(result)) judged.push({ part: parts[p]!, result });
  });
  const what = `the evidence at line ${evidence.position.line} of the criteria (indicator ${sanitize(where)}, ${sanitize(evidence.url)})`;
  if (judged.length === 0) throw new MergeError(`no shard audited ${what}; were the shards made by different versions of audit?`);
  if (judged.length > 1) throw new MergeError(`${what} was audited by both ${judged[0]!.part.file} and ${judged[1]!.part.file}; were the shards made by different versions of audit?`);
  return judged[0]!.result;
}

function earliest(dates: Date[]): Date {
  return new Date(Math.min(...dates.map((d) => d.getTime())));
}

function notes(parts: Part[]): string[] {
  const out: string[] = [];
  const days = new Set(parts.map((p) => chinaDay(p.read.report.now)));
  if (days.size > 1) {
    out.push(`the shards judged freshness as of different days (${[...days].sort().join(', ')}); the merged report is dated the earliest. Give every shard the same --now to judge them alike`);
  }
  if (parts.length > 1 && parts.some((p) => p.read.report.archive)) {
    out.push('each shard\'s --archive WARC stays linked from its own report only; the merged report does not link them');
  }
  return out;
}
