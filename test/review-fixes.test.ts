import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datesInMeta } from '../src/check/dates.js';
import { checkFreshness } from '../src/check/freshness.js';
import { parseDuration } from '../src/criteria/duration.js';
import { parseCriteria } from '../src/criteria/load.js';
import { criteriaYaml, html, runCli, startServer, type TestServer } from './helpers.js';

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startServer((req, res) => {
    switch (req.url) {
      case '/moved-to-gone': res.writeHead(301, { location: '/gone' }).end(); break;
      case '/moved-ok': res.writeHead(301, { location: '/ok' }).end(); break;
      case '/gone': res.writeHead(404).end('not here'); break;
      case '/ok': res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html('<p>政务公开</p>')); break;
      case '/mailto': res.writeHead(302, { location: 'mailto:office@example.gov.cn' }).end(); break;
      case '/odd-charset':
        res.writeHead(200, { 'content-type': 'text/html; charset=x-user-defined' }).end(html('<p>政务公开</p>'));
        break;
      default: res.writeHead(404).end();
    }
  });
  dir = await mkdtemp(join(tmpdir(), 'audit-review-'));
});
afterAll(() => server.close());

async function auditJson(evidence: string[], extra: string[] = []) {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(path, criteriaYaml(evidence.map((e) => e.replaceAll('$S', server.origin))));
  const run = await runCli([path, '--format', 'json', ...extra]);
  return { run, report: run.stdout ? JSON.parse(run.stdout) : undefined };
}

const evidenceOf = (report: { indicators: { indicators: { evidence: unknown[] }[] }[] }) =>
  report.indicators[0]!.indicators.map((i) => i.evidence[0] as { status: string; error_code: string | null; checks: { message: string }[] });

describe('status sets with a 3xx', () => {
  it('fail when the redirect leads to an error page, pass when it leads to a working one', async () => {
    const { report } = await auditJson(['- url: $S/moved-to-gone\n  status: [301]', '- url: $S/moved-ok\n  status: [301]']);
    const [toGone, toOk] = evidenceOf(report);
    expect(toGone!.status).toBe('fail');
    expect(toGone!.checks[0]!.message).toMatch(/HTTP 404/);
    expect(toOk!.status).toBe('pass');
  });
});

describe('robustness', () => {
  it('a redirect to a non-web address is BAD_REDIRECT, not a network error', async () => {
    const { report } = await auditJson(['- url: $S/mailto']);
    const [e] = evidenceOf(report);
    expect(e!.error_code).toBe('BAD_REDIRECT');
    expect(e!.checks[0]!.message).toContain('mailto:office@example.gov.cn');
  });

  it('a page with a charset iconv does not know is still judged, and the others reported', async () => {
    const { run, report } = await auditJson(['- url: $S/odd-charset\n  keywords: [政务公开]', '- url: $S/ok']);
    expect(run.code).toBe(0);
    expect(evidenceOf(report).map((e) => e.status)).toEqual(['pass', 'pass']);
  });
});

describe('freshness on China\'s calendar', () => {
  const sixMonths = parseDuration('6mo', { presets: true })!;
  const dated = { date: '2020-08-29', source: 'page text' };

  it('gives the same verdict at 05:00 and 09:00 Beijing time', () => {
    expect(checkFreshness(dated, sixMonths, new Date('2021-03-01T05:00:00+08:00')).status).toBe('fail');
    expect(checkFreshness(dated, sixMonths, new Date('2021-03-01T09:00:00+08:00')).status).toBe('fail');
    expect(checkFreshness({ ...dated, date: '2020-09-01' }, sixMonths, new Date('2021-03-01T05:00:00+08:00')).status).toBe('pass');
  });

  it('reads zoned meta timestamps as China days', () => {
    expect(datesInMeta('2026-11-26T20:00:00Z')).toEqual(['2026-11-27']);
    expect(datesInMeta('2026-11-26 20:00')).toEqual(['2026-11-26']);
  });
});

describe('scores and validation', () => {
  it('never shows a score above its maximum when weights disagree', { tags: ['slow'] }, async () => {
    const path = join(dir, 'sum.yaml');
    await writeFile(path, `version: 1
indicators:
  - title: 父
    weight: 10
    indicators:
      - { title: 子一, weight: 8, evidence: [{ url: ${server.origin}/ok }] }
      - { title: 子二, weight: 8, evidence: [{ url: ${server.origin}/ok }] }
`);
    const run = await runCli([path, '--format', 'json']);
    const report = JSON.parse(run.stdout);
    expect([report.score, report.max_score]).toEqual([16, 16]);
    expect(run.stderr).toMatch(/warning: indicator 1 has weight 10, but its children add up to 16/);
  });

  it.each([
    ['indicators: []', '    indicators: []', /indicator 1 has an empty indicators list/],
    ['an invalid selector', '    selector: "div[[["\n    evidence: []', /selector "div\[\[\[" is not valid CSS/],
    ['a regex flag that is not usable', '    keywords: ["/x/I"]\n    evidence: []', /only i, m, s, u and v/],
    ['a stateful regex flag', '    keywords: ["/x/g"]\n    evidence: []', /only i, m, s, u and v/],
  ])('rejects %s', (_, body, message) => {
    const { criteria, diagnostics } = parseCriteria(`version: 1\nindicators:\n  - title: A\n    weight: 1\n${body}\n`, 'c.yaml');
    expect(criteria).toBeUndefined();
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(message);
  });
});

describe('command line', () => {
  it.each([['2021-02-30'], ['2021-03-01T05:00'], ['12/20/2021'], ['2021']])('rejects the ambiguous --now %s', async (now) => {
    const path = join(dir, 'now.yaml');
    await writeFile(path, criteriaYaml([`- url: ${server.origin}/ok`]));
    const run = await runCli(['--now', now, path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--now: .* is not a date/);
  });

  it('accepts --debug after a subcommand', async () => {
    const run = await runCli(['validate', '--debug', 'criteria.yaml']);
    expect(run.code).toBe(0);
  });
});
