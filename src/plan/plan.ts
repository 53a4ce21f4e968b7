import type { Criteria, Evidence, Indicator } from '../criteria/types.js';

export interface Plan {
  evidence: Evidence[];
  /** Each distinct URL once, in first-cited order, with every evidence citing it: one fetch serves them all. */
  requests: Map<string, Evidence[]>;
}

export function planRequests(criteria: Criteria): Plan {
  const evidence = criteria.indicators.flatMap(collectEvidence);
  const requests = new Map<string, Evidence[]>();
  for (const e of evidence) {
    const key = requestKey(e.url);
    requests.set(key, [...(requests.get(key) ?? []), e]);
  }
  return { evidence, requests };
}

/** The URL as fetched: WHATWG-normalised, so trivially different spellings share one request. */
export function requestKey(url: string): string {
  return new URL(url).href;
}

function collectEvidence(indicator: Indicator): Evidence[] {
  return [...(indicator.evidence ?? []), ...indicator.children.flatMap(collectEvidence)];
}
