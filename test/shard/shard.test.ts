import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOfHost } from '../../src/shard/hash.js';
import { resolveShard } from '../../src/shard/spec.js';
import { criteriaYaml } from '../helpers.js';
import { audit, auditAt, evidenceOf, otherShard, readJson, startSites, tempDir, writeCriteria, type Sites } from './fixture.js';

/** The documented function (docs/ci-and-cron.md), written out again: the contract, not the implementation. */
function documentedShard(host: string, total: number): number {
  return (createHash('sha256').update(host.toLowerCase()).digest().readUInt32BE(0) % total) + 1;
}

let sites: Sites;
let dir: string;
let criteria: string;

beforeAll(async () => {
  sites = await startSites(12);
  dir = await tempDir('audit-shard-');
  // One passing link per host: which shard judged what is all these tests look at.
  criteria = await writeCriteria(dir, 'hosts.yaml', criteriaYaml(sites.servers.map((s, i) => `- url: ${s.origin}/ok/${i}`)));
});
afterAll(() => sites.close());

describe('the host hash', () => {
  it('is the documented function of the lower-cased host, with its port', () => {
    for (const host of ['www.huainan.gov.cn', 'WWW.Huainan.GOV.cn', 'xxgk.ah.gov.cn:8443', '127.0.0.7:41234']) {
      for (let n = 1; n <= 7; n++) expect(shardOfHost(host, n)).toBe(documentedShard(host.toLowerCase(), n));
    }
    // Pinned: a change here would move hosts between machines in the middle of a rollout.
    expect([1, 2, 3, 4, 5].map((n) => shardOfHost('www.gov.cn', n))).toEqual([1, 1, 3, 1, 5]);
    expect([1, 2, 3, 4, 5].map((n) => shardOfHost('www.huainan.gov.cn', n))).toEqual([1, 2, 1, 2, 2]);
  });

  it('puts every host in exactly one shard, for 1 to 5 shards', async () => {
    for (let total = 1; total <= 5; total++) {
      const judgedBy = new Map<string, number[]>();
      // The shards of one run, side by side, as a CI matrix runs them.
      const indexes = Array.from({ length: total }, (_, i) => i + 1);
      const runs = await Promise.all(indexes.map((index) => auditAt([criteria, '--shard', `${index}/${total}`, '--output', join(dir, `hosts-${index}-of-${total}.json`)])));
      for (const index of indexes) {
        expect(runs[index - 1]!.code, runs[index - 1]!.stderr).toBe(0);
        const report = await readJson(join(dir, `hosts-${index}-of-${total}.json`));
        expect(report.shard).toEqual({ index, total });
        for (const e of evidenceOf(report)) {
          if (otherShard(e)) {
            expect(e.status).toBe('unverified');
            continue;
          }
          const host = new URL(e.url).host;
          expect(documentedShard(host, total), `${host} in ${index}/${total}`).toBe(index);
          judgedBy.set(e.url, [...(judgedBy.get(e.url) ?? []), index]);
        }
      }
      expect(judgedBy.size).toBe(sites.servers.length);
      for (const [url, shards] of judgedBy) expect(shards, url).toHaveLength(1);
    }
  });

  it('fetches nothing from the hosts of other shards', async () => {
    const before = sites.requests.length;
    await auditAt([criteria, '--shard', '2/3', '--output', join(dir, 'fetched.json')]);
    const hosts = new Set(sites.requests.slice(before).map((r) => r.replace(/\/.*/, '')));
    expect(hosts.size).toBeGreaterThan(0);
    for (const host of hosts) expect(documentedShard(host, 3)).toBe(2);
  });
});

describe('--shard auto', () => {
  const shardIn = async (env: Record<string, string>, extra: string[] = []) => {
    const out = join(dir, `auto-${Object.values(env).join('-')}-${extra.join('')}.json`);
    const run = await auditAt([criteria, '--shard', 'auto', ...extra, '--output', out], env);
    expect(run.code, run.stderr).toBe(0);
    return (await readJson(out)).shard;
  };

  it('reads GitLab parallel: (CI_NODE_INDEX is 1-based, like --shard)', async () => {
    expect(await shardIn({ CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' })).toEqual({ index: 2, total: 3 });
    expect(await shardIn({ CI_NODE_INDEX: '3', CI_NODE_TOTAL: '3' })).toEqual({ index: 3, total: 3 });
  });

  it('reads a Kubernetes Indexed Job (JOB_COMPLETION_INDEX is 0-based) with --shard-total', async () => {
    expect(await shardIn({ JOB_COMPLETION_INDEX: '0' }, ['--shard-total', '3'])).toEqual({ index: 1, total: 3 });
    expect(await shardIn({ JOB_COMPLETION_INDEX: '2' }, ['--shard-total', '3'])).toEqual({ index: 3, total: 3 });
  });
});

describe('bad --shard values', () => {
  const refused: [string[], Record<string, string>, RegExp][] = [
    [['--shard', '0/3'], {}, /--shard 0\/3: shards are numbered from 1 .*--shard auto --shard-total 3/],
    [['--shard', '4/3'], {}, /--shard 4\/3: there is no shard 4 of 3 \(use 1\/3 … 3\/3\)/],
    [['--shard', 'x/y'], {}, /--shard "x\/y" is not I\/N \(use e\.g\. --shard 2\/3/],
    [['--shard', '1/0'], {}, /--shard 1\/0: the number of shards must be at least 1/],
    [['--shard', 'auto'], {}, /--shard auto: no shard in the environment.*CI_NODE_INDEX.*JOB_COMPLETION_INDEX.*--shard I\/N/],
    [['--shard', 'auto'], { JOB_COMPLETION_INDEX: '1' }, /JOB_COMPLETION_INDEX=1 is set .* add --shard-total N/],
    [['--shard', 'auto', '--shard-total', '2'], { JOB_COMPLETION_INDEX: '2' }, /JOB_COMPLETION_INDEX=2 is out of range for --shard-total 2/],
    [['--shard', 'auto'], { CI_NODE_INDEX: '0', CI_NODE_TOTAL: '3' }, /CI_NODE_INDEX=0 is out of range .*from 1 to 3/],
    [['--shard', 'auto'], { CI_NODE_INDEX: '1' }, /CI_NODE_INDEX is set but CI_NODE_TOTAL is not/],
    [['--shard-total', '3'], {}, /--shard-total goes with --shard auto/],
    [['--shard', '1/3', '--shard-total', '3'], {}, /--shard-total is only for --shard auto/],
    [['--shard', '1/3', '--fail-under', '50'], {}, /--fail-under cannot be used with --shard: .*`audit merge`/],
    [['--shard', '1/3', '--fail-on', 'unverified'], {}, /--fail-on cannot be used with --shard/],
    [['--shard', '1/3', '--baseline', 'x.json'], {}, /--baseline cannot be used with --shard/],
  ];

  it('are usage errors (exit 2) naming the flag and the fix, before anything is fetched', async () => {
    const before = sites.requests.length;
    for (const [args, env, message] of refused) {
      const run = await audit([criteria, ...args], env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(sites.requests.length).toBe(before);
  });

  it('are parsed apart from the command line too', () => {
    expect(resolveShard({}, {})).toBeUndefined();
    expect(resolveShard({ shard: ' 2 / 5 ' }, {})).toEqual({ index: 2, total: 5 });
    expect(() => resolveShard({ shard: '1/1001' }, {})).toThrow(/at most 1000 shards/);
    expect(resolveShard({ shard: 'auto' }, { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '1', JOB_COMPLETION_INDEX: '5' })).toEqual({ index: 1, total: 1 });
  });
});
