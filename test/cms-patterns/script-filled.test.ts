import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { parseCriteria } from '../../src/criteria/load.js';
import { findBrowser } from '../../src/render/index.js';
import { html, NOW, NOW_ARG, runCli, startServer, type TestServer } from '../helpers.js';

/**
 * The rule: no check fails on what a script may change. Pages built the way Hanweb (大汉) and
 * Anhui's 政务公开 platform build them, and pages whose only scripts are widgets. Today is
 * 2026-03-15 (NOW); `notice` allows 180 days.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'cms');
const fixture = (name: string, vars: Record<string, string> = {}) =>
  Object.entries(vars).reduce((text, [key, value]) => text.replaceAll(`%${key}%`, value), readFileSync(join(FIXTURES, name), 'utf8'));
const FRESH = { DATE1: '2026-03-10', DATE2: '2026-03-02' };
const STALE = { DATE1: '2025-06-01', DATE2: '2025-05-20' };
const LABEL_LISTS: Record<string, Record<string, string>> = { 7003: FRESH, 7004: STALE };

/** A static list with old dates, whose scripts are all widgets: 百度统计, 党政机关标识, pagination. */
const WIDGETS_ONLY = html(`<h2>通知公告</h2><ul><li>关于财政预算公开的通知 2025-06-01</li></ul>
<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");hm.src="https://hm.baidu.com/hm.js?x";document.head.appendChild(hm);})();</script>
<script>document.write(unescape("%3Cspan id='_ideConac'%3E%3C/span%3E%3Cscript src='https://dcs.conac.cn/js/1.js'%3E%3C/script%3E"));</script>
<script>var countPage=3;document.write("<a href='index.html'>首页</a>");document.write("<a href='index_1.html'>下一页</a>");</script>
<script>$.get("/site/visitcount.jsp?id=1", function (n) { document.getElementById("v").innerHTML = n; });</script><span id="v"></span>`);

/** An old list beside a script that loads more of it from elsewhere: the browser may show newer items. */
const AJAX_LIST = html(`<script src="/assets/js/jquery.min.js"></script><h2>通知公告</h2>
<ul id="list"><li>旧通知 2025-06-01</li></ul>
<script>$(function () { $.ajax({ url: "/api/list", success: function (h) { document.getElementById("list").innerHTML = h; } }); });</script>`);

/** The catalogue id comes from a function call: only running the script tells. */
const ODD_COLUMN = fixture('anhui-column.html', { CATID: '7003' })
  .replace('catId: catId', 'catId: pickCatalogue()')
  .replace('var catId', 'function pickCatalogue() { return location.hash ? "7004" : "7003"; }\n  var catId');

let server: TestServer;
let dir: string;
const labelRequests: URL[] = [];
const browser = findBrowser(process.env);

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (body: string, type = 'text/html; charset=utf-8') => res.writeHead(200, { 'content-type': type }).end(body);
    if (url.pathname === '/hanweb/fresh') return send(fixture('hanweb-column.html', FRESH));
    if (url.pathname === '/hanweb/stale') return send(fixture('hanweb-column.html', STALE));
    if (url.pathname === '/public/column/fresh') return send(fixture('anhui-column.html', { CATID: '7003' }));
    if (url.pathname === '/public/column/stale') return send(fixture('anhui-column.html', { CATID: '7004' }));
    if (url.pathname === '/public/column/odd') return send(ODD_COLUMN);
    if (url.pathname === '/site/label/8888') {
      // As the platform does: the same list by GET (the auditor) or by POST (the page's own $.ajax).
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      return void req.on('end', () => labelAnswer(url, req.method ?? 'GET', new URLSearchParams(body), send, () => res.writeHead(404).end()));
    }
    if (url.pathname === '/assets/js/jquery.min.js' || url.pathname === '/script/jquery.min.js') return send(fixture('jquery-shim.js'), 'application/javascript');
    if (url.pathname === '/widgets-only') return send(WIDGETS_ONLY);
    if (url.pathname === '/ajax-list') return send(AJAX_LIST);
    if (url.pathname === '/api/list') return send('<li>关于财政预算公开的通知 2026-03-12</li>');
    if (url.pathname === '/') return send(html('<h1>首页</h1>'));
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(html('<h1>404</h1><p>页面不存在</p>'));
  });
  dir = await mkdtemp(join(tmpdir(), 'audit-cms-'));
});
afterAll(() => server.close());

function labelAnswer(url: URL, method: string, form: URLSearchParams, send: (body: string) => void, notFound: () => void): void {
  if (method === 'GET') labelRequests.push(url);
  const params = method === 'POST' ? form : url.searchParams;
  const dates = LABEL_LISTS[params.get('catId') ?? ''];
  if (!dates || params.get('labelName') !== 'publicInfoList') return notFound();
  send(fixture('anhui-label-list.html', dates));
}

const criteria = (path: string, checks = 'keywords: [预算]\n        max_age: notice') => `version: 1
settings: { per_host_rate: 100, timeout: 5s, retries: 0 }
indicators:
  - id: "一"
    title: 财政信息公开
    weight: 1
    evidence:
      - title: 栏目
        url: "${server.origin}${path}"
        ${checks}
`;

interface Verdict { status: string; lastUpdated: string | undefined; rendered: boolean; checks: Record<string, { status: string; code: string }> }

/** No Chromium on this machine, as far as the run knows: what a server without a browser concludes. */
async function auditWithoutBrowser(path: string, checks?: string): Promise<Verdict> {
  const { criteria: loaded } = parseCriteria(criteria(path, checks), 'c.yaml');
  const report = await runAudit({ criteria: loaded!, dispatcher: new Agent(), now: NOW, env: {} });
  const e = report.indicators[0]!.evidence![0]!;
  return { status: e.verdict, lastUpdated: e.lastUpdated, rendered: Boolean(e.rendered), checks: Object.fromEntries(e.checks.map((c) => [c.name, { status: c.status, code: c.reason.code }])) };
}

/** The CLI as a user runs it, with the system Chromium. */
async function auditWithBrowser(path: string) {
  const name = `c${Math.random().toString(36).slice(2)}`;
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, criteria(path));
  const out = join(dir, `${name}.json`);
  const run = await runCli([file, '--quiet', '--now', NOW_ARG, '--output', out]);
  const evidence = JSON.parse(await readFile(out, 'utf8')).indicators[0].evidence[0];
  return { code: run.code, ...evidence };
}

describe('Hanweb (大汉) columns: the list embedded as datastore records is the page\'s content', () => {
  it('passes a fresh column without a browser, with the newest record\'s date', async () => {
    const e = await auditWithoutBrowser('/hanweb/fresh');
    expect(e.status).toBe('pass');
    expect(e.lastUpdated).toBe('2026-03-10');
    expect(e.rendered).toBe(false);
  });

  it('fails a stale column without a browser: its records are read, and jpage adds nothing to page one', async () => {
    const e = await auditWithoutBrowser('/hanweb/stale');
    expect(e.status).toBe('fail');
    expect(e.checks.freshness).toEqual({ status: 'fail', code: 'STALE' });
    expect(e.lastUpdated).toBe('2025-06-01');
  });
});

describe('Anhui column pages whose list request is built from an object', () => {
  it('fetches the label list the script asks for and passes a fresh column without a browser', async () => {
    labelRequests.length = 0;
    const e = await auditWithoutBrowser('/public/column/fresh');
    expect(e.status).toBe('pass');
    expect(e.lastUpdated).toBe('2026-03-10');
    const sent = labelRequests[0]!.searchParams;
    expect(Object.fromEntries([...sent].filter(([k]) => ['IsAjax', 'dataType', 'labelName', 'siteId', 'catId', 'organId', 'file', 'pageIndex', 'type'].includes(k)))).toEqual({
      IsAjax: '1', dataType: 'html', labelName: 'publicInfoList', siteId: '6596035', catId: '7003', organId: '7011', file: '/c1/xxgk/publicInfoList_newest2020', pageIndex: '1', type: '4',
    });
    expect(sent.has('_')).toBe(false);
  });

  it('fails a stale column without a browser, from the fetched list', async () => {
    const e = await auditWithoutBrowser('/public/column/stale');
    expect(e.status).toBe('fail');
    expect(e.checks.freshness).toEqual({ status: 'fail', code: 'STALE' });
    expect(e.lastUpdated).toBe('2025-06-01');
  });

  it('leaves the page unverified, never failed, when a request value is only known to the browser', async () => {
    const e = await auditWithoutBrowser('/public/column/odd');
    expect(e.status).toBe('unverified');
    expect(e.checks.keywords).toEqual({ status: 'unverified', code: 'KEYWORDS_UNSEEN' });
    expect(e.checks.freshness).toEqual({ status: 'unverified', code: 'NO_DATE_SCRIPT_FILLED' });
    expect(e.checks.render).toEqual({ status: 'unverified', code: 'RENDER_UNAVAILABLE' });
  });

  it('reports the list it fetched, and keeps the fragment in --archive with the page', async () => {
    const file = join(dir, 'label.yaml');
    await writeFile(file, criteria('/public/column/fresh'));
    const out = join(dir, 'label.json');
    const run = await runCli([file, '--verbose', '--lang', 'en', '--now', NOW_ARG, '--render', 'never', '--archive', join(dir, 'warc'), '--output', out]);
    expect(run.stdout).toContain('2026-03-10 (page text) · list read from its /site/label/ request');
    const e = JSON.parse(await readFile(out, 'utf8')).indicators[0].evidence[0];
    expect(e.status).toBe('pass');
    expect(e.list_from).toHaveLength(1);
    expect(e.list_from[0]).toMatch(/\/site\/label\/8888\?.*labelName=publicInfoList/);
    const archived = e.archive.records.map((r: { target_uri: string }) => r.target_uri);
    expect(archived).toContain(`${server.origin}/public/column/fresh`);
    expect(archived).toContain(e.list_from[0]);
  });
});

describe('scripts that fill nothing, and scripts that may', () => {
  it('fails a stale page whose only scripts are analytics, a badge, pagination and a visit counter, without a browser', async () => {
    const e = await auditWithoutBrowser('/widgets-only');
    expect(e.status).toBe('fail');
    expect(e.checks.freshness).toEqual({ status: 'fail', code: 'STALE' });
  });

  it('leaves a stale list that a script reloads unverified without a browser, naming the loader', async () => {
    const e = await auditWithoutBrowser('/ajax-list');
    expect(e.status).toBe('unverified');
    expect(e.checks.freshness).toEqual({ status: 'unverified', code: 'STALE_SCRIPT_FILLED' });
    expect(e.lastUpdated).toBe('2025-06-01');
  });

  it('with --render never, says unverified without a render check', async () => {
    const file = join(dir, 'never.yaml');
    await writeFile(file, criteria('/ajax-list'));
    const out = join(dir, 'never.json');
    const run = await runCli([file, '--quiet', '--now', NOW_ARG, '--render', 'never', '--output', out]);
    const e = JSON.parse(await readFile(out, 'utf8')).indicators[0].evidence[0];
    expect(e.status).toBe('unverified');
    expect(e.checks.map((c: { name: string }) => c.name)).toEqual(['status', 'content', 'keywords', 'freshness']);
    expect(e.checks.find((c: { name: string }) => c.name === 'freshness').message).toMatch(/2025-06-01.*\$\.ajax/);
    expect(run.code).toBe(0);
  });

  it('judges a fresh page with a loader on its HTML, without rendering it', async () => {
    const e = await auditWithoutBrowser('/public/column/fresh', 'keywords: [部门预算]');
    expect(e.status).toBe('pass');
    expect(e.rendered).toBe(false);
  });
});

describe.skipIf(!browser)('with the system Chromium', { tags: ['slow'] }, () => {
  it('renders a page a script fills and judges the rendered DOM, saying so in the report', async () => {
    const e = await auditWithBrowser('/ajax-list');
    expect(e.status).toBe('pass');
    expect(e.rendered).toBe(true);
    expect(e.last_updated).toBe('2026-03-12');
    const file = join(dir, 'rendered.yaml');
    await writeFile(file, criteria('/ajax-list'));
    const run = await runCli([file, '--verbose', '--now', NOW_ARG, '--lang', 'en']);
    expect(run.stdout).toContain('2026-03-12 (page text) · judged on the page as a browser rendered it');
  });

  it('gives the same verdicts on the CMS patterns as without one, with no rendering where the HTML settles it', async () => {
    const [hanweb, stale, anhui] = await Promise.all(['/hanweb/fresh', '/hanweb/stale', '/public/column/fresh'].map(auditWithBrowser));
    expect([hanweb.status, stale.status, anhui.status]).toEqual(['pass', 'fail', 'pass']);
    expect([hanweb.rendered, stale.rendered, anhui.rendered]).toEqual([false, false, false]);
  });

  it('renders an Anhui page whose request it cannot read, and judges the list the browser shows', async () => {
    const e = await auditWithBrowser('/public/column/odd');
    expect(e.rendered).toBe(true);
    expect(e.status).toBe('pass');
    expect(e.last_updated).toBe('2026-03-10');
  });
});
if (!browser) console.warn('cms-patterns/script-filled.test.ts: browser cases skipped: no Chromium; apt-get install chromium (or set CHROMIUM_PATH)');
