import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { html, runCli } from '../helpers.js';
import { docxFrom, sheetlessXlsx, tableDocx } from './office.js';

/** Bad input: exit 2, one line naming the file, the reason and the fix; no stack trace, nothing written. */
const FIXTURES = fileURLToPath(new URL('../fixtures/import/', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-import-junk-'));
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Imports into a fresh folder with --output, and checks nothing landed there. */
async function refused(source: string): Promise<string> {
  const out = await mkdtemp(join(dir, 'out-'));
  const run = await runCli(['import', source, '--output', join(out, 'criteria.yaml')]);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(new RegExp(`^audit import: ${source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .+ \\(.+\\); nothing was written\\n$`));
  expect(run.stderr).not.toMatch(/\n\s+at |unexpected error/);
  expect(await readdir(out)).toEqual([]);
  return run.stderr;
}

describe('sources that hold no table', () => {
  it('a page with no table and no weighted headings', async () => {
    const page = await file('news.html', html('<h1>政务要闻</h1><p>一、会议召开</p><p>二、工作部署</p><p><a href="https://www.example.gov.cn/">首页</a></p>'));
    expect(await refused(page)).toContain('no assessment table was found in it: no table whose header names its columns (一级指标, 分值, 评分标准, 佐证材料 …)');
  });

  it('a page whose only table is a layout or data table of another kind', async () => {
    const page = await file('stats.html', html('<table><tr><th>月份</th><th>来信</th></tr><tr><td>1月</td><td>12</td></tr></table>'));
    expect(await refused(page)).toContain('no assessment table was found');
  });

  it('a text with no numbered, weighted headings', async () => {
    expect(await refused(await file('notes.txt', '工作总结\n今年我们做了很多工作。\nhttps://www.example.gov.cn/\n'))).toContain('no numbered headings with weights');
  });

  it('an empty file', async () => {
    expect(await refused(await file('empty.html', ''))).toContain(': it is empty (pass the published table');
  });

  it('a corrupt DOCX: cut short, or with a document Word cannot read', async () => {
    const whole = tableDocx();
    expect(await refused(await file('cut.docx', whole.subarray(0, whole.length - 200)))).toContain('it is not a readable DOCX file: the ZIP package is incomplete or damaged');
    const garbled = docxFrom('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl>');
    expect(await refused(await file('garbled.docx', garbled))).toMatch(/it is not a readable DOCX file: .+ \(open it in Word or WPS, save it again as \.docx, and import that\)/);
  });

  it('an XLSX with no sheet', async () => {
    expect(await refused(await file('empty.xlsx', sheetlessXlsx()))).toContain(': the workbook holds no sheets (');
  });

  it('a PDF, a legacy .doc, and bytes of no known kind', async () => {
    expect(await refused(await file('table.pdf', '%PDF-1.7\n1 0 obj\n'))).toContain('it is a PDF');
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.from('WordDocument', 'utf16le')]);
    expect(await refused(await file('table.doc', ole))).toContain('save it as .docx');
    expect(await refused(await file('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])))).toContain('it is not a web page, text, DOCX or XLSX file');
  });

  it('a table whose merges would expand past any assessment table, and a sheet with a cell far outside its table', async () => {
    const bomb = '<table><tr><th>指标</th><th>分值</th><th>佐证材料</th></tr>' + '<tr><td rowspan="5000" colspan="100">x</td></tr>'.repeat(3000) + '</table>';
    expect(await refused(await file('bomb.html', bomb))).toContain('table 1 in it spans more than 200 columns or 2,000,000 cells');
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('自评表');
    sheet.addRow(['指标', '分值', '佐证材料']);
    sheet.addRow(['决策公开', 5, 'https://www.example.gov.cn/a']);
    sheet.getCell('XFD1048576').value = '备注';
    const far = await file('far.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(await refused(far)).toContain('sheet "自评表" holds cells beyond row 20000 or column 200');
  });

  it('a path that is not there, or a folder', async () => {
    expect(await refused(join(dir, 'no-such-table.html'))).toContain(': file not found (');
    expect(await refused(dir)).toContain(': it is a folder (');
  });
});

describe('pages built oddly', () => {
  it('reads a table nested 20,000 tags deep without overflowing the stack', async () => {
    const table = '<table><tr><th>指标</th><th>分值</th><th>佐证材料</th></tr><tr><td>决策公开</td><td>5</td><td>专栏：https://www.example.gov.cn/a</td></tr></table>';
    const page = await file('deep.html', `<html><body>${'<div><span>'.repeat(10_000)}${table}${'</span></div>'.repeat(10_000)}</body></html>`);
    const run = await runCli(['import', page]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('url: https://www.example.gov.cn/a\n');
  });
});

describe('the output file and the options', () => {
  const table = join(FIXTURES, 'table.html');

  it('writes --output, and leaves an existing file alone without --force', async () => {
    const out = join(dir, 'kept.yaml');
    await writeFile(out, 'mine\n');
    const kept = await runCli(['import', table, '--output', out]);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toContain('the file exists and was left as it is; pass --force to replace it');
    expect(await readFile(out, 'utf8')).toBe('mine\n');
    const forced = await runCli(['import', table, '--output', out, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('');
    expect(await readFile(out, 'utf8')).toMatch(/^# Imported by `audit import`[\s\S]*\ntitle: 寿县2021年度政务公开工作自评表\n/);
    expect(forced.stderr).toContain(`${out}:`);
    expect(forced.stderr).toContain(`wrote ${out}; next: audit validate ${out}`);
    // Atomic: no temporary file left beside it.
    expect((await readdir(dir)).filter((name) => name.includes('kept.yaml'))).toEqual(['kept.yaml']);
  });

  it('sets --title and --max-age, and refuses a --max-age that is no duration', async () => {
    const run = await runCli(['import', table, '--title', '寿县2021年自评表（修订）', '--max-age', '6mo']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\ntitle: 寿县2021年自评表（修订）\ndefaults:\n  max_age: 6mo\nindicators:\n');
    expect(run.stdout).toContain('# Freshness: defaults: max_age: 6mo applies to every link');
    const bad = await runCli(['import', table, '--max-age', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-age: "soon" is not a preset or a duration (use news, notice or statutory');
    expect(bad.stdout).toBe('');
  });

  it('is listed in --help, with its options', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/import \[options\] <source>\s+make a criteria file from a published table/);
    const own = await runCli(['import', '--help']);
    expect(own.code).toBe(0);
    for (const option of ['--output <file>', '--title <text>', '--max-age <preset>', '--force', '--proxy <url>']) expect(own.stdout).toContain(option);
    expect((await runCli(['import', '--help', '--lang', 'zh'])).stdout).toContain('由已发布的自评表');
  });
});
