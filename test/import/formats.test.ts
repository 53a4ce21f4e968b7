import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { docxFrom, tableDocx, tableXlsx } from './office.js';
import { lineOf, loaded, shapeOf } from './project.js';

/** Each published form, from a file; the same fixtures are served over HTTP in url.test.ts. */
const FIXTURES = fileURLToPath(new URL('../fixtures/import/', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-import-'));
  await writeFile(join(dir, '凤台县自评表.docx'), tableDocx());
  await writeFile(join(dir, '谢家集区自评表.xlsx'), await tableXlsx());
});

describe('an HTML table with rowspan and a 合计 row', () => {
  it('reads the sections from the merged 一级指标 cells and the weights from the 分值 column', async () => {
    const run = await runCli(['import', join(FIXTURES, 'table.html')]);
    expect(run.code).toBe(0);
    const criteria = loaded(run.stdout);
    expect(criteria.title).toBe('寿县2021年度政务公开工作自评表');
    expect(shapeOf(criteria.indicators).map((s) => [s.id, s.title, s.weight, s.indicators!.map((i) => [i.id, i.title, i.weight])])).toEqual([
      ['1', '主动公开', 20, [['1.1', '法定主动公开内容', 8], ['1.2', '重点领域信息公开', 7], ['1.3', '政策解读', 5]]],
      ['2', '依申请公开', 10, [['2.1', '依申请公开办理', 6], ['2.2', '政府信息公开年报', 3]]],
    ]);
    expect(criteria.indicators[0]!.children[0]!.requirement).toBe('按照《条例》第二十条要求主动公开。');
    expect(run.stderr).toContain('2 sections, 5 indicators, total weight 30, 5 links');
  });

  it('takes labels from link text, from the text before a "查看" link, and cuts URLs at nbsp and the ideographic space', async () => {
    const run = await runCli(['import', join(FIXTURES, 'table.html')]);
    const [first, second] = shapeOf(loaded(run.stdout).indicators);
    expect(first!.indicators![0]!.evidence).toEqual([{ title: '法定主动公开内容', url: 'https://www.shouxian.gov.cn/public/column/11?type=4' }]);
    expect(first!.indicators![1]!.evidence).toEqual([
      { title: '预决算公开', url: 'https://www.shouxian.gov.cn/site/tpl/123' },
      { title: '重大建设项目', url: 'https://www.shouxian.gov.cn/public/column/11?catId=22' },
      { url: 'http://www.shouxian.gov.cn/public/column/11?catId=33&action=list' },
    ]);
    // "/" in the evidence cell: the indicator is kept, citing nothing, without a doubt.
    expect(second!.indicators![0]!.evidence).toEqual([]);
    expect(run.stdout).toMatch(/title: 依申请公开办理\n/);
    expect(second!.indicators![1]!.evidence).toEqual([{ url: 'https://www.shouxian.gov.cn/public/column/11?catId=44' }]);
  });

  it('writes each doubt as a comment on its line and lists it on standard error with that line', async () => {
    const run = await runCli(['import', join(FIXTURES, 'table.html')]);
    const split = lineOf(run.stdout, 'catId=33&action=list');
    expect(split).toContain('# doubt: the address was split across lines and has been joined: check it');
    expect(split).toContain('doubt: a link with no label');
    expect(lineOf(run.stdout, 'weight: 10')).toContain('# doubt: its indicators add up to 9, not 10 (2.1: 6, 2.2: 3)');
    // A relative link in a file cannot be resolved: skipped, and said on the indicator.
    expect(lineOf(run.stdout, 'title: 政策解读')).toContain('doubt: a relative link with no page address to resolve it against, skipped: "政策解读专栏" → "/zcjd/index.html"');
    const weightLine = run.stdout.split('\n').findIndex((l) => l.includes('weight: 10 # doubt')) + 1;
    expect(run.stderr).toContain(`(standard output):${weightLine}: doubt: its indicators add up to 9, not 10`);
    expect(run.stderr).toMatch(/insecure-http/);
    expect(run.stderr).toMatch(/indicator 1\.3 \(政策解读\) cites no evidence/);
  });
});

describe('an HTML table with section rows across it and one name column', () => {
  it('takes the sections from the rows across, the title from the table\'s own first row, and skips a note, saying so', async () => {
    const run = await runCli(['import', join(FIXTURES, 'sections.html')]);
    expect(run.code).toBe(0);
    const criteria = loaded(run.stdout);
    expect(criteria.title).toBe('潘集区2021年政务公开自评表');
    expect(shapeOf(criteria.indicators)).toEqual([
      { id: '一', title: '重点领域信息公开', weight: 10, indicators: [
        { id: '一.1', title: '财政信息公开', weight: 6, evidence: [{ title: '财政预决算', url: 'https://www.pj.gov.cn/czxx/' }] },
        { id: '一.2', title: '重大项目', weight: 4, evidence: [{ url: 'https://www.pj.gov.cn/zdxm/' }] },
      ] },
      { id: '二', title: '政策解读', weight: 5, indicators: [{ id: '二.1', title: '解读', weight: 5, evidence: [] }] },
    ]);
    expect(lineOf(run.stdout, 'title: 潘集区')).toContain('# doubt: a row across the table that is no section heading was skipped: "备注：链接请于12月底前更新。" (table 1, row 9, column 1 (line 10))');
  });
});

describe('a DOCX table with vertical merges and a real hyperlink', () => {
  it('reads merged sections, weights, the hyperlink\'s URL from the relationships, and links typed as text', async () => {
    const run = await runCli(['import', join(dir, '凤台县自评表.docx')]);
    expect(run.code).toBe(0);
    const criteria = loaded(run.stdout);
    expect(criteria.title).toBe('凤台县2021年政务公开自评表');
    expect(shapeOf(criteria.indicators)).toEqual([
      { id: '一', title: '决策公开', weight: 10, indicators: [
        { id: '一.1', title: '重大决策预公开', weight: 6, requirement: '重大行政决策事项目录向社会公开，决策草案公开征求意见。',
          evidence: [{ title: '决策预公开专栏', url: 'https://www.ft.gov.cn/public/jcygk/index.html' }] },
        { id: '一.2', title: '决策执行和结果公开', weight: 4, requirement: '公开重大决策的执行措施、进展和结果。',
          evidence: [{ title: '执行情况', url: 'https://www.ft.gov.cn/public/zxqk/index.html' }, { title: '结果公开', url: 'http://www.ft.gov.cn/public/jggk/index.html' }] },
      ] },
      { id: '二', title: '管理服务公开', weight: 8, indicators: [
        { id: '二.1', title: '权责清单公开', weight: 5, requirement: '权责清单动态调整并公开。', evidence: [] },
        { id: '二.2', title: '政务服务公开', weight: 4, requirement: '办事指南要素齐全、准确。', evidence: [{ title: '办事指南', url: 'https://www.ft.gov.cn/bszn/' }] },
      ] },
    ]);
    expect(lineOf(run.stdout, 'weight: 8')).toContain('# doubt: its indicators add up to 9, not 8');
    // The 合计 row agrees with the sections (18): no doubt about it, and it is no indicator.
    expect(run.stdout).not.toContain('合计');
    expect(run.stderr).toContain('read ' + join(dir, '凤台县自评表.docx') + ' as a table in a Word document: 2 sections, 4 indicators, total weight 18, 4 links');
  });
});

describe('a Word file written as an article', () => {
  it('reads its paragraphs as the seed\'s lines, with the hyperlinks\' targets', async () => {
    const paragraph = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
    const body = [
      paragraph('田家庵区2021年政务公开自评表'), paragraph('一、决策公开（6分）'), paragraph('（一）决策预公开。（6分）'), paragraph('公开重大决策草案。'),
      '<w:p><w:r><w:t>预公开专栏：</w:t></w:r><w:hyperlink r:id="rId7"><w:r><w:t>点击查看</w:t></w:r></w:hyperlink></w:p>',
      paragraph('二、政务服务（4分）'), paragraph('（一）办事指南。（4分）'), paragraph('无'),
    ].join('');
    const xml = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      + `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>${body}</w:body></w:document>`;
    const rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" '
      + 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.tja.gov.cn/jcygk/" TargetMode="External"/></Relationships>';
    await writeFile(join(dir, 'article.docx'), docxFrom(xml, rels));
    const run = await runCli(['import', join(dir, 'article.docx')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('as an article in a Word document: 2 sections, 2 indicators, total weight 10, 1 links');
    const criteria = loaded(run.stdout);
    expect(criteria.title).toBe('田家庵区2021年政务公开自评表');
    expect(shapeOf(criteria.indicators)).toEqual([
      { id: '一', title: '决策公开', weight: 6, indicators: [
        { id: '一.1', title: '决策预公开', weight: 6, requirement: '公开重大决策草案。', evidence: [{ title: '预公开专栏', url: 'https://www.tja.gov.cn/jcygk/' }] },
      ] },
      { id: '二', title: '政务服务', weight: 4, indicators: [{ id: '二.1', title: '办事指南', weight: 4, evidence: [] }] },
    ]);
  });
});

describe('an XLSX sheet with merged cells and cell hyperlinks', () => {
  it('reads the merged sections, number weights, a hyperlink behind "查看", and several links in one cell', async () => {
    const run = await runCli(['import', join(dir, '谢家集区自评表.xlsx')]);
    expect(run.code).toBe(0);
    const criteria = loaded(run.stdout);
    expect(criteria.title).toBe('谢家集区2021年政务公开自评表');
    const [first, second] = shapeOf(criteria.indicators);
    expect([first!.id, first!.title, first!.weight, second!.id, second!.title, second!.weight]).toEqual(['一', '政策解读', 12, '二', '回应关切', 8]);
    expect(first!.indicators![0]).toMatchObject({ id: '一.1', title: '解读发布', weight: 7, evidence: [{ url: 'https://www.xjj.gov.cn/zcjd/' }] });
    expect(first!.indicators![1]!.evidence).toEqual([
      { title: '政策文件库', url: 'https://www.xjj.gov.cn/zcwjk/' },
      { title: '解读专栏', url: 'https://www.xjj.gov.cn/jdzl/' },
      { url: 'https://www.xjj.gov.cn/tjjd/' },
    ]);
    expect(second!.indicators).toMatchObject([{ id: '二.1', evidence: [] }, { id: '二.2', evidence: [{ title: '政民互动', url: 'https://www.xjj.gov.cn/hdjl/' }] }]);
    // "查看" is no label: the link is kept without one, and that is a doubt, on the URL's line.
    expect(lineOf(run.stdout, 'url: https://www.xjj.gov.cn/zcjd/')).toContain('# doubt: a link with no label (sheet "自评表", cell E3)');
    expect(run.stderr).toContain('doubt: a link with no label (sheet "自评表", cell E3)');
  });
});

describe('an article numbered 1./（1） with weights in 分', () => {
  it('builds the tree from the numbering, and reads only the article, not the menus and footer around it', async () => {
    const run = await runCli(['import', join(FIXTURES, 'article-fen.html')]);
    expect(run.code).toBe(0);
    const criteria = loaded(run.stdout);
    expect(criteria.title).toBe('八公山区2021年政务公开考核评估指标');
    expect(shapeOf(criteria.indicators)).toEqual([
      { id: '1', title: '决策公开', weight: 8, indicators: [
        { id: '1.1', title: '重大决策预公开', weight: 5, requirement: '重大行政决策事项目录向社会公开，决策草案公开征求意见。',
          evidence: [{ title: '决策预公开', url: 'https://www.bgs.gov.cn/jcygk/' }] },
        { id: '1.2', title: '决策结果公开', weight: 3, requirement: '公开决策结果及执行情况。', evidence: [{ title: '决策结果专栏', url: 'https://www.bgs.gov.cn/jcjg/' }] },
      ] },
      { id: '2', title: '执行和结果公开', weight: 7, indicators: [
        { id: '2.1', title: '政府工作报告落实', weight: 4, requirement: '公开政府工作报告重点任务分工及落实情况。',
          evidence: [{ title: '任务分工', url: 'https://www.bgs.gov.cn/rwfg/index.html' }] },
        { id: '2.2', title: '审计结果公开', weight: 0, requirement: '公开审计结果及整改情况。', evidence: [] },
      ] },
      { id: '3', title: '政务服务公开', weight: 5, indicators: [
        { id: '3.1', title: '办事指南', weight: 5, requirement: '办事指南要素齐全、准确。', evidence: [] },
      ] },
    ]);
    expect(run.stdout).not.toContain('gov.cn/"');
    expect(run.stdout).not.toContain('中国政府网');
  });

  it('says what it could not read: an unreadable weight, children that do not add up, a label with no link', async () => {
    const run = await runCli(['import', join(FIXTURES, 'article-fen.html')]);
    expect(lineOf(run.stdout, 'weight: 0')).toContain('# doubt: the weight could not be read from "（分值待定）"');
    expect(lineOf(run.stdout, 'weight: 7')).toContain('# doubt: its indicators add up to 4, not 7');
    expect(lineOf(run.stdout, 'title: 办事指南')).toContain('# doubt: a label with no link: "办事指南"');
    expect(run.stderr.match(/: doubt: /g)).toHaveLength(3);
    expect(run.stderr).toContain('3 doubts');
  });
});
