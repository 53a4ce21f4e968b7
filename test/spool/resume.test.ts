import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, NOW_ARG, runCli, startServer, type TestServer } from '../helpers.js';

/**
 * Results are spooled to disk as they are judged, and an interrupted run continues from its spool
 * with --resume. The kill test runs the built bin (npm test builds first) and SIGKILLs it halfway.
 */
const BIN = fileURLToPath(new URL('../../bin/audit.js', import.meta.url));
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
const PAGES = 20; // per host

let servers: TestServer[];
let dir: string;
const requests: string[] = [];

beforeAll(async () => {
  servers = await Promise.all(HOSTS.map((host) => startServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(`${host}${path}`);
    const n = Number(/\/p(\d+)/.exec(path)?.[1] ?? -1);
    if (n < 0) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
    if (n % 7 === 3) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>页面不存在</h1>');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(`<p>政务公开 第${n}条 ${n % 5 === 0 ? '2020-01-01' : '2026-03-10'}</p>`));
  }, host)));
  dir = await mkdtemp(join(tmpdir(), 'audit-spool-'));
});
afterAll(async () => Promise.all(servers.map((s) => s.close())));

function criteria(rate = 100): string {
  const leaves = servers.flatMap((s, h) => Array.from({ length: PAGES }, (_, i) => `  - id: "${h}.${i}"
    title: 指标${h}.${i}
    weight: 1
    max_age: notice
    evidence:
      - { title: 页面${i}, url: "${s.origin}/p${i}" }`));
  return `version: 1\ntitle: 续跑\nsettings: { per_host_rate: ${rate}, per_host_concurrency: 1, timeout: 5s, retries: 0 }\nindicators:\n${leaves.join('\n')}\n`;
}

/** The report without what differs between any two runs: times and durations. */
function comparable(path: string) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node)
      .filter(([k]) => !['started_at', 'finished_at', 'duration_ms', 'generated_at', 'criteria'].includes(k))
      .map(([k, v]) => [k, strip(v)]));
  };
  return strip(report);
}

function runBin(args: string[], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    onStart?.(child);
  });
}

describe('a run killed with SIGKILL halfway', { tags: ['slow'] }, () => {
  it('resumes from its spool, fetching nothing judged again, and reports what an uninterrupted run reports', async () => {
    const file = join(dir, 'killed.yaml');
    await writeFile(file, criteria(10)); // 20 pages a host at 10 a second: about two seconds
    const whole = join(dir, 'whole.json');
    const first = await runBin([file, '--quiet', '--now', NOW_ARG, '--output', whole]);
    expect(first.code).toBe(1);

    const out = join(dir, 'killed.json');
    const spool = `${out}.spool.jsonl`;
    let linesAtKill = 0;
    const killed = await runBin([file, '--quiet', '--now', NOW_ARG, '--output', out], (child) => {
      const poll = setInterval(() => {
        const lines = existsSync(spool) ? readFileSync(spool, 'utf8').split('\n').length - 2 : 0;
        if (lines >= 25) {
          clearInterval(poll);
          linesAtKill = lines;
          child.kill('SIGKILL');
        }
      }, 10);
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    const judgedBefore = readFileSync(spool, 'utf8').split('\n').slice(1).filter((l) => l.endsWith('}')).length;
    expect(judgedBefore).toBeGreaterThanOrEqual(linesAtKill);
    expect(judgedBefore).toBeLessThan(HOSTS.length * PAGES);

    requests.length = 0;
    const resumed = await runBin([file, '--now', NOW_ARG, '--output', out, '--resume', '--quiet']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(`(resuming: ${judgedBefore} evidence already judged)`);
    const pagesFetched = requests.filter((r) => /\/p\d+$/.test(r));
    expect(pagesFetched).toHaveLength(HOSTS.length * PAGES - judgedBefore);
    expect(comparable(out)).toEqual(comparable(whole));
    // A finished run leaves no spool behind.
    expect(existsSync(spool)).toBe(false);
    expect(existsSync(`${spool}.lock`)).toBe(false);
  });
});

describe('--resume refuses what it cannot continue', () => {
  it('says so when there is no spool, and starts nothing', async () => {
    const file = join(dir, 'none.yaml');
    await writeFile(file, criteria());
    const run = await runCli([file, '--resume', '--output', join(dir, 'none.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--resume: no spool at .*none\.json\.spool\.jsonl to continue; run without --resume/);
  });

  it('refuses a spool of other criteria, naming both', async () => {
    const file = join(dir, 'changed.yaml');
    const out = join(dir, 'changed.json');
    await writeFile(file, criteria());
    const controller = new AbortController();
    controller.abort(); // stopped at once: the spool is kept for --resume
    const stopped = await runCli([file, '--quiet', '--output', out], { signal: controller.signal });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(`the results so far are kept in ${out}.spool.jsonl: run the same command with --resume to continue`);
    await writeFile(file, criteria().replace('title: 续跑', 'title: 改过'));
    const run = await runCli([file, '--resume', '--output', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the spool .* is of other criteria \(sha256 [0-9a-f]{12}…, the file is now [0-9a-f]{12}…\); run without --resume/);
  });
});

describe('the spool of a finished run', () => {
  it('is said at the start and removed at the end, and the report reads every result back from it', async () => {
    const file = join(dir, 'done.yaml');
    const out = join(dir, 'done.json');
    await writeFile(file, criteria());
    const run = await runCli([file, '--now', NOW_ARG, '--output', out, '--format', 'json']);
    expect(run.stderr).toContain(`results spool: ${out}.spool.jsonl`);
    expect(existsSync(`${out}.spool.jsonl`)).toBe(false);
    const report = JSON.parse(await readFile(out, 'utf8'));
    const evidence = report.indicators.flatMap((i: { evidence: { status: string }[] }) => i.evidence);
    expect(evidence).toHaveLength(HOSTS.length * PAGES);
    expect(evidence.filter((e: { status: string }) => e.status === 'fail')).toHaveLength(HOSTS.length * 6); // p3, p10, p17 gone; p0, p5, p15 stale
    expect(JSON.parse(run.stdout)).toEqual(report);
  });
});
