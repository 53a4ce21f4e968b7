import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

/** The shard examples parse, and each keeps its number of shards in step wherever it is written. */
const read = async (path: string) => readFile(new URL(`../../examples/${path}`, import.meta.url), 'utf8');

describe('shard examples', () => {
  it('GitHub Actions: the matrix has SHARDS entries, and the merge runs after failed shards too', async () => {
    const workflow = parse(await read('github-actions-shards.yml'));
    expect(workflow.jobs.shard.strategy.matrix.shard).toEqual(Array.from({ length: workflow.env.SHARDS }, (_, i) => i + 1));
    expect(workflow.jobs.merge.if).toMatch(/always\(\)/);
    expect(JSON.stringify(workflow.jobs.shard.steps)).toMatch(/--shard \\"\$SHARD\/\$SHARDS\\"/);
    expect(JSON.stringify(workflow.jobs.merge.steps)).toMatch(/npx audit merge part-\*\.json/);
  });

  it('GitLab: parallel: with --shard auto, and a merge that needs every shard job', async () => {
    const pipeline = parse(await read('gitlab-ci-shards.yml'));
    expect(pipeline['audit:shard'].parallel).toBe(3);
    expect(pipeline['audit:shard'].script.join('\n')).toMatch(/--shard auto/);
    expect(pipeline['audit:merge'].needs).toEqual(['audit:shard']);
  });

  it('Kubernetes: completions, parallelism and --shard-total agree; the merge reads every part', async () => {
    const [job] = parseAllDocuments(await read('kubernetes/shards-job.yaml')).map((d) => d.toJS());
    const script: string = job.spec.template.spec.containers[0].args[0];
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.parallelism).toBe(job.spec.completions);
    expect(script).toContain(`--shard auto --shard-total ${job.spec.completions}`);
    expect(job.spec.template.spec.securityContext.runAsUser).toBe(10001);
    const merge = parse(await read('kubernetes/merge-job.yaml'));
    expect(merge.spec.template.spec.containers[0].args[0]).toMatch(/audit\.js merge "\$run"\/part-\*\.json/);
  });
});

describe('Dockerfile', () => {
  it('is Node 20 on Debian slim, with Chromium and CJK fonts, running as the user the examples expect', async () => {
    const dockerfile = await readFile(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const from = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(from.every((image) => image === 'node:20-bookworm-slim')).toBe(true);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends chromium fonts-noto-cjk/);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "node", "\/app\/bin\/audit\.js"\]$/m);
    const ignored = (await readFile(new URL('../../.dockerignore', import.meta.url), 'utf8')).split('\n');
    for (const needed of ['src', 'bin', 'schema', 'package.json', 'package-lock.json', 'tsconfig.json', 'criteria.yaml']) expect(ignored).not.toContain(needed);
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git', 'dist']));
  });
});
