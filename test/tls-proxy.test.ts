import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, makePki, OPENSSL, startProxy, type Pki, type Running, type ServerName } from './pki.js';
import { runCli } from './helpers.js';
import { findBrowser } from '../src/render/index.js';

/** The network as offices meet it, through the CLI: bad certificates, extra roots, proxies. */
const dir = mkdtempSync(join(tmpdir(), 'audit-tls-'));
const closers: Running[] = [];
const ports: Partial<Record<ServerName, number>> = {};
let pki: Pki | undefined;
let plainPort = 0;
const PAGE = '<html><body><p>政务公开 2026-03-01</p></body></html>';

beforeAll(async () => {
  // A real site answers a path that cannot exist (the error-page probe) with a 404.
  const page = (req: { url?: string }, res: { writeHead: (s: number, h: object) => { end: (b: string) => void } }) =>
    req.url?.includes('evidence-audit-probe')
      ? res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>not found</body></html>')
      : res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  const plain = await listen(createHttpServer(page as never));
  plainPort = plain.port;
  closers.push(plain);
  if (!OPENSSL) return;
  pki = makePki(dir);
  for (const name of ['valid', 'expired', 'expiring', 'selfSigned'] as ServerName[]) {
    const server = await listen(createHttpsServer(pki.servers[name], page as never) as unknown as Server);
    ports[name] = server.port;
    closers.push(server);
  }
  await writeFile(join(dir, 'root.pem'), pki.ca);
});
afterAll(() => Promise.all(closers.map((c) => c.close())));

async function auditUrls(urls: string[], args: string[] = [], hosts = ''): Promise<{ status: string; error_code: string | null; rendered: boolean; warnings: { code: string }[] }[]> {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, `version: 1
settings: { per_host_rate: 100, timeout: 3s, retries: 0 }
${hosts}
indicators:
  - title: A
    weight: 1
    evidence:
${urls.map((u) => `      - url: "${u}"`).join('\n')}
`);
  const json = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await runCli([file, '--quiet', '--output', json, ...args], { env: { CHROMIUM_PATH: findBrowser(process.env) ?? '' } });
  return JSON.parse(await readFile(json, 'utf8')).indicators[0].evidence;
}

const https = (name: ServerName) => `https://127.0.0.1:${ports[name]}/`;

describe.skipIf(!OPENSSL)('TLS', () => {
  it('names each certificate problem, and trusts a root given with --ca', async () => {
    const [valid, expired, selfSigned] = await auditUrls([https('valid'), https('expired'), https('selfSigned')]);
    expect(valid!.error_code).toBe('TLS_INCOMPLETE_CHAIN'); // our test root is not trusted yet
    expect(expired!.error_code).toBe('TLS_EXPIRED');
    expect(selfSigned!.error_code).toBe('TLS_SELF_SIGNED');
    const [trusted] = await auditUrls([https('valid')], ['--ca', join(dir, 'root.pem')]);
    expect(trusted!.status).toBe('pass');
  });

  it('--insecure, or insecure in the criteria, accepts a bad certificate but still warns', async () => {
    const [flag] = await auditUrls([https('expired')], ['--insecure', '--ca', join(dir, 'root.pem')]);
    expect(flag!.status).toBe('pass');
    expect(flag!.warnings.map((w) => w.code)).toContain('TLS_INSECURE_ACCEPTED');
    const [host] = await auditUrls([https('selfSigned')], [], `hosts:\n  "127.0.0.1": { insecure: true }`);
    expect(host!.status).toBe('pass');
    expect(host!.warnings.map((w) => w.code)).toContain('TLS_INSECURE_ACCEPTED');
  });

  it('a host key with a port is honoured for insecure, and the browser accepts what the fetch accepted', { tags: ['slow'] }, async () => {
    const key = `"127.0.0.1:${ports.selfSigned}"`;
    const [byPort] = await auditUrls([https('selfSigned')], [], `hosts:\n  ${key}: { insecure: true }`);
    expect(byPort!.status).toBe('pass');
    const browser = findBrowser(process.env);
    if (!browser) return;
    const [rendered] = await auditUrls([https('selfSigned')], ['--insecure', '--render', 'always'], '');
    expect(rendered).toMatchObject({ status: 'pass', rendered: true });
  });

  it('warns on every evidence of a host whose certificate expires soon', async () => {
    const [soon] = await auditUrls([https('expiring')], ['--ca', join(dir, 'root.pem')]);
    expect(soon!.status).toBe('pass');
    expect(soon!.warnings.map((w) => w.code)).toEqual(['TLS_EXPIRING']);
    const [quiet] = await auditUrls([https('expiring')], ['--ca', join(dir, 'root.pem'), '--cert-expiry-days', '5']);
    expect(quiet!.warnings).toEqual([]);
  });
});

describe('proxies', () => {
  it('--proxy sends requests through the proxy', async () => {
    const proxy = await startProxy();
    closers.push(proxy);
    const [page] = await auditUrls([`http://127.0.0.1:${plainPort}/via-proxy`], ['--proxy', `http://127.0.0.1:${proxy.port}`]);
    expect(page!.status).toBe('pass');
    expect(proxy.seen).toContain(`GET http://127.0.0.1:${plainPort}/via-proxy`);
  });

  it('honours HTTP_PROXY and NO_PROXY from the environment', async () => {
    const proxy = await startProxy();
    closers.push(proxy);
    const file = join(dir, 'env.yaml');
    await writeFile(file, `version: 1\nsettings: { per_host_rate: 100, timeout: 3s }\nindicators:\n  - { title: A, weight: 1, evidence: [{ url: "http://127.0.0.1:${plainPort}/env" }] }\n`);
    await runCli([file, '--quiet'], { env: { HTTP_PROXY: `http://127.0.0.1:${proxy.port}` } });
    expect(proxy.seen).toContain(`GET http://127.0.0.1:${plainPort}/env`);
    proxy.seen.length = 0;
    await runCli([file, '--quiet'], { env: { HTTP_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: '127.0.0.1' } });
    expect(proxy.seen).toEqual([]);
  });

  it('blames a dead proxy, not the site, and leaves the evidence unverified', async () => {
    const [page] = await auditUrls([`http://127.0.0.1:${plainPort}/dead-proxy`], ['--proxy', 'http://127.0.0.1:1']);
    expect(page!.error_code).toBe('PROXY_ERROR');
    expect(page!.status).toBe('unverified');
  });
});
