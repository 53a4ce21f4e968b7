import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW_ARG, runCli } from '../helpers.js';

/*
 * The soak: 2,000 URLs on five loopback hosts whose servers reset 10% of requests, answer 503 to
 * 5% and stall 5%, run through the real CLI in-process. What each request meets is decided by a
 * seeded hash of (path, attempt number), and each server counts the attempts per path, so a
 * retried request can succeed, and the test knows, for every URL, how many requests the server
 * must see and what the report must say. SOAK_SEED=<n> replays another schedule.
 */

const SEED = Number(process.env.SOAK_SEED ?? 20260315);
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
const URL_COUNT = 2000;
const RETRIES = 2;
const ATTEMPTS = RETRIES + 1;
const SETTINGS = { concurrency: 32, per_host_concurrency: 8, per_host_rate: 200, timeout: '1s', retries: RETRIES };
const SETTLE_MS = 2000;
const RSS_GROWTH_LIMIT = 100 * 1024 * 1024;

type Outcome = 'ok' | 'reset' | '503' | 'stall';

/**
 * Scripted schedules, each given to one URL on every host, so every path through the retry loop
 * is exercised whatever the seed. Later URLs draw from the seeded hash.
 */
const SCRIPTS: Outcome[][] = [
  ['ok'],
  ['reset', 'ok'],
  ['reset', 'reset', 'ok'],
  ['503', 'ok'],
  ['503', '503', 'ok'],
  ['stall', 'ok'],
  ['stall', 'stall', 'ok'],
  ['stall', '503', 'ok'],
  ['reset', 'reset', 'reset'],
  ['stall', 'stall', 'stall'],
  ['503', '503', '503'],
  ['reset', '503', 'stall'],
  ['stall', 'reset', '503'],
  ['503', 'stall', 'reset'],
];

const DOC_PATH = /^\/doc\/(\d+)\.html$/;
const pathOf = (index: number) => `/doc/${index}.html`;
const hostOf = (index: number) => index % HOSTS.length;

/** FNV-1a, then murmur3's finaliser: a uniform 32-bit value for any key, the same on every run. */
function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
const unit = (key: string) => hash32(`${SEED}|${key}`) / 2 ** 32;

/** What the `attempt`-th request for `path` meets: 10% reset, 5% 503, 5% stall, the rest 200. */
function scheduleFor(path: string, attempt: number): Outcome {
  const index = Number(DOC_PATH.exec(path)?.[1]);
  const script = SCRIPTS[Math.floor(index / HOSTS.length)];
  if (script) return script[attempt - 1] ?? 'ok';
  const r = unit(`${path}|${attempt}`);
  return r < 0.1 ? 'reset' : r < 0.15 ? '503' : r < 0.2 ? 'stall' : 'ok';
}

interface Expected {
  attempts: number;
  verdict: 'pass' | 'fail';
  /** What the last attempt met, which decides the reason. */
  last: Outcome;
}

/** Retries follow the first `retries` failures; the first 200, or the last attempt, ends it. */
function expectedFor(path: string): Expected {
  for (let attempt = 1; ; attempt++) {
    const outcome = scheduleFor(path, attempt);
    if (outcome === 'ok' || attempt === ATTEMPTS) return { attempts: attempt, verdict: outcome === 'ok' ? 'pass' : 'fail', last: outcome };
  }
}

function page(path: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="PubDate" content="2026-03-01">`
    + `<title>政务公开 ${path}</title></head><body><h1>政务公开专栏</h1>`
    + `<p>本栏目发布财政预算、决算和部门工作动态，文档编号 ${path}。</p><p>发布日期：2026-03-01</p></body></html>`;
}

const ERROR_PAGE = (path: string) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Not Found</title></head>`
  + `<body><p>The requested URL ${path} was not found on this server.</p></body></html>`;

interface ChaosServer {
  host: string;
  origin: string;
  /** Requests per document path, probes aside. */
  hits: Map<string, number>;
  /** The error-page probes (two random missing paths per host and run: what varies between their answers is allowed). */
  probes: string[];
  /** Anything else: a method or path the audit had no business sending. */
  unexpected: string[];
  openSockets(): number;
  /** Destroys the server's side of every connection still open. */
  dropConnections(): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, { 'content-type': type, 'content-length': bytes.length });
  res.end(bytes);
}

async function startChaosServer(host: string): Promise<ChaosServer> {
  const sockets = new Set<Socket>();
  const hits = new Map<string, number>();
  const probes: string[] = [];
  const unexpected: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    if (req.method !== 'GET') {
      unexpected.push(`${req.method} ${path}`);
      return send(res, 405, 'text/plain', 'method not allowed');
    }
    if (path.startsWith('/evidence-audit-probe-')) {
      probes.push(path);
      return send(res, 404, 'text/html; charset=utf-8', ERROR_PAGE(path));
    }
    if (!DOC_PATH.test(path)) {
      unexpected.push(`GET ${path}`);
      return send(res, 404, 'text/html; charset=utf-8', ERROR_PAGE(path));
    }
    const attempt = (hits.get(path) ?? 0) + 1;
    hits.set(path, attempt);
    switch (scheduleFor(path, attempt)) {
      case 'reset':
        // Before any header: a FIN or an RST, half and half.
        if (unit(`${path}|${attempt}|rst`) < 0.5) req.socket.resetAndDestroy();
        else req.socket.destroy();
        return;
      case 'stall':
        return; // accepted, never answered: the client's timeout has to end it
      case '503':
        return send(res, 503, 'text/plain; charset=utf-8', 'Service Unavailable');
      case 'ok':
        return send(res, 200, 'text/html; charset=utf-8', page(path));
    }
  });
  // The server never closes an idle keep-alive connection itself: a request the client sends on a
  // connection the server is closing would be lost in transit and miscount the attempts.
  server.keepAliveTimeout = 120_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const dropConnections = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    host,
    origin: `http://${host}:${port}`,
    hits,
    probes,
    unexpected,
    openSockets: () => sockets.size,
    dropConnections,
    close: () => new Promise<void>((resolve) => {
      dropConnections();
      server.close(() => resolve());
    }),
  };
}

function criteriaFor(servers: ChaosServer[]): { yaml: string; urls: string[] } {
  const urls = Array.from({ length: URL_COUNT }, (_, i) => `${servers[hostOf(i)]!.origin}${pathOf(i)}`);
  const groups: string[] = [];
  const perGroup = 100;
  const perLeaf = 10;
  for (let g = 0; g < URL_COUNT / perGroup; g++) {
    const leaves: string[] = [];
    for (let l = 0; l < perGroup / perLeaf; l++) {
      const first = g * perGroup + l * perLeaf;
      const evidence = urls.slice(first, first + perLeaf).map((url, k) => `          - title: 文档${first + k}\n            url: ${url}`);
      leaves.push(`      - id: "G${g + 1}.${l + 1}"\n        title: 指标${g + 1}.${l + 1}\n        weight: 1\n        evidence:\n${evidence.join('\n')}`);
    }
    groups.push(`  - id: "G${g + 1}"\n    title: 分组${g + 1}\n    weight: ${perGroup / perLeaf}\n    keywords: [政务公开, 预算]\n    max_age: statutory\n    indicators:\n${leaves.join('\n')}`);
  }
  const settings = Object.entries(SETTINGS).map(([key, value]) => `  ${key}: ${value}`).join('\n');
  return { yaml: `version: 1\ntitle: 浸泡测试\nsettings:\n${settings}\nindicators:\n${groups.join('\n')}\n`, urls };
}

interface CheckJson { name: string; status: string; code: string }
interface EvidenceJson {
  url: string;
  final_url: string;
  status: string;
  http_status: number | null;
  error_code: string | null;
  attempts: number;
  checks: CheckJson[];
}
interface IndicatorJson { indicators?: IndicatorJson[]; evidence?: EvidenceJson[] }

function allEvidence(indicators: IndicatorJson[]): EvidenceJson[] {
  return indicators.flatMap((i) => [...(i.evidence ?? []), ...allEvidence(i.indicators ?? [])]);
}

/** Everything wrong with one evidence's entry, given the schedule its server followed. */
function problemsWith(e: EvidenceJson, want: Expected): string[] {
  const problems: string[] = [];
  const check = (what: string, got: unknown, wanted: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(wanted)) problems.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(wanted)}`);
  };
  check('verdict', e.status, want.verdict);
  check('attempts', e.attempts, want.attempts);
  switch (want.last) {
    case 'ok':
      check('http_status', e.http_status, 200);
      check('error_code', e.error_code, null);
      check('final_url', e.final_url, e.url);
      check('checks', e.checks.map((c) => `${c.name}:${c.status}:${c.code}`), ['status:pass:STATUS_OK', 'content:pass:CONTENT_OK', 'keywords:pass:KEYWORDS_OK', 'freshness:pass:FRESH']);
      break;
    case '503':
      check('http_status', e.http_status, 503);
      check('error_code', e.error_code, null);
      check('checks', e.checks.map((c) => `${c.name}:${c.status}:${c.code}`), ['status:fail:STATUS_UNEXPECTED']);
      break;
    case 'reset':
    case 'stall': {
      const code = want.last === 'reset' ? 'CONNECTION_RESET' : 'TIMEOUT';
      check('http_status', e.http_status, null);
      check('error_code', e.error_code, code);
      check('checks', e.checks.map((c) => `${c.name}:${c.status}:${c.code}`), [`fetch:fail:${code}`]);
      break;
    }
  }
  return problems;
}

/** TCP sockets keeping the event loop alive. Idle keep-alive sockets are unref'd, so they are not among them. */
const tcpSockets = () => process.getActiveResourcesInfo().filter((t) => t === 'TCPSocketWrap' || t === 'TCPWRAP').length;
/** Timers keeping the event loop alive: one left behind would hold the bin open after its report. */
const timers = () => process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;
const openFds = () => readdirSync('/proc/self/fd').length;

/** "0100007F:1F90" (as in /proc/net/tcp, little-endian) → "127.0.0.1:8080". */
function endpoint(hex: string): string {
  const [address, port] = hex.split(':') as [string, string];
  const bytes = address.match(/../g)!.map((b) => parseInt(b, 16)).reverse();
  return `${bytes.join('.')}:${parseInt(port, 16)}`;
}

/**
 * This process's open TCP connections to or from the soak servers, ref'd or not, from its file
 * descriptors and /proc/self/net/tcp: the client's side (remote end is a server) and the servers'.
 */
function connections(serverEndpoints: Set<string>): { client: number; server: number } {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed while we looked (the directory's own descriptor, for one)
    }
  }
  let client = 0;
  let server = 0;
  for (const line of readFileSync('/proc/self/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
    if (serverEndpoints.has(endpoint(fields[2]!))) client++;
    else if (serverEndpoints.has(endpoint(fields[1]!)) && fields[3] !== '0A') server++; // 0A: the listening socket
  }
  return { client, server };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `settled` holds or `ms` have passed; either way the caller compares afterwards. */
async function settle(settled: () => boolean, ms = SETTLE_MS): Promise<void> {
  const until = Date.now() + ms;
  while (!settled() && Date.now() < until) await sleep(25);
}

let servers: ChaosServer[] = [];
let dir: string;

beforeAll(async () => {
  servers = await Promise.all(HOSTS.map(startChaosServer));
  dir = await mkdtemp(join(tmpdir(), 'audit-soak-'));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(`soak: ${URL_COUNT} URLs, ${HOSTS.length} hosts, resets/503s/stalls (SOAK_SEED=${SEED})`, () => {
  it('loses no evidence, retries exactly as scheduled, and leaves no socket or descriptor open', async () => {
    const { yaml, urls } = criteriaFor(servers);
    const file = join(dir, 'soak.yaml');
    const out = join(dir, 'soak.json');
    await writeFile(file, yaml);
    const expected = new Map(urls.map((url) => [url, expectedFor(new URL(url).pathname)]));

    const serverSockets = () => servers.reduce((n, s) => n + s.openSockets(), 0);
    const endpoints = new Set(servers.map((s) => new URL(s.origin).host));
    const before = { sockets: tcpSockets() - serverSockets(), fds: openFds(), timers: timers(), rss: process.memoryUsage().rss };
    expect(connections(endpoints)).toEqual({ client: 0, server: 0 });

    const started = performance.now();
    const run = await runCli([file, '--quiet', '--now', NOW_ARG, '--output', `json:${out}`]);
    const seconds = (performance.now() - started) / 1000;
    const rssAfterRun = process.memoryUsage().rss;

    // Client side: what the command's own dispatcher left open, with the servers' sockets set apart.
    const clientSockets = () => tcpSockets() - serverSockets();
    const isSettled = () => clientSockets() === before.sockets && serverSockets() === 0 && openFds() === before.fds
      && connections(endpoints).client === 0 && timers() <= before.timers;
    await settle(isSettled);
    const settled = { sockets: clientSockets(), serverSockets: serverSockets(), connections: connections(endpoints), fds: openFds(), timers: timers() };
    // Then the servers drop whatever they still hold, and descriptors must be back where they began.
    for (const s of servers) s.dropConnections();
    await settle(() => openFds() === before.fds);
    const fdsAfter = openFds();

    const report = JSON.parse(await readFile(out, 'utf8')) as { complete: boolean; summary: { evidence: Record<string, number> }; indicators: IndicatorJson[] };
    const evidence = allEvidence(report.indicators);
    const wanted = [...expected.values()];
    const tally = { pass: wanted.filter((w) => w.verdict === 'pass').length, fail: wanted.filter((w) => w.verdict === 'fail').length, unverified: 0 };
    const byLast = (last: Outcome) => wanted.filter((w) => w.verdict === 'fail' && w.last === last).length;
    const requests = servers.reduce((n, s) => n + [...s.hits.values()].reduce((a, b) => a + b, 0), 0);
    console.log([
      `soak (SOAK_SEED=${SEED}): ${URL_COUNT} URLs on ${HOSTS.length} hosts in ${seconds.toFixed(1)} s, exit ${run.code}`,
      `  expected: ${tally.pass} pass (${wanted.filter((w) => w.attempts > 1 && w.verdict === 'pass').length} after retries), `
        + `${tally.fail} fail (reset ${byLast('reset')}, timeout ${byLast('stall')}, 503 ${byLast('503')}); server saw ${requests} document requests`,
      `  sockets ${before.sockets} → ${settled.sockets} (connections left: ${settled.connections.client} client, ${settled.connections.server} server), `
        + `fds ${before.fds} → ${settled.fds} (→ ${fdsAfter} with the servers' side dropped), `
        + `timers ${before.timers} → ${settled.timers}, rss ${(before.rss / 2 ** 20).toFixed(0)} → ${(rssAfterRun / 2 ** 20).toFixed(0)} MB`,
    ].join('\n'));

    // The run: finished, judged, and never a usage (2) or internal (3) error.
    expect(run.stderr).toBe('');
    expect([0, 1]).toContain(run.code);
    expect(report.complete).toBe(true);

    // Every evidence exactly once, with the verdict and attempt count its schedule implies.
    expect(evidence).toHaveLength(URL_COUNT);
    const seen = new Map<string, number>();
    for (const e of evidence) seen.set(e.url, (seen.get(e.url) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n !== 1)).toEqual([]);
    expect(urls.filter((url) => !seen.has(url))).toEqual([]);
    const wrong = evidence.flatMap((e) => problemsWith(e, expected.get(e.url)!).map((p) => `${e.url} [${scheduleTrace(e.url)}]: ${p}`));
    expect(wrong, `SOAK_SEED=${SEED}`).toEqual([]);

    // The servers' side: each document requested exactly as often as scheduled, on its own host;
    // one error-page probe per host; nothing else.
    const miscounted = urls.flatMap((url, i) => {
      const got = servers[hostOf(i)]!.hits.get(pathOf(i)) ?? 0;
      const want = expected.get(url)!.attempts;
      return got === want ? [] : [`${url} [${scheduleTrace(url)}]: server saw ${got} requests, want ${want}`];
    });
    expect(miscounted, `SOAK_SEED=${SEED}`).toEqual([]);
    expect(servers.map((s) => s.hits.size)).toEqual(HOSTS.map((_, h) => urls.filter((_, i) => hostOf(i) === h).length));
    expect(servers.map((s) => s.probes.length)).toEqual(HOSTS.map(() => 2));
    expect(servers.flatMap((s) => s.unexpected)).toEqual([]);

    // The totals and the exit code follow: 1, since some URLs fail on every attempt.
    expect(report.summary.evidence).toEqual(tally);
    expect(run.code).toBe(tally.fail > 0 ? 1 : 0);

    // The schedule really did exercise each way through the retries.
    expect(wanted.filter((w) => w.verdict === 'pass' && w.attempts === 3).length).toBeGreaterThan(0);
    for (const last of ['reset', 'stall', '503'] as const) expect(byLast(last)).toBeGreaterThan(0);

    // Resources: the command's dispatcher is closed and nothing it opened is left behind.
    expect(settled.sockets, 'active client sockets left open').toBe(before.sockets);
    expect(settled.connections, 'connections left open (client side, and server side the client never closed)').toEqual({ client: 0, server: 0 });
    expect(settled.serverSockets, 'server-side sockets the client never closed').toBe(0);
    expect(settled.fds, 'file descriptors left open').toBe(before.fds);
    expect(fdsAfter, 'file descriptors left open once the servers dropped their side').toBe(before.fds);
    expect(settled.timers, 'timers left holding the event loop').toBeLessThanOrEqual(before.timers);
    expect(rssAfterRun - before.rss, 'RSS growth over the run').toBeLessThan(RSS_GROWTH_LIMIT);
  });
});

/** "reset,503,ok": what the server did to each attempt, for messages. */
function scheduleTrace(url: string): string {
  const path = new URL(url).pathname;
  return Array.from({ length: ATTEMPTS }, (_, i) => scheduleFor(path, i + 1)).join(',');
}
