import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import iconv from 'iconv-lite';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listen, makePki, OPENSSL } from '../pki.js';
import { audit, auditOne, closedPort, expectRow, httpServer, rawServer, type Hostile } from './hostile-server.js';

/**
 * Issue #6, "hostile and broken servers": each case is a real server on 127.0.0.1 that misbehaves
 * in one way, audited through the real CLI (`--output json:FILE`). Each asserts what a user sees:
 * a row with a verdict and a clear reason, a normal exit (0 or 1, never 2 or 3), a report that
 * matches the shipped schema, and an end within the case's timeouts (auditOne: 5 s at most). A
 * "Protection:" comment names what a case guards and how it fails without it; each of those was
 * checked by taking the protection out.
 */

const servers: Hostile[] = [];
const serve = <T extends Hostile>(server: T): T => {
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const page = (body: string) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试页面</title></head><body>${body}</body></html>`;
const head = (status: string, headers: Record<string, string | number>) =>
  `HTTP/1.1 ${status}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

describe('connections', () => {
  it('a refused connection fails at once with CONNECTION_REFUSED', { tags: ['slow'] }, async () => {
    const port = await closedPort();
    const run = await auditOne(`http://127.0.0.1:${port}/`);
    expectRow(run, { verdict: 'fail', code: 'CONNECTION_REFUSED', message: /127\.0\.0\.1:\d+ refused the connection/ });
    expect(run.ms).toBeLessThan(2000);
  });

  it('a reset before any header fails with CONNECTION_RESET, retried once', async () => {
    const server = serve(await rawServer((socket) => socket.resetAndDestroy()));
    const run = await auditOne(`${server.origin}/reset`, { settings: 'retries: 1' });
    expectRow(run, { verdict: 'fail', code: 'CONNECTION_RESET', message: /closed the connection before answering/ });
    expect(run.row.attempts).toBe(2);
    expect(server.requests).toEqual(['/reset', '/reset']);
  });

  // Protection: failureOf tells a connection lost mid-body from one lost before any answer.
  it('a reset in the middle of the body fails with BODY_INCOMPLETE, not as a refusal to answer', async () => {
    const server = serve(await rawServer((socket) => {
      socket.write(head('200 OK', { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': 100_000 }) + '<html><body>'.padEnd(5000, 'x'));
      // Long enough for the client to read what was sent; a reset can make the kernel drop unread data.
      setTimeout(() => socket.resetAndDestroy(), 200);
    }));
    const run = await auditOne(`${server.origin}/mid`);
    expectRow(run, { verdict: 'fail', code: 'BODY_INCOMPLETE', message: /127\.0\.0\.1:\d+ closed the connection after sending \d+ of 100000 bytes of the page; the page arrived incomplete/ });
  });

  // Protection: the whole-request timeout (AbortSignal.timeout in fetchOnce), backed by the dispatcher's headersTimeout.
  it('headers that never come end at the timeout with TIMEOUT', { tags: ['slow'] }, async () => {
    const server = serve(await rawServer(() => undefined));
    const run = await auditOne(`${server.origin}/silent`, { settings: 'timeout: 1s' });
    expectRow(run, { verdict: 'fail', code: 'TIMEOUT', message: /no complete answer from 127\.0\.0\.1:\d+ within 1s/ });
    expect(run.ms).toBeGreaterThanOrEqual(1000);
    expect(run.ms).toBeLessThan(3000);
  });

  // Protection: the timeout covers the whole body. undici's bodyTimeout is per chunk and a byte a
  // second never trips it: without AbortSignal.timeout this case hangs until the test times out.
  it('a body that trickles a byte a second (slowloris) ends at the request timeout', { tags: ['slow'] }, async () => {
    const server = serve(await rawServer((socket) => {
      socket.write(head('200 OK', { 'Content-Type': 'text/html', 'Content-Length': 10_000 }));
      const drip = setInterval(() => socket.write('x'), 1000);
      socket.on('close', () => clearInterval(drip));
    }));
    const run = await auditOne(`${server.origin}/drip`, { settings: 'timeout: 2s' });
    expectRow(run, { verdict: 'fail', code: 'TIMEOUT', message: /within 2s/ });
    expect(run.ms).toBeLessThan(4000);
  }, 10_000);
});

describe('bodies', () => {
  // Protection: readCapped stops at max_body_size. Without it, the forbidden word at the end is read.
  it('a body 10× max_body_size is read up to the cap, checked on what was read, and marked cut', async () => {
    const cap = 64 * 1024;
    const body = Buffer.from(page(`<p>开头的关键词</p><p>${'填充'.repeat(Math.ceil((cap * 10) / 6))}</p><p>结尾的禁词</p>`));
    expect(body.length).toBeGreaterThan(10 * cap);
    const server = serve(await httpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body)));
    const run = await auditOne(`${server.origin}/huge`, {
      settings: `max_body_size: ${cap}`,
      evidence: '  keywords: { all: [开头的关键词], none: [结尾的禁词] }',
    });
    expectRow(run, { verdict: 'pass', code: 'STATUS_OK', message: /HTTP 200; body cut at the size cap, the first part was checked/ });
    expect(run.row.checks.map((c) => c.code)).toEqual(['STATUS_OK', 'CONTENT_OK', 'KEYWORDS_OK']);
  });

  it('a Content-Length larger than the body (the server closes early) fails with BODY_INCOMPLETE', async () => {
    const server = serve(await rawServer((socket) => {
      socket.end(head('200 OK', { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': 10_000 }) + page('<p>短</p>'));
    }));
    const run = await auditOne(`${server.origin}/short`);
    expectRow(run, { verdict: 'fail', code: 'BODY_INCOMPLETE', message: /closed the connection after sending \d+ of 10000 bytes of the page/ });
  });

  it('a Content-Length smaller than the body is read to its length; the extra bytes are ignored', async () => {
    const declared = Buffer.from(page('<p>预算公开</p>'));
    const extra = Buffer.from('<p>多余的尾巴</p>'.repeat(50));
    const server = serve(await rawServer((socket) => {
      // Keep-alive, so the stray bytes land on a connection the client may want to reuse.
      socket.write(Buffer.concat([Buffer.from(head('200 OK', { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': declared.length })), declared, extra]));
    }));
    const run = await auditOne(`${server.origin}/long`, { evidence: '  keywords: { all: [预算公开], none: [多余的尾巴] }' });
    expectRow(run, { verdict: 'pass', code: 'STATUS_OK', message: /^HTTP 200$/ });
    expect(run.row.checks.map((c) => c.code)).toEqual(['STATUS_OK', 'CONTENT_OK', 'KEYWORDS_OK']);
  });

  describe('a gzip bomb', () => {
    let bomb: Buffer;
    const DECODED = 1024 ** 3;
    beforeAll(async () => {
      // 1 GiB of zeros at level 9 is about 1 MB; compressed from a stream, never held decoded.
      const gzip = createGzip({ level: 9 });
      const chunks: Buffer[] = [];
      gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
      const zeros = Buffer.alloc(1024 * 1024);
      for (let written = 0; written < DECODED; written += zeros.length) {
        if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
      }
      await new Promise((resolve) => gzip.end(resolve));
      bomb = Buffer.concat(chunks);
    }, 20_000);

    // Protection: the cap applies to decoded bytes and stops the decoder. Without it the run reads
    // 1 GiB into memory (and Buffer.concat copies it again): RSS grows far past 200 MB.
    it('stops decoding at the cap, with memory bounded', async () => {
      expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
      const server = serve(await httpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': bomb.length }).end(bomb);
      }));
      const before = process.memoryUsage.rss();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
      // Well inside the 10 s timeout (auditOne's 5 s): a decoder stopped at the cap must not keep the connection open.
      const run = await auditOne(`${server.origin}/bomb`, { settings: 'max_body_size: 1048576\ntimeout: 10s' }).finally(() => clearInterval(sampler));
      peak = Math.max(peak, process.memoryUsage.rss());
      expect((peak - before) / 1024 ** 2, 'RSS growth in MB').toBeLessThan(200);
      expectRow(run, { verdict: 'pass', code: 'STATUS_OK', message: /body cut at the size cap/ });
    }, 15_000);
  });

  // Protection: decoderChain notes a decoder's own error, so a bad encoding is not blamed on the network (and not retried).
  it('an invalid gzip stream fails with BAD_CONTENT_ENCODING', async () => {
    const server = serve(await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end('this is not gzip at all, just text');
    }));
    const run = await auditOne(`${server.origin}/notgzip`);
    expectRow(run, { verdict: 'fail', code: 'BAD_CONTENT_ENCODING', message: /127\.0\.0\.1:\d+ sent a gzip body that cannot be decoded/ });
  });

  it('an invalid charset label (x-bogus) is ignored: the page is read as its bytes suggest', async () => {
    const server = serve(await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=x-bogus' }).end('<html><head><title>预算</title></head><body><p>预算公开</p></body></html>');
    }));
    const run = await auditOne(`${server.origin}/bogus`, { evidence: '  keywords: [预算公开]' });
    expectRow(run, { verdict: 'pass', code: 'STATUS_OK', message: /^HTTP 200$/ });
    expect(run.row.checks.at(-1)).toMatchObject({ code: 'KEYWORDS_OK', message: 'found "预算公开"' });
  });

  it('GBK bytes declared as UTF-8 decode with U+FFFD: no crash, the Chinese keyword is missing', async () => {
    const body = iconv.encode('<html><head><title>Budget</title></head><body><p>Budget2021 预算公开</p></body></html>', 'gbk');
    const server = serve(await httpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body)));
    const run = await auditOne(`${server.origin}/gbk`, { evidence: '  keywords: [Budget2021, 预算公开]' });
    expectRow(run, { verdict: 'fail', code: 'KEYWORDS_MISSING', message: /^missing "预算公开"$/ });
  });

  it('random bytes served as text/html are analysed without a crash', async () => {
    const noise = randomBytes(256 * 1024);
    const server = serve(await httpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(noise)));
    const run = await auditOne(`${server.origin}/noise`, { evidence: '  keywords: [预算公开]' });
    expectRow(run, { verdict: 'fail', code: 'KEYWORDS_MISSING', message: /missing "预算公开"/ });
  });
});

describe('status lines and headers', () => {
  it('a bad status line (HTTP/1.1 abc OK) fails with BAD_RESPONSE', async () => {
    const server = serve(await rawServer((socket) => socket.end('HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\nok')));
    const run = await auditOne(`${server.origin}/abc`);
    expectRow(run, { verdict: 'fail', code: 'BAD_RESPONSE', message: /127\.0\.0\.1:\d+ answered with something that is not valid HTTP/ });
  });

  it('an HTTP/0.9 answer (a body with no status line) fails with BAD_RESPONSE', async () => {
    const server = serve(await rawServer((socket) => socket.end(page('<p>no status line</p>'))));
    const run = await auditOne(`${server.origin}/09`);
    expectRow(run, { verdict: 'fail', code: 'BAD_RESPONSE', message: /not valid HTTP/ });
  });

  it('a 1 MB response header fails with HEADERS_TOO_LARGE', async () => {
    const server = serve(await rawServer((socket) => {
      socket.end(head('200 OK', { 'Content-Type': 'text/html', 'X-Huge': 'a'.repeat(1024 * 1024), 'Content-Length': 2 }) + 'ok');
    }));
    const run = await auditOne(`${server.origin}/bighead`);
    expectRow(run, { verdict: 'fail', code: 'HEADERS_TOO_LARGE', message: /127\.0\.0\.1:\d+ sent response headers larger than \d+ KB/ });
  });

  it('100 Set-Cookie headers work', async () => {
    const server = serve(await httpServer((_req, res) => {
      res.setHeader('set-cookie', Array.from({ length: 100 }, (_, i) => `c${i}=${'v'.repeat(20)}; Path=/`));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('<p>预算公开</p>'));
    }));
    const run = await auditOne(`${server.origin}/cookies`, { evidence: '  keywords: [预算公开]' });
    expectRow(run, { verdict: 'pass', code: 'STATUS_OK', message: /^HTTP 200$/ });
  });
});

describe('redirects', () => {
  // Protection: max_redirects. Without it the 50-hop chain is followed to its end and passes.
  it('a chain of 50 fails with TOO_MANY_REDIRECTS after max_redirects hops', async () => {
    const server = serve(await httpServer((req, res) => {
      const n = Number(/^\/chain\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
      if (n < 50) res.writeHead(302, { location: `/chain/${n + 1}` }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(page('<p>终点</p>'));
    }));
    const run = await auditOne(`${server.origin}/chain/0`, { settings: 'max_redirects: 10' });
    expectRow(run, { verdict: 'fail', code: 'TOO_MANY_REDIRECTS', message: /more than 10 redirects/ });
    // The first request and ten redirects were followed; the eleventh was not.
    expect(server.requests).toHaveLength(11);
  });

  // Protection: the visited set. Without it the loop runs to max_redirects and reports TOO_MANY_REDIRECTS.
  it('a loop fails with REDIRECT_LOOP, naming the chain', async () => {
    const server = serve(await httpServer((req, res) => {
      res.writeHead(302, { location: req.url === '/loop/a' ? '/loop/b' : '/loop/a' }).end();
    }));
    const run = await auditOne(`${server.origin}/loop/a`);
    expectRow(run, { verdict: 'fail', code: 'REDIRECT_LOOP', message: /redirect loop: \S+\/loop\/a → \S+\/loop\/b → \S+\/loop\/a/ });
    expect(server.requests).toEqual(['/loop/a', '/loop/b']);
  });

  // Protection: redirectTarget accepts only http(s). Without it the target is handed to undici, and the row fails for another reason.
  it('redirects to file:, javascript: and data: are refused with BAD_REDIRECT, and nothing is fetched', async () => {
    const targets: Record<string, string> = { '/file': 'file:///etc/passwd', '/js': 'javascript:alert(1)', '/data': 'data:text/html,x' };
    const server = serve(await httpServer((req, res) => res.writeHead(302, { location: targets[req.url ?? ''] ?? '/' }).end()));
    const run = await audit(Object.keys(targets).map((path) => `- url: ${server.origin}${path}`));
    expect(run.code).toBe(1);
    for (const [i, location] of Object.values(targets).entries()) {
      const row = run.rows[i]!;
      expect(row).toMatchObject({ status: 'fail', error_code: 'BAD_REDIRECT', http_status: null });
      expect(row.checks[0]!.message).toBe(`redirects to ${JSON.stringify(location)}, which is not a web address`);
    }
    expect([...server.requests].sort()).toEqual(['/data', '/file', '/js']);
  });

  describe.skipIf(!OPENSSL)('from https to http', () => {
    let dir: string;
    let caFile: string;
    let https: { port: number; close(): Promise<void> };
    let plain: Hostile;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'audit-faults-pki-'));
      const pki = makePki(dir);
      caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, pki.ca);
      plain = await httpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('<p>预算公开</p>')));
      https = await listen(createHttpsServer(pki.servers.valid, (req, res) => {
        if (req.url === '/secure') res.writeHead(301, { location: `${plain.origin}/plain` }).end();
        else res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
      }));
    }, 20_000);
    afterAll(async () => {
      await Promise.all([https?.close(), plain?.close()]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('is followed, and the evidence carries a REDIRECT_DOWNGRADE warning', async () => {
      const run = await auditOne(`https://127.0.0.1:${https.port}/secure`, { args: ['--ca', caFile], evidence: '  keywords: [预算公开]' });
      expectRow(run, { verdict: 'pass', code: 'STATUS_OK', message: /HTTP 200 after 1 redirect/ });
      expect(run.row.warnings).toEqual([{
        code: 'REDIRECT_DOWNGRADE',
        message: expect.stringMatching(new RegExp(`https://127\\.0\\.0\\.1:${https.port}/secure redirects to unencrypted ${plain.origin}/plain`)),
        params: { from: `https://127.0.0.1:${https.port}/secure`, to: `${plain.origin}/plain` },
      }]);
    });
  });
});

describe('status codes', () => {
  // Protection: a Retry-After past the cap gives up at once. Without it the run sleeps (at least the 30 s cap).
  it('429 with Retry-After: 86400 gives up at once: unverified, RATE_LIMITED', async () => {
    const server = serve(await httpServer((_req, res) => res.writeHead(429, { 'retry-after': '86400', 'content-type': 'text/html' }).end('slow down')));
    const run = await auditOne(`${server.origin}/busy`, { settings: 'retries: 2' });
    expectRow(run, { verdict: 'unverified', code: 'RATE_LIMITED', message: /127\.0\.0\.1:\d+ asked to come back later \(HTTP 429, Retry-After: 86400 s, longer than the 30 s this audit waits\)/ });
    expect(server.requests).toEqual(['/busy']);
    expect(run.ms).toBeLessThan(2000);
  });

  // Protection: as above; the run would sleep the 30 s cap, twice.
  it('503 with Retry-After: 3600 (down for maintenance) gives up at once too: unverified, RATE_LIMITED', async () => {
    const server = serve(await httpServer((_req, res) => res.writeHead(503, { 'retry-after': '3600', 'content-type': 'text/html' }).end('<html><body>系统维护中</body></html>')));
    const run = await auditOne(`${server.origin}/maintenance`, { settings: 'retries: 2' });
    expectRow(run, { verdict: 'unverified', code: 'RATE_LIMITED', message: /\(HTTP 503, Retry-After: 3600 s,/ });
    expect(server.requests).toEqual(['/maintenance']);
  });

  it('503 forever, with retries: 2, fails with HTTP 503 after exactly 3 attempts', { tags: ['slow'] }, async () => {
    const server = serve(await httpServer((_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>维护中</body></html>')));
    const run = await auditOne(`${server.origin}/down`, { settings: 'retries: 2' });
    expectRow(run, { verdict: 'fail', code: 'STATUS_UNEXPECTED', message: /^HTTP 503 Service Unavailable, expected 200-299$/ });
    expect(run.row.attempts).toBe(3);
    expect(server.requests).toEqual(['/down', '/down', '/down']);
  });
});

describe('TLS', () => {
  it('https to a server that speaks plain HTTP fails with a TLS reason', async () => {
    const server = serve(await httpServer((_req, res) => res.end('plain')));
    const run = await auditOne(`https://127.0.0.1:${server.port}/`);
    // The first bytes back ("HTTP/1.1 400") are no TLS record; the message says what that usually means.
    expectRow(run, { verdict: 'fail', code: 'TLS_ERROR', message: /TLS error from 127\.0\.0\.1:\d+: ERR_SSL_WRONG_VERSION_NUMBER \(the answer was not TLS: a plain HTTP server at an https:\/\/ address\?\)/ });
  });

  // Protection: answerBefore (fetcher.ts) ends the attempt at the timeout. undici acts on an abort
  // only once it has a connection, so without it the attempt lasts until undici's own connect timer
  // fires, about 1.5 s here.
  it('a TLS handshake that stalls fails at the timeout, as a connection that could not be made', { tags: ['slow'] }, async () => {
    const server = serve(await rawServer(() => undefined));
    const run = await auditOne(`https://127.0.0.1:${server.port}/`, { settings: 'timeout: 1s' });
    expectRow(run, { verdict: 'fail', code: 'CONNECT_TIMEOUT', message: /could not connect to 127\.0\.0\.1:\d+ in time/ });
    expect(server.connections).toBe(1);
    // The attempt ends at the timeout itself, not when undici's coarser connect timer gets to it.
    expect(run.row.duration_ms).toBeLessThan(1300);
    expect(run.ms).toBeLessThan(3000);
  });
});

describe('names', () => {
  /** No real DNS: every lookup is answered here, and never with an address. */
  function fakeDns(answer: 'not-found' | 'nothing') {
    const asked: string[] = [];
    const dispatcher = new Agent({
      connect: {
        lookup: (hostname, options, callback) => {
          asked.push(hostname);
          if (answer === 'not-found') {
            callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname }), []);
          } else if (options.all) {
            callback(null, []);
          } else {
            callback(null, '', 4);
          }
        },
      },
    });
    return { dispatcher, asked };
  }

  it('DNS that fails: DNS_NOT_FOUND', async () => {
    const dns = fakeDns('not-found');
    const run = await auditOne('http://no-such-host.invalid/', { dispatcher: dns.dispatcher });
    await dns.dispatcher.close();
    expectRow(run, { verdict: 'fail', code: 'DNS_NOT_FOUND', message: /cannot resolve host no-such-host\.invalid/ });
    expect(dns.asked).toEqual(['no-such-host.invalid']);
  });

  it('DNS that resolves to nothing: DNS_NOT_FOUND', async () => {
    const dns = fakeDns('nothing');
    const run = await auditOne('http://empty-answer.invalid/', { dispatcher: dns.dispatcher });
    await dns.dispatcher.close();
    expectRow(run, { verdict: 'fail', code: 'DNS_NOT_FOUND', message: /cannot resolve host empty-answer\.invalid/ });
    expect(dns.asked).toEqual(['empty-answer.invalid']);
  });
});
