import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../../src/criteria/diagnostics.js';
import { loadCriteriaFile, parseCriteria } from '../../src/criteria/load.js';
import type { Indicator } from '../../src/model/criteria.js';

/** A path with a folder, to show the formatted message keeps the name the user passed. */
const FILE = 'conf/my-criteria.yaml';

/**
 * Every snippet starts with this three-line header, so the first body line is line 4:
 *   1 version: 1
 *   2 title: 测试
 *   3 indicators:
 */
const HEADER = ['version: 1', 'title: 测试', 'indicators:'];

function doc(...body: string[]): string {
  return [...HEADER, ...body].join('\n') + '\n';
}

function parse(...body: string[]) {
  return parseCriteria(doc(...body), FILE);
}

function parseText(...lines: string[]) {
  return parseCriteria(lines.join('\n') + '\n', FILE);
}

interface Expected {
  severity?: 'error' | 'warning';
  line: number;
  col: number;
  message: string | RegExp;
  fix: string | RegExp;
}

/** Finds the diagnostic whose message matches, then checks position, file, fix and formatting. */
function expectDiagnostic(diagnostics: Diagnostic[], expected: Expected): Diagnostic {
  const formatted = diagnostics.map(formatDiagnostic);
  const d = diagnostics.find((x) =>
    typeof expected.message === 'string' ? x.message.includes(expected.message) : expected.message.test(x.message));
  expect(d, `no diagnostic matching ${String(expected.message)} in:\n${formatted.join('\n')}`).toBeDefined();
  const severity = expected.severity ?? 'error';
  expect({ severity: d!.severity, file: d!.file, line: d!.line, col: d!.col }).toEqual({
    severity, file: FILE, line: expected.line, col: expected.col,
  });
  expect(d!.fix).toBeDefined();
  if (typeof expected.fix === 'string') expect(d!.fix).toContain(expected.fix);
  else expect(d!.fix).toMatch(expected.fix);
  const text = formatDiagnostic(d!);
  const prefix = `${FILE}:${expected.line}:${expected.col}: ${severity === 'warning' ? 'warning: ' : ''}`;
  expect(text.startsWith(prefix), text).toBe(true);
  expect(text.endsWith(` (${d!.fix})`), text).toBe(true);
  return d!;
}

function onlyDiagnostic(result: { diagnostics: Diagnostic[] }): Diagnostic[] {
  expect(result.diagnostics.map(formatDiagnostic)).toHaveLength(1);
  return result.diagnostics;
}

function errors(result: { diagnostics: Diagnostic[] }): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'error');
}

function flatten(indicators: Indicator[]): Indicator[] {
  return indicators.flatMap((i) => [i, ...flatten(i.children)]);
}

describe('a valid snippet', () => {
  it('parses with no diagnostics (sanity check for the header helper)', () => {
    const result = parse(
      '  - id: a',                          // 4
      '    title: A',                       // 5
      '    weight: 3',                      // 6
      '    evidence:',                      // 7
      '      - url: https://example.org/a', // 8
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.criteria?.indicators[0]?.evidence?.[0]?.url).toBe('https://example.org/a');
    expect(result.criteria?.indicators[0]?.position).toEqual({ line: 4, col: 5 });
    expect(result.criteria?.indicators[0]?.evidence?.[0]?.position).toEqual({ line: 8, col: 9 });
  });
});

describe('YAML syntax errors', () => {
  it('reports a key indented less than its siblings at that line', () => {
    const result = parse(
      '  - id: a',     // 4
      '    title: A',  // 5
      '   weight: 3',  // 6  <- one space short
      '    evidence: []',
    );
    expect(result.criteria).toBeUndefined();
    const first = result.diagnostics[0]!;
    expect(first.message).toMatch(/^YAML syntax error: /);
    expect({ line: first.line, col: first.col }).toEqual({ line: 6, col: 1 });
    expect(formatDiagnostic(first)).toMatch(/^conf\/my-criteria\.yaml:6:1: YAML syntax error: .+ \(fix the YAML syntax at this point\)$/);
  });

  it('reports a repeated key at the second occurrence', () => {
    const result = parse(
      '  - id: a',      // 4
      '    title: A',   // 5
      '    weight: 3',  // 6
      '    weight: 4',  // 7  <- repeated
      '    evidence: []',
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 5, message: /^YAML syntax error: Map keys must be unique/, fix: 'fix the YAML syntax',
    });
  });

  it('reports an unclosed quote at the line where the quote opens', () => {
    const result = parse(
      '  - id: a',             // 4
      '    title: "unclosed',  // 5  <- quote opens at col 12 and never closes
      '    weight: 3',         // 6
      '    evidence: []',      // 7
    );
    expect(result.criteria).toBeUndefined();
    // The user needs line 5; the end of the file (line 8, which is empty) does not say where to look.
    expectDiagnostic(result.diagnostics, {
      line: 5, col: 12, message: /^YAML syntax error: Missing closing "quote/, fix: 'fix the YAML syntax',
    });
  });
});

describe('unknown keys', () => {
  it('suggests "weight" for "wieght" in an indicator', () => {
    const result = parse(
      '  - id: a',          // 4
      '    title: A',       // 5
      '    wieght: 3',      // 6
      '    evidence: []',   // 7
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(result.diagnostics, {
      line: 6, col: 5, message: 'unknown key "wieght" in an indicator', fix: 'did you mean "weight"?',
    });
  });

  it('suggests "max_age" for "max_ag" in an indicator', () => {
    const result = parse(
      '  - id: a',          // 4
      '    title: A',       // 5
      '    weight: 3',      // 6
      '    max_ag: 14d',    // 7
      '    evidence: []',   // 8
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 5, message: 'unknown key "max_ag" in an indicator', fix: 'did you mean "max_age"?',
    });
    expect(result.criteria).toBeUndefined();
  });

  it('suggests "keywords" for "keyword" in evidence', () => {
    const result = parse(
      '  - id: a',                          // 4
      '    title: A',                       // 5
      '    weight: 3',                      // 6
      '    evidence:',                      // 7
      '      - url: https://example.org/a', // 8
      '        keyword: [预算]',            // 9
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 9, col: 9, message: 'unknown key "keyword" in evidence', fix: 'did you mean "keywords"?',
    });
  });

  it('suggests "settings" for "setings" at the top level', () => {
    const result = parseText(
      'version: 1',          // 1
      'title: 测试',         // 2
      'setings:',            // 3
      '  concurrency: 2',    // 4
      'indicators:',         // 5
      '  - id: a',           // 6
      '    weight: 1',       // 7
      '    evidence: []',    // 8
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 3, col: 1, message: 'unknown key "setings" at the top level', fix: 'did you mean "settings"?',
    });
  });

  it('lists the allowed keys when nothing is close', () => {
    const result = parse(
      '  - id: a',            // 4
      '    title: A',         // 5
      '    weight: 3',        // 6
      '    colour: blue',     // 7
      '    evidence: []',     // 8
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 5, message: 'unknown key "colour" in an indicator', fix: /allowed keys: .*weight.*evidence/,
    });
  });
});

describe('wrong types', () => {
  it('rejects weight: three', () => {
    const result = parse(
      '  - id: a',            // 4
      '    title: A',         // 5
      '    weight: three',    // 6  value at col 13
      '    evidence: []',     // 7
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 6, col: 13, message: 'weight must be a number, not "three"', fix: 'write weight: 3',
    });
  });

  it('rejects settings concurrency: "many"', () => {
    const result = parseText(
      'version: 1',              // 1
      'title: 测试',             // 2
      'settings:',               // 3
      '  concurrency: "many"',   // 4  value (the quote) at col 16
      'indicators:',             // 5
      '  - id: a',               // 6
      '    weight: 1',           // 7
      '    evidence: []',        // 8
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 4, col: 16, message: 'concurrency must be a number, not "many"', fix: /concurrency: \d/,
    });
  });

  it('rejects concurrency: 0 and retries: 2.5 (whole numbers within bounds)', () => {
    const result = parseText(
      'version: 1',              // 1
      'title: 测试',             // 2
      'settings:',               // 3
      '  concurrency: 0',        // 4  value at col 16
      '  retries: 2.5',          // 5  value at col 12
      'indicators:',             // 6
      '  - id: a',               // 7
      '    weight: 1',           // 8
      '    evidence: []',        // 9
    );
    expect(result.diagnostics).toHaveLength(2);
    expectDiagnostic(result.diagnostics, {
      line: 4, col: 16, message: 'concurrency must be a whole number from 1 to 1000, not 0', fix: 'concurrency: 8',
    });
    expectDiagnostic(result.diagnostics, {
      line: 5, col: 12, message: 'retries must be a whole number from 0 to 10, not 2.5', fix: 'retries:',
    });
  });

  it('rejects evidence: "http://x" (not a list)', () => {
    const result = parse(
      '  - id: a',                  // 4
      '    title: A',               // 5
      '    weight: 3',              // 6
      '    evidence: "http://x"',   // 7  value at col 15
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 15, message: 'evidence must be a list', fix: '- url: ...',
    });
  });

  it('rejects keywords: 5', () => {
    const result = parse(
      '  - id: a',                          // 4
      '    title: A',                       // 5
      '    weight: 3',                      // 6
      '    evidence:',                      // 7
      '      - url: https://example.org/a', // 8
      '        keywords: 5',                // 9  value at col 19
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 9, col: 19, message: 'keywords must be a list or {all, any, none}, not 5', fix: 'keywords: [',
    });
  });

  it('rejects an indicator that is a bare string', () => {
    const result = parse(
      '  - 规划信息公开',   // 4  value at col 5
    );
    expectDiagnostic(result.diagnostics, {
      line: 4, col: 5, message: 'an indicator must be a mapping, not "规划信息公开"', fix: '- title: ...',
    });
  });

  it('counts columns in characters on lines with Chinese text', () => {
    // cols: `  - {id: 甲, title: 标题, weight: 三, evidence: []}` -> "三" is the 32nd character
    const result = parse('  - {id: 甲, title: 标题, weight: 三, evidence: []}');
    expectDiagnostic(onlyDiagnostic(result), {
      line: 4, col: 32, message: 'weight must be a number, not "三"', fix: 'weight: 3',
    });
  });
});

describe('URLs', () => {
  const leafWithUrl = (url: string) => parse(
    '  - id: a',              // 4
    '    title: A',           // 5
    '    weight: 3',          // 6
    '    evidence:',          // 7
    `      - url: ${url}`,    // 8  value at col 14
  );

  it('rejects something that is not a URL', () => {
    const result = leafWithUrl('not a url');
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 8, col: 14, message: 'invalid url "not a url"', fix: 'https://',
    });
  });

  it('rejects a non-http URL', () => {
    const result = leafWithUrl('ftp://example.org/x');
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 8, col: 14, message: 'url must use http or https, not ftp', fix: 'web page',
    });
  });

  it('rejects a URL with a trailing non-breaking space (as copied from the published table)', () => {
    const result = leafWithUrl('https://www.huainan.gov.cn/site/tpl/5688688\u00a0');
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 8, col: 14, message: 'has leading or trailing whitespace', fix: 'non-breaking spaces',
    });
  });

  it('rejects a bare-string evidence entry with a trailing non-breaking space', () => {
    const result = parse(
      '  - id: a',                                          // 4
      '    weight: 3',                                      // 5
      '    evidence:',                                      // 6
      '      - https://www.huainan.gov.cn/site/tpl/5688688\u00a0', // 7  value at col 9
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 9, message: 'has leading or trailing whitespace', fix: 'non-breaking spaces',
    });
  });

  it('accepts http:// URLs and keeps them unchanged', () => {
    const result = leafWithUrl('http://www.huainan.gov.cn/public/content/1258467699');
    expect(result.diagnostics).toEqual([]);
    expect(result.criteria?.indicators[0]?.evidence?.[0]?.url).toBe('http://www.huainan.gov.cn/public/content/1258467699');
  });

  it('reports evidence without a url at the entry', () => {
    const result = parse(
      '  - id: a',          // 4
      '    weight: 3',      // 5
      '    evidence:',      // 6
      '      - title: 年报', // 7  entry at col 9
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 9, message: 'evidence has no url', fix: 'url: https://',
    });
  });
});

describe('durations', () => {
  const leafWithMaxAge = (maxAge: string) => parse(
    '  - id: a',                          // 4
    '    title: A',                       // 5
    '    weight: 3',                      // 6
    `    max_age: ${maxAge}`,             // 7  value at col 14
    '    evidence:',                      // 8
    '      - url: https://example.org/a', // 9
  );

  it('rejects max_age: 6M, which could mean months or minutes', () => {
    expectDiagnostic(onlyDiagnostic(leafWithMaxAge('6M')), {
      line: 7, col: 14, message: 'max_age is not a valid duration: "6M"', fix: /6mo/,
    });
  });

  it('rejects timeouts Node cannot time, and per_host_rate so low it would overflow the scheduler', () => {
    const long = parseText('version: 1', 'settings:', '  timeout: 30d', '  per_host_rate: 0.0000001', 'indicators:', '  - title: A', '    weight: 1', '    evidence: []');
    expect(long.criteria).toBeUndefined();
    expectDiagnostic(long.diagnostics, { line: 3, col: 12, message: 'timeout must be more than 0 and at most 1h, not 30d', fix: '20s' });
    expectDiagnostic(long.diagnostics, { line: 4, col: 18, message: 'per_host_rate must be a number from 0.01 to 1000, not 1e-7', fix: 'per_host_rate: 2' });
  });

  it('rejects timeout: 0s instead of silently keeping the default', () => {
    const result = parseText('version: 1', 'settings:', '  timeout: 0s', 'indicators:', '  - title: A', '    weight: 1', '    evidence: []');
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), { line: 3, col: 12, message: 'timeout must be more than 0 and at most 1h, not 0s', fix: '20s' });
  });

  it('rejects max_age: 3 weeks', () => {
    const result = leafWithMaxAge('3 weeks');
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 14, message: 'max_age is not a valid duration: "3 weeks"', fix: /14d.*news/,
    });
  });

  it('rejects a bare number as max_age (no unit)', () => {
    const result = leafWithMaxAge('14');
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 14, message: 'max_age is not a valid duration: 14', fix: '14d',
    });
  });

  it('rejects settings timeout: fast', () => {
    const result = parseText(
      'version: 1',          // 1
      'title: 测试',         // 2
      'settings:',           // 3
      '  timeout: fast',     // 4  value at col 12
      'indicators:',         // 5
      '  - id: a',           // 6
      '    weight: 1',       // 7
      '    evidence: []',    // 8
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 4, col: 12, message: 'timeout is not a valid duration: "fast"', fix: '20s',
    });
  });

  it('does not accept a max_age preset as a timeout', () => {
    const result = parseText(
      'version: 1',          // 1
      'title: 测试',         // 2
      'settings:',           // 3
      '  timeout: news',     // 4  value at col 12
      'indicators:',         // 5
      '  - id: a',           // 6
      '    weight: 1',       // 7
      '    evidence: []',    // 8
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 4, col: 12, message: 'timeout is not a valid duration: "news"', fix: 'timeout: 20s',
    });
  });

  it('reads timeout: PT30S as 30 seconds', () => {
    const result = parseText(
      'version: 1',
      'title: 测试',
      'settings:',
      '  timeout: PT30S',
      'indicators:',
      '  - id: a',
      '    weight: 1',
      '    evidence: []',
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.criteria?.settings.timeoutMs).toBe(30_000);
  });

  it.each([
    ['14d', { years: 0, months: 0, days: 14, ms: 0 }],
    ['2w', { years: 0, months: 0, days: 14, ms: 0 }],
    ['6mo', { years: 0, months: 6, days: 0, ms: 0 }],
    ['1y', { years: 1, months: 0, days: 0, ms: 0 }],
    ['P6M', { years: 0, months: 6, days: 0, ms: 0 }],
    ['PT30S', { years: 0, months: 0, days: 0, ms: 30_000 }],
    ['news', { years: 0, months: 0, days: 14, ms: 0 }],
    ['notice', { years: 0, months: 0, days: 180, ms: 0 }],
    ['statutory', { years: 0, months: 0, days: 365, ms: 0 }],
  ])('accepts max_age: %s', (text, parts) => {
    const result = leafWithMaxAge(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.criteria?.indicators[0]?.evidence?.[0]?.checks.maxAge).toEqual({ ...parts, text });
  });
});

describe('ids', () => {
  it('reports a duplicate id at the second occurrence, naming the first line', () => {
    const result = parse(
      '  - id: "一"',       // 4
      '    title: A',       // 5
      '    weight: 1',      // 6
      '    evidence: []',   // 7
      '  - id: "一"',       // 8  value at col 9
      '    title: B',       // 9
      '    weight: 1',      // 10
      '    evidence: []',   // 11
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 8, col: 9, message: 'duplicate indicator id "一" (first used at line 4)', fix: 'its own id',
    });
  });

  it('derives ids from position when omitted', () => {
    const result = parse(
      '  - title: 第一组',
      '    weight: 3',
      '    indicators:',
      '      - title: a',
      '        weight: 1',
      '        evidence: []',
      '      - title: b',
      '        weight: 2',
      '        evidence: []',
      '  - title: 第二组',
      '    weight: 1',
      '    evidence: []',
    );
    expect(result.diagnostics).toEqual([]);
    expect(flatten(result.criteria!.indicators).map((i) => [i.id, i.title])).toEqual([
      ['1', '第一组'], ['1.1', 'a'], ['1.2', 'b'], ['2', '第二组'],
    ]);
  });

  it('keeps an unquoted numeric id as written: 1.10 is not 1.1', () => {
    const result = parse(
      '  - id: 1.1',        // 4
      '    weight: 1',      // 5
      '    evidence: []',   // 6
      '  - id: 1.10',       // 7
      '    weight: 1',      // 8
      '    evidence: []',   // 9
    );
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.criteria?.indicators.map((i) => i.id)).toEqual(['1.1', '1.10']);
  });

  it('numbers children under an explicit parent id', () => {
    const result = parse(
      '  - id: "三"',
      '    weight: 2',
      '    indicators:',
      '      - weight: 1',
      '        evidence: []',
      '      - weight: 1',
      '        evidence: []',
    );
    expect(result.diagnostics).toEqual([]);
    expect(flatten(result.criteria!.indicators).map((i) => i.id)).toEqual(['三', '三.1', '三.2']);
  });
});

describe('weights', () => {
  it('reports a missing weight at the indicator', () => {
    const result = parse(
      '  - id: a',          // 4  indicator mapping starts at col 5
      '    title: A',       // 5
      '    evidence: []',   // 6
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 4, col: 5, message: 'indicator a has no weight', fix: 'weight: N',
    });
  });

  it('gives a parent with no weight one error, not also a sum warning', () => {
    const result = parse(
      '  - id: a',            // 4
      '    indicators:',      // 5
      '      - id: a.1',      // 6
      '        weight: 1',    // 7
      '        evidence: []', // 8
    );
    expectDiagnostic(onlyDiagnostic(result), { line: 4, col: 5, message: 'indicator a has no weight', fix: 'weight: N' });
  });

  it('rejects a negative weight', () => {
    const result = parse(
      '  - id: a',          // 4
      '    title: A',       // 5
      '    weight: -1',     // 6  value at col 13
      '    evidence: []',   // 7
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 6, col: 13, message: 'weight must be a number of at least 0, not -1', fix: 'use weight: 0 or more',
    });
  });

  it('warns when a parent weight is not the sum of its children, and still returns the criteria', () => {
    const result = parse(
      '  - id: A',            // 4
      '    title: 组',        // 5
      '    weight: 10',       // 6  value at col 13
      '    indicators:',      // 7
      '      - id: A.1',      // 8
      '        weight: 3',    // 9
      '        evidence: []', // 10
      '      - id: A.2',      // 11
      '        weight: 4',    // 12
      '        evidence: []', // 13
    );
    const [d] = onlyDiagnostic(result);
    expectDiagnostic([d!], {
      severity: 'warning', line: 6, col: 13,
      message: 'indicator A has weight 10, but its children add up to 7', fix: 'make the weights agree',
    });
    expect(formatDiagnostic(d!)).toBe(
      `${FILE}:6:13: warning: indicator A has weight 10, but its children add up to 7 (${d!.fix})`,
    );
    expect(result.criteria).toBeDefined();
    expect(flatten(result.criteria!.indicators).map((i) => [i.id, i.weight])).toEqual([['A', 10], ['A.1', 3], ['A.2', 4]]);
  });

  it('does not warn when fractional children add up to the parent', () => {
    const result = parse(
      '  - id: A',
      '    weight: 0.3',
      '    indicators:',
      '      - weight: 0.1',
      '        evidence: []',
      '      - weight: 0.2',
      '        evidence: []',
    );
    expect(result.diagnostics).toEqual([]);
  });
});

describe('all problems at once', () => {
  it('reports three different errors in one pass and returns no criteria', () => {
    const result = parse(
      '  - id: a',                 // 4
      '    title: A',              // 5
      '    weight: three',         // 6  value at col 13
      '    evidence:',             // 7
      '      - url: not a url',    // 8  value at col 14
      '  - id: b',                 // 9
      '    title: B',              // 10
      '    weight: 2',             // 11
      '    max_age: 3 weeks',      // 12 value at col 14
      '    evidence: []',          // 13
    );
    expect(result.criteria).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.severity, d.line, d.col])).toEqual([
      ['error', 6, 13], ['error', 8, 14], ['error', 12, 14],
    ]);
    expectDiagnostic(result.diagnostics, { line: 6, col: 13, message: 'weight must be a number', fix: 'weight: 3' });
    expectDiagnostic(result.diagnostics, { line: 8, col: 14, message: 'invalid url', fix: 'https://' });
    expectDiagnostic(result.diagnostics, { line: 12, col: 14, message: 'max_age is not a valid duration', fix: '14d' });
  });

  it('returns no criteria when an error comes with a warning', () => {
    const result = parse(
      '  - id: A',             // 4
      '    weight: 5',         // 5  warning: children add up to 1
      '    indicators:',       // 6
      '      - id: A.1',       // 7
      '        weight: 1',     // 8
      '        evidence:',     // 9
      '          - url: ftp://example.org/x', // 10 value at col 18
    );
    expect(result.criteria).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.severity, d.line, d.col]).sort()).toEqual([
      ['error', 10, 18], ['warning', 5, 13],
    ]);
  });

  it('reports a leaf with neither evidence nor children, suggesting evidence: []', () => {
    const result = parse(
      '  - id: a',       // 4
      '    weight: 1',   // 5
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 4, col: 5, message: 'indicator a has neither evidence nor child indicators', fix: '`evidence: []`',
    });
  });
});

describe('check options inherit down the tree', () => {
  it('passes defaults and indicator checks to evidence, which can override each one', () => {
    const result = parseText(
      'version: 1',
      'title: 测试',
      'defaults:',
      '  max_age: statutory',
      '  selector: body',
      'indicators:',
      '  - id: A',
      '    weight: 3',
      '    status: [200-299, 301]',
      '    max_age: news',
      '    keywords: [公开]',
      '    selector: "#content"',
      '    indicators:',
      '      - id: A.1',
      '        weight: 1',
      '        evidence:',
      '          - url: https://example.org/inherits',
      '      - id: A.2',
      '        weight: 2',
      '        max_age: 1y',
      '        evidence:',
      '          - url: https://example.org/overrides',
      '            keywords: {any: [预算]}',
      '            selector: main',
      '            status: 200',
      '  - id: B',
      '    weight: 1',
      '    evidence:',
      '      - https://example.org/defaults',
    );
    expect(result.diagnostics).toEqual([]);
    const evidence = flatten(result.criteria!.indicators).flatMap((i) => i.evidence ?? []);
    const [inherits, overrides, defaults] = evidence;

    expect(inherits!.checks.status).toEqual([{ min: 200, max: 299 }, { min: 301, max: 301 }]);
    expect(inherits!.checks.maxAge).toMatchObject({ days: 14, text: 'news' });
    expect(inherits!.checks.keywords).toEqual({ all: ['公开'], any: [], none: [] });
    expect(inherits!.checks.selector).toBe('#content');

    expect(overrides!.checks.status).toEqual([{ min: 200, max: 200 }]);
    expect(overrides!.checks.maxAge).toMatchObject({ years: 1, text: '1y' });
    expect(overrides!.checks.keywords).toEqual({ all: [], any: ['预算'], none: [] });
    expect(overrides!.checks.selector).toBe('main');

    expect(defaults!.url).toBe('https://example.org/defaults');
    expect(defaults!.title).toBe('https://example.org/defaults');
    expect(defaults!.checks.status).toEqual([{ min: 200, max: 299 }]);
    expect(defaults!.checks.maxAge).toMatchObject({ days: 365, text: 'statutory' });
    expect(defaults!.checks.selector).toBe('body');
    expect(defaults!.checks.keywords).toBeUndefined();
  });

  it('rejects an unknown key in defaults with a suggestion', () => {
    const result = parseText(
      'version: 1',          // 1
      'title: 测试',         // 2
      'defaults:',           // 3
      '  maxage: 14d',       // 4
      'indicators:',         // 5
      '  - id: a',           // 6
      '    weight: 1',       // 7
      '    evidence: []',    // 8
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 4, col: 3, message: 'unknown key "maxage" in defaults', fix: 'did you mean "max_age"?',
    });
  });
});

describe('keywords', () => {
  const leafWithKeywords = (...lines: string[]) => parse(
    '  - id: a',                          // 4
    '    title: A',                       // 5
    '    weight: 3',                      // 6
    '    evidence:',                      // 7
    '      - url: https://example.org/a', // 8
    ...lines,                             // 9..
  );

  it('reads a list as {all}', () => {
    const result = leafWithKeywords('        keywords: [预算, 决算]');
    expect(result.diagnostics).toEqual([]);
    expect(result.criteria?.indicators[0]?.evidence?.[0]?.checks.keywords).toEqual({ all: ['预算', '决算'], any: [], none: [] });
  });

  it('reads a map {all, any, none}', () => {
    const result = leafWithKeywords(
      '        keywords:',
      '          all: [政务公开]',
      '          any: [预算, 决算]',
      '          none: [页面不存在, "/404|Not Found/i"]',
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.criteria?.indicators[0]?.evidence?.[0]?.checks.keywords).toEqual({
      all: ['政务公开'], any: ['预算', '决算'], none: ['页面不存在', '/404|Not Found/i'],
    });
  });

  it('suggests "any" for "anny" in keywords', () => {
    const result = leafWithKeywords('        keywords: {anny: [预算]}'); // 9: key at col 20
    expectDiagnostic(onlyDiagnostic(result), {
      line: 9, col: 20, message: 'unknown key "anny" in keywords', fix: 'did you mean "any"?',
    });
  });

  it('reports an invalid /regex(/ keyword at the keyword itself', () => {
    const result = leafWithKeywords(
      '        keywords:',                  // 9
      '          all: [公开]',              // 10
      '          none: ["/regex(/"]',       // 11 entry (its opening quote) at col 18
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 11, col: 18, message: 'keyword /regex(/ is not a valid regular expression', fix: 'drop the slashes',
    });
  });
});

describe('status', () => {
  const leafWithStatus = (status: string) => parse(
    '  - id: a',                          // 4
    '    title: A',                       // 5
    '    weight: 3',                      // 6
    `    status: ${status}`,              // 7  value at col 13
    '    evidence:',                      // 8
    '      - url: https://example.org/a', // 9
  );

  it('accepts [200-299, 301]', () => {
    const result = leafWithStatus('[200-299, 301]');
    expect(result.diagnostics).toEqual([]);
    expect(result.criteria?.indicators[0]?.evidence?.[0]?.checks.status).toEqual([
      { min: 200, max: 299 }, { min: 301, max: 301 },
    ]);
  });

  it('rejects "2xx"', () => {
    const result = leafWithStatus('2xx');
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 13, message: 'status must list HTTP codes or ranges, not "2xx"', fix: 'status: [200-299, 301]',
    });
  });

  it('rejects "2xx" inside a list at the entry', () => {
    const result = leafWithStatus('[200, 2xx]'); // `[` col 13, `200` col 14, `2xx` col 19
    expectDiagnostic(onlyDiagnostic(result), {
      line: 7, col: 19, message: 'not "2xx"', fix: 'status: [200-299, 301]',
    });
  });

  it('rejects a reversed range and an out-of-range code', () => {
    const result = leafWithStatus('[299-200, 700]'); // `299-200` col 14, `700` col 23
    expect(result.diagnostics.map((d) => [d.line, d.col])).toEqual([[7, 14], [7, 23]]);
  });
});

describe('version', () => {
  it('reports a missing version with a fix mentioning `version: 1`', () => {
    const result = parseText(
      'title: 测试',        // 1
      'indicators:',        // 2
      '  - id: a',          // 3
      '    weight: 1',      // 4
      '    evidence: []',   // 5
    );
    expect(result.criteria).toBeUndefined();
    expectDiagnostic(onlyDiagnostic(result), {
      line: 1, col: 1, message: 'the criteria file has no version', fix: '`version: 1`',
    });
  });

  it('rejects version: 2', () => {
    const result = parseText(
      'version: 2',         // 1  value at col 10
      'title: 测试',
      'indicators:',
      '  - id: a',
      '    weight: 1',
      '    evidence: []',
    );
    expectDiagnostic(onlyDiagnostic(result), {
      line: 1, col: 10, message: 'unsupported version 2', fix: '`version: 1`',
    });
  });

  it('reports an empty file instead of throwing', () => {
    const result = parseCriteria('', FILE);
    expect(result.criteria).toBeUndefined();
    expect(errors(result).length).toBeGreaterThan(0);
    expect(formatDiagnostic(result.diagnostics[0]!)).toMatch(/^conf\/my-criteria\.yaml:1:1: /);
  });
});

describe('loadCriteriaFile', () => {
  it('returns one "file not found" error for a missing path, without throwing', async () => {
    const result = await loadCriteriaFile('/nonexistent/dir/criteria.yaml', 'missing.yaml');
    expect(result.criteria).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    const [d] = result.diagnostics;
    expect(d).toMatchObject({ severity: 'error', file: 'missing.yaml', line: 1, col: 1 });
    expect(d!.message).toContain('file not found');
    expect(d!.fix).toBeTruthy();
    expect(formatDiagnostic(d!)).toMatch(/^missing\.yaml:1:1: cannot read the criteria file: file not found \(.+\)$/);
  });

  it('uses the path itself in messages when no display path is given', async () => {
    const result = await loadCriteriaFile('/nonexistent/criteria.yaml');
    expect(result.diagnostics.map(formatDiagnostic)[0]).toMatch(/^\/nonexistent\/criteria\.yaml:1:1: /);
  });
});
