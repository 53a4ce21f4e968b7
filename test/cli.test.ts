import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoSite, type DemoSite } from '../src/demo/site.js';
import { NOW_ARG, NOW, runCli } from './helpers.js';

let site: DemoSite;
let dir: string;

beforeAll(async () => {
  site = await startDemoSite({ now: NOW });
  dir = await mkdtemp(join(tmpdir(), 'audit-cli-'));
});
afterAll(() => site.close());

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text.replaceAll('$SITE', site.origin));
  return path;
}

/** Two sections: 甲 passes fully, 乙 has one pass, one fail, one unverified, and one leaf with no evidence. */
const MIXED = `version: 1
title: 淮南市2021年政务公开自评表
settings: { per_host_rate: 50, per_host_concurrency: 4, timeout: 2s }
indicators:
  - id: "一"
    title: 重点领域信息公开
    weight: 60
    indicators:
      - id: "一.1"
        title: 财政预决算信息公开（含部门预算、决算及三公经费）
        weight: 60
        max_age: news
        evidence:
          - { title: 预决算专题, url: $SITE/list/fresh, keywords: { any: [预算, 决算] } }
  - id: "二"
    title: 政策解读
    weight: 40
    indicators:
      - id: "二.1"
        title: 解读
        weight: 30
        evidence:
          - { title: 政策解读, url: $SITE/article/meta }
          - { title: 已删除, url: $SITE/gone }
          - { title: 互动平台, url: $SITE/botwall/rs }
      - id: "二.2"
        title: 行政复议
        weight: 10
        evidence: []
`;

describe('exit codes', () => {
  it('exits 0 when every indicator passes', async () => {
    const path = await file('pass.yaml', MIXED.split('  - id: "二"')[0]!.replace('weight: 60\n    indicators', 'weight: 60\n    indicators'));
    const run = await runCli([path, '--now', NOW_ARG]);
    expect(run.stdout).toContain('Score: 60 / 60');
    expect(run.code).toBe(0);
  });

  it('exits 1 when an indicator fails, and scores weight × passed / total', async () => {
    const run = await runCli([await file('mixed.yaml', MIXED), '--format', 'json', '--now', NOW_ARG]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.score).toBe(70); // 60 + 30 × 1/3 + 0
    expect(report.max_score).toBe(100);
    const [, second] = report.indicators;
    expect(second.score).toBe(10);
    expect(second.indicators[0]).toMatchObject({ score: 10, status: 'fail', passed: 1, total: 3 });
    expect(second.indicators[1]).toMatchObject({ score: 0, status: 'fail', reason: 'no evidence cited', total: 0 });
    expect(second.indicators[0].evidence.map((e: { status: string }) => e.status)).toEqual(['pass', 'fail', 'unverified']);
  });

  it('--fail-under passes the run on a score at or above it, and fails it below', async () => {
    const path = await file('mixed2.yaml', MIXED);
    expect((await runCli([path, '--fail-under', '70', '--now', NOW_ARG])).code).toBe(0);
    expect((await runCli([path, '--fail-under', '70.5', '--now', NOW_ARG])).code).toBe(1);
  });

  it('unverified evidence alone does not fail the run', async () => {
    const path = await file('wall.yaml', MIXED.replace(/          - \{ title: 已删除.*\n/, '').replace(/      - id: "二.2"[\s\S]*$/, '').replace('weight: 40', 'weight: 30'));
    const run = await runCli([path, '--now', NOW_ARG]);
    expect(run.stdout).toMatch(/UNVERIFIED/);
    expect(run.code).toBe(0);
  });

  it('exits 2 on a criteria error, printing file:line:col and fetching nothing', async () => {
    const before = site.requests.length;
    const path = await file('broken.yaml', MIXED.replace('weight: 30', 'wieght: 30'));
    const run = await runCli([path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}:21:9: unknown key "wieght" in an indicator (did you mean "weight"?)`);
    expect(run.stdout).toBe('');
    expect(site.requests.length).toBe(before);
  });

  it('exits 2 on usage errors, with a message and no stack trace', async () => {
    // A loopback criteria file, so that even a regression here never reaches for the real sites.
    const path = await file('usage.yaml', MIXED);
    for (const args of [['--format', 'xml'], ['--now', 'yesterday'], ['--concurrency', '0'], ['--timeout', '60d'], ['--bogus'], ['missing.yaml']]) {
      const run = await runCli(args[0] === 'missing.yaml' ? args : [path, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/\S/);
      expect(run.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });

  it('--help lists the exit codes', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exit codes:[\s\S]*0 [\s\S]*1 [\s\S]*2 /);
  });
});

describe('validate', () => {
  it('accepts the real criteria.yaml without touching the network', async () => {
    const run = await runCli(['validate', 'criteria.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('37 evidence links (32 distinct URLs)');
  });

  it('rejects a broken file with every problem as file:line:col', async () => {
    const path = await file('bad.yaml', MIXED.replace('max_age: news', 'max_age: soon').replace('$SITE/gone', 'ftp://example.org/x'));
    const run = await runCli(['validate', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${path}:12:18: max_age is not a valid duration`));
    expect(run.stderr).toMatch(new RegExp(`${path}:24:32: url must use http or https`));
  });

  it('warns, and carries on, when a parent weight differs from its children', async () => {
    const path = await file('sum.yaml', MIXED.replace('weight: 40', 'weight: 45'));
    const run = await runCli(['validate', path]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/:17:13: warning: indicator 二 has weight 45, but its children add up to 40/);
  });
});

describe('table', () => {
  it('aligns columns by display width with CJK titles, and truncates long ones', async () => {
    const run = await runCli([await file('table.yaml', MIXED), '--now', NOW_ARG]);
    const lines = run.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('ID'))!;
    const rows = lines.filter((l) => /^(一|二)/.test(l));
    expect(rows).toHaveLength(5);
    const verdictColumn = stringWidth(header.slice(0, header.indexOf('Verdict')));
    for (const row of rows) {
      const verdict = /(PASS|FAIL|UNVERIFIED)/.exec(row)!;
      expect(stringWidth(row.slice(0, verdict.index)), row).toBe(verdictColumn);
    }
    expect(run.stdout).toContain('财政预决算信息公开（含部…');
    expect(run.stdout).toMatch(/Score: 70 \/ 100/);
    expect(run.stdout).toMatch(/Indicators: 1 pass, 2 fail, 0 unverified/);
  });

  it('--verbose adds a row per evidence with URL, status, date and reason', async () => {
    const run = await runCli([await file('verbose.yaml', MIXED), '--verbose', '--now', NOW_ARG]);
    expect(run.stdout).toMatch(new RegExp(`↳ 预决算专题 +PASS +HTTP 200 · 2026-03-12 \\(page text\\) · ${site.origin}/list/fresh`));
    expect(run.stdout).toMatch(/↳ 已删除 +FAIL +HTTP 404 Not Found, expected 200-299 · HTTP 404 · .*\/gone/);
  });

  it('uses colour only when asked for by a TTY, and never with NO_COLOR', async () => {
    const path = await file('colour.yaml', MIXED);
    const plain = await runCli([path, '--now', NOW_ARG]);
    expect(plain.stdout).not.toContain('\x1b[');
    const tty = await runCli([path, '--now', NOW_ARG], { tty: true });
    expect(tty.stdout).toContain('\x1b[');
    const noColor = await runCli([path, '--now', NOW_ARG], { tty: true, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\x1b[');
  });

  it('strips control characters that come from the network', async () => {
    const path = await file('ctl.yaml', MIXED.replace('title: 预决算专题', 'title: "预决算\\e[31m专题"'));
    const run = await runCli([path, '--verbose', '--now', NOW_ARG]);
    expect(run.stdout).not.toContain('\x1b');
    // The whole escape sequence goes, not just the ESC byte that would leave "[31m" behind.
    expect(run.stdout).toContain('预决算专题');
    expect(run.stdout).not.toContain('[31m');
  });
});

describe('json', () => {
  it('has the documented shape', async () => {
    const run = await runCli([await file('json.yaml', MIXED), '--format', 'json', '--now', NOW_ARG]);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ version: 1, title: '淮南市2021年政务公开自评表', now: NOW.toISOString(), complete: true });
    const evidence = report.indicators[0].indicators[0].evidence[0];
    expect(Object.keys(evidence)).toEqual(expect.arrayContaining([
      'title', 'url', 'final_url', 'status', 'http_status', 'last_updated', 'date_source', 'checks', 'duration_ms',
    ]));
    expect(evidence.checks[0]).toEqual({
      name: 'status', ok: true, status: 'pass', code: 'STATUS_OK', message: 'HTTP 200', params: { status: 200, redirects: 0, truncated: false },
    });
    expect(evidence.line).toBe(14);
    expect(report.indicators[1].line).toBe(15);
    expect(report.tool).toEqual({ name: 'evidence-audit', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(report.criteria.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(report.finished_at)).toBeGreaterThanOrEqual(Date.parse(report.started_at));
  });
});

describe('demo', () => {
  it('serves the sample site and shows every verdict', { tags: ['slow'] }, async () => {
    const run = await runCli(['demo', '--now', NOW_ARG]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/PASS/);
    expect(run.stdout).toMatch(/FAIL/);
    expect(run.stdout).toMatch(/UNVERIFIED/);
    expect(run.stdout).toMatch(/Score: 65 \/ 100/);
  });
});
