import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { Agent } from 'undici';
import { WARCParser } from 'warcio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/audit.js';
import { parseCriteria } from '../src/criteria/load.js';
import { findBrowser } from '../src/render/index.js';
import { runCli, startServer, type TestServer } from './helpers.js';

/** An Anhui-style column page whose list arrives by fetch(), as the real platforms do. */
const COLUMN = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>信息公开目录</title></head><body>
<h1>信息公开目录</h1><ul id="list"></ul><div class="loading">正在加载</div>
<script>
fetch('/site/label/8888?IsAjax=1').then(r => r.json()).then(items => {
  document.getElementById('list').innerHTML = items.map(i => '<li>' + i.title + ' <span>' + i.date + '</span></li>').join('');
  document.querySelector('.loading').remove();
});
</script></body></html>`;

let server: TestServer;
let dir: string;
const browser = findBrowser(process.env);
if (!browser) console.warn('evidence.test.ts: rendering tests skipped: no Chromium; apt-get install chromium (or set CHROMIUM_PATH)');

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/column') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(COLUMN);
    if (req.url?.startsWith('/site/label/')) {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ title: '2026年部门预算公开', date: '2026-03-10' }]));
    }
    if (req.url === '/plain') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body><p>财政公开 2026-03-01</p></body></html>');
    res.writeHead(404).end('<html><body>not here</body></html>');
  });
  dir = await mkdtemp(join(tmpdir(), 'audit-evidence-'));
});
afterAll(() => server.close());

const criteria = (paths: string[], extra = '') => `version: 1
settings: { per_host_rate: 100, timeout: 5s }
indicators:
  - title: 预决算
    weight: 1
    max_age: news
    keywords: [预算]
${extra}    evidence:
${paths.map((p) => `      - { title: 栏目${p}, url: "${server.origin}${p}" }`).join('\n')}
`;

describe('script-filled pages', () => {
  it('without a browser, stay unverified and say how to install one', async () => {
    const { criteria: c } = parseCriteria(criteria(['/column']), 'c.yaml');
    const report = await runAudit({ criteria: c!, dispatcher: new Agent(), now: new Date('2026-03-15T04:00:00Z'), env: { CHROMIUM_PATH: '/nowhere' } });
    const evidence = report.indicators[0]!.evidence![0]!;
    expect(evidence.verdict).toBe('unverified');
    const render = evidence.checks.find((c) => c.name === 'render')!;
    expect(render.status).toBe('unverified');
    expect(JSON.stringify(render.reason)).toMatch(/apt-get install chromium/);
  });

  it('when rendering is asked for but impossible, the HTML alone is not judged: unverified, not failed', async () => {
    const { criteria: c } = parseCriteria(criteria(['/plain']), 'c.yaml'); // /plain has no 预算: the HTML alone would fail
    const report = await runAudit({ criteria: c!, dispatcher: new Agent(), now: new Date('2026-03-15T04:00:00Z'), renderOverride: 'always', env: {} });
    const evidence = report.indicators[0]!.evidence![0]!;
    expect(evidence.verdict).toBe('unverified');
    expect(evidence.checks.map((c) => c.name)).toEqual(['status', 'content', 'render']);
  });

  it.skipIf(!browser)('are rendered, and the rendered list is judged like any page', { tags: ['slow'] }, async () => {
    const json = join(dir, 'rendered.json');
    const run = await runCli([await file('render.yaml', criteria(['/column'])), '--quiet', '--now', '2026-03-15', '--output', json], { env: { CHROMIUM_PATH: browser ?? '' } });
    const evidence = JSON.parse(await readFile(json, 'utf8')).indicators[0].evidence[0];
    expect(run.code).toBe(0);
    expect(evidence).toMatchObject({ status: 'pass', rendered: true, last_updated: '2026-03-10' });
  });

  it.skipIf(!browser)('--render never keeps them unverified; render: always renders plain pages too', { tags: ['slow'] }, async () => {
    const never = join(dir, 'never.json');
    await runCli([await file('never.yaml', criteria(['/column'])), '--quiet', '--render', 'never', '--now', '2026-03-15', '--output', never]);
    expect(JSON.parse(await readFile(never, 'utf8')).indicators[0].evidence[0]).toMatchObject({ status: 'unverified', rendered: false });
    const always = join(dir, 'always.json');
    await runCli([await file('always.yaml', criteria(['/plain'], '    render: always\n').replace('keywords: [预算]', 'keywords: [财政]')), '--quiet', '--now', '2026-03-15', '--output', always]);
    expect(JSON.parse(await readFile(always, 'utf8')).indicators[0].evidence[0]).toMatchObject({ status: 'pass', rendered: true });
  });
});

describe('the evidence archive', () => {
  it('keeps every response in a WARC that reads back, indexed per evidence and linked from the reports', { tags: ['slow'] }, async () => {
    const archiveDir = join(dir, 'archive');
    const json = join(dir, 'archived.json');
    const html = join(dir, 'archived.html');
    await runCli([await file('archive.yaml', criteria(['/plain', '/column'])), '--quiet', '--now', '2026-03-15', '--archive', archiveDir, '--output', json, '--output', html], { env: { CHROMIUM_PATH: browser ?? '/nowhere' } });

    const files = await readdir(archiveDir);
    const warc = files.find((f) => f.endsWith('.warc.gz'))!;
    expect(warc).toBeDefined();
    const records: { type: string; uri: string; body: Buffer }[] = [];
    for await (const record of new WARCParser(createReadStream(join(archiveDir, warc)))) {
      records.push({ type: record.warcType ?? '', uri: record.warcTargetURI ?? '', body: Buffer.from(await record.readFully()) });
    }
    expect(records[0]!.type).toBe('warcinfo');
    const plain = records.find((r) => r.type === 'response' && r.uri === `${server.origin}/plain`)!;
    expect(plain.body.toString()).toContain('财政公开 2026-03-01');
    if (browser) expect(records.some((r) => r.type === 'resource' && r.uri.includes('/column'))).toBe(true);

    const index = JSON.parse(await readFile(join(archiveDir, 'index.json'), 'utf8'));
    const ids = new Set(records.map((r) => r.uri));
    expect(index.evidence.map((e: { url: string }) => e.url).sort()).toEqual([`${server.origin}/column`, `${server.origin}/plain`]);
    expect(index.evidence.every((e: { records: { target_uri: string }[] }) => e.records.every((r) => ids.has(r.target_uri)))).toBe(true);

    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.indicators[0].evidence[0].archive.warc).toBe(`archive/${warc}`);
    expect(await readFile(html, 'utf8')).toContain(`href="archive/${warc}#`);
  });

  it('keeps secrets from the criteria\'s host headers out of the archive', async () => {
    const archiveDir = join(dir, 'archive-secret');
    const yaml = criteria(['/plain']).replace('indicators:', `hosts:\n  "${new URL(server.origin).host}": { headers: { X-Api-Key: s3cret-value }, cookies: { sid: c00kie } }\nindicators:`);
    await runCli([await file('secret.yaml', yaml.replace('keywords: [预算]', 'keywords: [财政]')), '--quiet', '--archive', archiveDir]);
    const warc = (await readdir(archiveDir)).find((f) => f.endsWith('.warc.gz'))!;
    let text = '';
    for await (const record of new WARCParser(createReadStream(join(archiveDir, warc)))) {
      text += JSON.stringify([...(record.httpHeaders?.headers ?? new Map())]);
    }
    expect(text).toContain('x-api-key');
    expect(text).not.toContain('s3cret-value');
    expect(text).not.toContain('c00kie');
  });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
