import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { criteriaYaml, runCli, startServer, type TestServer } from './helpers.js';

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

interface IndicatorJson { evidence?: { url: string; status: string }[]; indicators?: IndicatorJson[] }
function leaves(indicators: IndicatorJson[]): { url: string; status: string }[] {
  return indicators.flatMap((i) => i.evidence ?? leaves(i.indicators ?? []));
}

describe('max_time', () => {
  it('stops the whole run at --max-time and still reports every evidence, the unfinished ones unverified', { tags: ['slow'] }, async () => {
    // One quick page, and pages that take far longer than the run may.
    const server = await startServer((req, res) => {
      if (req.url === '/quick') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>政务公开</p>');
      setTimeout(() => res.end('<p>late</p>'), 8000);
    });
    servers.push(server);
    const dir = await mkdtemp(join(tmpdir(), 'audit-max-time-'));
    const file = join(dir, 'criteria.yaml');
    const urls = ['/quick', '/slow1', '/slow2'].map((p) => `- title: ${p}\n  url: ${server.origin}${p}`);
    await writeFile(file, criteriaYaml(urls, { settings: 'timeout: 20s\nretries: 0' }));
    const out = join(dir, 'report.json');

    const started = performance.now();
    const run = await runCli([file, '--quiet', '--max-time', '1s', '--output', `json:${out}`]);
    const elapsed = performance.now() - started;

    // Stopped at the limit plus the in-flight grace period, not after the 8 s pages or the 20 s timeout.
    expect(elapsed).toBeLessThan(7000);
    expect(run.stderr).toContain('max_time');
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.complete).toBe(false);
    const evidence = leaves(report.indicators);
    expect(evidence).toHaveLength(3);
    expect(evidence.find((e) => e.url.endsWith('/quick'))?.status).toBe('pass');
    expect(evidence.filter((e) => e.status === 'unverified')).toHaveLength(2);
  });

  it('rejects a max_time that is not a duration, before any request', async () => {
    const run = await runCli(['criteria.yaml', '--max-time', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--max-time');
  });
});
