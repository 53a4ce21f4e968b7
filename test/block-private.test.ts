import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, LookupFunction, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import type { Dispatcher } from 'undici';
import type { Io } from '../src/commands/io.js';
import { classifyError } from '../src/fetch/errors.js';
import {
  addressCategory,
  BlockedAddressError,
  createNetworkDispatcher,
  inspectCertificate,
  isPrivateAddress,
  NetworkConfigError,
  type AddressPolicy,
  type NetworkOptions,
} from '../src/network/index.js';
import { sendNotifications, type NotifySummary } from '../src/notify/index.js';
import { Renderer } from '../src/render/index.js';
import { runCli } from './helpers.js';
import { makePki, OPENSSL, type Pki } from './pki.js';

/**
 * --block-private / settings.block_private: for criteria files from strangers' pull requests.
 * Every test server is on loopback, which the real policy refuses; where a test needs an
 * address that counts as public, it swaps the policy for one that lets 127.0.0.2 through
 * (and nothing else private), and fakes DNS with an injected lookup. No real DNS, no Internet.
 */

const dir = mkdtempSync(join(tmpdir(), 'audit-block-private-'));
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  rmSync(dir, { recursive: true, force: true });
});

const PAGE = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>公开</title></head><body><p>政务公开 预算 2026-03-01</p></body></html>';

interface Site {
  origin: string;
  host: string;
  port: number;
  /** TCP connections accepted, and requests answered ("GET /path"). */
  connections: number;
  requests: string[];
}

/** A loopback site that counts what reaches it; `handler` may answer first (a redirect, say). */
async function site(host = '127.0.0.1', handler?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<Site> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    s.requests.push(`${req.method} ${req.url}`);
    if (handler?.(req, res)) return;
    if (req.url?.includes('evidence-audit-probe')) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>not found</body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  server.on('connection', (socket: Socket) => {
    s.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const s: Site = { origin: `http://${host}:${port}`, host, port, connections: 0, requests: [] };
  closers.push(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return s;
}

/** Fake DNS: names to addresses; anything else does not exist. Records what was asked. */
function fakeDns(names: Record<string, string | string[]>): LookupFunction & { asked: string[] } {
  const asked: string[] = [];
  const lookup = ((hostname, options, callback) => {
    asked.push(hostname);
    const found = names[hostname];
    if (found === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
      return;
    }
    const list = (Array.isArray(found) ? found : [found]).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  }) as LookupFunction & { asked: string[] };
  lookup.asked = asked;
  return lookup;
}

/** The production policy, except that 127.0.0.2 stands in for a public address. */
const testPolicy: AddressPolicy = (address) => isPrivateAddress(address) && address !== '127.0.0.2' && address !== '::ffff:127.0.0.2';

function dispatcher(options: Partial<NetworkOptions> = {}): Dispatcher {
  const d = createNetworkDispatcher({ timeoutMs: 3_000, ...options });
  closers.push(() => d.destroy());
  return d;
}

interface EvidenceJson {
  status: string;
  error_code: string | null;
  checks: { code: string; message: string }[];
  warnings: { code: string; message: string }[];
}

/** Audits `urls` through the CLI and reads the JSON report. */
async function audit(urls: string[], args: string[] = [], io: Partial<Io> = {}, { settings = '', checks = '' } = {}): Promise<{ code: number; stderr: string; evidence: EvidenceJson[]; report: unknown }> {
  const name = Math.random().toString(36).slice(2);
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `version: 1
settings:
  per_host_rate: 100
  timeout: 3s
  retries: 1
${settings.replace(/^/gm, '  ')}
indicators:
  - title: A
    weight: 1
    evidence:
${urls.map((u) => `      - url: "${u}"${checks ? `\n        ${checks}` : ''}`).join('\n')}
`);
  const json = join(dir, `${name}.json`);
  const { code, stderr } = await runCli([file, '--quiet', '--lang', 'en', '--now', '2026-03-15', '--output', json, ...args], io);
  const report = JSON.parse(await readFile(json, 'utf8')) as { indicators: { evidence: EvidenceJson[] }[] };
  return { code, stderr, evidence: report.indicators[0]!.evidence, report };
}

describe('the address classifier', () => {
  const blocked: Array<[string, string]> = [
    // IPv4, each range at both ends
    ['0.0.0.0', 'unspecified'], ['0.255.255.255', 'unspecified'],
    ['10.0.0.0', 'private'], ['10.255.255.255', 'private'],
    ['100.64.0.0', 'shared'], ['100.127.255.255', 'shared'], ['100.100.100.200', 'shared'],
    ['127.0.0.1', 'loopback'], ['127.0.0.0', 'loopback'], ['127.255.255.255', 'loopback'],
    ['169.254.0.0', 'link-local'], ['169.254.169.254', 'link-local'], ['169.254.255.255', 'link-local'],
    ['172.16.0.0', 'private'], ['172.31.255.255', 'private'],
    ['192.168.0.0', 'private'], ['192.168.255.255', 'private'],
    ['192.0.0.192', 'reserved'], ['192.0.2.1', 'reserved'], ['198.18.0.1', 'reserved'], ['198.19.255.255', 'reserved'],
    ['198.51.100.7', 'reserved'], ['203.0.113.9', 'reserved'],
    ['224.0.0.1', 'multicast'], ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'], ['255.255.255.254', 'reserved'], ['255.255.255.255', 'broadcast'],
    // IPv6
    ['::', 'unspecified'], ['::1', 'loopback'], ['[::1]', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'], ['[fe80::1%25eth0]', 'link-local'], ['febf:ffff::1', 'link-local'],
    ['fc00::', 'unique-local'], ['fd00:ec2::254', 'unique-local'], ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique-local'],
    ['ff02::1', 'multicast'], ['FF05::2', 'multicast'],
    ['fec0::1', 'reserved'], ['2001:db8::1', 'reserved'], ['100::1', 'reserved'], ['64:ff9b:1::1', 'reserved'],
    ['::7f00:1', 'reserved'], ['::127.0.0.1', 'reserved'],
    // IPv6 forms of IPv4 addresses, judged by the IPv4 address they carry
    ['::ffff:127.0.0.1', 'loopback'], ['::FFFF:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback'], ['[::ffff:127.0.0.1]', 'loopback'],
    ['::ffff:10.1.2.3', 'private'], ['::ffff:a9fe:a9fe', 'link-local'], ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:0:127.0.0.1', 'loopback'], ['64:ff9b::127.0.0.1', 'loopback'], ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'], ['2002:c0a8:101::1', 'private'],
    // Not an address at all: refused, never guessed at
    ['127.1', 'not-an-address'], ['localhost', 'not-an-address'], ['', 'not-an-address'], ['1.2.3.4.5', 'not-an-address'],
    ['::ffff:999.0.0.1', 'not-an-address'],
  ];
  it.each(blocked)('refuses %s (%s)', (address, category) => {
    expect(addressCategory(address)).toBe(category);
    expect(isPrivateAddress(address)).toBe(true);
  });

  const allowed = [
    '1.1.1.1', '8.8.8.8', '114.114.114.114', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0',
    '126.255.255.255', '128.0.0.0', '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0',
    '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255', '192.0.3.0',
    '2400:3200::1', '2001:4860:4860::8888', '2001:db9::1', 'fbff:ffff::1', '[2400:da00::6666]',
    '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::808:808', '2002:808:808::1',
  ];
  it.each(allowed)('lets %s through', (address) => {
    expect(addressCategory(address)).toBeUndefined();
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('the dispatcher with --block-private', () => {
  it('refuses a name that resolves to loopback (DNS rebinding) before connecting; the same name is fetched without the policy', async () => {
    const target = await site();
    const dns = fakeDns({ 'rebind.example.gov.cn': '127.0.0.1' });
    const url = `http://rebind.example.gov.cn:${target.port}/page`;
    const { evidence: [blocked] } = await audit([url], [], { dispatcher: dispatcher({ blockAddress: isPrivateAddress, lookup: dns }) });
    expect(blocked!.error_code).toBe('BLOCKED_ADDRESS');
    expect(blocked!.status).toBe('fail');
    expect(blocked!.checks[0]!.message).toContain(`rebind.example.gov.cn:${target.port} (127.0.0.1)`);
    expect(blocked!.checks[0]!.message).toContain('--block-private');
    expect(dns.asked).toContain('rebind.example.gov.cn');
    expect(target.connections).toBe(0);

    // The control: the fake DNS does lead to the server, so only the policy kept it away.
    const { evidence: [open] } = await audit([url], [], { dispatcher: dispatcher({ lookup: dns }) });
    expect(open!.status).toBe('pass');
    expect(target.requests).toContain('GET /page');
  });

  it('refuses a name when any of its addresses is refused, not only the first', async () => {
    const target = await site();
    const dns = fakeDns({ 'mixed.example.gov.cn': ['127.0.0.2', '127.0.0.1'] });
    const { evidence: [e] } = await audit([`http://mixed.example.gov.cn:${target.port}/`], [], { dispatcher: dispatcher({ blockAddress: testPolicy, lookup: dns }) });
    expect(e!.error_code).toBe('BLOCKED_ADDRESS');
    expect(target.connections).toBe(0);
  });

  it('lets a public address through, and refuses a redirect from it to a private one at the hop', async () => {
    const inside = await site('127.0.0.1');
    const outside = await site('127.0.0.2', (req, res) => {
      if (req.url === '/to-literal') res.writeHead(302, { location: `${inside.origin}/secret` }).end();
      else if (req.url === '/to-name') res.writeHead(301, { location: `http://intranet.example.gov.cn:${inside.port}/secret` }).end();
      else if (req.url === '/to-mapped') res.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${inside.port}/secret` }).end();
      else return false;
      return true;
    });
    const dns = fakeDns({ 'www.example.gov.cn': '127.0.0.2', 'intranet.example.gov.cn': '127.0.0.1' });
    const d = dispatcher({ blockAddress: testPolicy, lookup: dns });
    const { evidence } = await audit([
      `http://www.example.gov.cn:${outside.port}/ok`,
      `http://www.example.gov.cn:${outside.port}/to-literal`,
      `http://www.example.gov.cn:${outside.port}/to-name`,
      `http://www.example.gov.cn:${outside.port}/to-mapped`,
    ], [], { dispatcher: d });
    const [ok, literal, name, mapped] = evidence;
    expect(ok!.status).toBe('pass');
    for (const hop of [literal, name, mapped]) {
      expect(hop!.error_code).toBe('BLOCKED_ADDRESS');
      expect(hop!.status).toBe('fail');
    }
    expect(literal!.checks[0]!.message).toContain('(127.0.0.1)');
    expect(name!.checks[0]!.message).toContain(`intranet.example.gov.cn:${inside.port} (127.0.0.1)`);
    expect(outside.requests).toEqual(expect.arrayContaining(['GET /ok', 'GET /to-literal', 'GET /to-name', 'GET /to-mapped']));
    expect(inside.connections).toBe(0);
    expect(inside.requests).toEqual([]);
  });

  it('checks the address the socket connected to, even when the lookup let it through', async () => {
    const target = await site();
    // A policy that is fooled once (the lookup's check) and then sees the real address.
    let calls = 0;
    const fooledOnce: AddressPolicy = (address) => calls++ > 0 && isPrivateAddress(address);
    const dns = fakeDns({ 'twice.example.gov.cn': '127.0.0.1' });
    const { evidence: [e] } = await audit([`http://twice.example.gov.cn:${target.port}/`], [], { dispatcher: dispatcher({ blockAddress: fooledOnce, lookup: dns }) });
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(e!.error_code).toBe('BLOCKED_ADDRESS');
    expect(target.requests).toEqual([]);
  });

  it('cannot be combined with a proxy: the proxy would resolve names out of sight', () => {
    expect(() => createNetworkDispatcher({ timeoutMs: 1000, blockAddress: isPrivateAddress, proxy: 'http://127.0.0.1:1' })).toThrow(NetworkConfigError);
    expect(() => createNetworkDispatcher({ timeoutMs: 1000, blockAddress: isPrivateAddress, env: { HTTPS_PROXY: 'http://127.0.0.1:1' } })).toThrow(/proxy/);
    // NO_PROXY=* means no proxy at all, so every connection is direct and checked.
    const direct = createNetworkDispatcher({ timeoutMs: 1000, blockAddress: isPrivateAddress, env: { HTTP_PROXY: 'http://127.0.0.1:1', NO_PROXY: '*' } });
    closers.push(() => direct.destroy());
  });

  it('classifies the refusal as BLOCKED_ADDRESS, not retryable, wherever it is wrapped', () => {
    const error = new BlockedAddressError('intranet', '10.0.0.1');
    expect(error.code).toBe('E_BLOCKED_ADDRESS');
    expect(classifyError(error, 'intranet:80', 1000)).toEqual({ code: 'BLOCKED_ADDRESS', params: { host: 'intranet:80', address: '10.0.0.1' } });
    expect(classifyError(Object.assign(new Error('fetch failed'), { cause: error }), 'intranet', 1000).code).toBe('BLOCKED_ADDRESS');
  });
});

describe('audit --block-private, as CI runs it', () => {
  it('fails a 127.0.0.1 URL with BLOCKED_ADDRESS and the server sees no request; without the flag it passes', async () => {
    const target = await site();
    const url = `${target.origin}/evidence`;
    const { code, evidence: [e], report } = await audit([url], ['--block-private']);
    expect(code).toBe(1);
    const schema = JSON.parse(await readFile(new URL('../schema/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(e!.status).toBe('fail');
    expect(e!.error_code).toBe('BLOCKED_ADDRESS');
    expect(e!.checks[0]!.message).toBe(`refused to connect to 127.0.0.1:${target.port} (127.0.0.1): loopback, private and other internal addresses are blocked by --block-private (block_private)`);
    expect(target.connections).toBe(0);
    expect(target.requests).toEqual([]);

    const { code: open, evidence: [ok] } = await audit([url]);
    expect(open).toBe(0);
    expect(ok!.status).toBe('pass');
    expect(target.requests).toContain('GET /evidence');
  });

  it('is switched on by settings.block_private in the criteria file too, and for IPv6 forms of loopback', async () => {
    const target = await site();
    const { evidence } = await audit([`${target.origin}/a`, `http://[::ffff:127.0.0.1]:${target.port}/b`, `http://[::1]:${target.port}/c`, `http://0.0.0.0:${target.port}/d`], [], {}, { settings: 'block_private: true' });
    expect(evidence.map((e) => e.error_code)).toEqual(['BLOCKED_ADDRESS', 'BLOCKED_ADDRESS', 'BLOCKED_ADDRESS', 'BLOCKED_ADDRESS']);
    expect(target.connections).toBe(0);
  });

  it('refuses to run through a proxy (exit 2), from --proxy or the environment', async () => {
    const target = await site();
    const file = join(dir, 'proxy.yaml');
    await writeFile(file, `version: 1\nindicators:\n  - { title: A, weight: 1, evidence: [{ url: "${target.origin}/" }] }\n`);
    const flag = await runCli([file, '--block-private', '--proxy', `http://127.0.0.1:${target.port}`]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--block-private \(block_private\) cannot be used with a proxy/);
    const env = await runCli([file, '--block-private'], { env: { HTTPS_PROXY: `http://127.0.0.1:${target.port}` } });
    expect(env.code).toBe(2);
    expect(target.connections).toBe(0);
    // --proxy "" turns the environment's proxy off, so the run goes ahead (and is refused its target).
    const off = await runCli([file, '--block-private', '--proxy', '', '--quiet'], { env: { HTTPS_PROXY: `http://127.0.0.1:${target.port}` } });
    expect(off.code).toBe(1);
    expect(target.connections).toBe(0);
  });

  it('renders nothing: evidence that needs the browser stays unverified, saying why', async () => {
    const target = await site('127.0.0.2');
    const dns = fakeDns({ 'www.example.gov.cn': '127.0.0.2' });
    const { evidence: [e] } = await audit([`http://www.example.gov.cn:${target.port}/`], ['--block-private', '--render', 'always'],
      { dispatcher: dispatcher({ blockAddress: testPolicy, lookup: dns }) }, { checks: 'keywords: [预算]' });
    const render = e!.checks.find((c) => c.code === 'RENDER_UNAVAILABLE');
    expect(e!.status).toBe('unverified');
    expect(render?.message).toContain('BLOCK_PRIVATE');
    expect(render?.message).toContain('--block-private');
  });

  it('posts settings.notify webhooks only to public addresses, and says so on stderr; --notify is trusted', async () => {
    const target = await site();
    const fromFile = await site();
    const fromFlag = await site();
    const { stderr } = await audit([`${target.origin}/`], ['--block-private', '--notify', `json:${fromFlag.origin}/hook`, '--notify-on', 'always'], {},
      { settings: `notify:\n  - "json:${fromFile.origin}/hook"` });
    expect(fromFile.connections).toBe(0);
    expect(stderr).toContain(`notification to`);
    expect(stderr).toMatch(/refused: 127\.0\.0\.1:\d+ is at 127\.0\.0\.1, an internal address, and this webhook comes from settings\.notify/);
    expect(fromFlag.requests).toEqual(['POST /hook']);
    expect(target.connections).toBe(0);

    // Without block_private the file's webhook is posted to as before.
    await audit([`${target.origin}/`], ['--notify-on', 'always'], {}, { settings: `notify:\n  - "json:${fromFile.origin}/hook"` });
    expect(fromFile.requests).toEqual(['POST /hook']);
  });
});

describe('notifications to guarded targets', () => {
  const summary: NotifySummary = {
    title: 'T', score: 1, maxScore: 2, passed: false, counts: { pass: 0, fail: 1, unverified: 0 },
    newlyFailing: [], fixed: [], topProblems: [], lang: 'en',
  };

  it('resolves the webhook host and refuses an internal address; allows a public one', async () => {
    const inside = await site('127.0.0.1', (_req, res) => Boolean(res.writeHead(200).end('ok')));
    const outside = await site('127.0.0.2', (_req, res) => Boolean(res.writeHead(200).end('ok')));
    const dns = fakeDns({ 'hooks.example.org': '127.0.0.2', 'intranet.example.org': '127.0.0.1' });
    const plain = dispatcher();
    const results = await sendNotifications([
      { kind: 'json', url: `http://hooks.example.org:${outside.port}/a`, guarded: true },
      { kind: 'json', url: `http://intranet.example.org:${inside.port}/b`, guarded: true },
      { kind: 'json', url: `${inside.origin}/c`, guarded: true },
      { kind: 'json', url: `${inside.origin}/trusted` },
    ], summary, { dispatcher: plain, blockAddress: testPolicy, lookup: dns });
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    expect(results[1]!.detail).toContain(`intranet.example.org:${inside.port} is at 127.0.0.1`);
    expect(outside.requests).toEqual(['POST /a']);
    expect(inside.requests).toEqual(['POST /trusted']);
  });
});

describe('certificate inspection with --block-private', () => {
  let pki: Pki | undefined;
  let port = 0;
  let connections = 0;
  /** Connections that carried an HTTP request; the others were certificate inspections. */
  const served = new WeakSet<Socket>();
  let servedCount = 0;
  const inspections = () => connections - servedCount;
  beforeAll(async () => {
    if (!OPENSSL) return;
    pki = makePki(dir);
    const server = createHttpsServer(pki.servers.expiring, (req, res) => {
      if (!served.has(req.socket)) {
        served.add(req.socket);
        servedCount++;
      }
      if (req.url?.includes('evidence-audit-probe')) res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>not found</body></html>');
      else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    });
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      connections++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    closers.push(() => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }));
  });

  it.skipIf(!OPENSSL)('inspectCertificate never connects to a refused address, by literal or by name', async () => {
    const before = connections;
    expect(await inspectCertificate('127.0.0.1', port, { timeoutMs: 3000, blockAddress: isPrivateAddress })).toBeUndefined();
    const dns = fakeDns({ 'cert.example.gov.cn': '127.0.0.1' });
    expect(await inspectCertificate('cert.example.gov.cn', port, { timeoutMs: 3000, blockAddress: isPrivateAddress, lookup: dns })).toBeUndefined();
    expect(dns.asked).toEqual(['cert.example.gov.cn']);
    expect(connections).toBe(before);
    // The control: without the policy, the same name is inspected.
    const report = await inspectCertificate('cert.example.gov.cn', port, { timeoutMs: 3000, lookup: dns });
    expect(report?.daysLeft).toBeLessThan(30);
    expect(connections).toBe(before + 1);
  });

  it.skipIf(!OPENSSL)('the run inspects no certificate of a private host, even when the fetch itself was let through', async () => {
    // The injected dispatcher lets the fetch reach 127.0.0.1; the certificate check must still refuse.
    const url = `https://127.0.0.1:${port}/`;
    const fetchOnly = () => dispatcher({ ca: [pki!.ca], insecureHosts: () => true });
    const start = inspections();
    const open = await audit([url], [], { dispatcher: fetchOnly() });
    expect(open.evidence[0]!.warnings.map((w) => w.code)).toContain('TLS_EXPIRING');
    expect(inspections()).toBe(start + 1);
    const guarded = await audit([url], ['--block-private'], { dispatcher: fetchOnly() });
    expect(guarded.evidence[0]!.status).toBe('pass');
    expect(guarded.evidence[0]!.warnings).toEqual([]);
    expect(inspections()).toBe(start + 1);
  });
});

describe('the renderer with blockPrivate', () => {
  it('answers BLOCK_PRIVATE without starting a browser', async () => {
    const renderer = new Renderer({ executablePath: '/nonexistent/chromium', timeoutMs: 1000, userAgent: 'test', blockPrivate: true });
    const result = await renderer.render('http://www.example.gov.cn/');
    await renderer.close();
    expect(result).toMatchObject({ ok: false, code: 'BLOCK_PRIVATE' });
    // Without it, the same renderer would have tried to start that browser.
    const plain = new Renderer({ executablePath: '/nonexistent/chromium', timeoutMs: 1000, userAgent: 'test' });
    expect(await plain.render('http://www.example.gov.cn/')).toMatchObject({ ok: false, code: 'NO_BROWSER' });
    await plain.close();
  });
});
