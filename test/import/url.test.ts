import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USER_AGENT } from '../../src/criteria/settings.js';
import { html, NOW_ARG, runCli, startServer, type TestServer } from '../helpers.js';
import { fixture, tableDocx, tableXlsx } from './office.js';
import { lineOf, loaded, shapeOf } from './project.js';

/** Every form served from 127.0.0.1, as an office's site serves it, fetched with the auditor's own fetch. */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SEED = resolve(REPO, '../shared/seeds/huainan-2021-self-assessment.txt');

let server: TestServer;
let dir: string;
const agents: string[] = [];
const proxied: string[] = [];
let proxy: TestServer;

/** A table whose links point back at this server, so that `audit` can run on the import as it is. */
const LOCAL_TABLE = html(`<h1>测试区2021年政务公开自评表</h1><table>
<tr><td>一级指标</td><td>二级指标</td><td>分值</td><td>佐证材料</td></tr>
<tr><td rowspan="2">一、政策解读（10分）</td><td>解读发布</td><td>6</td><td><a href="/col/jd">政策解读专栏</a></td></tr>
<tr><td>解读回应</td><td>4</td><td>回应关切：$ORIGIN/col/hy</td></tr>
<tr><td colspan="2">合计</td><td>10</td><td></td></tr></table>`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-import-url-'));
  const docx = tableDocx();
  const xlsx = await tableXlsx();
  server = await startServer((req, res) => {
    agents.push(String(req.headers['user-agent']));
    const send = (type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': type, ...headers });
      res.end(body);
    };
    const url = req.url ?? '/';
    if (url === '/seed.txt' || url.startsWith('/seed.txt?')) return send('text/plain; charset=utf-8', readFileSync(SEED));
    if (url === '/zwgk/table.html') return send('text/html; charset=utf-8', fixture('table.html'));
    if (url === '/old/table') return res.writeHead(302, { location: '/zwgk/table.html' }).end();
    // GBK, as many county sites still serve: the charset comes from the header.
    if (url === '/art/2021/fen.html') return send('text/html; charset=gbk', iconv.encode(fixture('article-fen.html').toString('utf8'), 'gbk'));
    // A download servlet: no extension, octet-stream; the bytes say what it is.
    if (url === '/download.jsp?id=1') return send('application/octet-stream', docx);
    if (url === '/download.jsp?id=2') return send('application/octet-stream', xlsx, { 'content-disposition': 'attachment; filename="table.xlsx"' });
    if (url === '/local.html') return send('text/html; charset=utf-8', LOCAL_TABLE.replaceAll('$ORIGIN', server.origin));
    if (url.startsWith('/col/')) return send('text/html; charset=utf-8', html(`<h1>专栏</h1><p>2026-03-01 政策解读 ${url}</p>`));
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404 Not Found</h1>');
  });
  // A forward proxy stand-in: it answers absolute-URI requests itself, so the host needs no DNS.
  proxy = await startServer((req, res) => {
    proxied.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixture('table.html'));
  });
});
afterAll(async () => {
  await server.close();
  await proxy.close();
});

describe('importing from a URL', () => {
  it('fetches the seed as text, with the auditor\'s User-Agent, and reads it as from a file', async () => {
    agents.length = 0;
    const byUrl = await runCli(['import', `${server.origin}/seed.txt`]);
    const byFile = await runCli(['import', SEED]);
    expect(byUrl.code).toBe(0);
    expect(shapeOf(loaded(byUrl.stdout).indicators)).toEqual(shapeOf(loaded(byFile.stdout).indicators));
    expect(byUrl.stderr).toContain('6 sections, 21 indicators, total weight 100, 37 links');
    expect(agents).toEqual([DEFAULT_USER_AGENT]);
  });

  it('masks a token in the address wherever it shows the source', async () => {
    const run = await runCli(['import', `${server.origin}/seed.txt?token=s3cr3t-t0ken&page=1`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`# Imported by \`audit import\` from ${server.origin}/seed.txt?token=***&page=1\n`);
    expect(run.stderr).toContain(`read ${server.origin}/seed.txt?token=***&page=1 as`);
    expect(run.stdout + run.stderr).not.toContain('s3cr3t-t0ken');
  });

  it('follows a redirect and resolves relative links against the page\'s final address, saying so', async () => {
    const run = await runCli(['import', `${server.origin}/old/table`]);
    expect(run.code).toBe(0);
    const policy = shapeOf(loaded(run.stdout).indicators)[0]!.indicators![2]!;
    expect(policy).toMatchObject({ id: '1.3', title: '政策解读', evidence: [{ title: '政策解读专栏', url: `${server.origin}/zcjd/index.html` }] });
    expect(lineOf(run.stdout, `url: ${server.origin}/zcjd/index.html`)).toContain('# doubt: a relative link "/zcjd/index.html", resolved against the page\'s address');
  });

  it('decodes a GBK article by its Content-Type charset', async () => {
    const run = await runCli(['import', `${server.origin}/art/2021/fen.html`]);
    expect(run.code).toBe(0);
    const criteria = loaded(run.stdout);
    expect(criteria.title).toBe('八公山区2021年政务公开考核评估指标');
    expect(shapeOf(criteria.indicators).map((s) => [s.id, s.title, s.weight])).toEqual([['1', '决策公开', 8], ['2', '执行和结果公开', 7], ['3', '政务服务公开', 5]]);
  });

  it('tells a DOCX and an XLSX served as application/octet-stream by their bytes', async () => {
    const word = await runCli(['import', `${server.origin}/download.jsp?id=1`, '--user-agent', 'office-import/1.0']);
    expect(word.code).toBe(0);
    expect(word.stderr).toContain('as a table in a Word document: 2 sections, 4 indicators, total weight 18, 4 links');
    expect(loaded(word.stdout).indicators[0]!.children[0]!.evidence![0]!.url).toBe('https://www.ft.gov.cn/public/jcygk/index.html');
    expect(agents.at(-1)).toBe('office-import/1.0');
    const excel = await runCli(['import', `${server.origin}/download.jsp?id=2`]);
    expect(excel.code).toBe(0);
    expect(excel.stderr).toContain('as an Excel table: 2 sections, 4 indicators, total weight 20, 5 links');
  });

  it('goes through --proxy, or HTTP_PROXY, as the audit does', async () => {
    proxied.length = 0;
    const viaFlag = await runCli(['import', 'http://www.shouxian.example/zwgk/table.html', '--proxy', proxy.origin]);
    expect(viaFlag.code).toBe(0);
    const viaEnv = await runCli(['import', 'http://www.shouxian.example/zwgk/table.html'], { env: { HTTP_PROXY: proxy.origin } });
    expect(viaEnv.code).toBe(0);
    expect(proxied).toEqual(['http://www.shouxian.example/zwgk/table.html', 'http://www.shouxian.example/zwgk/table.html']);
    expect(viaFlag.stdout).toContain('url: http://www.shouxian.example/zcjd/index.html');
  });

  it('exits 2 with the reason when the page is not there, and writes nothing', async () => {
    const out = join(dir, 'missing.yaml');
    const run = await runCli(['import', `${server.origin}/nothing-here`, '--output', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`audit import: ${server.origin}/nothing-here: the server answered HTTP 404 (check the address: it must open the published table itself); nothing was written\n`);
    expect(run.stdout).toBe('');
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  it('exits 2 when the host cannot be reached, naming the network problem', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const run = await runCli(['import', `${closed.origin}/table.html`, '--timeout', '2s']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^audit import: http:\/\/127\.0\.0\.1:\d+\/table\.html: it could not be fetched: .*refused/);
  });
});

describe('three commands from the published table to an audit', () => {
  it('imports, validates and audits the file as it was written', { tags: ['slow'] }, async () => {
    const out = join(dir, 'criteria.yaml');
    const imported = await runCli(['import', `${server.origin}/local.html`, '--output', out, '--max-age', 'notice']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe('');
    expect(imported.stderr).toContain(`wrote ${out}`);
    const text = await readFile(out, 'utf8');
    expect(text).toContain('defaults:\n  max_age: notice\n');
    const validated = await runCli(['validate', out]);
    expect(validated.code).toBe(0);
    const audited = await runCli([out, '--format', 'json', '--now', NOW_ARG]);
    expect(audited.code).toBe(0);
    const report = JSON.parse(audited.stdout);
    expect(report.score).toBe(10);
    expect(report.indicators[0].indicators.flatMap((i: { evidence: { url: string; status: string }[] }) => i.evidence.map((e) => [e.url, e.status]))).toEqual([
      [`${server.origin}/col/jd`, 'pass'],
      [`${server.origin}/col/hy`, 'pass'],
    ]);
  });
});
