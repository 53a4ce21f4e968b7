import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArticle } from '../../src/import/article.js';
import { readEvidence } from '../../src/import/evidence.js';
import { numeralFor, parseHeading, parseWeightCell } from '../../src/import/headings.js';
import { buildTree } from '../../src/import/tree.js';
import type { RichLine } from '../../src/import/types.js';
import { html, runCli } from '../helpers.js';
import { loaded } from './project.js';

const lines = (...texts: string[]): RichLine[] => texts.map((text, i) => ({ text, links: [], where: `line ${i + 1}` }));

describe('headings and their weights, as tables print them', () => {
  it.each([
    ['一、重点领域信息公开(18%', { marker: { family: 'cn', number: 1, numeral: '一' }, title: '重点领域信息公开', weight: 18 }],
    ['二、政策发布解读和回应关切（30分）', { marker: { family: 'cn', number: 2, numeral: '二' }, title: '政策发布解读和回应关切', weight: 30 }],
    ['(一)规划信息公开。(3%', { marker: { family: 'cn-paren', number: 1, numeral: '一' }, title: '规划信息公开', weight: 3 }],
    ['1.决策公开（8分）', { marker: { family: 'num', number: 1, numeral: '1' }, title: '决策公开', weight: 8 }],
    ['（12）依申请公开（3）', { marker: { family: 'num-paren', number: 12, numeral: '12' }, title: '依申请公开', weight: 3 }],
    ['③解读形式（２.５分）', { marker: { family: 'circled', number: 3, numeral: '3' }, title: '解读形式', weight: 2.5 }],
    ['十二、指导监督（满分15分）', { marker: { family: 'cn', number: 12, numeral: '十二' }, title: '指导监督', weight: 15 }],
    ['四、基层政务公开 15分', { marker: { family: 'cn', number: 4, numeral: '四' }, title: '基层政务公开', weight: 15 }],
  ])('%s', (line, expected) => {
    expect(parseHeading(line)).toEqual(expected);
  });

  it('keeps a weight it cannot read as such, and leaves text that is no heading alone', () => {
    expect(parseHeading('（二）审计结果公开（分值待定）')).toMatchObject({ title: '审计结果公开', unreadWeight: '（分值待定）' });
    expect(parseHeading('五、政府信息公开条例落实（含依申请公开）')).toEqual({ marker: { family: 'cn', number: 5, numeral: '五' }, title: '政府信息公开条例落实（含依申请公开）' });
    expect(parseHeading('2021年政务公开自评表').marker).toBeUndefined();
    expect(parseHeading('1.5倍于去年').marker).toBeUndefined();
    expect(parseHeading('一级指标').marker).toBeUndefined();
  });

  it('reads a weight cell only when it is a number, with or without its unit', () => {
    expect(['3', '3分', '3%', '２.５', ' 6 分 '].map(parseWeightCell)).toEqual([3, 3, 3, 2.5, 6]);
    expect(['', '三分', '3-5', '详见细则'].map(parseWeightCell)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('prints an expected number as its family does', () => {
    expect([1, 10, 12, 20, 99].map((n) => numeralFor('cn-paren', n))).toEqual(['一', '十', '十二', '二十', '九十九']);
    expect(numeralFor('num', 12)).toBe('12');
  });
});

describe('evidence, as published', () => {
  it('pairs a label line with the URL line under it, and a label with the URL after its colon', () => {
    const read = readEvidence(lines('规划蓝图专题:', 'https://www.huainan.gov.cn/content/column/250911263\u00a0\u00a0', '预决算专题：https://www.huainan.gov.cn/site/tpl/5688688'));
    expect(read).toEqual({
      none: false,
      doubts: [],
      evidence: [
        { title: '规划蓝图专题', url: 'https://www.huainan.gov.cn/content/column/250911263', doubts: [] },
        { title: '预决算专题', url: 'https://www.huainan.gov.cn/site/tpl/5688688', doubts: [] },
      ],
    });
  });

  it('trims full-width punctuation and odd spaces silently, keeps http://, and says what else it changed', () => {
    const read = readEvidence(lines(
      '专栏：http://www.example.gov.cn/a/index.html，详见。',
      '见 https://www.example.gov.cn/b/index.html.',
      'https://www.example.gov.cn/public/column/6596035?type=4&catId=',
      '159658219&action=list',
    ));
    expect(read.evidence.map((e) => e.url)).toEqual([
      'http://www.example.gov.cn/a/index.html',
      'https://www.example.gov.cn/b/index.html',
      'https://www.example.gov.cn/public/column/6596035?type=4&catId=159658219&action=list',
    ]);
    expect(read.evidence[1]!.doubts).toEqual(['"." after the address was taken as punctuation and left out (line 2)']);
    expect(read.evidence[2]!.doubts[0]).toBe('the address was split across lines and has been joined: check it (line 3 and line 4)');
    expect(read.evidence[2]!.doubts[1]).toBe('a link with no label (line 3)');
  });

  it('treats 无, /, — and an empty cell as no evidence, without a doubt', () => {
    for (const cell of [[], ['无'], ['/'], ['——'], ['  ']]) expect(readEvidence(lines(...cell))).toEqual({ evidence: [], doubts: [], none: true });
  });

  it('names a label with no link, a link it skipped, and an address without its scheme', () => {
    const read = readEvidence([
      { text: '政务公开指南：', links: [], where: 'line 1' },
      { text: '在线咨询', links: [{ text: '在线咨询', href: 'javascript:void(0)' }], where: 'line 2' },
      { text: '网址：www.example.gov.cn/zwgk', links: [], where: 'line 3' },
    ]);
    expect(read.evidence).toEqual([]);
    expect(read.doubts).toEqual([
      'a link that is not a web address, skipped: "在线咨询" → "javascript:void(0)" (line 2)',
      'an address without http:// or https://, skipped: "www.example.gov.cn/zwgk" (line 3); add it with its scheme as published',
      'a label with no link: "政务公开指南" (line 1)',
      'a label with no link: "网址" (line 3)',
    ]);
  });

  it('takes the label before a "查看" link, and a link\'s own text when it is one', () => {
    const read = readEvidence([
      { text: '年报专题：查看', links: [{ text: '查看', href: 'https://www.example.gov.cn/nb/' }], where: 'cell F3' },
      { text: '政府信息公开平台', links: [{ text: '政府信息公开平台', href: 'https://www.example.gov.cn/xxgk/' }], where: 'cell F3' },
    ]);
    expect(read.evidence.map(({ title, url }) => ({ title, url }))).toEqual([
      { title: '年报专题', url: 'https://www.example.gov.cn/nb/' },
      { title: '政府信息公开平台', url: 'https://www.example.gov.cn/xxgk/' },
    ]);
  });
});

describe('the tree: ids as published, weights checked', () => {
  it('gives an unweighted section the sum of its indicators, and a repeated number its own id, each with a doubt', () => {
    const outline = readArticle(lines(
      '一、决策公开', '（一）预公开（3分）', '要求。', 'https://www.example.gov.cn/1',
      '（二）结果公开（2分）', 'https://www.example.gov.cn/2',
      '二、执行公开', '（一）执行（4分）', 'https://www.example.gov.cn/3', '（一）重复（1分）', 'https://www.example.gov.cn/4',
    ));
    const draft = buildTree(outline, 'fallback');
    expect(draft.title).toBe('fallback');
    expect(draft.doubts).toEqual(['no title found in the source; the file name stands in: set one with --title']);
    const [first, second] = draft.indicators;
    expect([first!.id, first!.weight, first!.weightDoubts]).toEqual(['一', 5, ['no weight was published for it (line 1); the sum of its indicators, 5, is used']]);
    expect(first!.children.map((c) => [c.id, c.title, c.weight, c.requirement])).toEqual([['一.1', '预公开', 3, '要求。'], ['一.2', '结果公开', 2, undefined]]);
    expect(second!.children.map((c) => c.id)).toEqual(['二.1', '二.2']);
    expect(second!.children[1]!.doubts).toEqual([
      'numbered 一 where 二 was expected (line 10): check for a missing or repeated indicator',
      'the number 二.1 is printed twice; this one gets the id 二.2',
    ]);
  });

  it('does not take a numbered paragraph in a requirement for a heading', () => {
    const outline = readArticle(lines('1.决策公开（8分）', '1.按要求公开决策草案；', '2.公开征求意见情况。', '决策公开：https://www.example.gov.cn/jc/'));
    expect(outline.roots).toHaveLength(1);
    expect(outline.roots[0]).toMatchObject({ title: '决策公开', weight: 8, requirement: '1.按要求公开决策草案；\n2.公开征求意见情况。' });
  });
});

describe('cells it does not import', () => {
  it('says where a link sat in a column that is not evidence, and reads a cell merged across columns once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-import-parts-'));
    const page = join(dir, 'remarks.html');
    await writeFile(page, html(`<table><tr><th>指标</th><th>分值</th><th>佐证材料</th><th>备注</th></tr>
      <tr><td>决策公开</td><td>5</td><td colspan="2">专栏：https://www.example.gov.cn/jc/</td></tr>
      <tr><td>政务服务</td><td>5</td><td>无</td><td>见 https://www.example.gov.cn/old/</td></tr></table>`));
    const run = await runCli(['import', page]);
    expect(run.code).toBe(0);
    const [first, second] = loaded(run.stdout).indicators;
    expect(first!.evidence!.map((e) => e.url)).toEqual(['https://www.example.gov.cn/jc/']);
    // Read by the evidence column, the merged cell is not reported again by the 备注 column.
    expect(run.stdout).toContain('title: 决策公开\n');
    expect(second!.evidence).toEqual([]);
    expect(run.stdout).toMatch(/title: 政务服务 # doubt: a link in the 备注 column was not imported: "见 https:\/\/www\.example\.gov\.cn\/old\/" \(table 1, row 3, column 4 \(line \d+\)\)\n/);
  });
});

describe('text from a stranger\'s page', () => {
  it('keeps terminal escapes and line breaks out of comments and standard error, and the YAML loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-import-parts-'));
    const page = join(dir, 'escape.html');
    await writeFile(page, html(`<table><tr><th>指标</th><th>分值</th><th>佐证材料</th></tr>
      <tr><td>决策公开\u001b[31m</td><td>5</td><td>说明\u001b]8;;x\u0007文字</td></tr></table>`));
    const run = await runCli(['import', page]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/[\u001b\u0007]/);
    expect(run.stdout).not.toMatch(/#[^\n]*[\u001b\u0007]/);
    expect(run.stderr).toContain('a label with no link: "说明\\u001b]8;;x\\u0007文字"');
    expect(loaded(run.stdout).indicators[0]!.title).toBe('决策公开\u001b[31m');
  });
});
