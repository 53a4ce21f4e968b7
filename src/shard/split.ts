import type { AuditReport } from '../model/report.js';
import { unverified, type EvidenceResult } from '../model/results.js';
import type { Criteria, Evidence, Indicator } from '../model/criteria.js';
import { reason } from '../model/reasons.js';
import { scoreIndicator, totals } from '../score/score.js';
import { type IndicatorResult } from '../model/report.js';
import { hostOf, shardOfHost } from './hash.js';
import type { Shard } from '../model/report.js';

/**
 * The criteria a shard audits: the same tree, each leaf keeping only the evidence whose host falls
 * in this shard. Evidence objects are the originals, so their results can be put back in the
 * whole tree (addOtherShards). Nothing is mutated.
 */
export function ownShare(criteria: Criteria, shard: Shard): Criteria {
  const mine = ownerOf(shard.total);
  const visit = (indicator: Indicator): Indicator => (indicator.evidence
    ? { ...indicator, evidence: indicator.evidence.filter((e) => mine(e) === shard.index) }
    : { ...indicator, children: indicator.children.map(visit) });
  return { ...criteria, indicators: criteria.indicators.map(visit) };
}

/**
 * Scores the whole tree again with this shard's results and, for every evidence another shard
 * audits, an unverified result that says which shard (OTHER_SHARD). So a shard report lists every
 * indicator and evidence of the table, never counts another shard's evidence as failed, and its
 * score is partial: the points of this shard's evidence only. `audit merge` replaces each
 * OTHER_SHARD result with the one its own shard gave, and scores the whole again.
 */
export function addOtherShards(report: AuditReport, criteria: Criteria, shard: Shard): void {
  const results = new Map<Evidence, EvidenceResult>();
  collectResults(report.indicators, results);
  const owner = ownerOf(shard.total);
  for (const evidence of allEvidence(criteria.indicators)) {
    if (!results.has(evidence)) results.set(evidence, otherShardResult(evidence, owner(evidence), shard.total));
  }
  report.indicators = criteria.indicators.map((indicator) => scoreIndicator(indicator, results));
  report.totals = totals(report.indicators);
  report.shard = { index: shard.index, total: shard.total };
}

/** Each host hashed once, however many of its URLs are cited. */
function ownerOf(total: number): (evidence: Evidence) => number {
  const byHost = new Map<string, number>();
  return (evidence) => {
    const host = hostOf(evidence.url);
    let index = byHost.get(host);
    if (index === undefined) byHost.set(host, (index = shardOfHost(host, total)));
    return index;
  };
}

/**
 * Keyed by the leaf's own Evidence objects (the originals, see ownShare), not by each result's
 * `evidence`: results read back from a spool need not be the very objects they were made for.
 */
function collectResults(results: IndicatorResult[], into: Map<Evidence, EvidenceResult>): void {
  for (const result of results) {
    const cited = result.indicator.evidence ?? [];
    result.evidence?.forEach((e, i) => into.set(cited[i] ?? e.evidence, e));
    collectResults(result.children, into);
  }
}

function* allEvidence(indicators: readonly Indicator[]): Generator<Evidence> {
  for (const indicator of indicators) {
    yield* indicator.evidence ?? [];
    yield* allEvidence(indicator.children);
  }
}

const NO_REDIRECTS: readonly string[] = Object.freeze([]);

/** Not fetched here: no status, no error code, no attempt; unverified, so it fails nothing. */
export function otherShardResult(evidence: Evidence, index: number, total: number): EvidenceResult {
  const host = hostOf(evidence.url);
  return {
    evidence,
    verdict: 'unverified',
    finalUrl: evidence.url,
    redirects: NO_REDIRECTS,
    checks: [unverified('fetch', reason('OTHER_SHARD', { host, index, total }))],
    durationMs: 0,
    fetch: { ok: true, status: 0, truncated: false, url: evidence.url, finalUrl: evidence.url, redirects: [], attempts: 0, durationMs: 0 },
  };
}

/** True for the result a shard report gives evidence that another shard audits. */
export function isOtherShard(result: EvidenceResult): boolean {
  return result.checks.some((check) => check.reason.code === 'OTHER_SHARD');
}
