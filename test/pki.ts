import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Test certificates (made with the openssl CLI) and a forward proxy, shared by the TLS and proxy tests. */

// ---------------------------------------------------------------------------------------------
// Certificates, made with the openssl CLI in a temporary directory.

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const OPENSSL = hasOpenssl();
if (!OPENSSL) console.warn('network.test.ts: TLS tests skipped: no openssl CLI (apt-get install openssl)');

export interface Pki {
  ca: string;
  /** name → { key, cert } where cert is what the server sends (leaf, or leaf + intermediate). */
  servers: Record<ServerName, { key: string; cert: string }>;
}

export type ServerName = 'valid' | 'expired' | 'expiring' | 'selfSigned' | 'wrongHost' | 'incomplete' | 'notYetValid';

const CA_CONFIG = `[ca]
default_ca = ca_default
[ca_default]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[policy_any]
commonName = supplied
[v3_leaf]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
[v3_inter]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
`;

/** openssl ca's date form, YYYYMMDDHHMMSSZ. */
function caDate(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

export function makePki(dir: string): Pki {
  const run = (args: string[], cwd = dir) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');

  run(['req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-days', '3650', '-subj', '/CN=Evidence Audit Test Root',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);

  const csr = (name: string, cn: string, san: string) =>
    run(['req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${san}`]);
  const sign = (name: string, issuer: 'root' | 'inter', dates: string[], extensions = 'v3_leaf') =>
    run(['ca', '-batch', '-config', 'ca.cnf', '-cert', `${issuer}.pem`, '-keyfile', `${issuer}.key`, '-in', `${name}.csr`,
      '-out', `${name}.pem`, '-notext', '-extensions', extensions, ...dates]);

  // An intermediate CA, which the valid server sends along and the incomplete one leaves out.
  run(['req', '-new', ...ec, '-keyout', 'inter.key', '-out', 'inter.csr', '-subj', '/CN=Evidence Audit Test Intermediate']);
  sign('inter', 'root', ['-days', '3650'], 'v3_inter');

  const local = 'DNS:localhost,IP:127.0.0.1';
  const day = 86_400_000;
  csr('valid', 'localhost', local);
  sign('valid', 'inter', ['-days', '365']);
  csr('expired', 'localhost', local);
  sign('expired', 'root', ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
  csr('expiring', 'localhost', local);
  sign('expiring', 'root', ['-days', '10']);
  csr('notYetValid', 'localhost', local);
  sign('notYetValid', 'root', ['-startdate', caDate(new Date(Date.now() + 30 * day)), '-enddate', caDate(new Date(Date.now() + 400 * day))]);
  csr('wrongHost', 'example.org', 'DNS:example.org');
  sign('wrongHost', 'root', ['-days', '365']);
  csr('incomplete', 'localhost', local);
  sign('incomplete', 'inter', ['-days', '365']);
  run(['req', '-x509', ...ec, '-keyout', 'selfSigned.key', '-out', 'selfSigned.pem', '-days', '365', '-subj', '/CN=localhost',
    '-addext', `subjectAltName=${local}`]);

  const leaf = (name: ServerName, chain: string[] = []) => ({ key: read(`${name}.key`), cert: [read(`${name}.pem`), ...chain].join('') });
  const inter = read('inter.pem');
  return {
    ca: read('root.pem'),
    servers: {
      valid: leaf('valid', [inter]),
      expired: leaf('expired'),
      expiring: leaf('expiring'),
      notYetValid: leaf('notYetValid'),
      selfSigned: leaf('selfSigned'),
      wrongHost: leaf('wrongHost'),
      incomplete: leaf('incomplete'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Servers: one https server per certificate, a plain http server, and a recording forward proxy.

export interface Running {
  port: number;
  close(): Promise<void>;
}

export async function listen(server: Server): Promise<Running> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * A forward proxy: absolute-URI requests for http targets, CONNECT tunnels for https. It only
 * ever connects to loopback, and records what it was asked ("GET http://…", "CONNECT host:port").
 */
export async function startProxy(): Promise<Running & { seen: string[] }> {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI expected');
      return;
    }
    if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
      res.writeHead(403).end('loopback only');
      return;
    }
    const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, 'x-via-test-proxy': '1' } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    if (!host || !port || !LOOPBACK.has(host)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = netConnect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const running = await listen(server);
  return { ...running, seen };
}
