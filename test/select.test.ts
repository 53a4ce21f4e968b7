import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCriteria } from '../src/criteria/load.js';
import type { Criteria, Indicator } from '../src/model/criteria.js';
import { changedLines, SelectionError, type ChangedLines } from '../src/select/changed.js';
import { selectByChangedLines, selectByIds, type Selection } from '../src/select/select.js';
import { catalogue } from '../src/i18n/index.js';

const reasonText = (reason: Parameters<ReturnType<typeof catalogue>['ui']['selection']>[0]) => catalogue('en').ui.selection(reason);

/** Two sections, four leaves. Line numbers matter: the tests edit by line. */
const FIXTURE = [
  '# 测试用自评表', //                         1
  'version: 1', //                             2
  'title: 测试表', //                          3
  'settings:', //                              4
  '  concurrency: 4', //                       5
  '  timeout: 5s', //                          6
  'defaults:', //                              7
  '  status: [200-299]', //                    8
  'indicators:', //                            9
  '  # 一、第一部分', //                       10
  '  - id: "一"', //                           11
  '    title: 第一部分', //                    12
  '    weight: 6', //                          13
  '    max_age: notice', //                    14
  '    indicators:', //                        15
  '      - id: "一.1"', //                     16
  '        title: 规划信息', //                17
  '        weight: 3', //                      18
  '        evidence:', //                      19
  '          - title: 规划专题', //            20
  '            url: http://127.0.0.1:9/plan', // 21
  '            keywords: [规划]', //           22
  '          - url: http://127.0.0.1:9/plan2', // 23
  '            keywords: [计划]', //           24
  '      - id: "一.2"', //                     25
  '        title: 财政信息', //                26
  '        weight: 3', //                      27
  '        evidence:', //                      28
  '          - url: http://127.0.0.1:9/budget', // 29
  '            keywords: [预算]', //           30
  '', //                                       31
  '  # 二、第二部分', //                       32
  '  - id: "二"', //                           33
  '    title: 第二部分', //                    34
  '    weight: 4', //                          35
  '    indicators:', //                        36
  '      - id: "二.1"', //                     37
  '        title: 政策解读', //                38
  '        weight: 2', //                      39
  '        max_age: news', //                  40
  '        evidence:', //                      41
  '          - url: http://127.0.0.1:9/policy', // 42
  '            keywords: [解读]', //           43
  '      - id: "二.2"', //                     44
  '        title: 年度报告', //                45
  '        weight: 2', //                      46
  '        evidence:', //                      47
  '          - url: http://127.0.0.1:9/report', // 48
  '            keywords: [年度报告]', //       49
];

const text = (lines: string[]) => lines.join('\n') + '\n';

function load(content: string, path = 'criteria.yaml'): Criteria {
  const { criteria, diagnostics } = parseCriteria(content, path);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return criteria!;
}

/** The fixture with line `n` (1-based) replaced by `by` (a list: several lines, or none to delete). */
function edit(lines: string[], n: number, by: string[], count = 1): string[] {
  const copy = [...lines];
  copy.splice(n - 1, count, ...by);
  return copy;
}

function byId(indicators: Indicator[], id: string): Indicator | undefined {
  for (const i of indicators) {
    if (i.id === id) return i;
    const below = byId(i.children, id);
    if (below) return below;
  }
  return undefined;
}

/** The pruned tree as nested ids, for compact expectations. */
function shape(indicators: Indicator[]): unknown[] {
  return indicators.map((i) => (i.children.length === 0 ? i.id : { [i.id]: shape(i.children) }));
}

// A bare CI machine has no git identity, and a developer's global config must not leak in.
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
};

let repo: string;
let file: string;

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args],
    { cwd: repo, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function commit(lines: string[], message: string): void {
  writeFileSync(file, text(lines));
  git('add', 'criteria.yaml');
  git('commit', '-q', '-m', message);
}

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'evidence-audit-select-'));
  file = join(repo, 'criteria.yaml');
  git('init', '-q');
  commit(FIXTURE, 'criteria');
});

afterEach(() => {
  rmSync(repo, { recursive: true, force: true });
});

/** Writes the working-tree file, then selects against `ref` (null: the default ref). */
async function changedSince(lines: string[], ref: string | null = 'HEAD'): Promise<{ changed: ChangedLines; selection: Selection }> {
  writeFileSync(file, text(lines));
  const changed = await changedLines(file, ref ?? undefined);
  return { changed, selection: selectByChangedLines(load(text(lines), file), changed) };
}

describe('changedLines + selectByChangedLines', () => {
  it('editing a leaf keyword selects just that leaf, keeping its ancestors', async () => {
    const { changed, selection } = await changedSince(edit(FIXTURE, 22, ['            keywords: [规划, 蓝图]']));
    expect(changed).toEqual({ ref: 'HEAD', lines: new Set([22]), wholeFile: false });
    expect(selection.selected).toEqual(['一.1']);
    expect(selection.skipped).toEqual([
      { id: '一.2', title: '财政信息' },
      { id: '二', title: '第二部分' },
    ]);
    expect(shape(selection.criteria.indicators)).toEqual([{ 一: ['一.1'] }]);
    expect(reasonText(selection.reason)).toBe('only indicators whose lines changed since HEAD (1 of 4)');
  });

  it("editing a section's max_age selects that section's whole subtree, kept as is", async () => {
    const lines = edit(FIXTURE, 14, ['    max_age: statutory']);
    const { selection } = await changedSince(lines);
    expect(selection.selected).toEqual(['一']);
    expect(selection.skipped).toEqual([{ id: '二', title: '第二部分' }]);
    expect(shape(selection.criteria.indicators)).toEqual([{ 一: ['一.1', '一.2'] }]);
    expect(reasonText(selection.reason)).toContain('(2 of 4)');
  });

  it('editing settings selects everything', async () => {
    const { changed, selection } = await changedSince(edit(FIXTURE, 5, ['  concurrency: 2']));
    expect([...changed.lines]).toEqual([5]);
    expect(selection.selected).toEqual(['一', '二']);
    expect(selection.skipped).toEqual([]);
    expect(shape(selection.criteria.indicators)).toEqual([{ 一: ['一.1', '一.2'] }, { 二: ['二.1', '二.2'] }]);
    expect(reasonText(selection.reason)).toMatch(/^every indicator \(4 of 4\): line 5 changed since HEAD outside the indicators/);
  });

  it('editing defaults or the title selects everything', async () => {
    for (const [n, line] of [[8, '  status: [200]'], [3, 'title: 新标题']] as const) {
      const { selection } = await changedSince(edit(FIXTURE, n, [line]));
      expect(selection.selected).toEqual(['一', '二']);
    }
  });

  it('deleting an evidence selects its leaf, wherever it sits', async () => {
    // The last evidence of 一.1: the next line is 一.2's first.
    let result = await changedSince(edit(FIXTURE, 23, [], 2));
    expect(result.selection.selected).toEqual(['一.1']);
    // One line in the middle of 一.1.
    result = await changedSince(edit(FIXTURE, 22, []));
    expect(result.selection.selected).toEqual(['一.1']);
    // The last evidence of a section, before a blank line and the next section's comment.
    result = await changedSince(edit(FIXTURE, 30, []));
    expect(result.selection.selected).toEqual(['一.2']);
    // The last line of the file.
    result = await changedSince(FIXTURE.slice(0, 48));
    expect(result.selection.selected).toEqual(['二.2']);
  });

  it("deleting a section's own key selects its subtree; deleting defaults selects everything", async () => {
    let result = await changedSince(edit(FIXTURE, 40, []));
    expect(result.selection.selected).toEqual(['二.1']);
    result = await changedSince(edit(FIXTURE, 14, []));
    expect(result.selection.selected).toEqual(['一']);
    result = await changedSince(edit(FIXTURE, 7, [], 2));
    expect(result.selection.selected).toEqual(['一', '二']);
    expect(reasonText(result.selection.reason)).toMatch(/^every indicator/);
  });

  it('an edit on the first line of an item after an indented comment selects that item, not the one before', async () => {
    const { PIECEWISE_MIN_LENGTH } = await import('../src/criteria/load.js');
    const items = `indicators:
  - id: A
    title: a
    weight: 1
    evidence: [{ url: "https://a.example/1" }]
    # 备注：下一项待补
  - id: B
    title: b
    weight: 1
    evidence: [{ url: "https://a.example/2" }]
`;
    // Read whole; with Windows line ends; and piecewise, as files past 512 KB are (one line of padding before the list).
    const variants = [
      { text: `version: 1\ntitle: t\n${items}`, shift: 0 },
      { text: `version: 1\ntitle: t\n${items}`.replaceAll('\n', '\r\n'), shift: 0 },
      { text: `version: 1\ntitle: t\n# ${'-'.repeat(PIECEWISE_MIN_LENGTH)}\n${items}`, shift: 1 },
    ];
    for (const { text, shift } of variants) {
      const { criteria } = parseCriteria(text, 'c.yaml');
      expect(criteria!.indicators.map((i) => i.span)).toEqual([{ startLine: 4 + shift, endLine: 8 + shift }, { startLine: 9 + shift, endLine: 12 + shift }]);
      expect(selectByChangedLines(criteria!, { ref: 'HEAD', lines: new Set([9 + shift]), wholeFile: false }).selected).toEqual(['B']);
      expect(selectByChangedLines(criteria!, { ref: 'HEAD', lines: new Set([8 + shift]), wholeFile: false }).selected).toEqual(['A']);
    }
  });

  it('a new leaf selects only itself; comments and blank lines select nothing', async () => {
    const added = edit(FIXTURE, 50, [
      '      - id: "二.3"',
      '        title: 新指标',
      '        weight: 1',
      '        evidence: []',
    ], 0);
    let result = await changedSince(added);
    expect(result.selection.selected).toEqual(['二.3']);

    result = await changedSince(edit(FIXTURE, 32, ['  # 二、第二部分(修订)', '']));
    expect(result.changed.lines).toEqual(new Set());
    expect(result.selection.selected).toEqual([]);
    expect(result.selection.criteria.indicators).toEqual([]);
    expect(result.selection.skipped.map((s) => s.id)).toEqual(['一', '二']);
    expect(reasonText(result.selection.reason)).toBe("no indicator's lines changed since HEAD (0 of 4)");
  });

  it('a new section selects only that section, not its comment header', async () => {
    const result = await changedSince([
      ...FIXTURE,
      '',
      '  # 三、第三部分',
      '  - id: "三"',
      '    title: 第三部分',
      '    weight: 1',
      '    evidence: []',
    ]);
    expect(result.selection.selected).toEqual(['三']);
  });

  it('when the file at the ref does not load, the lines around a removal count', async () => {
    commit(edit(FIXTURE, 23, ['            bogus: 1'], 0), 'broken');
    const { changed, selection } = await changedSince(FIXTURE);
    expect(changed.lines).toEqual(new Set([22, 23]));
    expect(selection.selected).toEqual(['一.1']);
  });

  it('reads files with CRLF line ends', async () => {
    commit(FIXTURE.map((l) => `${l}\r`), 'crlf');
    const lines = edit(FIXTURE, 32, ['  # 二、第二部分(修订)']);
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    const changed = await changedLines(file, 'HEAD');
    expect(changed.lines).toEqual(new Set());
    writeFileSync(file, edit(FIXTURE, 22, []).join('\r\n') + '\r\n');
    expect(selectByChangedLines(load(text(FIXTURE), file), await changedLines(file, 'HEAD')).selected).toEqual(['一.1']);
  });

  it('an untracked file counts as changed everywhere', async () => {
    const other = join(repo, 'other.yaml');
    writeFileSync(other, text(FIXTURE));
    const changed = await changedLines(other, 'HEAD');
    expect(changed.wholeFile).toBe(true);
    expect(changed.lines.size).toBe(FIXTURE.length);
    const selection = selectByChangedLines(load(text(FIXTURE), other), changed);
    expect(selection.selected).toEqual(['一', '二']);
    expect(reasonText(selection.reason)).toBe('every indicator (4 of 4): the criteria file is new since HEAD');
  });

  it('a file added after the ref counts as changed everywhere', async () => {
    const other = join(repo, 'other.yaml');
    writeFileSync(other, text(FIXTURE));
    git('add', 'other.yaml');
    git('commit', '-q', '-m', 'other');
    expect((await changedLines(other, 'HEAD~1')).wholeFile).toBe(true);
    expect(await changedLines(other, 'HEAD')).toEqual({ ref: 'HEAD', lines: new Set(), wholeFile: false });
  });

  it('an unknown ref is a SelectionError that names it and the fix', async () => {
    const error = await changedLines(file, 'no-such-branch').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SelectionError);
    expect((error as SelectionError).code).toBe('REF_NOT_FOUND');
    expect((error as SelectionError).message).toContain('git ref no-such-branch not found');
    expect((error as SelectionError).message).toContain('--changed HEAD~1');
    const flag = await changedLines(file, '--output=/tmp/x').catch((e: unknown) => e);
    expect((flag as SelectionError).code).toBe('BAD_REF');
  });

  it('with one commit and no origin, the default ref fails with a helpful message', async () => {
    const error = await changedLines(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SelectionError);
    expect((error as SelectionError).message).toMatch(/origin\/HEAD not found.*HEAD~1/);
  });

  it('the default ref falls back to HEAD~1 when there is no origin', async () => {
    const second = edit(FIXTURE, 30, ['            keywords: [预算, 决算]']);
    commit(second, 'second');
    const { changed, selection } = await changedSince(second, null);
    expect(changed.ref).toBe('HEAD~1');
    expect(selection.selected).toEqual(['一.2']);
    expect(reasonText(selection.reason)).toBe('only indicators whose lines changed since HEAD~1 (1 of 4)');
  });

  it('the default ref is origin/HEAD when it exists', async () => {
    const base = git('rev-parse', 'HEAD').trim();
    commit(edit(FIXTURE, 30, ['            keywords: [预算, 决算]']), 'second');
    commit(edit(FIXTURE, 43, ['            keywords: [政策解读]']), 'third'); // reverts the second
    git('update-ref', 'refs/remotes/origin/main', base);
    git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
    const { changed, selection } = await changedSince(edit(FIXTURE, 43, ['            keywords: [政策解读]']), null);
    expect(changed.ref).toBe('origin/HEAD');
    expect(selection.selected).toEqual(['二.1']);
  });

  it('outside a git repository, a SelectionError says so', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'evidence-audit-nogit-'));
    try {
      const path = join(outside, 'criteria.yaml');
      writeFileSync(path, text(FIXTURE));
      const error = await changedLines(path, 'HEAD').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SelectionError);
      expect((error as SelectionError).code).toBe('NOT_A_REPOSITORY');
      expect((error as SelectionError).message).toContain('drop --changed');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('does not touch the repository', async () => {
    writeFileSync(file, text(edit(FIXTURE, 22, ['            keywords: [规划, 蓝图]'])));
    const status = git('status', '--porcelain');
    const head = git('rev-parse', 'HEAD');
    await changedLines(file, 'HEAD');
    expect(git('status', '--porcelain')).toBe(status);
    expect(git('rev-parse', 'HEAD')).toBe(head);
  });
});

describe('selectByIds', () => {
  const criteria = load(text(FIXTURE));
  const snapshot = structuredClone(criteria);

  it('selects a leaf, keeping its ancestors with their ids and weights', () => {
    const selection = selectByIds(criteria, ['一.1']) as Selection;
    expect(selection.selected).toEqual(['一.1']);
    expect(selection.skipped.map((s) => s.id)).toEqual(['一.2', '二']);
    expect(reasonText(selection.reason)).toBe('--only 一.1');
    const [section] = selection.criteria.indicators;
    expect(section).toMatchObject({ id: '一', title: '第一部分', weight: 6, span: { startLine: 11, endLine: 30 } });
    expect(section!.children).toHaveLength(1);
    expect(section!.children[0]).toBe(byId(criteria.indicators, '一.1'));
    expect(section).not.toBe(criteria.indicators[0]);
    expect(selection.criteria).toMatchObject({ path: criteria.path, title: criteria.title, version: 1 });
    expect(selection.criteria.settings).toBe(criteria.settings);
  });

  it('selecting a parent selects its subtree', () => {
    const selection = selectByIds(criteria, ['二']) as Selection;
    expect(selection.selected).toEqual(['二']);
    expect(selection.skipped).toEqual([{ id: '一', title: '第一部分' }]);
    expect(selection.criteria.indicators).toEqual([criteria.indicators[1]]);
    expect(selection.criteria.indicators[0]).toBe(criteria.indicators[1]);
  });

  it('selects several ids, in file order, dropping those inside another', () => {
    const selection = selectByIds(criteria, ['二.2', '一.1', ' 一.1 ']) as Selection;
    expect(selection.selected).toEqual(['一.1', '二.2']);
    expect(shape(selection.criteria.indicators)).toEqual([{ 一: ['一.1'] }, { 二: ['二.2'] }]);
    expect(reasonText(selection.reason)).toBe('--only 二.2 一.1 一.1');
    const nested = selectByIds(criteria, ['一.2', '一']) as Selection;
    expect(nested.selected).toEqual(['一']);
    expect(nested.criteria.indicators[0]).toBe(criteria.indicators[0]);
  });

  it('a parent whose children are all selected is kept as is', () => {
    const selection = selectByIds(criteria, ['一.1', '一.2']) as Selection;
    expect(selection.criteria.indicators[0]).toBe(criteria.indicators[0]);
  });

  it('an unknown id is a problem naming the closest ids', () => {
    expect(selectByIds(criteria, ['一.3'])).toEqual({ problem: 'unknown indicator id "一.3" (did you mean 一.1, 一.2, 一?)' });
    const far = selectByIds(criteria, ['政策文件解读专题']) as { problem: string };
    expect(far.problem).toContain('top-level ids: 一, 二');
    expect(selectByIds(criteria, [])).toHaveProperty('problem');
  });

  it('never changes the criteria it is given', () => {
    selectByIds(criteria, ['一.1', '二']);
    selectByChangedLines(criteria, { ref: 'HEAD', lines: new Set([22, 40]), wholeFile: false });
    expect(criteria).toEqual(snapshot);
  });
});

describe("the repository's criteria.yaml", () => {
  it('counts its 21 leaves in the reason', () => {
    const real = load(readFileSync(new URL('../criteria.yaml', import.meta.url), 'utf8'));
    const leaf = byId(real.indicators, '一.1')!;
    const selection = selectByChangedLines(real, { ref: 'origin/HEAD', lines: new Set([leaf.span.endLine]), wholeFile: false });
    expect(reasonText(selection.reason)).toBe('only indicators whose lines changed since origin/HEAD (1 of 21)');
    expect(selection.selected).toEqual(['一.1']);
  });
});
