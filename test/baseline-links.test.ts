import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport, Changes } from '../src/model/report.js';
import { compareWithBaseline, hasRegression, readBaseline } from '../src/history/baseline.js';
import { FORMATTERS } from '../src/report/index.js';
import { html, runCli, startServer, type TestServer } from './helpers.js';
import { demoReport } from './report-fixture.js';

/**
 * --baseline link by link: a link that breaks inside an indicator that was already failing is
 * news, in every report and notification, and a regression. One loopback server whose pages are
 * switched between "nights"; any path outside /e/ is a real 404, so the soft-404 probe finds no
 * error page to mistake the pages for.
 */
let server: TestServer;
let dir: string;
const broken = new Set<string>();
const walled = new Set<string>();
const hooks: { path: string; body: unknown }[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = (req.url ?? '').replace(/\?.*/, '');
    if (path.startsWith('/hook')) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push({ path, body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}');
      });
      return;
    }
    if (walled.has(path)) return void res.writeHead(412).end('<script>$_ts=window.$_ts||{}</script>');
    if (!path.startsWith('/e/') || broken.has(path)) return void res.writeHead(404).end('gone');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(`<p>政务公开 ${path}</p>`));
  });
  dir = await mkdtemp(join(tmpdir(), 'audit-links-'));
});
afterAll(() => server.close());

/** One evidence as YAML list lines; `keywords` makes two citations of one page judged apart. */
interface Cite { path: string; title?: string; keywords?: string[] }

/** A table of leaves A.1, A.2 … under A, each citing its links; titles stay 指标N. */
async function criteria(name: string, leaves: Cite[][]): Promise<string> {
  const cite = (c: Cite) => [
    `          - url: ${server.origin}${c.path}`,
    ...(c.title ? [`            title: ${c.title}`] : []),
    ...(c.keywords ? [`            keywords: [${c.keywords.join(', ')}]`] : []),
  ].join('\n');
  const yaml = `version: 1
title: 测试
settings:
  per_host_rate: 50
  per_host_concurrency: 4
  timeout: 2s
  retries: 0
indicators:
  - id: "A"
    title: 测试分组
    weight: ${leaves.length}
    indicators:
${leaves.map((links, i) => `      - id: "A.${i + 1}"
        title: 指标${i + 1}
        weight: 1
        evidence:
${links.map(cite).join('\n')}`).join('\n')}
`;
  const file = join(dir, name);
  await writeFile(file, yaml);
  return file;
}

async function night(file: string, out: string, args: string[] = []) {
  const result = await runCli([file, '--output', out, '--quiet', ...args]);
  const report = JSON.parse(await readFile(out, 'utf8'));
  return { ...result, report, changes: report.changes };
}

function setPages(pages: { broken?: string[]; walled?: string[] }) {
  broken.clear();
  walled.clear();
  for (const p of pages.broken ?? []) broken.add(p);
  for (const p of pages.walled ?? []) walled.add(p);
}

describe('--baseline, link by link', () => {
  it('lists a link that breaks inside an indicator already failing, with its URL, everywhere; --fail-on regression fails on it', async () => {
    const file = await criteria('inside.yaml', [[{ path: '/e/dead' }, { path: '/e/breaks', title: '年度报告' }], [{ path: '/e/fine' }]]);
    setPages({ broken: ['/e/dead'] });
    const base = join(dir, 'inside-1.json');
    expect((await night(file, base)).code).toBe(1);

    setPages({ broken: ['/e/dead', '/e/breaks'] });
    const [md, page, hook] = [join(dir, 'inside.md'), join(dir, 'inside.html'), `json:${server.origin}/hook/json`];
    hooks.length = 0;
    const run = await runCli([file, '--lang', 'en', '--baseline', base, '--fail-on', 'regression', '--output', join(dir, 'inside-2.json'),
      '--output', md, '--output', page, '--notify', hook, '--notify', `wecom:${server.origin}/hook/wecom`]);
    expect(run.code).toBe(1);
    const url = `${server.origin}/e/breaks`;
    const report = JSON.parse(await readFile(join(dir, 'inside-2.json'), 'utf8'));
    expect(report.changes.newly_failing).toEqual([]); // A.1 was failing already
    expect(report.changes.newly_failing_evidence).toEqual([
      { indicator_id: 'A.1', title: '年度报告', url, reason: expect.stringMatching(/404/), previous: 'pass' },
    ]);
    expect(report.changes.fixed_evidence).toEqual([]);

    expect(run.stdout).toMatch(new RegExp(`Newly failing links:\\n  A\\.1 年度报告 ${escape(url)}: .*404`));
    const markdown = await readFile(md, 'utf8');
    expect(markdown).toContain('**Newly failing links**');
    expect(markdown).toMatch(new RegExp(`- ❌ A\\.1 年度报告 \\[${escape(url)}\\]\\(${escape(url)}\\) \\(✅ → ❌\\): .*404`));
    const htmlReport = await readFile(page, 'utf8');
    expect(htmlReport).toMatch(new RegExp(`<ul class="newly-failing-evidence"><li class="v-fail">.*A\\.1</span> 年度报告 <a href="${escape(url)}"[^>]*>${escape(url)}</a>`));

    const json = hooks.find((h) => h.path === '/hook/json')!.body as { regressed: boolean; newlyFailingEvidence: unknown[] };
    expect(json.regressed).toBe(true);
    expect(json.newlyFailingEvidence).toEqual([{ id: 'A.1', title: '年度报告', url, reason: expect.stringMatching(/404/) }]);
    const wecom = hooks.find((h) => h.path === '/hook/wecom')!.body as { markdown: { content: string } };
    expect(wecom.markdown.content).toMatch(new RegExp(`\\*\\*Newly failing \\(1\\)\\*\\*\\n\\n- A\\.1 年度报告 ${escape(url)}: HTTP 404`));
  });

  it('exits 0 and shows no link section when nothing regressed', async () => {
    const file = await criteria('calm.yaml', [[{ path: '/e/calm-dead' }, { path: '/e/calm-ok' }]]);
    setPages({ broken: ['/e/calm-dead'] });
    const base = join(dir, 'calm-1.json');
    await night(file, base);
    hooks.length = 0;
    const again = await night(file, join(dir, 'calm-2.json'), ['--baseline', base, '--fail-on', 'regression', '--notify', `json:${server.origin}/hook/calm`, '--notify-on', 'always']);
    expect(again.code).toBe(0);
    expect(again.changes.newly_failing_evidence).toEqual([]);
    // The webhook hears what it heard before links were compared.
    expect(Object.keys(hooks[0]!.body as object)).not.toContain('newlyFailingEvidence');
    expect(Object.keys(hooks[0]!.body as object)).not.toContain('fixedEvidence');
    const table = await runCli([file, '--lang', 'en', '--baseline', base]);
    // The changes section as it was before links were compared.
    expect(table.stdout.endsWith(`\n\nChanges since the baseline (Baseline: ${base})\nScore change: 0\n`)).toBe(true);
  });

  it('lists a link unverified before and failing now, but as no regression', async () => {
    const file = await criteria('walled.yaml', [[{ path: '/e/dead2' }, { path: '/e/walled' }]]);
    setPages({ broken: ['/e/dead2'], walled: ['/e/walled'] });
    const base = join(dir, 'walled-1.json');
    const first = await night(file, base);
    expect(first.report.indicators[0].indicators[0].evidence[1].status).toBe('unverified');
    setPages({ broken: ['/e/dead2', '/e/walled'] });
    const run = await night(file, join(dir, 'walled-2.json'), ['--baseline', base, '--fail-on', 'regression']);
    expect(run.changes.newly_failing_evidence).toMatchObject([{ url: `${server.origin}/e/walled`, previous: 'unverified' }]);
    expect(run.code).toBe(0);
  });

  it('lists fixed links, also inside an indicator still failing', async () => {
    const file = await criteria('fixed.yaml', [[{ path: '/e/dead3' }, { path: '/e/mends' }]]);
    setPages({ broken: ['/e/dead3', '/e/mends'] });
    const base = join(dir, 'fixed-1.json');
    await night(file, base);
    setPages({ broken: ['/e/dead3'] });
    const run = await night(file, join(dir, 'fixed-2.json'), ['--baseline', base]);
    expect(run.changes.fixed).toEqual([]);
    expect(run.changes.fixed_evidence).toEqual([{ indicator_id: 'A.1', title: `${server.origin}/e/mends`, url: `${server.origin}/e/mends` }]);
    const table = await runCli([file, '--lang', 'en', '--baseline', base]);
    // Cited without a title: the URL is said once.
    expect(table.stdout).toContain(`Fixed links:\n  A.1 ${server.origin}/e/mends\n`);
  });

  it('keeps a URL cited twice in one indicator apart by its titles, whatever their order', async () => {
    const ok = { path: '/e/twice', title: '有关键词', keywords: ['政务公开'] };
    const missing = { path: '/e/twice', title: '缺关键词', keywords: ['不存在的词'] };
    const base = join(dir, 'twice-1.json');
    setPages({});
    await night(await criteria('twice.yaml', [[ok, missing]]), base);
    // Reordered: paired by position, the failing citation would take the passing one's place.
    const reordered = await criteria('twice-reordered.yaml', [[missing, ok]]);
    const run = await night(reordered, join(dir, 'twice-2.json'), ['--baseline', base, '--fail-on', 'regression']);
    expect(run.changes.newly_failing_evidence).toEqual([]);
    expect(run.code).toBe(0);
    // The page breaks: only the citation that passed is newly failing.
    setPages({ broken: ['/e/twice'] });
    const broke = await night(reordered, join(dir, 'twice-3.json'), ['--baseline', base, '--fail-on', 'regression']);
    expect(broke.changes.newly_failing_evidence).toMatchObject([{ title: '有关键词', previous: 'pass' }]);
    expect(broke.code).toBe(1);
  });

  it('follows a link moved to another indicator; a URL newly cited elsewhere as well is new there', async () => {
    setPages({ broken: ['/e/m-dead', '/e/moving', '/e/shared-dead'] });
    const base = join(dir, 'moved-1.json');
    await night(await criteria('moved.yaml', [
      [{ path: '/e/m-dead' }, { path: '/e/shared-dead' }],
      [{ path: '/e/moving' }, { path: '/e/moved-breaks' }],
    ]), base);
    // /e/moving (still broken) and /e/moved-breaks (breaking now) move from A.2 to A.1;
    // /e/shared-dead stays in A.1 and is cited by a new A.3 too.
    const moved = await criteria('moved-2.yaml', [
      [{ path: '/e/m-dead' }, { path: '/e/shared-dead' }, { path: '/e/moving' }, { path: '/e/moved-breaks' }],
      [{ path: '/e/m-ok' }],
      [{ path: '/e/shared-dead' }],
    ]);
    setPages({ broken: ['/e/m-dead', '/e/moving', '/e/shared-dead', '/e/moved-breaks'] });
    const run = await night(moved, join(dir, 'moved-2.json'), ['--baseline', base, '--fail-on', 'regression']);
    expect(run.changes.newly_failing_evidence).toMatchObject([
      { indicator_id: 'A.1', url: `${server.origin}/e/moved-breaks`, previous: 'pass' },
      { indicator_id: 'A.3', url: `${server.origin}/e/shared-dead`, previous: 'new' },
    ]);
    expect(run.changes.newly_failing_evidence).toHaveLength(2);
    expect(run.code).toBe(1);
  });

  it('matches a URL whose token the reports mask', async () => {
    const file = await criteria('token.yaml', [[{ path: '/e/dead4' }, { path: '/e/private?token=s3cr3t-value' }]]);
    setPages({ broken: ['/e/dead4'] });
    const base = join(dir, 'token-1.json');
    await night(file, base);
    expect(await readFile(base, 'utf8')).not.toContain('s3cr3t-value');
    setPages({ broken: ['/e/dead4', '/e/private'] });
    const run = await night(file, join(dir, 'token-2.json'), ['--baseline', base, '--fail-on', 'regression']);
    expect(run.changes.newly_failing_evidence).toMatchObject([{ url: `${server.origin}/e/private?token=***`, previous: 'pass' }]);
    expect(run.code).toBe(1);
  });

  it('reads a baseline written before links were compared, and one that lists no link detail', async () => {
    const file = await criteria('old.yaml', [[{ path: '/e/dead5' }, { path: '/e/old' }]]);
    const url = `${server.origin}/e/old`;
    // As the first JSON reports had it: no line, checks without codes, changes without links.
    const old = {
      version: 1, title: '测试', score: 0, max_score: 1, finished_at: '2026-03-01T00:00:00.000Z', complete: true,
      changes: { baseline: { path: 'x.json', finished_at: '', score: 0 }, score_delta: 0, newly_failing: [], fixed: [] },
      indicators: [{ id: 'A', title: '测试分组', weight: 1, score: 0, status: 'fail', indicators: [{
        id: 'A.1', title: '指标1', weight: 1, score: 0, status: 'fail', evidence: [
          { title: `${server.origin}/e/dead5`, url: `${server.origin}/e/dead5`, final_url: `${server.origin}/e/dead5`, status: 'fail', http_status: 404, checks: [{ name: 'status', ok: false, message: 'HTTP 404' }] },
          { title: url, url, final_url: url, status: 'pass', http_status: 200, checks: [{ name: 'status', ok: true, message: 'HTTP 200' }] },
        ],
      }] }],
    };
    const base = join(dir, 'old-1.json');
    await writeFile(base, JSON.stringify(old));
    setPages({ broken: ['/e/dead5', '/e/old'] });
    const out = join(dir, 'old-2.json');
    const run = await night(file, out, ['--baseline', base, '--fail-on', 'regression']);
    expect(run.changes.newly_failing_evidence).toMatchObject([{ url, previous: 'pass' }]);
    expect(run.code).toBe(1);

    const schema = JSON.parse(await readFile(new URL('../schema/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(run.report), JSON.stringify(validate.errors)).toBe(true);
    const { newly_failing_evidence: _n, fixed_evidence: _f, ...olderChanges } = run.report.changes;
    expect(validate({ ...run.report, changes: olderChanges }), 'a report from before still matches').toBe(true);

    // Hand-trimmed: links without url or status count as new, never as a crash or a regression.
    const leaf = old.indicators[0]!.indicators[0]!;
    leaf.evidence = leaf.evidence.map(({ title }) => ({ title })) as typeof leaf.evidence;
    await writeFile(base, JSON.stringify(old));
    const trimmed = await night(file, out, ['--baseline', base, '--fail-on', 'regression']);
    expect(trimmed.code).toBe(0);
    expect(trimmed.changes.newly_failing_evidence).toMatchObject([{ previous: 'new' }, { url, previous: 'new' }]);
  });
});

describe('reports with no link changed', () => {
  it('say in every human format exactly what they said before links were compared', { tags: ['slow'] }, async () => {
    const report = await demoReport();
    const before: Changes = {
      baseline: { path: 'night.json', finishedAt: '2026-03-14T04:00:00Z', score: 50 }, scoreDelta: -2.5,
      newlyFailing: [{ id: '二.3', title: '某指标', reason: 'HTTP 404', previous: 'pass' }], fixed: [{ id: '一.2', title: '发展规划' }],
    };
    const now = { ...before, newlyFailingEvidence: [], fixedEvidence: [] };
    for (const lang of ['zh', 'en'] as const) {
      for (const [name, formatter] of Object.entries(FORMATTERS)) {
        const format = (changes: Changes) => formatter.format({ ...report, changes }, { lang, color: false, verbose: true });
        if (name === 'json') expect(JSON.parse(format(now)).changes).toMatchObject({ newly_failing_evidence: [], fixed_evidence: [] });
        else expect(format(now), `${name} ${lang}`).toBe(format(before));
      }
    }
  }, 60_000);
});

describe('matching at scale', { tags: ['slow'] }, () => {
  it('compares 100,000 links, all moved to other indicators, by Map lookups', async () => {
    const leaves = 10_000;
    const perLeaf = 10;
    const url = (i: number, j: number) => `https://example.gov.cn/${i}/${j}`;
    // The baseline: every link passing, under A.i.
    const baseline = {
      version: 1, title: 't', score: 0, indicators: Array.from({ length: leaves }, (_, i) => ({
        id: `A.${i}`, title: `指标${i}`, status: 'pass', score: 1,
        evidence: Array.from({ length: perLeaf }, (_, j) => ({ title: url(i, j), url: url(i, j), status: 'pass' })),
      })),
    };
    const path = join(dir, 'big.json');
    await writeFile(path, JSON.stringify(baseline));
    // This run: every link moved to B.i (the loosest step), and the last leaf's links fail.
    const evidence = (i: number, j: number) => ({
      evidence: { title: url(i, j), url: url(i, j) }, verdict: i === leaves - 1 ? 'fail' : 'pass',
      checks: i === leaves - 1 ? [{ name: 'status', status: 'fail', reason: { code: 'STATUS_UNEXPECTED', params: { status: 404, expected: '200-299' } } }] : [],
    });
    const report = {
      indicators: Array.from({ length: leaves }, (_, i) => ({
        indicator: { id: `B.${i}`, title: `新${i}` }, score: 0, verdict: i === leaves - 1 ? 'fail' : 'pass', children: [],
        evidence: Array.from({ length: perLeaf }, (_, j) => evidence(i, j)),
      })),
    } as unknown as AuditReport;
    const read = await readBaseline(path);
    const started = performance.now();
    const changes = compareWithBaseline(report, read, 'en');
    const elapsed = performance.now() - started;
    expect(changes.newlyFailingEvidence).toHaveLength(perLeaf);
    expect(changes.newlyFailingEvidence![0]).toMatchObject({ indicatorId: `B.${leaves - 1}`, previous: 'pass' });
    expect(hasRegression(changes)).toBe(true);
    // A nested scan is 10^10 comparisons; the Maps take well under a second even on a busy machine.
    expect(elapsed).toBeLessThan(10_000);
  }, 60_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
