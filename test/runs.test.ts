import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteriaYaml, html, runCli, startServer, type TestServer } from './helpers.js';

/**
 * The run as cron and CI see it: report files, exit policies, history, the cache, selection,
 * notifications. One loopback server whose pages can be switched between runs.
 */
let server: TestServer;
let dir: string;
const state = { broken: new Set<string>(), conditionalHits: 0, requests: [] as string[] };
const received: { path: string; body: unknown }[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.url ?? '';
    state.requests.push(path);
    if (path.startsWith('/hook')) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path, body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
      return;
    }
    if (state.broken.has(path)) return void res.writeHead(404).end('gone');
    if (path === '/wall') return void res.writeHead(412).end('<script>$_ts=window.$_ts||{}</script>');
    if (path === '/etag') {
      if (req.headers['if-none-match'] === '"v1"') {
        state.conditionalHits++;
        return void res.writeHead(304, { etag: '"v1"' }).end();
      }
      return void res.writeHead(200, { etag: '"v1"', 'content-type': 'text/html; charset=utf-8' }).end(html('<p>政务公开 2026-03-10</p>'));
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(`<p>政务公开 ${path}</p>`));
  });
  dir = await mkdtemp(join(tmpdir(), 'audit-runs-'));
});
afterAll(() => server.close());

async function criteriaFile(name: string, paths: string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, criteriaYaml(paths.map((p) => `- url: ${server.origin}${p}`)));
  return file;
}

const run = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--quiet'], { env });

describe('report files', () => {
  it('writes several formats in one run, by extension or FORMAT:FILE prefix', async () => {
    const file = await criteriaFile('multi.yaml', ['/a', '/b']);
    const json = join(dir, 'out.json');
    const junit = join(dir, 'out.report');
    const result = await run([file, '--output', json, '--output', `junit:${junit}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(''); // --quiet with files: nothing on stdout
    expect(JSON.parse(await readFile(json, 'utf8')).score).toBe(2);
    expect(await readFile(junit, 'utf8')).toMatch(/^<\?xml[\s\S]*<testsuites/);
  });

  it('matches the shipped JSON Schema', async () => {
    const file = await criteriaFile('schema.yaml', ['/a', '/wall']);
    const json = join(dir, 'schema.json');
    await run([file, '--output', json]);
    const schema = JSON.parse(await readFile(new URL('../schema/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...report, version: 2 })).toBe(false);
  });

  it('never lets a reader see half a file', async () => {
    const file = await criteriaFile('atomic.yaml', Array.from({ length: 30 }, (_, i) => `/page-${i}`));
    const json = join(dir, 'atomic.json');
    await run([file, '--output', json]);
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        JSON.parse(await readFile(json, 'utf8')); // throws on a partial file
        reads++;
      }
    })();
    for (let i = 0; i < 5; i++) await run([file, '--output', json]);
    stop = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
  });

  it('an unwritable path is an error, but the other reports are still written', async () => {
    const file = await criteriaFile('unwritable.yaml', ['/a']);
    const ok = join(dir, 'ok.json');
    const result = await run([file, '--output', join(dir, 'no/such/dir/x.json'), '--output', ok]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/could not write .*x\.json/);
    expect(JSON.parse(await readFile(ok, 'utf8')).score).toBe(1);
  });

  it('refuses an output whose format cannot be told, before fetching', async () => {
    const file = await criteriaFile('badout.yaml', ['/never-fetched']);
    const result = await run([file, '--output', join(dir, 'report.pdf')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot tell the format/);
    expect(state.requests).not.toContain('/never-fetched');
  });
});

describe('exit policy', () => {
  it('--fail-on unverified also fails on evidence that could not be checked', async () => {
    const file = await criteriaFile('wall.yaml', ['/a', '/wall']);
    expect((await run([file])).code).toBe(0);
    expect((await run([file, '--fail-on', 'unverified'])).code).toBe(1);
    expect((await run([file, '--fail-on', 'sometimes'])).code).toBe(2);
  });
});

describe('history', () => {
  it('--baseline reports newly failing, fixed and the score change; --fail-on regression fails only on a regression', async () => {
    const file = await criteriaFile('history.yaml', ['/h1', '/h2', '/h3']);
    const night1 = join(dir, 'night1.json');
    state.broken = new Set(['/h3']);
    expect((await run([file, '--output', night1])).code).toBe(1);

    // Night 2: /h1 breaks (a regression), /h3 is fixed.
    state.broken = new Set(['/h1']);
    const night2 = join(dir, 'night2.json');
    const result = await run([file, '--baseline', night1, '--output', night2, '--fail-on', 'regression']);
    expect(result.code).toBe(1);
    const { changes } = JSON.parse(await readFile(night2, 'utf8'));
    expect(changes.score_delta).toBe(0);
    expect(changes.newly_failing).toMatchObject([{ id: 'A.1', previous: 'pass' }]);
    expect(changes.fixed).toEqual([{ id: 'A.3', title: '指标3' }]);

    // Night 3: nothing new breaks; /h1 is still broken, which is old news.
    const night3 = await run([file, '--baseline', night2, '--fail-on', 'regression']);
    expect(night3.code).toBe(0);
  });

  it('shows the changes in the table', async () => {
    const file = await criteriaFile('history-table.yaml', ['/t1']);
    const before = join(dir, 'before.json');
    state.broken = new Set();
    await run([file, '--output', before]);
    state.broken = new Set(['/t1']);
    const result = await runCli([file, '--baseline', before, '--lang', 'en']);
    expect(result.stdout).toMatch(/Changes since the baseline[\s\S]*Newly failing[\s\S]*A\.1/);
    state.broken = new Set();
  });

  it('a missing or foreign baseline is a usage error', async () => {
    const file = await criteriaFile('nobase.yaml', ['/a']);
    expect((await run([file, '--baseline', join(dir, 'nope.json')])).code).toBe(2);
    await writeFile(join(dir, 'foreign.json'), '{"hello": 1}');
    const result = await run([file, '--baseline', join(dir, 'foreign.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a version 1 JSON report/);
  });
});

describe('cache', () => {
  it('sends conditional requests and judges the stored body on a 304', async () => {
    const file = await criteriaFile('cache.yaml', ['/etag']);
    const cache = join(dir, 'cache');
    const first = join(dir, 'cache1.json');
    const second = join(dir, 'cache2.json');
    await run([file, '--cache', cache, '--output', first]);
    const before = state.conditionalHits;
    await run([file, '--cache', cache, '--output', second]);
    expect(state.conditionalHits).toBe(before + 1);
    const evidence = JSON.parse(await readFile(second, 'utf8')).indicators[0].indicators[0].evidence[0];
    expect(evidence).toMatchObject({ status: 'pass', http_status: 200, from_cache: true });
    expect(JSON.parse(await readFile(first, 'utf8')).indicators[0].indicators[0].evidence[0].from_cache).toBe(false);
  });
});

describe('selection', () => {
  it('--only audits the named indicators and says what was skipped', async () => {
    const file = await criteriaFile('only.yaml', ['/o1', '/o2', '/o3']);
    const json = join(dir, 'only.json');
    await run([file, '--only', 'A.2', '--output', json]);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.indicators[0].indicators.map((i: { id: string }) => i.id)).toEqual(['A.2']);
    expect(report.selection.reason).toContain('A.2');
    expect(state.requests).not.toContain('/o1');
    const unknown = await run([file, '--only', 'A.9']);
    expect(unknown.code).toBe(2);
  });

  it('--changed audits only what changed in git', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'audit-git-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], { cwd: repo });
    const file = join(repo, 'criteria.yaml');
    await writeFile(file, criteriaYaml([`- url: ${server.origin}/c1`, `- url: ${server.origin}/c2`]));
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'first');
    await writeFile(file, criteriaYaml([`- url: ${server.origin}/c1`, `- url: ${server.origin}/c2-moved`]));
    const json = join(repo, 'changed.json');
    const result = await run([file, '--changed', 'HEAD', '--output', json]);
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.indicators[0].indicators.map((i: { id: string }) => i.id)).toEqual(['A.2']);
    expect(report.selection.skipped).toEqual([{ id: 'A.1', title: '指标1' }]);
    const bad = await run([file, '--changed', 'no-such-ref']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no-such-ref/);
  });
});

describe('notifications', () => {
  it('posts a summary when a run fails, and a dead webhook changes nothing', async () => {
    const file = await criteriaFile('notify.yaml', ['/n1']);
    state.broken = new Set(['/n1']);
    received.length = 0;
    const result = await run([file, '--notify', `json:${server.origin}/hook`, '--notify', 'json:http://127.0.0.1:1/dead', '--notify-on', 'fail']);
    state.broken = new Set();
    expect(result.code).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toMatchObject({ passed: false, score: 0, counts: { fail: 1 } });
    expect(result.stderr).toMatch(/notification to json http:\/\/127\.0\.0\.1:1\/\S* failed/);
  });

  it('says nothing when the run passes and only failures are asked for', async () => {
    const file = await criteriaFile('quiet-notify.yaml', ['/fine']);
    received.length = 0;
    await run([file, '--notify', `json:${server.origin}/hook`, '--notify-on', 'fail']);
    expect(received).toHaveLength(0);
  });
});

describe('language', () => {
  it('speaks Chinese when asked, or when the locale is Chinese', async () => {
    const file = await criteriaFile('lang.yaml', ['/a']);
    expect((await runCli([file, '--lang', 'zh'])).stdout).toMatch(/编号 +指标 +权重 +得分 +结论/);
    expect((await runCli([file], { env: { LANG: 'zh_CN.UTF-8' } })).stdout).toMatch(/得分：1 \/ 1/);
    expect((await runCli([file], { env: { LANG: 'en_US.UTF-8' } })).stdout).toMatch(/Score: 1 \/ 1/);
    expect((await runCli(['--help'], { env: { LC_ALL: 'zh_CN.UTF-8' } })).stdout).toMatch(/退出码/);
  });
});

describe('validate --strict', () => {
  it('turns lint warnings into errors', async () => {
    const file = await criteriaFile('strict.yaml', ['/a']); // http:// is a lint warning
    expect((await runCli(['validate', file])).code).toBe(0);
    const strict = await runCli(['validate', '--strict', file]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/strict\.yaml:\d+:\d+: .*plain http/);
  });
});
