import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, auditAt, evidenceOf, otherShard, readJson, shardCriteria, startSites, tempDir, writeCriteria, type Sites } from './fixture.js';

/**
 * Three shard runs joined by `audit merge` give what one run gives: the same verdicts, score,
 * exit code, and the same report in every format but for the times. Bad sets of shards are
 * refused, naming the file.
 */
let sites: Sites;
let dir: string;
let criteria: string;

beforeAll(async () => {
  sites = await startSites(8);
  dir = await tempDir('audit-merge-');
  criteria = await writeCriteria(dir, 'criteria.yaml', shardCriteria(sites, { leaves: 10 }));
});
afterAll(() => sites.close());

const FORMATS = ['json', 'html', 'md', 'xml', 'csv', 'txt'];
const outputs = (stem: string) => FORMATS.flatMap((ext) => ['--output', join(dir, `${stem}.${ext}`)]);

/** Runs shards 1…total of the criteria side by side, each writing STEM-I.json; returns the paths. */
async function shards(stem: string, total: number, extra: string[] = [], file = criteria): Promise<string[]> {
  const parts = Array.from({ length: total }, (_, i) => join(dir, `${stem}-${i + 1}.json`));
  const runs = await Promise.all(parts.map((part, i) => auditAt([file, '--shard', `${i + 1}/${total}`, '--output', part, ...extra])));
  for (const run of runs) expect(run.code, run.stderr).toBeLessThanOrEqual(1);
  return parts;
}

/** What differs between two runs that judged alike: when they ran, and how long requests took. */
function timeless(text: string): string {
  return text
    .replace(/"(started_at|finished_at)": "[^"]*"/g, '"$1": "T"')
    .replace(/"duration_ms": [\d.]+/g, '"duration_ms": 0')
    .replace(/ (time|timestamp)="[^"]*"/g, ' $1="T"')
    .replace(/<time datetime="[^"]*">[^<]*<\/time>( · [^<]*)?<\/dd>/g, '<time>T</time></dd>')
    .replace(/datetime="[^"]*">[^<]*</g, 'datetime="T">T<');
}

describe('audit merge', () => {
  it('joins three shards into the report a single run writes, in every format', async () => {
    const single = await auditAt([criteria, ...outputs('single')]);
    const parts = await shards('part', 3);
    const merged = await audit(['merge', ...parts, ...outputs('merged')]);
    expect(single.code).toBe(1); // a 404, a stale page and a leaf without evidence
    expect(merged.code).toBe(single.code);
    for (const ext of FORMATS) {
      const [a, b] = await Promise.all([readFile(join(dir, `single.${ext}`), 'utf8'), readFile(join(dir, `merged.${ext}`), 'utf8')]);
      expect(timeless(b), ext).toBe(timeless(a));
    }
    const report = await readJson(join(dir, 'merged.json'));
    expect(report.shard).toBeUndefined();
    expect(evidenceOf(report).some(otherShard)).toBe(false);
  });

  it('words a merge in the language asked for, whatever the shards were written in', async () => {
    const single = await auditAt([criteria, '--lang', 'en', ...outputs('single-en')]);
    const parts = await shards('zh', 3, ['--lang', 'zh']);
    const merged = await audit(['merge', ...parts, '--lang', 'en', ...outputs('merged-en')]);
    expect(merged.code).toBe(single.code);
    for (const ext of FORMATS) {
      const [a, b] = await Promise.all([readFile(join(dir, `single-en.${ext}`), 'utf8'), readFile(join(dir, `merged-en.${ext}`), 'utf8')]);
      expect(timeless(b), ext).toBe(timeless(a));
    }
  });

  it('gives shard reports that fail nothing of other shards, with a partial score, valid against the schema', async () => {
    const parts = await shards('schema', 3);
    const schema = JSON.parse(await readFile(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const whole = await readJson(join(dir, 'single.json'));
    let points = 0;
    for (const part of parts) {
      const report = await readJson(part);
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
      const foreign = evidenceOf(report).filter(otherShard);
      expect(foreign.every((e) => e.status === 'unverified')).toBe(true);
      expect((report.summary as { evidence: { fail: number } }).evidence.fail).toBe(evidenceOf(report).filter((e) => e.status === 'fail').length);
      points += report.score as number;
    }
    expect(validate(whole), JSON.stringify(validate.errors)).toBe(true);
    // Partial scores: each shard's is at most the whole's. Only the merge scores the whole.
    for (const part of parts) expect((await readJson(part)).score as number).toBeLessThanOrEqual(whole.score as number);
    expect(points).toBeGreaterThan(0);
  });

  it('applies --fail-under, --fail-on and --baseline to the merge as a single run does', async () => {
    const parts = await shards('policy', 3);
    const { score } = await readJson(join(dir, 'single.json'));
    const both = async (flags: string[]) => {
      const single = await auditAt([criteria, ...flags]);
      const merged = await audit(['merge', ...parts, ...flags]);
      expect(merged.code, `${flags.join(' ')}: ${merged.stderr}`).toBe(single.code);
      return merged.code;
    };
    expect(await both(['--fail-under', String(score)])).toBe(0);
    expect(await both(['--fail-under', String((score as number) + 0.5)])).toBe(1);
    // Shard 1 of 3 holds hosts of a wall (unverified), failing under --fail-on unverified.
    expect(await both(['--fail-under', '0', '--fail-on', 'unverified'])).toBe(1);
    expect(await both(['--fail-on', 'sometimes'])).toBe(2);
  });

  it('compares the merge with a baseline: newly failing, fixed, score change, --fail-on regression', async () => {
    const night1 = join(dir, 'night1.json');
    sites.broken.add('/ok/5-0');
    await auditAt([criteria, '--output', night1]);
    sites.broken.delete('/ok/5-0');
    sites.broken.add('/ok/3-0');
    const parts = await shards('night2', 3);
    const singleJson = join(dir, 'night2-single.json');
    const mergedJson = join(dir, 'night2-merged.json');
    const single = await auditAt([criteria, '--baseline', night1, '--fail-on', 'regression', '--output', singleJson]);
    const merged = await audit(['merge', ...parts, '--baseline', night1, '--fail-on', 'regression', '--output', mergedJson]);
    sites.broken.clear();
    expect(merged.code).toBe(1);
    expect(merged.code).toBe(single.code);
    const changes = (await readJson(mergedJson)).changes as { newly_failing: { id: string; previous: string }[]; fixed: { id: string }[] };
    expect(changes).toEqual((await readJson(singleJson)).changes);
    expect(changes.newly_failing).toContainEqual(expect.objectContaining({ id: '3', previous: 'pass' }));
    expect(changes.fixed).toContainEqual(expect.objectContaining({ id: '5' }));
  });

  it('reads one whole report back and writes it in other formats unchanged', async () => {
    const again = await audit(['merge', join(dir, 'single.json'), '--output', join(dir, 'again.html'), '--output', join(dir, 'again.json')]);
    expect(again.code).toBe(1);
    expect(await readFile(join(dir, 'again.json'), 'utf8')).toBe(await readFile(join(dir, 'single.json'), 'utf8'));
  });
});

describe('audit merge refuses', () => {
  const refuse = async (args: string[], message: RegExp) => {
    const run = await audit(['merge', ...args]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  };

  it('a missing or duplicated shard, naming it', async () => {
    const [one, two, three] = await shards('refuse', 3);
    await refuse([one!, two!], /merge: shard 3 of 3 is missing \(given: 1 \(.*refuse-1\.json\), 2 \(.*refuse-2\.json\)\)/);
    await refuse([one!, two!, two!, three!], /merge: shard 2 of 3 is given twice: .*refuse-2\.json and .*refuse-2\.json/);
    const [half] = await shards('half', 2);
    await refuse([one!, half!, three!], /half-1\.json is shard 1 of 2, but .*refuse-1\.json is shard 1 of 3/);
  });

  it('shards of different criteria, naming the file', async () => {
    const [one, two] = await shards('same', 3);
    const other = await writeCriteria(dir, 'other.yaml', `# another version of the table\n${shardCriteria(sites, { leaves: 10 })}`);
    const [, , three] = await shards('other', 3, [], other);
    await refuse([one!, two!, three!], /merge: .*other-3\.json was audited against other criteria than .*same-1\.json \(sha256 [0-9a-f]{12}… of .*other\.yaml/);
  });

  it('a report written before checks carried params, or a file that is no report', async () => {
    const [one, two, three] = await shards('old', 3);
    const old = JSON.parse(await readFile(three!, 'utf8'));
    const strip = (node: { evidence?: { checks: { params?: unknown }[] }[]; indicators?: unknown[] }) => {
      for (const e of node.evidence ?? []) for (const c of e.checks) delete c.params;
      (node.indicators as typeof node[] | undefined)?.forEach(strip);
    };
    old.indicators.forEach(strip);
    await writeFile(three!, JSON.stringify(old));
    await refuse([one!, two!, three!], /old-3\.json: written by an earlier version of audit, whose JSON reports do not carry each check's params .*run the audit again/);
    await writeFile(three!, '{"version": 1}');
    await refuse([one!, two!, three!], /old-3\.json: not a JSON report this version of audit can read/);
    await refuse([one!, two!, join(dir, 'nope.json')], /nope\.json: cannot read it \(file not found\)/);
  });
});
