import type { IncomingMessage } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, runCli, startServer, type TestServer } from '../helpers.js';

/**
 * Soft 404s the phrase list cannot see, as real front ends serve them: a proxy that answers every
 * address with the home page, and short error templates that print the address asked for, or a
 * request id and a time that change with every request. None of them says 页面不存在.
 */
interface CheckJson { name: string; status: string; code: string; message: string }
interface EvidenceJson { url: string; status: string; checks: CheckJson[] }

let dir: string;
const servers: TestServer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-error-pages-'));
});
afterAll(() => Promise.all(servers.map((s) => s.close())));

/** A site that records every path asked for; `answer` gives the status and page for each. */
async function site(answer: (path: string, req: IncomingMessage) => [number, string]): Promise<{ origin: string; paths: string[] }> {
  const paths: string[] = [];
  const server = await startServer((req, res) => {
    paths.push(req.url ?? '');
    const [status, body] = answer(req.url ?? '/', req);
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  servers.push(server);
  return { origin: server.origin, paths };
}

let runs = 0;
/** One indicator per evidence line, so each verdict stands alone; one request at a time per host, in order. */
async function audit(evidence: string[]): Promise<{ code: number; evidence: EvidenceJson[] }> {
  const file = join(dir, `c${++runs}.yaml`);
  const indicators = evidence.map((e, i) => `  - title: 指标${i + 1}\n    weight: 1\n    evidence:\n      - ${e}`).join('\n');
  await writeFile(file, `version: 1\nsettings: { per_host_rate: 100, per_host_concurrency: 1, timeout: 2s, retries: 0 }\nindicators:\n${indicators}\n`);
  const out = join(dir, `r${runs}.json`);
  const run = await runCli([file, '--quiet', '--output', out]);
  expect(run.stderr).toBe('');
  const report = JSON.parse(await readFile(out, 'utf8'));
  return { code: run.code, evidence: report.indicators.map((i: { evidence: EvidenceJson[] }) => i.evidence[0]) };
}

const codes = (e: EvidenceJson | undefined) => e!.checks.map((c) => c.code);
const probes = (paths: string[]) => paths.filter((p) => p.startsWith('/evidence-audit-probe-'));
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const HOME = html(`<h1>某某市人民政府</h1><ul><li>政务公开</li><li>办事服务</li><li>互动交流</li><li>走进某某</li></ul>
<h2>政府信息公开</h2><ul><li>政府信息公开指南</li><li>政府信息公开制度</li><li>法定主动公开内容</li><li>政府信息公开年报</li></ul>
<p>主办：某某市人民政府办公室 网站标识码：1234000001</p>`);

describe('a host that answers every address with its home page', () => {
  it('passes the home page cited, and fails a deeper link that shows it, saying why', async () => {
    const host = await site(() => [200, HOME]);
    const { code, evidence } = await audit([
      `{ url: "${host.origin}/" }`,
      `{ url: "${host.origin}/index.html", keywords: [政府信息公开指南] }`,
      `{ url: "${host.origin}/xxgk/2019/0301/123.html" }`,
    ]);
    const [root, index, deeper] = evidence;
    expect(root!.status).toBe('pass');
    expect(index!.status).toBe('pass');
    expect(codes(index)).toEqual(['STATUS_OK', 'CONTENT_OK', 'KEYWORDS_OK']);
    expect(deeper!.status).toBe('fail');
    expect(codes(deeper)).toEqual(['STATUS_OK', 'SHOWS_HOME_PAGE']);
    expect(deeper!.checks[1]!.message).toMatch(/answers every address with its home page.*this link shows the home page, not the page cited/);
    expect(code).toBe(1);
    // The root was cited and seen first: it settled the question, and was fetched only as evidence.
    expect(probes(host.paths)).toHaveLength(2);
    expect(host.paths.filter((p) => p === '/')).toHaveLength(1);
    expect(host.paths).toHaveLength(5);
  });

  it('fetches the root once, and only when a deeper link shows the error page and the root is not cited', async () => {
    const host = await site(() => [200, HOME]);
    const { evidence } = await audit([`{ url: "${host.origin}/col/col123/index.html" }`, `{ url: "${host.origin}/art/2020/1/1/art_1.html" }`]);
    expect(evidence.map((e) => [e.status, codes(e)])).toEqual([['fail', ['STATUS_OK', 'SHOWS_HOME_PAGE']], ['fail', ['STATUS_OK', 'SHOWS_HOME_PAGE']]]);
    expect(probes(host.paths)).toHaveLength(2);
    expect(host.paths.filter((p) => p === '/')).toEqual(['/']);
    expect(host.paths).toHaveLength(5);
  });

  it('leaves a host with an error page of its own as it was: its dead links fail as its error page, its home page passes', async () => {
    const OOPS = html('<h1>Oops!</h1><p>We could not find what you were looking for. Try the search box.</p>');
    const host = await site((path) => (path === '/' ? [200, HOME] : path === '/real' ? [200, html('<h1>政务公开</h1><p>2026-03-01 财政预算公开</p>')] : [200, OOPS]));
    const { code, evidence } = await audit([
      `{ url: "${host.origin}/" }`,
      `{ url: "${host.origin}/real" }`,
      `{ url: "${host.origin}/policy/2019/123.html" }`,
      // A home-page path that this host does not have: the error page, not the home page.
      `{ url: "${host.origin}/index.html" }`,
    ]);
    const [root, real, gone, index] = evidence;
    expect(root!.status).toBe('pass');
    expect(real!.status).toBe('pass');
    expect(gone!.status).toBe('fail');
    expect(codes(gone)).toEqual(['STATUS_OK', 'LOOKS_LIKE_ERROR_PAGE']);
    expect(index!.status).toBe('fail');
    expect(codes(index)).toEqual(['STATUS_OK', 'LOOKS_LIKE_ERROR_PAGE']);
    expect(code).toBe(1);
    expect(host.paths.filter((p) => p === '/')).toHaveLength(1);
  });
});

describe('an error template that prints the address asked for', () => {
  const LIVE = html('<h1>2026年部门预算公开</h1><p>根据《预算法》规定，现将本部门2026年部门预算公开如下。</p>');
  /** Short templates, as a front proxy serves them with 200: none of the usual phrases, only the address. */
  const templates: [string, (path: string, req: IncomingMessage) => string][] = [
    ['the path as sent', (path) => path],
    ['the path percent-decoded', (path) => decodeURIComponent(path)],
    ['the whole URL', (path, req) => `http://${req.headers.host}${path}`],
  ];

  it.each(templates)('fails a dead link on a template that prints %s, and passes a live page there', async (_form, echo) => {
    const host = await site((path, req) => (path === '/' ? [200, HOME] : path === '/zwgk/ys2026' ? [200, LIVE] : [200, html(`<p>链接 ${escape(echo(path, req))} 暂时无法打开，请返回首页</p>`)]));
    const { code, evidence } = await audit([
      `{ url: "${host.origin}/col/xyz/art_2019_1234.html" }`,
      `{ url: "${host.origin}/政务公开/预算公开/第123号通知.html" }`,
      `{ url: "${host.origin}/zwgk/ys2026", keywords: [部门预算] }`,
    ]);
    const [dead, chinese, live] = evidence;
    expect(dead!.status).toBe('fail');
    expect(codes(dead)).toEqual(['STATUS_OK', 'LOOKS_LIKE_ERROR_PAGE']);
    expect(chinese!.status).toBe('fail');
    expect(codes(chinese)).toEqual(['STATUS_OK', 'LOOKS_LIKE_ERROR_PAGE']);
    expect(live!.status).toBe('pass');
    expect(code).toBe(1);
    // Two probes, and the root once, to tell the error page from a home page shown for every address.
    expect(probes(host.paths)).toHaveLength(2);
    expect(host.paths.filter((p) => p === '/')).toHaveLength(1);
    expect(host.paths).toHaveLength(6);
  });

  it('fails a dead link on a template whose request id, time and counter change with every request', async () => {
    // Deterministic ids, each with letters a digit-blind comparison still sees.
    const ids = ['7f3a9c21', '0b5e8d47', '9c1f4a63', '2e7b0d95', 'a4d8c316', '5f2e9b70'];
    let served = 0;
    const host = await site((path) => {
      if (path === '/') return [200, HOME];
      if (path === '/zwgk/ys2026') return [200, LIVE];
      const n = served++;
      return [200, html(`<p>页面暂时无法打开，请返回首页。</p><p>请求编号：${ids[n % ids.length]}</p><p>时间：${new Date(Date.now() + n * 1000).toISOString()}</p><p>您是第 ${1000 + n * 7} 位访问者</p>`)];
    });
    const { evidence } = await audit([`{ url: "${host.origin}/col/xyz/art_2019_1234.html" }`, `{ url: "${host.origin}/zwgk/ys2026" }`]);
    const [dead, live] = evidence;
    expect(dead!.status).toBe('fail');
    expect(codes(dead)).toEqual(['STATUS_OK', 'LOOKS_LIKE_ERROR_PAGE']);
    expect(live!.status).toBe('pass');
    expect(probes(host.paths)).toHaveLength(2);
  });

  it('learns from the one probe it could read when the other fails', async () => {
    let probed = 0;
    const host = await site((path) => {
      if (path === '/') return [200, HOME];
      if (path === '/zwgk/ys2026') return [200, LIVE];
      // The first probe gets a bare 500 (no HTML), the second the template.
      if (path.startsWith('/evidence-audit-probe-') && probed++ === 0) return [500, ''];
      return [200, html(`<p>链接 ${escape(path)} 暂时无法打开，请返回首页</p>`)];
    });
    const { evidence } = await audit([`{ url: "${host.origin}/col/xyz/art_2019_1234.html" }`, `{ url: "${host.origin}/zwgk/ys2026" }`]);
    expect(evidence.map((e) => [e.status, codes(e)])).toEqual([['fail', ['STATUS_OK', 'LOOKS_LIKE_ERROR_PAGE']], ['pass', ['STATUS_OK', 'CONTENT_OK']]]);
  });
});
