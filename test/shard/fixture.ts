import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { html, NOW_ARG, runCli, startServer, type TestServer } from '../helpers.js';

/**
 * "Many hosts" for the shard tests: one loopback server on each of 127.0.0.1 … 127.0.0.N (Linux
 * routes all of 127/8 to the loopback), every one serving the same kinds of page by path.
 */
export interface Sites {
  servers: TestServer[];
  /** Paths answered 404 until removed, for baseline runs. */
  broken: Set<string>;
  /** Every request's path, by host. */
  requests: string[];
  close(): Promise<void>;
}

export async function startSites(count: number): Promise<Sites> {
  const broken = new Set<string>();
  const requests: string[] = [];
  const servers: TestServer[] = [];
  for (let i = 1; i <= count; i++) {
    servers.push(await startServer((req, res) => {
      const path = req.url ?? '/';
      requests.push(`${req.headers.host}${path}`);
      const page = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(body));
      if (broken.has(path) || path.startsWith('/gone')) return void res.writeHead(404).end('gone');
      if (path.startsWith('/wall')) return void res.writeHead(412).end('<script>$_ts=window.$_ts||{}</script>');
      if (path.startsWith('/stale')) return void page('<p>政务公开 发布日期：2020-01-01</p>');
      if (path.startsWith('/nokw')) return void page('<p>其他内容 2026-03-10</p>');
      if (path.startsWith('/moved')) return void res.writeHead(301, { location: `/ok${path}` }).end();
      if (path.startsWith('/ok')) return void page(`<p>政务公开 ${path} 发布日期：2026-03-10</p>`);
      res.writeHead(404).end('not found');
    }, `127.0.0.${i}`));
  }
  return { servers, broken, requests, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}

const KINDS = ['ok', 'gone', 'ok', 'ok', 'stale', 'ok', 'wall', 'ok', 'nokw'];

/**
 * A two-level table whose leaves cite two or three links on different hosts, with keywords and
 * max_age (so checks carry every kind of parameter), a requirement, and a leaf citing nothing.
 */
export function shardCriteria(sites: Sites, { leaves = 8, title = '分片测试' } = {}): string {
  const { servers } = sites;
  const leaf = (n: number) => {
    const links = Array.from({ length: 2 + (n % 2) }, (_, k) => {
      const server = servers[(n * 3 + k) % servers.length]!;
      const kind = KINDS[(n + k * 2) % KINDS.length]!;
      return `          - title: 链接${n}-${k}\n            url: ${server.origin}/${kind}/${n}-${k}`;
    });
    return `      - id: "${n}"
        title: 指标${n}
        weight: ${1 + (n % 3)}
        requirement: 要求${n}
        evidence:
${links.join('\n')}`;
  };
  const half = Math.ceil(leaves / 2);
  const weight = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => 1 + ((from + i) % 3)).reduce((a, b) => a + b, 0);
  const group = (id: string, from: number, to: number, extra = 0) => `  - id: "${id}"
    title: 分组${id}
    weight: ${weight(from, to) + extra}
    indicators:
${Array.from({ length: to - from }, (_, i) => leaf(from + i)).join('\n')}`;
  return `version: 1
title: ${title}
settings:
  per_host_rate: 100
  per_host_concurrency: 4
  timeout: 2s
  retries: 0
defaults:
  keywords: [政务公开]
  max_age: notice
indicators:
${group('一', 1, half + 1)}
${group('二', half + 1, leaves + 1, 1)}
      - id: "空"
        title: 无佐证
        weight: 1
        evidence: []
`;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeCriteria(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** The CLI as a user runs it, quiet, at the helpers' fixed "today". */
export const audit = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--quiet'], { env });
/** At the helpers' fixed "today"; the pages need no browser, and none is started. */
export const auditAt = (args: string[], env: Record<string, string> = {}) => audit([...args, '--now', NOW_ARG, '--render', 'never'], env);

export async function readJson(path: string): Promise<Record<string, unknown> & { indicators: unknown[] }> {
  return JSON.parse(await readFile(path, 'utf8'));
}

export interface EvidenceJsonLike {
  url: string;
  line: number;
  status: string;
  checks: { code: string; params?: unknown }[];
}

/** Every evidence of a JSON report, in tree order. */
export function evidenceOf(report: { indicators: unknown[] }): EvidenceJsonLike[] {
  const out: EvidenceJsonLike[] = [];
  const visit = (nodes: unknown[]) => {
    for (const node of nodes as { evidence?: EvidenceJsonLike[]; indicators?: unknown[] }[]) {
      if (node.evidence) out.push(...node.evidence);
      else visit(node.indicators ?? []);
    }
  };
  visit(report.indicators);
  return out;
}

export const otherShard = (e: EvidenceJsonLike) => e.checks.some((c) => c.code === 'OTHER_SHARD');
