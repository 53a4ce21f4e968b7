import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/criteria/diagnostics.js';
import { loadCriteriaFile } from '../../src/criteria/load.js';
import type { Criteria, Evidence, Indicator } from '../../src/model/criteria.js';

const CRITERIA_PATH = fileURLToPath(new URL('../../criteria.yaml', import.meta.url));
// CI copies shared/ beside the repo, so the seed lives at ../shared relative to the repo root.
const SEED_PATH = fileURLToPath(new URL('../../../shared/seeds/huainan-2021-self-assessment.txt', import.meta.url));

function leaves(indicators: Indicator[]): Indicator[] {
  return indicators.flatMap((i) => (i.children.length > 0 ? leaves(i.children) : [i]));
}

function find(indicators: Indicator[], id: string): Indicator | undefined {
  for (const i of indicators) {
    if (i.id === id) return i;
    const found = find(i.children, id);
    if (found) return found;
  }
  return undefined;
}

describe('the repository criteria.yaml (淮南市2021年政务公开自评表)', () => {
  let criteria: Criteria;
  let allLeaves: Indicator[];
  let allEvidence: Evidence[];

  beforeAll(async () => {
    const result = await loadCriteriaFile(CRITERIA_PATH, 'criteria.yaml');
    // Show every diagnostic in the failure message, so a broken file is easy to fix.
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.criteria).toBeDefined();
    criteria = result.criteria!;
    allLeaves = leaves(criteria.indicators);
    allEvidence = allLeaves.flatMap((l) => l.evidence ?? []);
  });

  it('loads with no errors and no warnings', async () => {
    const { criteria: c, diagnostics } = await loadCriteriaFile(CRITERIA_PATH, 'criteria.yaml');
    expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic)).toEqual([]);
    expect(c?.title).toBe('淮南市2021年政务公开自评表');
    expect(c?.version).toBe(1);
  });

  it('keeps the settings written in the file', () => {
    expect(criteria.settings.concurrency).toBe(8);
    expect(criteria.settings.perHostConcurrency).toBe(2);
    expect(criteria.settings.perHostRate).toBe(2);
    expect(criteria.settings.timeoutMs).toBe(20_000);
    expect(criteria.settings.retries).toBe(2);
  });

  it('has the six sections 一..六 with the table weights', () => {
    expect(criteria.indicators.map((i) => i.id)).toEqual(['一', '二', '三', '四', '五', '六']);
    expect(criteria.indicators.map((i) => i.weight)).toEqual([18, 30, 12, 15, 10, 15]);
    expect(criteria.indicators.reduce((t, i) => t + i.weight, 0)).toBe(100);
  });

  it('has 21 leaves whose weights add up to their section', () => {
    expect(allLeaves).toHaveLength(21);
    expect(allLeaves.map((l) => l.id)).toEqual([
      '一.1', '一.2', '一.3', '一.4', '一.5',
      '二.1', '二.2', '二.3', '二.4',
      '三.1', '三.2',
      '四.1', '四.2', '四.3',
      '五.1', '五.2', '五.3',
      '六.1', '六.2', '六.3', '六.4',
    ]);
    for (const section of criteria.indicators) {
      expect(section.children.reduce((t, c) => t + c.weight, 0), section.id).toBe(section.weight);
    }
  });

  it('has 37 evidence citations over 32 distinct URLs', () => {
    expect(allEvidence).toHaveLength(37);
    expect(new Set(allEvidence.map((e) => e.url)).size).toBe(32);
  });

  it('keeps both http:// URLs exactly as cited', () => {
    const http = allEvidence.map((e) => e.url).filter((u) => u.startsWith('http://'));
    expect(http.sort()).toEqual([
      'http://wjw.huainan.gov.cn/xwzx/ztzl/agws/index.html',
      'http://www.huainan.gov.cn/public/content/1258467699',
    ]);
  });

  it('has no whitespace or non-breaking space in any URL', () => {
    for (const e of allEvidence) {
      expect(e.url, e.title).not.toMatch(/\s/);
      expect(e.url.includes('\u00a0'), e.title).toBe(false);
    }
  });

  it('keeps 五.2 as a leaf with an empty evidence list', () => {
    const leaf = find(criteria.indicators, '五.2');
    expect(leaf).toBeDefined();
    expect(leaf!.children).toEqual([]);
    expect(leaf!.evidence).toEqual([]);
    expect(leaf!.weight).toBe(2);
  });

  it('gives every evidence a keywords rule with at least one word', () => {
    for (const e of allEvidence) {
      expect(e.checks.keywords, e.title).toBeDefined();
      expect(e.checks.keywords!.all.length + e.checks.keywords!.any.length, e.title).toBeGreaterThan(0);
      expect(e.checks.status, e.title).toEqual([{ min: 200, max: 299 }]);
    }
  });

  it('checks the 预决算专题 page for 预算 or 决算', () => {
    const e = allEvidence.find((x) => x.title === '预决算专题');
    expect(e?.url).toBe('https://www.huainan.gov.cn/site/tpl/5688688');
    expect(e?.checks.keywords?.any).toEqual(expect.arrayContaining(['预算', '决算']));
    expect(e?.checks.keywords?.all).toEqual([]);
  });

  it('parses max_age presets, inherited or per evidence', () => {
    const news = allEvidence.find((x) => x.title === '新冠疫情防控');
    expect(news?.checks.maxAge).toMatchObject({ years: 0, months: 0, days: 14, ms: 0, text: 'news' });
    // 一.1 sets max_age: notice on the indicator; its evidence inherits it.
    const inherited = find(criteria.indicators, '一.1')!.evidence![0]!;
    expect(inherited.checks.maxAge).toMatchObject({ days: 180, text: 'notice' });
    const statutory = allEvidence.find((x) => x.title === '回头看');
    expect(statutory?.checks.maxAge).toMatchObject({ days: 365, text: 'statutory' });
    // Fixed 2021 documents carry no max_age.
    const fixed = allEvidence.find((x) => x.title === '稿件报送通知');
    expect(fixed?.checks.maxAge).toBeUndefined();
  });

  it.skipIf(!existsSync(SEED_PATH))('matches every leaf weight of the published table (seed)', () => {
    const seed = readFileSync(SEED_PATH, 'utf8');
    const numerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    const sections: { id: string; weight: number }[] = [];
    const seedLeaves: { id: string; title: string; weight: number }[] = [];
    for (const line of seed.split(/\r?\n/)) {
      const section = /^([一二三四五六七八九十]+)、.*[((](\d+)%/.exec(line.trim());
      if (section) {
        sections.push({ id: section[1]!, weight: Number(section[2]) });
        continue;
      }
      const leaf = /^[((]([一二三四五六七八九十]+)[))](.+?)。[((](\d+)%/.exec(line.trim());
      if (leaf) {
        const parent = sections.at(-1)!;
        const index = numerals.indexOf(leaf[1]!) + 1;
        seedLeaves.push({ id: `${parent.id}.${index}`, title: leaf[2]!, weight: Number(leaf[3]) });
      }
    }
    expect(sections).toHaveLength(6);
    expect(seedLeaves).toHaveLength(21);
    expect(criteria.indicators.map((i) => ({ id: i.id, weight: i.weight }))).toEqual(sections);
    expect(allLeaves.map((l) => ({ id: l.id, weight: l.weight }))).toEqual(
      seedLeaves.map(({ id, weight }) => ({ id, weight })),
    );
    expect(allLeaves.map((l) => l.title)).toEqual(seedLeaves.map((l) => l.title));
  });
});
