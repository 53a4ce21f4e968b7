import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HostScheduler } from '../src/fetch/scheduler.js';
import { expectEvenSpacing, html, runCli, startServer, type TestServer } from './helpers.js';

/** A site with an English error template served as 200, Chinese paths, and header-hungry pages. */
let server: TestServer;
let dir: string;
const seen: { path: string; cookie?: string; token?: string }[] = [];
const OOPS = html('<h1>Oops!</h1><p>We could not find what you were looking for. Try the search box.</p>');

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.url ?? '';
    seen.push({ path, cookie: req.headers.cookie, token: req.headers['x-token'] as string | undefined });
    const send = (status: number, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
    if (path === '/') return send(200, html('<h1>首页</h1><p>欢迎访问</p>'));
    if (path === '/real') return send(200, html('<h1>政务公开</h1><p>2026-03-01 财政预算公开</p>'));
    if (path === '/moved') return send(302, '', { location: '/' });
    if (path === '/needs-login') return req.headers.cookie === 'session=abc; lang=zh' && req.headers['x-token'] === 't1' ? send(200, html('<p>已登录 内容</p>')) : send(403, 'no');
    if (path.startsWith('/%E6%94%BF%E5%8A%A1')) return send(200, html(`<p>中文路径 ${decodeURIComponent(path)}</p>`));
    if (path === '/big.pdf') return res.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.alloc(300_000, 0x20));
    send(200, OOPS); // every unknown path: the English error template, with a 200
  });
  dir = await mkdtemp(join(tmpdir(), 'audit-realities-'));
});
afterAll(() => server.close());

async function audit(evidence: string[], extra = ''): Promise<{ status: string; url: string; final_url: string; checks: { code: string; status: string }[] }[]> {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  const list = evidence.map((e) => `          - ${e.replaceAll('$S', server.origin)}`).join('\n');
  await writeFile(file, `version: 1
settings: { per_host_rate: 100, per_host_concurrency: 4, timeout: 2s, max_body_size: 100000 }
${extra.replaceAll('$HOST', new URL(server.origin).host)}
indicators:
  - title: A
    weight: 1
    evidence:
${list}
`);
  const json = join(dir, 'out.json');
  const run = await runCli([file, '--quiet', '--output', json]);
  expect(run.stderr).toBe('');
  return JSON.parse(await readFile(json, 'utf8')).indicators[0].evidence;
}

describe('soft 404s the phrase list cannot see', () => {
  it('fails a page that is the host\'s own error page, learned from a path that cannot exist', async () => {
    const [gone, real] = await audit(['{ url: "$S/policy/2019/123.html" }', '{ url: "$S/real" }']);
    expect(gone!.status).toBe('fail');
    expect(gone!.checks.map((c) => c.code)).toContain('LOOKS_LIKE_ERROR_PAGE');
    expect(real!.status).toBe('pass');
    // Two probes for the host, however many pages it serves.
    expect(seen.filter((s) => s.path.startsWith('/evidence-audit-probe-')).length).toBe(2);
  });

  it('probes a host right after its first page, not behind its whole queue, so fetched pages are not held meanwhile', async () => {
    const paths: string[] = [];
    const site = await startServer((req, res) => {
      paths.push(req.url ?? '');
      if (req.url?.startsWith('/evidence-audit-probe-')) return res.writeHead(404).end('not found');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html('<p>政务公开 内容</p>'));
    });
    try {
      const file = join(dir, 'queue.yaml');
      const evidence = [1, 2, 3, 4].map((i) => `          - { url: "${site.origin}/p${i}" }`).join('\n');
      await writeFile(file, `version: 1\nsettings: { per_host_rate: 100, per_host_concurrency: 1 }\nindicators:\n  - title: A\n    weight: 1\n    evidence:\n${evidence}\n`);
      await runCli([file, '--quiet']);
      // Two probes, so that what differs between two missing pages is known; both before /p2.
      expect(paths[0]).toBe('/p1');
      expect(paths[1]).toMatch(/^\/evidence-audit-probe-/);
      expect(paths[2]).toMatch(/^\/evidence-audit-probe-/);
      expect(paths[1]).not.toBe(paths[2]);
      expect(paths.slice(3)).toEqual(['/p2', '/p3', '/p4']);
    } finally {
      await site.close();
    }
  });

  it('knows a large error page when only the first 64 KB of a status-only page are read', async () => {
    // A portal-style error template: a 125 KB navigation around "Oops", served with 200 for any path.
    const nav = Array.from({ length: 4000 }, (_, i) => `<li><a href="/c/${i}">栏目${i}</a></li>`).join('');
    const portal404 = html(`<ul>${nav}</ul><h1>Oops!</h1><p>We could not find that page.</p>`);
    const site = await startServer((req, res) => {
      const list = Array.from({ length: 3000 }, (_, i) => `<li>关于印发第${i}号政务公开工作方案的通知 2026-03-01</li>`).join('');
      if (req.url === '/real') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(`<ul>${list}</ul>`));
      // The portal's own home page; a root that showed the error page too would make it a host
      // that answers every address with its home page (test/cms-patterns/error-pages.test.ts).
      if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html('<h1>门户首页</h1><p>政务公开 办事服务 互动交流</p>'));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(portal404);
    });
    try {
      const file = join(dir, 'portal.yaml');
      await writeFile(file, `version: 1\nsettings: { per_host_rate: 100, timeout: 2s }\nindicators:\n  - title: A\n    weight: 1\n    evidence:\n      - { url: "${site.origin}/gone/123.html" }\n  - title: B\n    weight: 1\n    evidence:\n      - { url: "${site.origin}/real" }\n`);
      const out = join(dir, 'portal.json');
      await runCli([file, '--quiet', '--output', out]);
      const report = JSON.parse(await readFile(out, 'utf8'));
      const [gone, real] = report.indicators.map((i: { evidence: { status: string; checks: { code: string }[] }[] }) => i.evidence[0]);
      expect(Buffer.byteLength(portal404)).toBeGreaterThan(64 * 1024);
      expect(gone.checks.map((c: { code: string }) => c.code)).toContain('LOOKS_LIKE_ERROR_PAGE');
      expect(real.status).toBe('pass');
    } finally {
      await site.close();
    }
  });

  it('fails a link that is sent to the home page', async () => {
    const [moved] = await audit(['{ url: "$S/moved" }']);
    expect(moved!.status).toBe('fail');
    expect(moved!.checks.map((c) => c.code)).toContain('REDIRECTED_HOME');
  });
});

describe('per-host settings', () => {
  it('sends a host its headers and cookies', async () => {
    const [page] = await audit(['{ url: "$S/needs-login" }'], 'hosts:\n  "$HOST": { headers: { X-Token: t1 }, cookies: { session: abc, lang: zh } }');
    expect(page!.status).toBe('pass');
  });

  it('paces a host by its own rate', async () => {
    vi.useFakeTimers();
    try {
      const scheduler = new HostScheduler({ perHostRate: 100, perHostConcurrency: 4, concurrency: 8, hostLimits: (h) => (h === 'slow.example' ? { perHostRate: 2 } : undefined) });
      const starts: Record<string, number[]> = { 'slow.example': [], 'fast.example': [] };
      const task = (host: string) => () => { starts[host]!.push(Date.now()); return Promise.resolve(); };
      const all = Promise.all(['slow.example', 'fast.example'].flatMap((h) => [1, 2, 3].map(() => scheduler.run(h, task(h)))));
      await vi.runAllTimersAsync();
      await all;
      expect(starts['slow.example']).toHaveLength(3);
      expect(starts['fast.example']).toHaveLength(3);
      expectEvenSpacing(starts['slow.example']!, 500);
      expectEvenSpacing(starts['fast.example']!, 10);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('IRIs', () => {
  it('sends Chinese paths and queries as UTF-8, never encodes twice, and reports the URL as written', async () => {
    const written = '$S/政务公开/列表?栏目=预算';
    const encoded = '$S/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/x?q=%E9%A2%84';
    seen.length = 0;
    const [iri, already] = await audit([`{ url: "${written}" }`, `{ url: "${encoded}" }`]);
    expect(iri!.status).toBe('pass');
    expect(iri!.url).toBe(written.replace('$S', server.origin));
    expect(seen.map((s) => s.path)).toContain('/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/%E5%88%97%E8%A1%A8?%E6%A0%8F%E7%9B%AE=%E9%A2%84%E7%AE%97');
    expect(already!.status).toBe('pass');
    expect(seen.map((s) => s.path)).toContain('/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/x?q=%E9%A2%84');
  });
});

describe('documents', () => {
  it('reads a document past the page cap, up to max_document_size', async () => {
    const [pdf] = await audit(['{ url: "$S/big.pdf" }']);
    const status = pdf!.checks.find((c) => c.code.startsWith('STATUS'))!;
    expect(status.code).toBe('STATUS_OK');
    expect(JSON.stringify(pdf)).not.toMatch(/size cap/);
  });
});

describe('documents as evidence', () => {
  it('reads a PDF served as octet-stream: keywords in its Chinese text, freshness from its own date', async () => {
    const pdf = await readFile(new URL('./fixtures/documents/budget-2021.pdf', import.meta.url));
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(2048)]);
    const docs = await startServer((req, res) => {
      if (req.url === '/download?id=7') return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="budget.pdf"' }).end(pdf);
      if (req.url === '/old.doc') return void res.writeHead(200, { 'content-type': 'application/msword' }).end(ole);
      res.writeHead(404).end();
    });
    try {
      const file = join(dir, 'docs.yaml');
      await writeFile(file, `version: 1
settings: { per_host_rate: 100, timeout: 10s }
indicators:
  - title: 预算
    weight: 1
    keywords: [预算公开]
    evidence:
      - { url: "${docs.origin}/download?id=7", max_age: 30d }
      - { url: "${docs.origin}/old.doc" }
`);
      const json = join(dir, 'docs.json');
      await runCli([file, '--quiet', '--now', '2022-01-05', '--output', json]);
      const [fresh, old] = JSON.parse(await readFile(json, 'utf8')).indicators[0].evidence;
      expect(fresh).toMatchObject({ status: 'pass', last_updated: '2021-12-20' });
      expect(fresh.date_source).toMatch(/PDF/);
      expect(old.status).toBe('unverified');
      expect(old.checks.map((c: { code: string }) => c.code)).toContain('DOCUMENT_UNREADABLE');
    } finally {
      await docs.close();
    }
  });
});
