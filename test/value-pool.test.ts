import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { ValuePool } from '../src/util/value-pool.js';
import { startServer, type TestServer } from './helpers.js';

describe('ValuePool', () => {
  it('hands out one frozen instance per distinct value', () => {
    const pool = new ValuePool();
    const first = pool.of({ name: 'status', reason: { code: 'STATUS_OK', params: { found: ['公开'] } } });
    const again = pool.of({ name: 'status', reason: { code: 'STATUS_OK', params: { found: ['公开'] } } });
    const other = pool.of({ name: 'status', reason: { code: 'STATUS_OK', params: { found: ['年报'] } } });
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(other.reason.params.found).toEqual(['年报']);
    expect(Object.isFrozen(first.reason.params.found)).toBe(true);
    expect(() => first.reason.params.found.push('x')).toThrow(TypeError);
  });

  it('keeps apart values that JSON would confuse, and leaves anything but plain data alone', () => {
    const pool = new ValuePool();
    const missing = pool.of({ code: 'FRESH', params: {} as { date?: string } });
    expect(pool.of({ code: 'FRESH', params: { date: undefined } })).not.toBe(missing);
    expect(pool.of({ date: 'u' })).not.toBe(pool.of({ date: undefined }));
    expect(pool.of({ max: Infinity })).not.toBe(pool.of({ max: null }));
    expect(pool.of({ max: Infinity })).not.toBe(pool.of({ max: 'nInfinity' }));
    expect(pool.of({ n: -0 })).not.toBe(pool.of({ n: 0 }));
    for (const odd of [{ at: new Date(0) }, { f: () => 1 }, { big: 1n }, Object.assign(Object.create(null), { a: 1 })]) {
      expect(pool.of(odd)).toBe(odd);
      expect(Object.isFrozen(odd)).toBe(false);
    }
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(pool.of(cycle)).toBe(cycle);
  });

  it('stops taking new values once it holds 10,000, and still shares those it has', () => {
    const pool = new ValuePool();
    const first = pool.of({ n: 0 });
    for (let n = 1; n < 10_000; n++) pool.of({ n });
    const late = { n: 10_000 };
    expect(pool.of(late)).toBe(late);
    expect(Object.isFrozen(late)).toBe(false);
    expect(pool.of({ n: 0 })).toBe(first);
  });

  it('a shared check that needs cleaning is cleaned in the report and stays as it was', async () => {
    const { cleanStrings } = await import('../src/report/safe.js');
    const { cleanMultiline } = await import('../src/report/sanitize.js');
    const pool = new ValuePool();
    const check = pool.of({ name: 'keywords', status: 'fail', reason: { code: 'KEYWORDS_MISSING', params: { missing: ['\u001b[31m公开'] } } });
    const shared = pool.of({ name: 'keywords', status: 'fail', reason: { code: 'KEYWORDS_MISSING', params: { missing: ['\u001b[31m公开'] } } });
    const cleaned = cleanStrings({ checks: [check, shared] }, cleanMultiline);
    expect(cleaned.checks[0]!.reason.params.missing).toEqual(['公开']);
    expect(cleaned.checks[1]).toBe(cleaned.checks[0]);
    expect(check.reason.params.missing).toEqual(['\u001b[31m公开']);
    expect(Object.isFrozen(check.reason.params.missing)).toBe(true);
  });
});

describe('criteria', () => {
  it('gives evidence with the same rules one frozen object of them', async () => {
    const { parseCriteria } = await import('../src/criteria/load.js');
    const { criteria } = parseCriteria(`version: 1
indicators:
  - title: A
    weight: 1
    evidence:
      - { url: "https://a.example/1", keywords: [公开], max_age: 30d }
      - { url: "https://a.example/2", keywords: [公开], max_age: 30d }
      - { url: "https://a.example/3", keywords: [年报], max_age: 30d }
`, 'c.yaml');
    const [one, two, three] = criteria!.indicators[0]!.evidence!;
    expect(two!.checks).toBe(one!.checks);
    expect(three!.checks).not.toBe(one!.checks);
    expect(three!.checks.keywords!.all).toEqual(['年报']);
    expect(Object.isFrozen(one!.checks.maxAge)).toBe(true);
  });
});

describe('results kept until the report', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.close());

  it('share the checks they have in common', async () => {
    const page = '<html><head><title>通知公告</title></head><body><p>通知公告</p><p>2026-03-01 发布</p></body></html>';
    server = await startServer((req, res) => {
      if (req.url?.startsWith('/p')) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body><p>找不到</p></body></html>');
    });
    const { parseCriteria } = await import('../src/criteria/load.js');
    const { runAudit } = await import('../src/audit.js');
    const yaml = `version: 1
settings: { per_host_rate: 1000, per_host_concurrency: 2, retries: 0 }
indicators:
  - { title: A, weight: 1, evidence: [${[1, 2, 3].map((i) => `{ url: "${server!.origin}/p${i}", keywords: [通知公告], max_age: 180d }`).join(', ')}] }
`;
    const { criteria } = parseCriteria(yaml, 'c.yaml');
    const dispatcher = new Agent();
    const report = await runAudit({ criteria: criteria!, dispatcher, now: new Date('2026-03-15T04:00:00Z') }).finally(() => dispatcher.close());
    const [a, b, c] = report.indicators[0]!.evidence!;
    expect([a, b, c].map((e) => e!.verdict)).toEqual(['pass', 'pass', 'pass']);
    expect(b!.checks.map((check) => check.reason.code)).toEqual(['STATUS_OK', 'CONTENT_OK', 'KEYWORDS_OK', 'FRESH']);
    b!.checks.forEach((check, i) => expect(check).toBe(a!.checks[i]));
    expect(c!.finalUrl).toBe(`${server.origin}/p3`);
  });
});
