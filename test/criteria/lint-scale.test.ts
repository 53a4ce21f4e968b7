/**
 * Lints on a large table: a URL cited by thousands of indicators (a site's home page, a column index)
 * is weighed against its earlier citations without rescanning them for each one.
 */
import { describe, expect, it } from 'vitest';
import { lintCriteria } from '../../src/criteria/lint.js';
import type { Criteria, Evidence, Indicator } from '../../src/model/criteria.js';

/** `count` leaves, each citing `url(i)` under `title(i)`, on lines 10, 20, 30, … */
function table(count: number, url: (i: number) => string, title: (i: number) => string): Criteria {
  const indicators: Indicator[] = Array.from({ length: count }, (_, i) => {
    const evidence: Evidence = { title: title(i), url: url(i), checks: { status: [{ min: 200, max: 299 }] }, position: { line: 10 * i + 5, col: 9 } };
    return { id: `L${i + 1}`, title: `指标${i + 1}`, weight: 100 / count, children: [], evidence: [evidence], position: { line: 10 * i + 1, col: 5 }, span: { startLine: 10 * i + 1, endLine: 10 * i + 9 } };
  });
  return { path: 'national.yaml', sha256: '', version: 1, title: 't', settings: {} as Criteria['settings'], hosts: {}, indicators };
}

describe('lints on a large table', () => {
  it('weighs 20,000 citations of one URL without rescanning the earlier ones for each', () => {
    const criteria = table(20_000, () => 'https://www.example.gov.cn/', (i) => ['政务公开', '信息公开目录', '政务公开专栏'][i % 3]!);
    const started = performance.now();
    const lints = lintCriteria(criteria);
    const ms = performance.now() - started;
    // Rescanning every earlier citation took some 4 s here; it takes some 50 ms now.
    expect(ms).toBeLessThan(1500);
    expect(lints.map(({ rule, line }) => ({ rule, line }))).toEqual([
      { rule: 'same-url-different-labels', line: 15 },
      { rule: 'url-reused-across-indicators', line: 15 },
    ]);
    expect(lints[1]!.message).toMatch(/^https:\/\/www\.example\.gov\.cn\/ is cited by 20000 indicators: L1, L2, /);
    expect(lints[0]!.message).toBe('evidence "信息公开目录" (L2) links to the same URL as "政务公开" (L1, line 5): https://www.example.gov.cn/');
  });

  it('reports each repeat within one indicator against its first citation there', () => {
    const criteria = table(3, () => 'https://www.example.gov.cn/a', () => '栏目');
    const evidence = criteria.indicators[1]!.evidence!;
    evidence.push({ ...evidence[0]!, position: { line: 17, col: 9 } }, { ...evidence[0]!, position: { line: 19, col: 9 } });
    expect(lintCriteria(criteria).map(({ rule, line, message }) => ({ rule, line, message }))).toEqual([
      { rule: 'url-reused-across-indicators', line: 15, message: 'https://www.example.gov.cn/a is cited by 3 indicators: L1, L2, L3 (first at line 5)' },
      { rule: 'duplicate-evidence', line: 17, message: 'indicator L2 cites https://www.example.gov.cn/a twice (first at line 15)' },
      { rule: 'duplicate-evidence', line: 19, message: 'indicator L2 cites https://www.example.gov.cn/a twice (first at line 15)' },
    ]);
  });
});
