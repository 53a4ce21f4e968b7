import { expect } from 'vitest';
import { parseCriteria } from '../../src/criteria/load.js';
import type { Criteria, Indicator } from '../../src/model/criteria.js';

/** What an import must get right, without what it cannot know (keywords, max_age, positions). */
export interface Shape {
  id: string;
  title: string;
  weight: number;
  requirement?: string;
  evidence?: { title?: string; url: string }[];
  indicators?: Shape[];
}

export function shapeOf(indicators: readonly Indicator[]): Shape[] {
  return indicators.map((i) => ({
    id: i.id,
    title: i.title,
    weight: i.weight,
    ...(i.requirement !== undefined ? { requirement: i.requirement } : {}),
    ...(i.children.length > 0
      ? { indicators: shapeOf(i.children) }
      // An evidence without a title shows its URL: that is no label.
      : { evidence: (i.evidence ?? []).map((e) => (e.title === e.url ? { url: e.url } : { title: e.title, url: e.url })) }),
  }));
}

/** The YAML an import printed, loaded as `audit` loads it: it must load without errors. */
export function loaded(yaml: string): Criteria {
  const result = parseCriteria(yaml, 'imported.yaml');
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.criteria!;
}

/** The line of the YAML that holds `text`, 1-based; fails when it is not there. */
export function lineOf(yaml: string, text: string): string {
  const line = yaml.split('\n').find((l) => l.includes(text));
  expect(line, `a line with ${text}`).toBeDefined();
  return line!;
}
