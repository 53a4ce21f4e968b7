import type { Criteria, Evidence, Indicator } from '../model/criteria.js';

export interface Plan {
  evidence: Evidence[];
  /** The leaf indicator each evidence belongs to. */
  indicatorOf: Map<Evidence, Indicator>;
  /** Each distinct URL once, in first-cited order, with every evidence citing it: one fetch serves them all. */
  requests: Map<string, Evidence[]>;
}

export function planRequests(criteria: Criteria): Plan {
  const evidence = criteria.indicators.flatMap(collectEvidence);
  const indicatorOf = new Map<Evidence, Indicator>();
  const visit = (indicator: Indicator) => {
    for (const e of indicator.evidence ?? []) indicatorOf.set(e, indicator);
    indicator.children.forEach(visit);
  };
  criteria.indicators.forEach(visit);
  const requests = new Map<string, Evidence[]>();
  for (const e of evidence) {
    const key = requestKey(e.url);
    // Pushed, not copied: thousands of entries citing one page would otherwise cost n² copies.
    const citing = requests.get(key);
    if (citing) citing.push(e);
    else requests.set(key, [e]);
  }
  return { evidence, indicatorOf, requests };
}

/** The URL as fetched: WHATWG-normalised, so trivially different spellings share one request. */
export function requestKey(url: string): string {
  return new URL(url).href;
}

function collectEvidence(indicator: Indicator): Evidence[] {
  return [...(indicator.evidence ?? []), ...indicator.children.flatMap(collectEvidence)];
}
