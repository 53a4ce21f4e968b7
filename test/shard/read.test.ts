import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '../../src/i18n/index.js';
import { FORMATTERS } from '../../src/report/index.js';
import { parseReport, readReportFile } from '../../src/report/read.js';
import { safeReport } from '../../src/report/safe.js';
import { auditAt, shardCriteria, startSites, tempDir, writeCriteria, type Sites } from './fixture.js';

/**
 * The reader behind `audit merge`: a report written in every format, its JSON read back, and
 * every format written again from what was read, must be the same text, byte for byte.
 */
let sites: Sites;
let dir: string;
let criteria: string;

beforeAll(async () => {
  sites = await startSites(5);
  dir = await tempDir('audit-read-');
  // A redirect, so final URLs and redirect chains are in the report too.
  criteria = await writeCriteria(dir, 'criteria.yaml', shardCriteria(sites, { leaves: 8 }).replace('/ok/7-0', '/moved/7-0'));
});
afterAll(() => sites.close());

const EXTENSIONS: Record<string, string> = { json: 'json', html: 'html', markdown: 'md', junit: 'xml', csv: 'csv', table: 'txt' };

async function expectSameAgain(stem: string, lang: Lang, verbose: boolean): Promise<void> {
  const read = await readReportFile(join(dir, `${stem}.json`), `${stem}.json`);
  expect(read.lang).toBe(lang);
  const safe = safeReport(read.report);
  for (const [format, ext] of Object.entries(EXTENSIONS)) {
    const path = join(dir, `${stem}.${ext}`);
    const again = FORMATTERS[format]!.format(safe, { lang, color: false, verbose, reportPath: path });
    expect(again, `${stem}.${ext}`).toBe(await readFile(path, 'utf8'));
  }
}

const everyFormat = (stem: string) => Object.values(EXTENSIONS).flatMap((ext) => ['--output', join(dir, `${stem}.${ext}`)]);

describe('reading a JSON report back', () => {
  it('gives every format again, unchanged: selection, changes, archive links, redirects, verbose rows', { tags: ['slow'] }, async () => {
    const base = join(dir, 'base.json');
    sites.broken.add('/ok/3-0');
    await auditAt([criteria, '--output', base]);
    sites.broken.clear();
    const run = await auditAt([criteria, '--only', '一', '--baseline', base, '--archive', join(dir, 'warc'), '--verbose', '--lang', 'zh', ...everyFormat('full')]);
    expect(run.code, run.stderr).toBe(1);
    const json = JSON.parse(await readFile(join(dir, 'full.json'), 'utf8'));
    expect(json.selection.basis).toEqual({ kind: 'only', ids: ['一'] });
    expect(json.changes.fixed).toEqual([{ id: '3', title: '指标3' }]);
    expect(json.archive).toBeDefined();
    await expectSameAgain('full', 'zh', true);
  });

  it('gives a shard report again, unchanged', async () => {
    const run = await auditAt([criteria, '--shard', '2/2', '--lang', 'en', ...everyFormat('shard')]);
    expect(run.code, run.stderr).toBeLessThanOrEqual(1);
    await expectSameAgain('shard', 'en', false);
  });

  it('refuses a report whose score does not follow from its evidence', async () => {
    const json = JSON.parse(await readFile(join(dir, 'shard.json'), 'utf8'));
    expect(() => parseReport({ ...json, score: json.score + 1 }, 'edited.json')).toThrow(/edited\.json: .*score: .* does not follow from the evidence/);
    expect(() => parseReport({ ...json, indicators: [{ id: 'x' }] }, 'damaged.json')).toThrow(/damaged\.json: not a JSON report .*indicators\[0\]\.line: expected an integer/);
    const check = json.indicators[0].indicators[0].evidence[0].checks[0];
    check.code = 'NO_SUCH_CODE';
    expect(() => parseReport(json, 'future.json')).toThrow(/future\.json: .*"NO_SUCH_CODE" is not a reason this version of audit knows/);
    check.code = 'REDIRECT_LOOP';
    check.params = { chain: 'not a list' };
    expect(() => parseReport(json, 'odd.json')).toThrow(/odd\.json: .*params: do not fit the reason REDIRECT_LOOP/);
  });
});
