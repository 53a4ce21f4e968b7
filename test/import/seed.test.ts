import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCriteriaFile } from '../../src/criteria/load.js';
import type { Criteria } from '../../src/model/criteria.js';
import { runCli, type CliRun } from '../helpers.js';
import { sharedFile } from '../shared.js';
import { loaded, shapeOf } from './project.js';

/** The repository is cloned beside shared/ (in CI too); the seed is the page Huainan published. */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { path: SEED, present } = sharedFile('seeds', 'huainan-2021-self-assessment.txt');

describe.skipIf(!present)('importing the Huainan seed', () => {
  let run: CliRun;
  let imported: Criteria;
  let bundled: Criteria;

  beforeAll(async () => {
    run = await runCli(['import', SEED], { cwd: REPO });
    imported = loaded(run.stdout);
    const file = await loadCriteriaFile(resolve(REPO, 'criteria.yaml'));
    bundled = file.criteria!;
  });

  it('exits 0 and prints the criteria on standard output, the summary on standard error', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# Imported by `audit import`/);
    expect(run.stdout).toContain('\nversion: 1\n');
    expect(run.stderr).toContain('6 sections, 21 indicators, total weight 100, 37 links');
  });

  it('gives the same tree, weights, requirements, links and labels as the bundled criteria.yaml', () => {
    // The bundled file adds keywords and max_age, which the import cannot know; shapeOf leaves them out.
    expect(shapeOf(imported.indicators)).toEqual(shapeOf(bundled.indicators));
  });

  it('reads the counts the bundled file states: 6 sections, 21 indicators, 100 points, 37 links, 五.2 citing nothing', () => {
    const leaves = imported.indicators.flatMap((s) => s.children);
    expect(imported.indicators.map((s) => s.id)).toEqual(['一', '二', '三', '四', '五', '六']);
    expect(leaves).toHaveLength(21);
    expect(imported.indicators.reduce((sum, s) => sum + s.weight, 0)).toBe(100);
    expect(leaves.flatMap((l) => l.evidence ?? [])).toHaveLength(37);
    expect(leaves.find((l) => l.id === '五.2')).toMatchObject({ title: '规范政府信息公开行政复议案件审理标准', weight: 2, evidence: [] });
  });

  it('takes the title the page prints, and no freshness window unless asked', () => {
    expect(imported.title).toBe('2021年政务公开自评表');
    expect(run.stdout).not.toMatch(/^\s*max_age:/m);
    expect(run.stdout).toContain('# Freshness: no max_age is set');
  });

  it('keeps http:// as written and lists what the linter finds, with no doubts about a clean table', () => {
    expect(run.stdout).toContain('url: http://wjw.huainan.gov.cn/xwzx/ztzl/agws/index.html\n');
    expect(run.stderr).toMatch(/warning: evidence "爱国卫生运动" in 一\.4 links over plain http.*\[insecure-http\]/);
    expect(run.stderr).toMatch(/warning: evidence "公共资源配置" \(一\.5\) links to the same URL as "社会公益事业及重点民生领域".*\[same-url-different-labels\]/);
    expect(run.stderr).toMatch(/indicator 五\.2 .* cites no evidence.*\[no-evidence\]/);
    // The feedback form under the article and the trailing nbsp are page furniture, not doubts.
    expect(run.stderr).not.toContain('doubt:');
    expect(run.stdout).not.toContain('# doubt:');
    expect(run.stderr).toContain('0 doubts');
  });
});
