import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeHtml } from '../../src/check/page.js';
import { detectBotWall, wallMarkerText } from '../../src/check/signatures.js';
import { html, runCli, startServer, type TestServer } from '../helpers.js';

/**
 * Bot walls are told by what the body is, not by the status: a 瑞数 or 加速乐 challenge sent with
 * 200 or 202 is a wall, and a full page that still carries the vendor's script is not.
 */
const repoRoot = join(import.meta.dirname, '..', '..');
/** Beside the repository, as CI clones it (shared/real-pages/README.md gives each page's facts). */
const realPage = (name: string) => readFileSync(join(repoRoot, '..', 'shared', 'real-pages', name), 'utf8');

/** A 瑞数 first visit as the vendor sends it: no content, a `r="m"` meta, the $_ts script and its loader. */
const RUISHU_FIRST_VISIT = `<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="Expires" content="0"><meta http-equiv="Cache-Control" content="no-cache"><meta http-equiv="Pragma" content="no-cache">
<meta content="Hdr1xXQH0c8Yxo6y.W3kNcl9j3Z2bWqCkbTz8eUVQ4n7K3cPa1vLrTzeQ" r="m">
<!--[if lt IE 9]><script r='m'>document.createElement("section")</script><![endif]-->
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84629;$_ts.cd="qxAFrAlhEqWlqGLcxaErrGAlrrAcqqLlrAEqrqAlEqWlqGLcx";</script>
<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js" r='m'></script>
</head><body></body></html>`;

/** A 加速乐 challenge: one script that sets the clearance cookie and reloads. */
const JIASULE_CHALLENGE = `<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+('_')+('s')+'=1700000000.123|0|abc';location.href=location.pathname+location.search</script></body></html>`;

/** A real article that the server sends with the clearance cookie again, once the visitor has passed. */
const CLEARED_ARTICLE = html(`<h1>关于公布2026年部门预算的通知</h1><p>发布日期：2026-03-01</p>
<p>根据《中华人民共和国预算法》和政府信息公开有关规定，现将本部门2026年部门预算公开如下，包括收支总表、收入总表、支出总表、财政拨款收支总表等。</p>`);

let server: TestServer;
let dir: string;

beforeAll(async () => {
  const nmpa = realPage('nmpa-datasearch-ruishu-shell.html');
  server = await startServer((req, res) => {
    const send = (status: number, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
    const ruishu = /^\/rs\/(\d{3})$/.exec(req.url ?? '');
    if (ruishu) return send(Number(ruishu[1]), RUISHU_FIRST_VISIT);
    const jiasule = /^\/jsl\/(\d{3})$/.exec(req.url ?? '');
    if (jiasule) return send(Number(jiasule[1]), JIASULE_CHALLENGE, { 'set-cookie': '__jsluid_s=5b1c2e; path=/' });
    if (req.url === '/datasearch/home-index.html') return send(200, nmpa);
    if (req.url === '/cleared') return send(200, CLEARED_ARTICLE, { 'set-cookie': '__jsl_clearance_s=1700000000.123|0|abc; path=/' });
    if (req.url === '/') return send(200, html('<h1>首页</h1><p>政务公开 办事服务</p>'));
    send(404, html('<p>404 页面不存在</p>'));
  });
  dir = await mkdtemp(join(tmpdir(), 'audit-bot-walls-'));
});
afterAll(() => server.close());

interface EvidenceJson { status: string; checks: { name: string; code: string; message: string }[] }

let runs = 0;
async function audit(evidence: string[]): Promise<{ code: number; evidence: EvidenceJson[] }> {
  const file = join(dir, `c${++runs}.yaml`);
  const indicators = evidence.map((e, i) => `  - title: 指标${i + 1}\n    weight: 1\n    evidence:\n      - ${e.replaceAll('$S', server.origin)}`).join('\n');
  await writeFile(file, `version: 1\nsettings: { per_host_rate: 100, timeout: 2s, retries: 0 }\nindicators:\n${indicators}\n`);
  const out = join(dir, `r${runs}.json`);
  const run = await runCli([file, '--quiet', '--output', out]);
  expect(run.stderr).toBe('');
  const report = JSON.parse(await readFile(out, 'utf8'));
  return { code: run.code, evidence: report.indicators.map((i: { evidence: EvidenceJson[] }) => i.evidence[0]) };
}

describe('瑞数 served with a success status', () => {
  it.each([200, 202])('leaves a first-visit challenge sent with %i unverified, for status-only and keyword evidence', async (status) => {
    const { code, evidence } = await audit([`{ url: "$S/rs/${status}" }`, `{ url: "$S/rs/${status}", keywords: [部门预算] }`]);
    for (const e of evidence) {
      expect(e.status).toBe('unverified');
      expect(e.checks.map((c) => [c.name, c.code])).toEqual([['blocked', 'BOT_WALL']]);
      expect(e.checks[0]!.message).toContain(`瑞数 (Ruishu): HTTP ${status} with a $_ts challenge script`);
    }
    // Unverified is not a failure: the run does not fail for it.
    expect(code).toBe(0);
  });

  it('still knows the challenge sent with its own 412', async () => {
    const { evidence } = await audit(['{ url: "$S/rs/412" }']);
    expect(evidence[0]!.status).toBe('unverified');
    expect(evidence[0]!.checks.map((c) => c.code)).toEqual(['BOT_WALL']);
  });

  it('passes a real page that carries $_ts beside its text (nmpa.gov.cn, after the first cookie)', async () => {
    const page = realPage('nmpa-datasearch-ruishu-shell.html');
    expect(page).toContain('$_ts');
    expect(page).toContain('r="m"');
    const { code, evidence } = await audit(['{ url: "$S/datasearch/home-index.html" }']);
    expect(evidence[0]!.status).toBe('pass');
    expect(evidence[0]!.checks.map((c) => c.code)).toEqual(['STATUS_OK', 'CONTENT_OK']);
    expect(code).toBe(0);
  });
});

describe('加速乐 by its body', () => {
  it('leaves a challenge sent with 200 unverified', async () => {
    const { evidence } = await audit(['{ url: "$S/jsl/200" }', '{ url: "$S/jsl/521" }']);
    for (const e of evidence) {
      expect(e.status).toBe('unverified');
      expect(e.checks.map((c) => c.code)).toEqual(['BOT_WALL']);
      expect(e.checks[0]!.message).toMatch(/加速乐/);
    }
  });

  it('passes a full page that comes with the clearance cookie', async () => {
    const { code, evidence } = await audit(['{ url: "$S/cleared", keywords: [部门预算] }']);
    expect(evidence[0]!.status).toBe('pass');
    expect(evidence[0]!.checks.map((c) => c.code)).toEqual(['STATUS_OK', 'CONTENT_OK', 'KEYWORDS_OK']);
    expect(code).toBe(0);
  });
});

describe('without the page parsed', () => {
  // Retries and bodies that are not HTML give only the raw head of the body, read as latin1.
  const raw = (page: string) => wallMarkerText(Buffer.from(page, 'utf8'));

  it('tells a challenge from a full page by the markup alone', () => {
    expect(detectBotWall(200, {}, raw(RUISHU_FIRST_VISIT), undefined)?.vendor).toBe('ruishu');
    expect(detectBotWall(202, {}, raw(JIASULE_CHALLENGE), undefined)?.vendor).toBe('jiasule');
    expect(detectBotWall(200, {}, raw(realPage('nmpa-datasearch-ruishu-shell.html')), undefined)).toBeUndefined();
    expect(detectBotWall(200, { 'set-cookie': '__jsl_clearance_s=1' }, raw(CLEARED_ARTICLE), undefined)).toBeUndefined();
  });

  it('judges the same with and without the parsed page', () => {
    for (const page of [RUISHU_FIRST_VISIT, JIASULE_CHALLENGE, realPage('nmpa-datasearch-ruishu-shell.html'), CLEARED_ARTICLE]) {
      expect(detectBotWall(200, {}, page, analyzeHtml(page))?.vendor).toBe(detectBotWall(200, {}, raw(page), undefined)?.vendor);
    }
  });
});
