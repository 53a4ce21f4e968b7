import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { Dispatcher } from 'undici';
import { expect } from 'vitest';
import type { EvidenceJson, ReportJson } from '../../src/report/json.js';
import { criteriaYaml, NOW_ARG, runCli } from '../helpers.js';

/**
 * Misbehaving servers on 127.0.0.1 (port 0), and a way to audit a URL through the real CLI and
 * read the row a user would see. Nothing here ever connects anywhere but loopback.
 */

export interface Hostile {
  origin: string;
  port: number;
  /** Request targets seen, in order ("/path"); a raw server records each once it has read its head. */
  requests: string[];
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/** A request head, as a raw server read it. */
export interface Head {
  method: string;
  path: string;
  raw: string;
}

/** The error-page probe (src/check/probe.ts) asks every host for a path like this once per run. */
export const isProbe = (path: string) => path.startsWith('/evidence-audit-probe-');

/** A plain, honest 404 page: hostile servers answer the probe with it, so only the case under test misbehaves. */
export function notFound(socket: Socket): void {
  const body = '<html><head><title>404</title></head><body>Not Found</body></html>';
  socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
}

function tracked(server: NetServer | HttpServer, state: { connections: number }): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    // A client that gives up (timeout, size cap) resets the socket; that is the point, not a failure.
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

async function listening(server: NetServer | HttpServer, sockets: Set<Socket>, scheme = 'http') {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `${scheme}://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * A TCP server that speaks whatever bytes `respond` writes: for framing no HTTP library would
 * produce. `respond` gets each request head; the probe gets a 404 instead.
 * `onConnect` sees the socket before anything is read (a TLS client speaks first, in binary).
 */
export async function rawServer(respond: (socket: Socket, head: Head) => void, onConnect?: (socket: Socket) => void): Promise<Hostile> {
  const state = { connections: 0, requests: [] as string[] };
  const server = createNetServer((socket) => {
    onConnect?.(socket);
    let buffered = '';
    // Every request head on the connection, in case the client reuses it (GET requests have no body).
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const raw = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const [method = '', path = ''] = raw.split('\r\n')[0]!.split(' ');
        state.requests.push(path);
        if (isProbe(path)) notFound(socket);
        else respond(socket, { method, path, raw });
      }
    });
  });
  const sockets = tracked(server, state);
  const running = await listening(server, sockets);
  return { ...running, get connections() { return state.connections; }, requests: state.requests };
}

/** A well-formed HTTP server whose handler may still be rude; counts requests like rawServer. */
export async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Hostile> {
  const state = { connections: 0, requests: [] as string[] };
  const server = createHttpServer((req, res) => {
    const path = req.url ?? '';
    state.requests.push(path);
    if (isProbe(path)) res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
    else handler(req, res);
  });
  const sockets = tracked(server, state);
  const running = await listening(server, sockets);
  return { ...running, get connections() { return state.connections; }, requests: state.requests };
}

/** A port nothing listens on any more: a listener was bound there and closed. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The shipped report schema: every reason a fault produces must be one a reader of the JSON may expect. */
const validateReport = new Ajv({ allErrors: true, strict: false })
  .compile(JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object);

/** Settings for fault cases: short timeouts and no retries unless a case asks, so each ends in seconds. */
export const FAULT_SETTINGS = 'timeout: 2s\nretries: 0\nper_host_rate: 50';

export interface Audited {
  /** The CLI's exit code. */
  code: number;
  /** Wall time of the whole run, in ms. */
  ms: number;
  rows: EvidenceJson[];
  report: ReportJson;
  stderr: string;
}

export interface AuditOptions {
  /** Extra settings lines ("timeout: 1s"), over FAULT_SETTINGS. */
  settings?: string;
  args?: string[];
  dispatcher?: Dispatcher;
  /** The whole run must end within this (default 5 s: every case's timeouts and backoffs fit, with room for a busy machine). */
  withinMs?: number;
}

/**
 * Audits evidence (YAML list items) through the real CLI with `--output json:FILE`, and returns
 * the rows a user would read. Every run must end normally: exit 0 or 1, never a usage error (2)
 * or a crash (3), and no stack trace on stderr.
 */
export async function audit(evidence: string[], options: AuditOptions = {}): Promise<Audited> {
  const dir = await mkdtemp(join(tmpdir(), 'audit-faults-'));
  try {
    const criteria = join(dir, 'criteria.yaml');
    const out = join(dir, 'report.json');
    await writeFile(criteria, criteriaYaml(evidence, { settings: `${FAULT_SETTINGS}\n${options.settings ?? ''}` }));
    const started = performance.now();
    const run = await runCli([criteria, '--output', `json:${out}`, '--quiet', '--lang', 'en', '--now', NOW_ARG, ...(options.args ?? [])],
      options.dispatcher ? { dispatcher: options.dispatcher } : {});
    const ms = performance.now() - started;
    expect(ms, 'the run took too long').toBeLessThan(options.withinMs ?? 5000);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect([0, 1], `exit code ${run.code}; stderr: ${run.stderr}`).toContain(run.code);
    const report = JSON.parse(await readFile(out, 'utf8')) as ReportJson;
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    const rows = report.indicators.flatMap((group) => (group.indicators ?? []).flatMap((leaf) => leaf.evidence ?? []));
    expect(rows).toHaveLength(evidence.length);
    return { code: run.code, ms, rows, report, stderr: run.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Audits one URL and returns its row. */
export async function auditOne(url: string, options: AuditOptions & { evidence?: string } = {}): Promise<Audited & { row: EvidenceJson }> {
  const result = await audit([`- url: ${url}${options.evidence ? `\n${options.evidence}` : ''}`], options);
  return { ...result, row: result.rows[0]! };
}

export interface Expected {
  verdict: 'pass' | 'fail' | 'unverified';
  /** The reason code of the first check that did not pass (or of the fetch check). */
  code: string;
  message: RegExp;
}

/** The row's verdict, the code and words of its deciding check, and an exit code that matches the verdict. */
export function expectRow(run: Audited & { row: EvidenceJson }, expected: Expected): void {
  const { row } = run;
  const deciding = row.checks.find((c) => c.status !== 'pass') ?? row.checks[0];
  const seen = { verdict: row.status, code: deciding?.code, message: deciding?.message };
  expect(seen, JSON.stringify(row, null, 2)).toMatchObject({ verdict: expected.verdict, code: expected.code });
  expect(seen.message, JSON.stringify(seen)).toMatch(expected.message);
  // Unverified evidence is a warning by default (README "Exit codes"): only a failure exits 1.
  expect(run.code).toBe(expected.verdict === 'fail' ? 1 : 0);
}
