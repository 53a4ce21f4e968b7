import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, makePki, OPENSSL, startProxy, type Pki, type ServerName } from './pki.js';
import { request, type Dispatcher } from 'undici';
import {
  createNetworkDispatcher,
  inspectCertificate,
  NetworkConfigError,
  normalizeHost,
  normalizeProxyUrl,
  proxyFor,
  proxyProblemOf,
  redactProxyUrl,
  resolveProxy,
  tlsProblemOf,
  tlsProblemOfError,
  type NetworkOptions,
} from '../src/network/index.js';

const TIMEOUT_MS = 5_000;
const closers: Array<() => Promise<unknown>> = [];
let pki: Pki | undefined;
let dir: string | undefined;
const https: Partial<Record<ServerName, number>> = {};
let httpPort = 0;

beforeAll(async () => {
  const plain = await listen(createHttpServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`plain ${req.url} via=${req.headers['x-via-test-proxy'] ?? 'direct'}`);
  }));
  httpPort = plain.port;
  closers.push(plain.close);
  if (!OPENSSL) return;
  dir = mkdtempSync(join(tmpdir(), 'evidence-audit-network-'));
  pki = makePki(dir);
  for (const [name, { key, cert }] of Object.entries(pki.servers) as Array<[ServerName, { key: string; cert: string }]>) {
    const server = await listen(createHttpsServer({ key, cert }, (_req, res) => res.end(`hello from ${name}`)));
    https[name] = server.port;
    closers.push(server.close);
  }
});

afterAll(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A dispatcher closed after the test file. */

function dispatcher(options: Partial<NetworkOptions> = {}): Dispatcher {
  const d = createNetworkDispatcher({ timeoutMs: TIMEOUT_MS, ...options });
  closers.push(() => d.destroy());
  return d;
}

function url(name: ServerName, host = '127.0.0.1'): string {
  return `https://${host}:${https[name]}/`;
}

async function get(target: string, d: Dispatcher): Promise<{ status: number; body: string }> {
  const response = await request(target, { dispatcher: d, signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: response.statusCode, body: await response.body.text() };
}

/** The rejection of a request that must fail. */
type RequestError = Error & { code?: string };

async function failure(target: string, d: Dispatcher): Promise<RequestError> {
  try {
    const response = await request(target, { dispatcher: d, signal: AbortSignal.timeout(TIMEOUT_MS) });
    await response.body.dump();
  } catch (error) {
    return error as RequestError;
  }
  throw new Error(`${target} answered, but should have failed`);
}

describe('tlsProblemOf', () => {
  it('maps Node and OpenSSL codes to certificate problems', () => {
    expect(tlsProblemOf('CERT_HAS_EXPIRED')).toBe('TLS_EXPIRED');
    expect(tlsProblemOf('CERT_NOT_YET_VALID')).toBe('TLS_NOT_YET_VALID');
    expect(tlsProblemOf('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe('TLS_SELF_SIGNED');
    expect(tlsProblemOf('SELF_SIGNED_CERT_IN_CHAIN')).toBe('TLS_UNTRUSTED');
    expect(tlsProblemOf('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('TLS_WRONG_HOST');
    expect(tlsProblemOf('HOSTNAME_MISMATCH')).toBe('TLS_WRONG_HOST');
    expect(tlsProblemOf('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe('TLS_INCOMPLETE_CHAIN');
    expect(tlsProblemOf('UNABLE_TO_GET_ISSUER_CERT_LOCALLY')).toBe('TLS_INCOMPLETE_CHAIN');
    expect(tlsProblemOf('CERT_REVOKED')).toBe('TLS_UNTRUSTED');
    expect(tlsProblemOf('CERT_SOMETHING_NEW')).toBe('TLS_UNTRUSTED');
  });

  it('gives undefined for errors that are not about the certificate', () => {
    expect(tlsProblemOf(undefined)).toBeUndefined();
    expect(tlsProblemOf('')).toBeUndefined();
    expect(tlsProblemOf('ECONNREFUSED')).toBeUndefined();
    expect(tlsProblemOf('UND_ERR_CONNECT_TIMEOUT')).toBeUndefined();
    expect(tlsProblemOf('ERR_SSL_WRONG_VERSION_NUMBER')).toBeUndefined();
  });

  it('finds the code on the error or on its cause', () => {
    expect(tlsProblemOfError({ code: 'CERT_HAS_EXPIRED' })).toBe('TLS_EXPIRED');
    expect(tlsProblemOfError({ code: 'UND_ERR_PRX_TLS', cause: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' } })).toBe('TLS_WRONG_HOST');
    expect(tlsProblemOfError(new Error('x'))).toBeUndefined();
    expect(tlsProblemOfError(undefined)).toBeUndefined();
  });
});

describe('configuration', () => {
  it('resolves proxies from --proxy and the environment, never from process.env', () => {
    const saved = process.env['HTTP_PROXY'];
    process.env['HTTP_PROXY'] = 'http://127.0.0.1:9';
    try {
      expect(resolveProxy({})).toBeUndefined();
      expect(resolveProxy({ env: {} })).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env['HTTP_PROXY'];
      else process.env['HTTP_PROXY'] = saved;
    }
    expect(resolveProxy({ env: { HTTP_PROXY: 'proxy.corp:8080' } })).toEqual({ httpProxy: 'http://proxy.corp:8080/', httpsProxy: '', noProxy: '' });
    // Lower case first, as curl and undici read them.
    expect(resolveProxy({ env: { http_proxy: 'http://a:1', HTTP_PROXY: 'http://b:2' } })?.httpProxy).toBe('http://a:1/');
    // --proxy replaces both, keeps NO_PROXY; "" turns proxies off; NO_PROXY=* too.
    expect(resolveProxy({ proxy: 'http://p:3128', env: { HTTPS_PROXY: 'http://q:1', NO_PROXY: 'intra.gov.cn' } }))
      .toEqual({ httpProxy: 'http://p:3128/', httpsProxy: 'http://p:3128/', noProxy: 'intra.gov.cn' });
    expect(resolveProxy({ proxy: '', env: { HTTP_PROXY: 'http://q:1' } })).toBeUndefined();
    expect(resolveProxy({ env: { HTTP_PROXY: 'http://q:1', NO_PROXY: '*' } })).toBeUndefined();
  });

  it('tells which proxy a URL goes through, with the NO_PROXY rules of EnvHttpProxyAgent', () => {
    const settings = resolveProxy({ env: { HTTP_PROXY: 'http://p:3128', NO_PROXY: '.gov.cn, intra:8080 127.0.0.1' } });
    expect(proxyFor('http://www.example.com/', settings)).toBe('http://p:3128/');
    expect(proxyFor('https://www.example.com/', settings)).toBe('http://p:3128/');
    expect(proxyFor('https://www.huainan.gov.cn/x', settings)).toBeUndefined();
    expect(proxyFor('http://intra:8080/', settings)).toBeUndefined();
    expect(proxyFor('http://intra/', settings)).toBe('http://p:3128/');
    expect(proxyFor('http://127.0.0.1:9/', settings)).toBeUndefined();
    // No special case for loopback.
    expect(proxyFor('http://localhost/', settings)).toBe('http://p:3128/');
    expect(proxyFor('http://www.example.com/', undefined)).toBeUndefined();
    const httpsOnly = resolveProxy({ env: { HTTPS_PROXY: 'http://s:1' } });
    expect(proxyFor('http://a/', httpsOnly)).toBeUndefined();
    expect(proxyFor('https://a/', httpsOnly)).toBe('http://s:1/');
  });

  it('rejects unusable proxy URLs and CA files with NetworkConfigError', () => {
    expect(() => normalizeProxyUrl('socks5://127.0.0.1:1080')).toThrow(NetworkConfigError);
    expect(() => normalizeProxyUrl('http://')).toThrow(NetworkConfigError);
    expect(() => createNetworkDispatcher({ timeoutMs: 1000, proxy: 'ftp://x' })).toThrow(NetworkConfigError);
    expect(() => createNetworkDispatcher({ timeoutMs: 1000, ca: ['not a certificate'] })).toThrow(/no PEM certificate/);
    expect(() => createNetworkDispatcher({ timeoutMs: 1000, ca: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'] }))
      .toThrow(NetworkConfigError);
  });

  it('redacts proxy passwords and normalises host names', () => {
    expect(redactProxyUrl('http://user:secret@proxy:8080/')).toBe('http://user:***@proxy:8080/');
    expect(redactProxyUrl('http://proxy:8080/')).toBe('http://proxy:8080/');
    expect(normalizeHost('WWW.Example.GOV.cn.')).toBe('www.example.gov.cn');
    expect(normalizeHost('[::1]')).toBe('::1');
  });
});

describe.skipIf(!OPENSSL)('TLS verification', () => {
  it('accepts a valid certificate from a root added with ca', async () => {
    const d = dispatcher({ ca: [pki!.ca] });
    expect(await get(url('valid'), d)).toEqual({ status: 200, body: 'hello from valid' });
  });

  it('rejects it without that root: Node trusts only its own roots by default', async () => {
    const err = await failure(url('valid'), dispatcher());
    // The server sends leaf + intermediate; the root is unknown.
    expect(err.code).toBe('UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });

  // undici rejects request() with the Node TLS error itself: the OpenSSL code is on err.code,
  // and err.cause is undefined.
  it.each([
    ['expired', 'CERT_HAS_EXPIRED', 'TLS_EXPIRED'],
    ['notYetValid', 'CERT_NOT_YET_VALID', 'TLS_NOT_YET_VALID'],
    ['selfSigned', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS_SELF_SIGNED'],
    ['wrongHost', 'ERR_TLS_CERT_ALTNAME_INVALID', 'TLS_WRONG_HOST'],
    ['incomplete', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS_INCOMPLETE_CHAIN'],
  ] as const)('%s certificate → %s → %s', async (name, code, problem) => {
    const err = await failure(url(name), dispatcher({ ca: [pki!.ca] }));
    expect(err.code).toBe(code);
    expect(err.cause).toBeUndefined();
    expect(tlsProblemOf(err.code)).toBe(problem);
    expect(tlsProblemOfError(err)).toBe(problem);
  });

  it('accepts a bad certificate for a host insecureHosts names, and only for it', async () => {
    const asked: string[] = [];
    const only127 = dispatcher({ ca: [pki!.ca], insecureHosts: (host) => (asked.push(host), host === '127.0.0.1') });
    expect(await get(url('expired'), only127)).toEqual({ status: 200, body: 'hello from expired' });
    expect(await get(url('wrongHost'), only127)).toEqual({ status: 200, body: 'hello from wrongHost' });
    expect(await get(url('valid'), only127)).toEqual({ status: 200, body: 'hello from valid' });
    expect(new Set(asked)).toEqual(new Set(['127.0.0.1']));

    const otherHost = dispatcher({ ca: [pki!.ca], insecureHosts: (host) => host === 'www.example.gov.cn' });
    expect((await failure(url('expired'), otherHost)).code).toBe('CERT_HAS_EXPIRED');
    expect(await get(`http://127.0.0.1:${httpPort}/x`, otherHost)).toEqual({ status: 200, body: 'plain /x via=direct' });
  });

  it('--insecure (every host) accepts self-signed and incomplete chains, without any ca', async () => {
    const d = dispatcher({ insecureHosts: () => true });
    expect((await get(url('selfSigned'), d)).status).toBe(200);
    expect((await get(url('incomplete'), d)).status).toBe(200);
  });
});

describe.skipIf(!OPENSSL)('inspectCertificate', () => {
  const options = () => ({ ca: [pki!.ca], timeoutMs: TIMEOUT_MS });

  it('reports a trusted certificate and its days left', async () => {
    const report = await inspectCertificate('127.0.0.1', https.valid!, options());
    expect(report).toMatchObject({ host: '127.0.0.1', port: https.valid, authorized: true, subject: 'localhost', issuer: 'Evidence Audit Test Intermediate' });
    expect(report?.problem).toBeUndefined();
    expect(report?.daysLeft).toBeGreaterThan(360);
  });

  it('sees a certificate expiring in 10 days', async () => {
    const report = await inspectCertificate('localhost', https.expiring!, options());
    expect(report?.authorized).toBe(true);
    expect(report?.daysLeft).toBeGreaterThanOrEqual(9);
    expect(report?.daysLeft).toBeLessThanOrEqual(10);
    expect(report!.daysLeft!).toBeLessThan(30);
    expect(Date.parse(report!.validTo!) - Date.now()).toBeGreaterThan(9 * 86_400_000);
    expect(report?.validTo).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('counts days from `now`', async () => {
    const now = new Date(Date.now() + 5 * 86_400_000);
    const report = await inspectCertificate('127.0.0.1', https.expiring!, { ...options(), now });
    expect(report?.daysLeft).toBeGreaterThanOrEqual(4);
    expect(report?.daysLeft).toBeLessThanOrEqual(5);
  });

  it('explains certificates a verifying client would reject', async () => {
    expect(await inspectCertificate('127.0.0.1', https.expired!, options())).toMatchObject({
      authorized: false, problem: 'TLS_EXPIRED', authorizationError: 'CERT_HAS_EXPIRED',
      validTo: '2020-02-01T00:00:00.000Z',
    });
    expect((await inspectCertificate('127.0.0.1', https.expired!, options()))!.daysLeft).toBeLessThan(0);
    expect(await inspectCertificate('127.0.0.1', https.selfSigned!, options())).toMatchObject({ authorized: false, problem: 'TLS_SELF_SIGNED', subject: 'localhost', issuer: 'localhost' });
    expect(await inspectCertificate('127.0.0.1', https.wrongHost!, options())).toMatchObject({ authorized: false, problem: 'TLS_WRONG_HOST', subject: 'example.org' });
    expect(await inspectCertificate('127.0.0.1', https.incomplete!, options())).toMatchObject({ authorized: false, problem: 'TLS_INCOMPLETE_CHAIN' });
    // Without the test root, the valid chain is untrusted too.
    expect(await inspectCertificate('127.0.0.1', https.valid!, { timeoutMs: TIMEOUT_MS })).toMatchObject({ authorized: false, problem: 'TLS_INCOMPLETE_CHAIN' });
  });

  it('never throws: undefined when nothing answers TLS', async () => {
    const closed = await listen(createHttpServer());
    const port = closed.port;
    await closed.close();
    expect(await inspectCertificate('127.0.0.1', port, options())).toBeUndefined();
    // A plain http server does not speak TLS.
    expect(await inspectCertificate('127.0.0.1', httpPort, options())).toBeUndefined();
    expect(await inspectCertificate('127.0.0.1', httpPort, { ...options(), ca: ['junk'] })).toBeUndefined();
  });
});

describe('proxies', () => {
  let proxy: Running & { seen: string[] };
  let proxyUrl = '';
  beforeAll(async () => {
    proxy = await startProxy();
    proxyUrl = `http://127.0.0.1:${proxy.port}`;
    closers.push(proxy.close);
  });
  const plain = (path: string) => `http://127.0.0.1:${httpPort}${path}`;

  it('--proxy sends http requests to the proxy as absolute-URI requests', async () => {
    proxy.seen.length = 0;
    const d = dispatcher({ proxy: proxyUrl });
    expect(await get(plain('/a'), d)).toEqual({ status: 200, body: 'plain /a via=1' });
    expect(proxy.seen).toEqual([`GET ${plain('/a')}`]);
  });

  it('HTTP_PROXY in env does the same, through EnvHttpProxyAgent', async () => {
    proxy.seen.length = 0;
    const d = dispatcher({ env: { HTTP_PROXY: proxyUrl } });
    expect(await get(plain('/b'), d)).toEqual({ status: 200, body: 'plain /b via=1' });
    expect(proxy.seen).toEqual([`GET ${plain('/b')}`]);
  });

  // undici's EnvHttpProxyAgent has no special case for localhost or 127.0.0.1: loopback goes
  // through the proxy unless NO_PROXY names it.
  it('NO_PROXY bypasses the proxy, also with --proxy', async () => {
    proxy.seen.length = 0;
    const viaEnv = dispatcher({ env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
    expect(await get(plain('/c'), viaEnv)).toEqual({ status: 200, body: 'plain /c via=direct' });
    const viaFlag = dispatcher({ proxy: proxyUrl, env: { no_proxy: 'localhost, 127.0.0.1' } });
    expect(await get(plain('/d'), viaFlag)).toEqual({ status: 200, body: 'plain /d via=direct' });
    expect(proxy.seen).toEqual([]);
  });

  it('does not read process.env', async () => {
    const saved = process.env['HTTP_PROXY'];
    process.env['HTTP_PROXY'] = proxyUrl;
    try {
      proxy.seen.length = 0;
      expect(await get(plain('/e'), dispatcher({ env: {} }))).toEqual({ status: 200, body: 'plain /e via=direct' });
      expect(await get(plain('/f'), dispatcher({ env: { HTTPS_PROXY: proxyUrl } }))).toEqual({ status: 200, body: 'plain /f via=direct' });
      expect(proxy.seen).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env['HTTP_PROXY'];
      else process.env['HTTP_PROXY'] = saved;
    }
  });

  it('tells a failing proxy from a failing site', async () => {
    // A proxy that refuses everything: 407 for absolute-URI requests, 403 for CONNECT.
    const refusing = createHttpServer((_req, res) => res.writeHead(407, { 'proxy-authenticate': 'Basic' }).end());
    refusing.on('connect', (_req, client: Socket) => client.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
    const running = await listen(refusing);
    closers.push(running.close);
    const refusingUrl = `http://user:pw@127.0.0.1:${running.port}/`;
    const d = dispatcher({ proxy: refusingUrl });
    const auth = await failure(plain('/h'), d);
    expect(proxyProblemOf(auth, refusingUrl)).toEqual({ proxy: `http://user:***@127.0.0.1:${running.port}/`, detail: 'HTTP 407 Proxy Authentication Required' });
    const tunnel = await failure(`https://127.0.0.1:${httpPort}/`, d);
    expect(proxyProblemOf(tunnel, refusingUrl)?.detail).toBe('CONNECT answered HTTP 403');

    // A proxy that is not there.
    const gone = await listen(createHttpServer());
    await gone.close();
    const goneUrl = `http://127.0.0.1:${gone.port}/`;
    const down = await failure(plain('/i'), dispatcher({ proxy: goneUrl }));
    expect(down.code).toBe('ECONNREFUSED');
    expect(proxyProblemOf(down, goneUrl)).toEqual({ proxy: goneUrl, detail: 'ECONNREFUSED' });
    // Direct URLs (no proxy) are never the proxy's fault.
    expect(proxyProblemOf(down, undefined)).toBeUndefined();
    expect(proxyProblemOf({ code: 'UND_ERR_CONNECT_TIMEOUT', message: 'Connect Timeout Error (attempted address: www.example.gov.cn:443, timeout: 10000ms)' }, goneUrl)).toBeUndefined();
    expect(proxyProblemOf({ code: 'UND_ERR_CONNECT_TIMEOUT', message: `Connect Timeout Error (attempted address: 127.0.0.1:${gone.port}, timeout: 10000ms)` }, goneUrl)?.detail).toBe('UND_ERR_CONNECT_TIMEOUT');
  });

  describe.skipIf(!OPENSSL)('https through the proxy', () => {
    it('tunnels with CONNECT and verifies the site end to end', async () => {
      proxy.seen.length = 0;
      const d = dispatcher({ proxy: proxyUrl, ca: [pki!.ca] });
      expect(await get(url('valid'), d)).toEqual({ status: 200, body: 'hello from valid' });
      expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${https.valid}`]);
      const err = await failure(url('expired'), d);
      expect(err.code).toBe('CERT_HAS_EXPIRED');
      expect(tlsProblemOfError(err)).toBe('TLS_EXPIRED');
    });

    it('uses HTTP_PROXY for https when HTTPS_PROXY is unset (undici rule)', async () => {
      proxy.seen.length = 0;
      const d = dispatcher({ env: { HTTP_PROXY: proxyUrl }, ca: [pki!.ca] });
      expect((await get(url('valid'), d)).status).toBe(200);
      expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${https.valid}`]);
    });

    it('accepts a bad certificate per host through the tunnel too', async () => {
      proxy.seen.length = 0;
      const d = dispatcher({ proxy: proxyUrl, ca: [pki!.ca], insecureHosts: (host) => host === '127.0.0.1' });
      expect(await get(url('expired'), d)).toEqual({ status: 200, body: 'hello from expired' });
      expect(await get(plain('/g'), d)).toEqual({ status: 200, body: 'plain /g via=1' });
      expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${https.expired}`, `GET ${plain('/g')}`]);

      const strict = dispatcher({ proxy: proxyUrl, ca: [pki!.ca], insecureHosts: (host) => host === 'www.example.gov.cn' });
      expect((await failure(url('expired'), strict)).code).toBe('CERT_HAS_EXPIRED');
      expect((await get(url('valid'), strict)).status).toBe(200);
    });
  });
});
