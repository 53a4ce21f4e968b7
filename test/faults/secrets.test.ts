import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, runCli, startServer, NOW_ARG, type TestServer } from '../helpers.js';
import type { AuditReport } from '../../src/model/report.js';
import { createProgress } from '../../src/progress/index.js';
import { safeReport } from '../../src/report/safe.js';
import { createRedactor, redactText, redactUrl, secretValues } from '../../src/util/redact.js';

/**
 * Issue #6: credentials never leave the run. A redirect may hand back `user:pass@` or `?token=`,
 * and a server may echo the headers and cookies the criteria send it; none of it may appear in a
 * report, a log line, a notification or the archive's index.json. Each shows as `***`.
 */

const BEARER = 's3cr3t-bearer-value-xyz';
const API_KEY = 'apikey-value-0042';
const COOKIE = 'cookie-session-value-77';

/** Every string that must never be seen. */
const SECRETS = [
  'crit-token-123', 'redir-token-456', 'loop-token-789', 'bad-token-66', 'custom-param-secret-88', 'notify-token-1',
  'hunter2pass', 'user1', 'pw-in-location-55', 'user2',
  BEARER, API_KEY, COOKIE, 'server-set-cookie-999',
];

let server: TestServer;
let dir: string;
const hooks: { path: string; body: string }[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = req.url ?? '/';
    const port = new URL(server.origin).port;
    if (url.startsWith('/hook')) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push({ path: url, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
      return;
    }
    const echoed = `${req.headers.authorization ?? ''} ${req.headers.cookie ?? ''} ${req.headers['x-api-key'] ?? ''}`;
    if (url.startsWith('/start')) {
      return void res.writeHead(302, {
        location: `http://user1:hunter2pass@127.0.0.1:${port}/landing?token=redir-token-456&keep=1&SessionKey=custom-param-secret-88`,
      }).end();
    }
    if (url === '/echo') {
      // A server that puts what it was sent into the next address.
      return void res.writeHead(302, { location: `/landing?seen=${encodeURIComponent(echoed)}` }).end();
    }
    if (url === '/bad') {
      return void res.writeHead(302, { location: `ftp://user2:pw-in-location-55@127.0.0.1/x?token=bad-token-66&echo=${encodeURIComponent(echoed)}` }).end();
    }
    if (url.startsWith('/loop')) return void res.writeHead(302, { location: url }).end();
    // The landing page fails, so its final URL is in every report; it sets a cookie and quotes its request.
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': 'sid=server-set-cookie-999; HttpOnly' })
      .end(html(`<p>${echoed}</p>`).replace('测试页面', echoed));
  });
  dir = await mkdtemp(join(tmpdir(), 'audit-secrets-'));
});
afterAll(() => server.close());

function criteria(): string {
  const o = server.origin;
  return `version: 1
title: 密钥测试
settings:
  per_host_rate: 50
  per_host_concurrency: 4
  timeout: 2s
  retries: 0
  redact: [sessionkey]
hosts:
  "${new URL(o).host}":
    headers:
      Authorization: "Bearer ${BEARER}"
      X-Api-Key: "${API_KEY}"
    cookies:
      session: "${COOKIE}"
indicators:
  - id: "A"
    title: 分组
    weight: 4
    indicators:
      - { id: "A.1", title: 跳转带凭据, weight: 1, evidence: [{ url: "${o}/start?token=crit-token-123" }] }
      - { id: "A.2", title: 回显请求头, weight: 1, evidence: [{ title: 回显, url: "${o}/echo" }] }
      - { id: "A.3", title: 坏跳转, weight: 1, evidence: [{ url: "${o}/bad" }] }
      - { id: "A.4", title: 循环, weight: 1, evidence: [{ url: "${o}/loop?token=loop-token-789" }] }
`;
}

function expectNoSecret(name: string, text: string): void {
  for (const secret of SECRETS) expect(text, `${name} shows ${secret}`).not.toContain(secret);
}

describe('secrets in every output', () => {
  it('masks URL credentials, listed parameters and the hosts\' header and cookie values everywhere', async () => {
    const file = join(dir, 'secrets.yaml');
    await writeFile(file, criteria());
    const archive = join(dir, 'archive');
    const summary = join(dir, 'step-summary.md');
    const out = (name: string) => join(dir, name);
    hooks.length = 0;
    const result = await runCli([
      file, '--now', NOW_ARG, '--verbose', '--lang', 'en', '--format', 'table', '--archive', archive,
      '--output', out('r.json'), '--output', out('r.md'), '--output', out('r.xml'), '--output', `github:${out('r.github')}`,
      '--output', out('r.csv'), '--output', out('r.html'),
      '--notify', `json:${server.origin}/hook`, '--notify', 'json:http://127.0.0.1:1/dead?token=notify-token-1', '--notify-on', 'always',
    ], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(result.code).toBe(1);

    const outputs: Record<string, string> = {
      stdout: result.stdout,
      stderr: result.stderr,
      json: await readFile(out('r.json'), 'utf8'),
      markdown: await readFile(out('r.md'), 'utf8'),
      junit: await readFile(out('r.xml'), 'utf8'),
      github: await readFile(out('r.github'), 'utf8'),
      csv: await readFile(out('r.csv'), 'utf8'),
      html: await readFile(out('r.html'), 'utf8'),
      'step summary': await readFile(summary, 'utf8'),
      'index.json': await readFile(join(archive, 'index.json'), 'utf8'),
    };
    expect(hooks).toHaveLength(1);
    outputs['notification'] = hooks[0]!.body;
    for (const [name, text] of Object.entries(outputs)) expectNoSecret(name, text);

    // The masks are there, where the secrets were.
    const o = server.origin;
    const port = new URL(o).port;
    const report = JSON.parse(outputs.json!);
    const [start, echo, bad, loop] = report.indicators[0].indicators.map((leaf: { evidence: unknown[] }) => leaf.evidence[0]) as Record<string, unknown>[];
    expect(start!['url']).toBe(`${o}/start?token=***`);
    expect(start!['final_url']).toBe(`http://***:***@127.0.0.1:${port}/landing?token=***&keep=1&SessionKey=***`);
    expect(start!['redirects']).toEqual([`${o}/start?token=***`]);
    expect(String(echo!['final_url'])).toContain('/landing?seen=');
    expect(String(echo!['final_url'])).toContain('***');
    expect(JSON.stringify(bad)).toContain('ftp://***:***@127.0.0.1/x?token=***');
    expect(JSON.stringify(loop)).toContain(`${o}/loop?token=***`);
    for (const name of ['stdout', 'markdown', 'junit', 'github', 'csv', 'html', 'index.json', 'notification']) {
      expect(outputs[name], name).toContain('***');
    }
    expect(result.stderr).toMatch(/notification to json http:\/\/127\.0\.0\.1:1\/dead\?token=\*\*\* failed/);

    // The archive's index masks its URLs too; the WARC itself holds what was sent, minus credential headers.
    const index = JSON.parse(outputs['index.json']!);
    const targets = index.evidence.flatMap((e: { records: { target_uri: string }[] }) => e.records.map((r) => r.target_uri));
    expect(targets).toContain(`http://***:***@127.0.0.1:${port}/landing?token=***&keep=1&SessionKey=***`);
    expect((await readdir(archive)).some((name) => name.endsWith('.warc.gz'))).toBe(true);
  });
});

describe('the redaction module', () => {
  const names = ['token', 'sessionkey', 'access_token'];

  it('masks URL userinfo and listed parameters, leaving the rest as written', () => {
    expect(redactUrl('https://user:pass@example.gov.cn/a?token=abc&x=1#frag', names)).toBe('https://***:***@example.gov.cn/a?token=***&x=1#frag');
    expect(redactUrl('https://user@example.gov.cn/', names)).toBe('https://***@example.gov.cn/');
    expect(redactUrl('https://example.gov.cn/?TOKEN=abc&to%6Ben=def&SessionKey=g;token=h', names))
      .toBe('https://example.gov.cn/?TOKEN=***&to%6Ben=***&SessionKey=***;token=***');
    expect(redactUrl('https://example.gov.cn/#/route?access_token=abc', names)).toBe('https://example.gov.cn/#/route?access_token=***');
    expect(redactUrl('http:\\\\user:pass@example.gov.cn/', names)).toBe('http://***:***@example.gov.cn/');
    // Nothing to mask: not even normalised.
    expect(redactUrl('HTTP://Example.gov.cn/a?token=', names)).toBe('HTTP://Example.gov.cn/a?token=');
    expect(redactUrl('https://example.gov.cn/?tokens=1&email=a@b', names)).toBe('https://example.gov.cn/?tokens=1&email=a@b');
  });

  it('masks credentials inside free text and known secret values in any spelling', () => {
    expect(redactText('redirects to "ftp://u:p@h/x?token=abc", which is not…', [], names)).toBe('redirects to "ftp://***:***@h/x?token=***", which is not…');
    expect(redactText('see //u:p@h/ and https://a@b/', [], names)).toBe('see //***:***@h/ and https://***@b/');
    const secrets = secretValues({ headers: { Authorization: 'Bearer abc def/ghi', Referer: 'https://www.gov.cn/', 'X-Api-Key': 'k3y-k3y-k3y' }, cookies: { sid: 'c00kie+value', lang: 'zh' } });
    expect(redactText('Bearer abc def/ghi | abc%20def%2Fghi | k3y-k3y-k3y | c00kie%2Bvalue | sid=c00kie+value | lang=zh | https://www.gov.cn/', secrets))
      .toBe('*** | *** | *** | *** | *** | lang=zh | https://www.gov.cn/');
    const basic = secretValues({ headers: { Authorization: `Basic ${Buffer.from('officer:pa55word!').toString('base64')}` }, cookies: {} });
    expect(redactText('officer:pa55word! and pa55word!', basic)).toBe('*** and ***');
    // A redactor masks secret values in text, but words from a fixed vocabulary only by credentials.
    const redactor = createRedactor({ names, secrets: ['unverified'] });
    expect(redactor.text('unverified')).toBe('***');
    expect(redactor.credentials('unverified')).toBe('unverified');
  });

  it('keeps vocabulary words whole in the report model, and masks credential headers there', () => {
    const report = {
      title: 'title unverified',
      now: new Date(0),
      indicators: [{
        verdict: 'unverified',
        checks: [{ name: 'content', status: 'unverified', reason: { code: 'DOCUMENT_UNREAD', params: { type: 'application/unverified' } } }],
        fetch: { ok: true, headers: { 'set-cookie': 'sid=abc', 'content-type': 'text/html' } },
      }],
    } as unknown as AuditReport;
    const safe = safeReport(report, createRedactor({ secrets: ['unverified'] })) as unknown as typeof report & { indicators: Record<string, any>[] };
    expect(safe.title).toBe('title ***');
    expect(safe.now).toBeInstanceOf(Date);
    const [indicator] = safe.indicators;
    expect(indicator!['verdict']).toBe('unverified');
    expect(indicator!['checks'][0].status).toBe('unverified');
    expect(indicator!['checks'][0].reason.params.type).toBe('application/***');
    expect(indicator!['fetch'].headers).toEqual({ 'set-cookie': '***', 'content-type': 'text/html' });
  });

  it('masks a secret a server echoes with an escape or a bidi mark planted inside it', () => {
    let out = '';
    const redactor = createRedactor({ secrets: ['tenant-secret-42'] });
    // Masked first and cleaned after, the planted characters would hide the secret from the mask and then vanish.
    for (const planted of ['tenant-\u200esecret-42', 'tenant-\x1b[0msecret-42']) {
      const progress = createProgress({ stream: { write: (s: string) => (out += s) }, quiet: false, lang: 'en', now: () => 0, redact: redactor.text });
      progress.start(1, new Map([[`${planted}.example`, 1]]));
      progress.urlDone(`${planted}.example`, `https://${planted}.example/`, 'ok', 1);
    }
    expect(out).not.toContain('tenant-secret-42');
    expect(out).toContain('***');
  });

  it('masks secrets in progress lines', () => {
    let out = '';
    const redactor = createRedactor({ secrets: ['tenant-secret-42'] });
    const progress = createProgress({ stream: { write: (s: string) => (out += s) }, quiet: false, lang: 'en', now: () => 0, redact: redactor.text });
    progress.start(1, new Map([['tenant-secret-42.example', 1]]));
    progress.urlDone('tenant-secret-42.example', 'https://tenant-secret-42.example/', 'ok', 1);
    expect(out).toContain('host ***.example done');
    expect(out).not.toContain('tenant-secret-42');
  });
});
