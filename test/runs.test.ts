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
    // A page that cannot exist is a 404, as on a real site: a host answering it with its template
    // and the path would make every page here its error page (test/cms-patterns/error-pages.test.ts).
    if (path.startsWith('/evidence-audit-probe-')) return void res.writeHead(404).end('not found');
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

  it('never lets a reader see half a file', { tags: ['slow'] }, async () => {
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

  it('refuses an unwritable path, a folder, or a file named twice, before fetching anything', async () => {
    const file = await criteriaFile('unwritable.yaml', ['/never-fetched-2']);
    const ok = join(dir, 'ok.json');
    for (const outputs of [[join(dir, 'no/such/dir/x.json'), ok], [`json:${dir}`, ok], [ok, `json:${ok}`]]) {
      const result = await run([file, ...outputs.flatMap((o) => ['--output', o])]);
      expect(result.code, outputs.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/--output .*(cannot write in|is a folder|named twice)/);
    }
    expect(state.requests).not.toContain('/never-fetched-2');
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

describe('review fixes', () => {
  it('compares the same leaves on both sides when only part of the table is audited', async () => {
    const file = await criteriaFile('part.yaml', ['/p1', '/p2', '/p3']);
    const base = join(dir, 'part-base.json');
    state.broken = new Set(['/p3']);
    await run([file, '--output', base]);
    const partial = join(dir, 'part.json');
    await run([file, '--only', 'A.2', '--baseline', base, '--output', partial]);
    state.broken = new Set();
    expect(JSON.parse(await readFile(partial, 'utf8')).changes.score_delta).toBe(0);
  });

  it('scales --fail-under to the part of the table that was audited', async () => {
    const file = await criteriaFile('scale.yaml', ['/s1', '/s2', '/s3', '/s4']);
    state.broken = new Set(['/s4']);
    // Full table: 3 of 4 → 75%. --only A.1: 1 of 1 → passes a 75-of-100 style threshold scaled to 1.
    expect((await run([file, '--fail-under', '3'])).code).toBe(0);
    expect((await run([file, '--fail-under', '3.5'])).code).toBe(1);
    expect((await run([file, '--only', 'A.1', '--fail-under', '3'])).code).toBe(0);
    expect((await run([file, '--only', 'A.4', '--fail-under', '3'])).code).toBe(1);
    expect((await run([file, '--fail-under', ''])).code).toBe(2);
    state.broken = new Set();
  });

  it('refuses a baseline from another table, or a damaged one, as a usage error', async () => {
    const file = await criteriaFile('mine.yaml', ['/m1']);
    const other = join(dir, 'other.json');
    await writeFile(other, JSON.stringify({ version: 1, title: '别的表', score: 1, indicators: [{ id: 'A.1', title: 'x', status: 'pass', score: 1, evidence: [] }] }));
    const misfit = await run([file, '--baseline', other]);
    expect(misfit.code).toBe(2);
    expect(misfit.stderr).toMatch(/not on "测试"/);
    for (const damaged of ['null', '{"version":1,"score":0,"indicators":[null]}', '{"version":1,"score":0,"indicators":{}}']) {
      const path = join(dir, 'damaged.json');
      await writeFile(path, damaged);
      expect((await run([file, '--baseline', path])).code, damaged).toBe(2);
    }
  });

  it('does not take a shifted id for the same indicator', async () => {
    const file = await criteriaFile('shift.yaml', ['/x1']);
    const base = join(dir, 'shift-base.json');
    await run([file, '--output', base]);
    // A new indicator takes the id A.1; the old one, now A.2, is still the same page.
    const shifted = join(dir, 'shift.yaml');
    await writeFile(shifted, criteriaYaml([`- url: ${server.origin}/new`, `- url: ${server.origin}/x1`]).replace('指标1', '新指标').replace('指标2', '指标1'));
    state.broken = new Set(['/new']);
    const report = join(dir, 'shift.json');
    const result = await run([shifted, '--baseline', base, '--fail-on', 'regression', '--output', report]);
    state.broken = new Set();
    expect(result.code).toBe(0); // the failing indicator is new, not a regression
    expect(JSON.parse(await readFile(report, 'utf8')).changes.newly_failing).toMatchObject([{ id: 'A.1', previous: 'new' }]);
  });

  it('tells the webhook nothing about a stopped run unless asked for every run', async () => {
    const file = await criteriaFile('stopped.yaml', ['/st1']);
    const controller = new AbortController();
    controller.abort();
    received.length = 0;
    await runCli([file, '--quiet', '--notify', `json:${server.origin}/hook`, '--notify-on', 'fail'], { signal: controller.signal });
    expect(received).toHaveLength(0);
    await runCli([file, '--quiet', '--notify', `json:${server.origin}/hook`, '--notify-on', 'always'], { signal: controller.signal });
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toMatchObject({ complete: false });
  });

  it('forgets a cached page once the server stops sending validators', async () => {
    const file = await criteriaFile('forget.yaml', ['/etag']);
    const cache = join(dir, 'cache-forget');
    await run([file, '--cache', cache]);
    const { ResponseCache } = await import('../src/fetch/cache.js');
    const store = await ResponseCache.open(cache);
    expect(await store.get(`${server.origin}/etag`)).toBeDefined();
    await store.put(`${server.origin}/etag`, { status: 200, headers: {}, body: Buffer.from('new') });
    expect(await store.get(`${server.origin}/etag`)).toBeUndefined();
  });

  it('names the criteria file relative to the repository in GitHub annotations', async () => {
    const file = await criteriaFile('gh.yaml', ['/gh']);
    state.broken = new Set(['/gh']);
    const result = await runCli([file, '--format', 'github', '--quiet'], { env: { GITHUB_WORKSPACE: tmpdir() } });
    state.broken = new Set();
    const relativePath = file.slice(tmpdir().length + 1);
    expect(result.stdout).toContain(`::error file=${relativePath},line=`);
  });

  it('still writes its reports when --changed finds nothing to audit', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'audit-git-none-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], { cwd: repo });
    const file = join(repo, 'criteria.yaml');
    await writeFile(file, criteriaYaml([`- url: ${server.origin}/c1`]));
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'first');
    const json = join(repo, 'none.json');
    const result = await run([file, '--changed', 'HEAD', '--output', json]);
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.indicators).toEqual([]);
    expect(report.selection.reason).toMatch(/no indicator's lines changed since HEAD/);
  });

  it('validate speaks Chinese with --lang zh, and rejects control characters in ids', async () => {
    const file = await criteriaFile('vzh.yaml', ['/a']);
    expect((await runCli(['validate', '--lang', 'zh', file])).stdout).toMatch(/检查通过/);
    const bad = join(dir, 'badid.yaml');
    await writeFile(bad, 'version: 1\nindicators:\n  - id: "A\\e[31m"\n    title: A\n    weight: 1\n    evidence: []\n');
    const result = await runCli(['validate', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/contains control characters/);
  });
});
