import { expect } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { main } from '../src/cli.js';
import type { Io } from '../src/commands/io.js';

/** A fixed "today" for reproducible freshness verdicts; the demo site dates its pages from it. */
export const NOW = new Date('2026-03-15T04:00:00Z');
export const NOW_ARG = NOW.toISOString();

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as a user would type it, capturing what they would see. */
export async function runCli(args: string[], extra: Partial<Io> & { tty?: boolean; columns?: number } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const { tty, columns, ...io } = extra;
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: tty ?? false, ...(columns ? { columns } : {}) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: {},
    cwd: process.cwd(),
    ...io,
  });
  return { code, stdout, stderr };
}

/** Criteria YAML with one leaf per evidence line, so each test states only what it checks. */
export function criteriaYaml(evidence: string[], { settings = '', checks = '' } = {}): string {
  const leaves = evidence
    .map((e, i) => `      - id: "A.${i + 1}"
        title: 指标${i + 1}
        weight: 1
${checks ? checks.replace(/^/gm, '        ') + '\n' : ''}        evidence:
${e.replace(/^/gm, '          ')}`)
    .join('\n');
  const merged = new Map([['per_host_rate', '50'], ['per_host_concurrency', '4'], ['timeout', '2s'], ['retries', '2']]);
  for (const line of settings.split('\n').filter(Boolean)) {
    const [key, ...value] = line.split(':');
    merged.set(key!.trim(), value.join(':').trim());
  }
  return `version: 1
title: 测试
settings:
${[...merged].map(([k, v]) => `  ${k}: ${v}`).join('\n')}
indicators:
  - id: "A"
    title: 测试分组
    weight: ${evidence.length}
    indicators:
${leaves}
`;
}

export interface TestServer {
  origin: string;
  close(): Promise<void>;
}

/** A bare loopback server for scenarios the demo site does not cover. */
export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void, host = '127.0.0.1'): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

export function html(body: string, head = ''): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">${head}<title>测试页面</title></head><body>${body}</body></html>`;
}

/** Never closer than 1/rate (a window must not hold rate + 1), and no slower than the scheduler's margins. */
export function expectEvenSpacing(starts: number[], intervalMs: number): void {
  const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
  for (const gap of gaps) {
    expect(gap).toBeGreaterThanOrEqual(intervalMs);
    // 0.5% margin per interval, and each window's 15 ms of slack falling on one of its gaps.
    expect(gap).toBeLessThanOrEqual(intervalMs * 1.005 + 16);
  }
}
