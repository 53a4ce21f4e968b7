import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoSite, type DemoSite } from '../src/demo/site.js';
import { criteriaYaml, NOW, NOW_ARG } from './helpers.js';

// Runs the compiled bin exactly as `npx audit` does; `npm test` builds first.
const BIN = fileURLToPath(new URL('../bin/audit.js', import.meta.url));

interface Run { code: number | null; stdout: string; stderr: string }

function runBin(args: string[], { onStart }: { onStart?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onStart?.(child);
  });
}

let site: DemoSite;

/** Interrupts the bin once the fast page is in and `path` is pending on the (slow) site. */
function signalOnceRequested(path: string, signal: NodeJS.Signals) {
  return (child: ReturnType<typeof spawn>) => {
    const poll = setInterval(() => {
      if (site.requests.some((r) => r.path === path)) {
        clearInterval(poll);
        setTimeout(() => child.kill(signal), 200);
      }
    }, 20);
  };
}
let dir: string;
beforeAll(async () => {
  site = await startDemoSite({ now: NOW, slowMs: 10_000 });
  dir = await mkdtemp(join(tmpdir(), 'audit-e2e-'));
});
afterAll(() => site.close());

describe('the built bin', () => {
  it('runs the demo: table on stdout, exit 0', { tags: ['slow'] }, async () => {
    const run = await runBin(['demo']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^演示站点自评表\(demo\)\nID +Indicator +Weight +Score +Verdict +Evidence +First problem/);
    expect(run.stdout).toMatch(/Score: \d+(\.\d+)? \/ 100/);
  });

  it('answers --version and -V from package.json, as commander would', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await runBin([flag]);
      expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
    // Not alone on the line: through commander, which prints the same.
    expect((await runBin(['-V', '--lang', 'en'])).stdout).toBe(`${version}\n`);
  });

  it('validates the real criteria.yaml', async () => {
    const run = await runBin(['validate']);
    expect(run.code).toBe(0);
  });

  it('writes JSON a pipe can read in full, and exits 1 on failures', async () => {
    const path = join(dir, 'json.yaml');
    await writeFile(path, criteriaYaml([`- url: ${site.origin}/gone`, `- url: ${site.origin}/list/fresh`]));
    const run = await runBin([path, '--format', 'json', '--now', NOW_ARG]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).score).toBe(1);
  });

  it('keeps its exit code and writes its files when the reader of stdout goes away', { tags: ['slow'] }, async () => {
    const path = join(dir, 'epipe.yaml');
    // Enough JSON to overflow the pipe's buffer, so the write after the reader leaves really fails.
    await writeFile(path, criteriaYaml(Array.from({ length: 300 }, (_, i) => `- url: ${site.origin}/gone?epipe=${i}`), { settings: 'per_host_rate: 1000\nper_host_concurrency: 8' }));
    const json = join(dir, 'epipe.json');
    // The notification (to a dead port) keeps the run busy after stdout breaks, as in cron.
    const run = await runBin([path, '--format', 'json', '--output', json, '--now', NOW_ARG, '--notify', 'json:http://127.0.0.1:1/x', '--notify-on', 'always'], {
      onStart: (child) => child.stdout!.once('data', () => child.stdout!.destroy()),
    });
    expect(run.code).toBe(1);
    expect(JSON.parse(await readFile(json, 'utf8')).summary.evidence.fail).toBe(300);
    expect(run.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(run.stderr).toMatch(/notification to json .* failed/);
  });

  it('prints no stack trace for a broken file, exit 2', async () => {
    const path = join(dir, 'broken.yaml');
    await writeFile(path, 'version: 1\nindicators: [\n');
    const run = await runBin([path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.yaml:\d+:\d+: YAML syntax error/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('on SIGTERM, writes every requested report file with what it had, exit 130', { tags: ['slow'] }, async () => {
    const path = join(dir, 'term.yaml');
    await writeFile(path, criteriaYaml([`- url: ${site.origin}/list/fresh?term`, `- url: ${site.origin}/slow?term`], { settings: 'timeout: 30s' }));
    const json = join(dir, 'term.json');
    const md = join(dir, 'term.md');
    const run = await runBin([path, '--output', json, '--output', md, '--quiet', '--now', NOW_ARG], { onStart: signalOnceRequested('/slow?term', 'SIGTERM') });
    expect(run.code).toBe(130);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.complete).toBe(false);
    expect(report.summary.evidence).toEqual({ pass: 1, fail: 0, unverified: 1 });
    expect(await readFile(md, 'utf8')).toMatch(/interrupted/i);
  });

  it('on Ctrl-C, still prints the report with what it had, marked incomplete, exit 130', { tags: ['slow'] }, async () => {
    const path = join(dir, 'slow.yaml');
    await writeFile(path, criteriaYaml([`- url: ${site.origin}/list/fresh`, `- url: ${site.origin}/slow`], { settings: 'timeout: 30s' }));
    const run = await runBin([path, '--format', 'json', '--now', NOW_ARG], { onStart: signalOnceRequested('/slow', 'SIGINT') });
    expect(run.code).toBe(130);
    const report = JSON.parse(run.stdout);
    expect(report.complete).toBe(false);
    const [fresh, slow] = report.indicators[0].indicators.map((i: { evidence: { status: string; checks: { message: string }[] }[] }) => i.evidence[0]);
    expect(fresh.status).toBe('pass');
    expect(slow.status).toBe('unverified');
    expect(slow.checks[0].message).toMatch(/interrupted/);
  });
});
