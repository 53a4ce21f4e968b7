import type { Criteria, Evidence, Indicator } from '../criteria/types.js';

export interface Plan {
  evidence: Evidence[];
  /** Each distinct URL once, in first-cited order: its one fetch serves every evidence citing it. */
  urls: string[];
}

export function planRequests(criteria: Criteria): Plan {
  const evidence = criteria.indicators.flatMap(collectEvidence);
  const urls = [...new Set(evidence.map((e) => requestKey(e.url)))];
  return { evidence, urls };
}

/** The URL as fetched: WHATWG-normalised, so trivially different spellings share one request. */
export function requestKey(url: string): string {
  return new URL(url).href;
}

function collectEvidence(indicator: Indicator): Evidence[] {
  return [...(indicator.evidence ?? []), ...indicator.children.flatMap(collectEvidence)];
}
