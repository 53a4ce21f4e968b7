import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { parseCriteria } from '../../src/criteria/load.js';
import { startServer, type TestServer } from '../helpers.js';
import { haveRealPages, realPage } from './real-pages.js';

/**
 * What a careful reader finds on each real page (../shared/real-pages/README.md), as the auditor
 * must find it: the publication date and where it comes from, the words on the page, and the
 * verdict. Served as saved, with the content type real servers send (no charset in the header:
 * the page's own <meta> decides, as in a browser). No browser: these verdicts hold without one.
 */
const REAL_PAGE_NAMES = ['handan-list.html', 'handan-details.html', 'handan-gkzn.html', 'pingtan-notice.html', 'nmpa-datasearch-ruishu-shell.html'];
let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
    if (!REAL_PAGE_NAMES.includes(name)) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404 Not Found</h1>');
    res.writeHead(200, { 'content-type': 'text/html' }).end(realPage(name));
  });
});
afterAll(() => server?.close());

interface Seen { verdict: string; lastUpdated?: string; dateSource?: string; checks: Record<string, string> }

async function audit(page: string, checks: string, now: string): Promise<Seen> {
  const yaml = `version: 1
settings: { per_host_rate: 100, timeout: 5s, retries: 0 }
indicators:
  - title: 真实页面
    weight: 1
    evidence:
      - url: "${server.origin}/${page}"
        ${checks}
`;
  const { criteria } = parseCriteria(yaml, 'real.yaml');
  const report = await runAudit({ criteria: criteria!, dispatcher: new Agent(), now: new Date(now), env: {} });
  const e = report.indicators[0]!.evidence![0]!;
  return {
    verdict: e.verdict,
    ...(e.lastUpdated ? { lastUpdated: e.lastUpdated, dateSource: e.dateSource! } : {}),
    checks: Object.fromEntries(e.checks.map((c) => [c.name, c.reason.code])),
  };
}

describe.skipIf(!haveRealPages)('pages saved from real government sites', () => {
  it('Handan column list: its one dated row, 2020-08-05, is the date; a stale list fails (pagination is written by script, which fills nothing)', async () => {
    const seen = await audit('handan-list.html', 'keywords: [近期信息公开, 邯郸市教育局]\n        max_age: 1y', '2021-03-01T04:00:00Z');
    expect(seen).toMatchObject({ verdict: 'pass', lastUpdated: '2020-08-05', dateSource: 'page text' });
    const stale = await audit('handan-list.html', 'max_age: 1y', '2026-03-15T04:00:00Z');
    expect(stale).toMatchObject({ verdict: 'fail', lastUpdated: '2020-08-05', checks: { freshness: 'STALE' } });
  });

  it('Handan article: the PubDate meta in Chinese format, not the dates in navigation URLs', async () => {
    const seen = await audit('handan-details.html', 'keywords: [发布日期]\n        max_age: 1y', '2021-03-01T04:00:00Z');
    expect(seen).toMatchObject({ verdict: 'pass', lastUpdated: '2020-08-02', dateSource: 'meta PubDate' });
  });

  it('Handan 政府信息公开指南: no date anywhere, so freshness fails; its keywords are found', async () => {
    const seen = await audit('handan-gkzn.html', 'keywords: [政府信息公开指南]\n        max_age: 1y', '2021-03-01T04:00:00Z');
    expect(seen).toMatchObject({ verdict: 'fail', checks: { keywords: 'KEYWORDS_OK', freshness: 'NO_DATE' } });
    expect(seen.lastUpdated).toBeUndefined();
  });

  it('Pingtan notice: published 2026-07-03 (PubDate), not 07-06, the day of the power cut; utf-8 from the combined meta tag', async () => {
    const seen = await audit('pingtan-notice.html', 'keywords: [平潭电网检修信息, 温馨提示]\n        max_age: 14d', '2026-07-10T04:00:00Z');
    expect(seen).toMatchObject({ verdict: 'pass', lastUpdated: '2026-07-03', dateSource: 'meta PubDate' });
  });

  it('NMPA 数据查询 after the first 瑞数 cookie: a real page, not a wall; no publication date, and its Vue app may fill it', async () => {
    const found = await audit('nmpa-datasearch-ruishu-shell.html', 'keywords: [常见问题, 数据反馈, 基础数据]', '2026-03-15T04:00:00Z');
    expect(found).toMatchObject({ verdict: 'pass', checks: { keywords: 'KEYWORDS_OK' } });
    const dated = await audit('nmpa-datasearch-ruishu-shell.html', 'max_age: 1y', '2026-03-15T04:00:00Z');
    expect(dated).toMatchObject({ verdict: 'unverified', checks: { freshness: 'NO_DATE_SCRIPT_FILLED', render: 'RENDER_UNAVAILABLE' } });
    expect(dated.lastUpdated).toBeUndefined();
  });
});
