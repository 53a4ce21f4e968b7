import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/criteria/diagnostics.js';
import { LINT_RULES, lintCriteria, type LintDiagnostic, type LintRule } from '../src/criteria/lint.js';
import { loadCriteriaFile, parseCriteria } from '../src/criteria/load.js';
import type { Criteria } from '../src/model/criteria.js';

const FILE = 'snippet.yaml';
const CRITERIA_PATH = fileURLToPath(new URL('../criteria.yaml', import.meta.url));

function load(text: string): Criteria {
  const { criteria, diagnostics } = parseCriteria(text, FILE);
  expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return criteria!;
}

function lint(text: string): LintDiagnostic[] {
  return lintCriteria(load(text));
}

function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

/**
 * The 1-based line whose trimmed text is `trimmed`, the nth (from 1) when it occurs more than
 * once; its column is where that text starts past "- ", as the loader reports a mapping's position.
 */
function at(text: string, trimmed: string, nth = 1): { line: number; col: number } {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== trimmed) continue;
    if (++seen < nth) continue;
    const indent = lines[i]!.length - lines[i]!.trimStart().length;
    return { line: i + 1, col: indent + (trimmed.startsWith('- ') ? 3 : 1) };
  }
  throw new Error(`no line ${JSON.stringify(trimmed)} (#${nth})`);
}

/** The parts a test compares: rule, severity and place. */
function brief(d: LintDiagnostic) {
  return { rule: d.rule, severity: d.severity, line: d.line, col: d.col };
}

describe('lintCriteria on the repository criteria.yaml', () => {
  let text: string;
  let criteria: Criteria;
  let lints: LintDiagnostic[];

  beforeAll(async () => {
    text = readFileSync(CRITERIA_PATH, 'utf8');
    const loaded = await loadCriteriaFile(CRITERIA_PATH, 'criteria.yaml');
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
    criteria = loaded.criteria!;
    lints = lintCriteria(criteria);
  });

  it('finds exactly the slips of the published table', () => {
    expect(lints.map(brief)).toEqual([
      // 一.4 爱国卫生运动: the health commission's site, linked over http.
      { rule: 'insecure-http', severity: 'warning', ...at(text, '- title: 爱国卫生运动') },
      // 一.5: 公共资源配置 cites the URL of 社会公益事业及重点民生领域 (catId=91218307).
      { rule: 'same-url-different-labels', severity: 'warning', ...at(text, '- title: 公共资源配置') },
      // catId=159658219: 新冠疫情防控 in 一.4, 疫情防控 in 一.5.
      { rule: 'url-reused-across-indicators', severity: 'info', ...at(text, '- title: 疫情防控') },
      // catId=159658287: 六稳六保工作 in 一.5, 六稳六保 in 二.1.
      { rule: 'url-reused-across-indicators', severity: 'info', ...at(text, '- title: 六稳六保') },
      // catId=4977219: 政策解读 in 二.1 and 二.2.
      { rule: 'url-reused-across-indicators', severity: 'info', ...at(text, '- title: 政策解读', 2) },
      // 五.2 cites nothing.
      { rule: 'no-evidence', severity: 'warning', ...at(text, '- id: "五.2"') },
      // 六.1 稿件报送通知: http://www.huainan.gov.cn/public/content/1258467699.
      { rule: 'insecure-http', severity: 'warning', ...at(text, '- title: 稿件报送通知') },
      // 1258917359.html: 考评方案 in 六.2 and 六.4.
      { rule: 'url-reused-across-indicators', severity: 'info', ...at(text, '- title: 考评方案', 2) },
    ]);
    expect(lints.every((d) => d.file === 'criteria.yaml')).toBe(true);
  });

  it('names the two labels of the copy-paste slip and where the first is', () => {
    const slip = lints.find((d) => d.rule === 'same-url-different-labels')!;
    const first = at(text, '- title: 社会公益事业及重点民生领域');
    expect(slip.message).toBe(
      `evidence "公共资源配置" (一.5) links to the same URL as "社会公益事业及重点民生领域" (一.5, line ${first.line}): ` +
      'https://www.huainan.gov.cn/public/column/6596035?type=4&catId=91218307&action=list&isParent=true',
    );
    expect(slip.fix).toMatch(/check which link was meant/);
  });

  it('names the indicators that share each reused URL', () => {
    const reused = lints.filter((d) => d.rule === 'url-reused-across-indicators');
    expect(reused.map((d) => /is cited by \d+ indicators: (.*) \(first at line (\d+)\)$/.exec(d.message)?.slice(1))).toEqual([
      ['一.4, 一.5', String(at(text, '- title: 新冠疫情防控').line)],
      ['一.5, 二.1', String(at(text, '- title: 六稳六保工作').line)],
      ['二.1, 二.2', String(at(text, '- title: 政策解读').line)],
      ['六.2, 六.4', String(at(text, '- title: 考评方案').line)],
    ]);
  });

  it('names the http links and the empty indicator', () => {
    const http = lints.filter((d) => d.rule === 'insecure-http').map((d) => d.message);
    expect(http).toEqual([
      'evidence "爱国卫生运动" in 一.4 links over plain http: http://wjw.huainan.gov.cn/xwzx/ztzl/agws/index.html',
      'evidence "稿件报送通知" in 六.1 links over plain http: http://www.huainan.gov.cn/public/content/1258467699',
    ]);
    expect(lints.find((d) => d.rule === 'no-evidence')!.message)
      .toBe('indicator 五.2 (规范政府信息公开行政复议案件审理标准) cites no evidence: it will score 0 of its 2 points');
  });

  it('has no duplicate evidence, and top-level weights that add up to 100', () => {
    expect(criteria.indicators.reduce((sum, i) => sum + i.weight, 0)).toBe(100);
    expect(lints.filter((d) => d.rule === 'duplicate-evidence' || d.rule === 'weights-mismatch')).toEqual([]);
  });
});

describe('lint rules', () => {
  it('every rule has a severity and a summary', () => {
    const rules: LintRule[] = [
      'same-url-different-labels', 'url-reused-across-indicators', 'insecure-http',
      'no-evidence', 'weights-mismatch', 'duplicate-evidence',
    ];
    expect(Object.keys(LINT_RULES).sort()).toEqual([...rules].sort());
    expect(LINT_RULES['url-reused-across-indicators'].severity).toBe('info');
    expect(LINT_RULES['weights-mismatch'].severity).toBe('info');
  });

  describe('same-url-different-labels', () => {
    const text = yaml(
      'version: 1',
      'indicators:',
      '  - id: a',
      '    weight: 100',
      '    evidence:',
      '      - title: 社会公益事业',
      '        url: https://www.example.gov.cn/col?id=1',
      '      - title: 公共资源配置',
      '        url: https://WWW.EXAMPLE.gov.cn:443/col?id=1',
    );

    it('reports the second label at its evidence, naming the first label and its line', () => {
      const lints = lint(text);
      expect(lints.map(brief)).toEqual([
        { rule: 'same-url-different-labels', severity: 'warning', line: 8, col: 9 },
      ]);
      expect(lints[0]!.message).toBe(
        'evidence "公共资源配置" (a) links to the same URL as "社会公益事业" (a, line 6): https://WWW.EXAMPLE.gov.cn:443/col?id=1',
      );
      expect(lints[0]!.fix).toBe('check which link was meant: two different columns rarely share one address');
      expect(lints[0]!.file).toBe(FILE);
    });

    it('works across indicators too, beside the reuse note', () => {
      const lints = lint(yaml(
        'version: 1',
        'indicators:',
        '  - id: a',
        '    weight: 50',
        '    evidence:',
        '      - title: 政策解读',
        '        url: https://www.example.gov.cn/x',
        '  - id: b',
        '    weight: 50',
        '    evidence:',
        '      - title: 年度报告',
        '        url: https://www.example.gov.cn/x',
      ));
      expect(lints.map(brief)).toEqual([
        { rule: 'same-url-different-labels', severity: 'warning', line: 11, col: 9 },
        { rule: 'url-reused-across-indicators', severity: 'info', line: 11, col: 9 },
      ]);
      expect(lints[0]!.message).toContain('"年度报告" (b) links to the same URL as "政策解读" (a, line 6)');
    });

    it('takes a label that contains the other for the same column, and ignores untitled evidence', () => {
      const lints = lint(yaml(
        'version: 1',
        'indicators:',
        '  - id: a',
        '    weight: 50',
        '    evidence:',
        '      - title: 新冠疫情防控',
        '        url: https://www.example.gov.cn/x',
        '  - id: b',
        '    weight: 50',
        '    evidence:',
        '      - title: 疫情 防控。',
        '        url: https://www.example.gov.cn/x',
        '      - https://www.example.gov.cn/x',
      ));
      expect(lints.map((d) => d.rule)).toEqual(['url-reused-across-indicators', 'duplicate-evidence']);
    });
  });

  describe('url-reused-across-indicators', () => {
    it('reports each shared URL once, at its second indicator, naming every indicator', () => {
      const lints = lint(yaml(
        'version: 1',
        'indicators:',
        '  - id: a',
        '    weight: 40',
        '    evidence:',
        '      - title: 考评方案',
        '        url: https://www.example.gov.cn/k.html',
        '  - id: b',
        '    weight: 30',
        '    evidence:',
        '      - title: 考评方案',
        '        url: https://www.example.gov.cn/k.html',
        '  - id: c',
        '    weight: 30',
        '    evidence:',
        '      - title: 考评方案',
        '        url: https://www.example.gov.cn/k.html',
      ));
      expect(lints.map(brief)).toEqual([
        { rule: 'url-reused-across-indicators', severity: 'info', line: 11, col: 9 },
      ]);
      expect(lints[0]!.message).toBe('https://www.example.gov.cn/k.html is cited by 3 indicators: a, b, c (first at line 6)');
      expect(lints[0]!.fix).toBe('fine if one page serves them all; otherwise link each indicator to its own page');
    });
  });

  describe('insecure-http', () => {
    it('reports an http:// link, titled or bare, at its evidence', () => {
      const lints = lint(yaml(
        'version: 1',
        'indicators:',
        '  - id: a',
        '    weight: 100',
        '    evidence:',
        '      - https://www.example.gov.cn/safe',
        '      - title: 爱国卫生运动',
        '        url: http://wjw.example.gov.cn/agws/',
        '      - HTTP://www.example.gov.cn/bare',
      ));
      expect(lints.map(brief)).toEqual([
        { rule: 'insecure-http', severity: 'warning', line: 7, col: 9 },
        { rule: 'insecure-http', severity: 'warning', line: 9, col: 9 },
      ]);
      expect(lints.map((d) => d.message)).toEqual([
        'evidence "爱国卫生运动" in a links over plain http: http://wjw.example.gov.cn/agws/',
        'evidence (untitled) in a links over plain http: HTTP://www.example.gov.cn/bare',
      ]);
      expect(lints[0]!.fix).toBe('use https:// if the site supports it');
    });
  });

  describe('no-evidence', () => {
    it('reports a leaf with evidence: [] at the indicator', () => {
      const lints = lint(yaml(
        'version: 1',
        'indicators:',
        '  - id: "五"',
        '    weight: 100',
        '    indicators:',
        '      - id: "五.1"',
        '        weight: 98',
        '        evidence: [https://www.example.gov.cn/a]',
        '      - id: "五.2"',
        '        title: 行政复议',
        '        weight: 2',
        '        evidence: []',
      ));
      expect(lints.map(brief)).toEqual([{ rule: 'no-evidence', severity: 'warning', line: 9, col: 9 }]);
      expect(lints[0]!.message).toBe('indicator 五.2 (行政复议) cites no evidence: it will score 0 of its 2 points');
    });
  });

  describe('weights-mismatch', () => {
    it('notes top-level weights that do not add up to 100, at the first indicator', () => {
      const lints = lint(yaml(
        'version: 1',
        'indicators:',
        '  - id: a',
        '    weight: 30',
        '    evidence: [https://www.example.gov.cn/a]',
        '  - id: b',
        '    weight: 50.5',
        '    evidence: [https://www.example.gov.cn/b]',
      ));
      expect(lints.map(brief)).toEqual([{ rule: 'weights-mismatch', severity: 'info', line: 3, col: 5 }]);
      expect(lints[0]!.message).toBe('the top-level weights add up to 80.5, not 100 (a: 30, b: 50.5)');
    });

    it('leaves a parent that differs from its children to the loader, which already warns', () => {
      const text = yaml(
        'version: 1',
        'indicators:',
        '  - id: a',
        '    weight: 100',
        '    indicators:',
        '      - id: a.1',
        '        weight: 60',
        '        evidence: [https://www.example.gov.cn/a]',
      );
      const { diagnostics } = parseCriteria(text, FILE);
      expect(diagnostics.map((d) => d.severity)).toEqual(['warning']);
      expect(lint(text)).toEqual([]);
    });

    it('is quiet when the weights add up to 100 as decimals', () => {
      const lints = lint(yaml(
        'version: 1',
        'indicators:',
        '  - {id: a, weight: 33.3, evidence: [https://www.example.gov.cn/a]}',
        '  - {id: b, weight: 33.3, evidence: [https://www.example.gov.cn/b]}',
        '  - {id: c, weight: 33.4, evidence: [https://www.example.gov.cn/c]}',
      ));
      expect(lints).toEqual([]);
    });
  });

  describe('duplicate-evidence', () => {
    it('reports the same URL twice in one indicator, at the second', () => {
      const lints = lint(yaml(
        'version: 1',
        'indicators:',
        '  - id: a',
        '    weight: 100',
        '    evidence:',
        '      - title: 预决算',
        '        url: https://www.example.gov.cn/y',
        '      - title: 决算公开',
        '        url: https://www.example.gov.cn/z',
        '      - title: 预决算专题',
        '        url: https://www.example.gov.cn/y',
      ));
      expect(lints.map(brief)).toEqual([{ rule: 'duplicate-evidence', severity: 'warning', line: 10, col: 9 }]);
      expect(lints[0]!.message).toBe('indicator a cites https://www.example.gov.cn/y twice (first at line 6)');
      expect(lints[0]!.fix).toBe('remove the repeated entry, or correct it to the link that was meant');
    });
  });

  it('returns its findings in file order', () => {
    const lints = lint(yaml(
      'version: 1',
      'indicators:',
      '  - id: a',
      '    weight: 10',
      '    evidence: []',
      '  - id: b',
      '    weight: 10',
      '    evidence:',
      '      - http://www.example.gov.cn/a',
      '      - http://www.example.gov.cn/a',
    ));
    expect(lints.map((d) => [d.line, d.rule])).toEqual([
      [3, 'no-evidence'],
      [3, 'weights-mismatch'],
      [9, 'insecure-http'],
      [10, 'duplicate-evidence'],
      [10, 'insecure-http'],
    ]);
  });
});
