import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseCache, validatorHeaders, type CacheOptions, type StorableResponse } from '../src/fetch/cache.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-03-15T04:00:00Z');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'evidence-audit-cache-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A cache whose clock the test moves by hand. */
async function openCache(options: CacheOptions = {}) {
  const dir = await tempDir();
  const clock = { now: T0 };
  const cache = await ResponseCache.open(dir, { now: () => clock.now, ...options });
  return { dir, clock, cache };
}

function entryPath(dir: string, url: string): string {
  const hash = createHash('sha256').update(url).digest('hex');
  return join(dir, hash.slice(0, 2), `${hash}.entry`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Every file under the cache folder, relative to it. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

const html = (text: string) => Buffer.from(`<html><body>${text}</body></html>`, 'utf8');

describe('ResponseCache', () => {
  it('round-trips the body, status and validator headers of a stored 200', async () => {
    const { dir, cache } = await openCache();
    const url = 'https://www.huainan.gov.cn/public/column/1?action=list';
    const body = Buffer.concat([html('财政信息公开 2021年12月20日'), Buffer.from([0, 0xff, 0x0a, 0x0d])]);
    const stored = await cache.put(url, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-encoding': 'gzip',
        'content-length': '999',
        'set-cookie': 'a=b',
        etag: '"abc"',
        'last-modified': 'Mon, 20 Dec 2021 02:00:00 GMT',
      },
      body,
    });

    expect(stored).toBe(true);
    expect(await exists(entryPath(dir, url))).toBe(true);
    const cached = await cache.get(url);
    expect(cached).toBeDefined();
    expect(cached!.body.equals(body)).toBe(true);
    expect(cached).toMatchObject({ url, status: 200, storedAt: T0, etag: '"abc"', lastModified: 'Mon, 20 Dec 2021 02:00:00 GMT' });
    // The body is stored decoded, so its encoding and length headers must not come back.
    expect(cached!.headers).toEqual({
      'content-type': 'text/html; charset=utf-8',
      etag: '"abc"',
      'last-modified': 'Mon, 20 Dec 2021 02:00:00 GMT',
    });
    expect(await cache.get('https://www.huainan.gov.cn/other')).toBeUndefined();
  });

  it('gives If-None-Match and If-Modified-Since for what is stored, and nothing otherwise', async () => {
    const { cache } = await openCache();
    const lm = 'Mon, 20 Dec 2021 02:00:00 GMT';
    await cache.put('http://a.test/etag', { status: 200, headers: { ETag: 'W/"v1"' }, body: html('a') });
    await cache.put('http://a.test/lm', { status: 200, headers: { 'last-modified': lm }, body: html('b') });
    await cache.put('http://a.test/both', { status: 200, headers: { etag: '"v2"', 'last-modified': lm }, body: html('c') });

    expect(await cache.conditionalHeaders('http://a.test/etag')).toEqual({ 'if-none-match': 'W/"v1"' });
    expect(await cache.conditionalHeaders('http://a.test/lm')).toEqual({ 'if-modified-since': lm });
    expect(await cache.conditionalHeaders('http://a.test/both')).toEqual({ 'if-none-match': '"v2"', 'if-modified-since': lm });
    expect(await cache.conditionalHeaders('http://a.test/none')).toEqual({});
    expect(validatorHeaders((await cache.get('http://a.test/both'))!)).toEqual({ 'if-none-match': '"v2"', 'if-modified-since': lm });
    // A value undici would refuse must not turn a cache hit into a failed request.
    expect(validatorHeaders({ etag: '"a"\r\nx-injected: 1' })).toEqual({});
  });

  it('stores only complete 200 answers that carry a validator', async () => {
    const { dir, cache } = await openCache();
    const validators = { etag: '"x"' };
    const refused: StorableResponse[] = [
      { status: 200, headers: { 'content-type': 'text/html' }, body: html('no validator') },
      { status: 200, headers: { etag: '' }, body: html('empty validator') },
      { status: 404, headers: validators, body: html('页面不存在') },
      { status: 206, headers: validators, body: html('partial') },
      { status: 304, headers: validators, body: Buffer.alloc(0) },
      { status: 301, headers: { ...validators, location: '/x' }, body: Buffer.alloc(0) },
      { status: 200, headers: validators, body: html('cut at the size cap'), truncated: true },
      { status: 200, headers: { ...validators, 'cache-control': 'private, no-store' }, body: html('no-store') },
    ];
    for (const [i, response] of refused.entries()) {
      expect(await cache.put(`http://a.test/${i}`, response)).toBe(false);
      expect(await cache.get(`http://a.test/${i}`)).toBeUndefined();
      expect(await cache.conditionalHeaders(`http://a.test/${i}`)).toEqual({});
    }
    expect(await listFiles(dir)).toEqual([]);
  });

  it('treats an entry as absent once maxAgeMs has passed, and prune removes it', async () => {
    const { dir, clock, cache } = await openCache({ maxAgeMs: 30 * DAY });
    const url = 'http://a.test/news';
    await cache.put(url, { status: 200, headers: { etag: '"1"' }, body: html('要闻') });

    clock.now = T0 + 30 * DAY - 1;
    expect(await cache.get(url)).toBeDefined();
    await cache.prune();
    expect(await exists(entryPath(dir, url))).toBe(true);

    clock.now = T0 + 30 * DAY;
    expect(await cache.get(url)).toBeUndefined();
    expect(await cache.conditionalHeaders(url)).toEqual({});
    await cache.prune();
    expect(await exists(entryPath(dir, url))).toBe(false);
  });

  it('returns undefined for a truncated entry and deletes it', async () => {
    const { dir, cache } = await openCache();
    const url = 'http://a.test/cut';
    await cache.put(url, { status: 200, headers: { etag: '"1"' }, body: html('x'.repeat(1000)) });
    const path = entryPath(dir, url);
    await truncate(path, (await stat(path)).size - 10);

    expect(await cache.get(url)).toBeUndefined();
    expect(await exists(path)).toBe(false);
    expect(await cache.conditionalHeaders(url)).toEqual({});
  });

  it('returns undefined for garbage, or for an entry filed under another URL, and deletes it', async () => {
    const { dir, cache } = await openCache();
    const garbage = 'http://a.test/garbage';
    await cache.put(garbage, { status: 200, headers: { etag: '"1"' }, body: html('g') });
    await writeFile(entryPath(dir, garbage), 'not an entry at all');
    expect(await cache.get(garbage)).toBeUndefined();
    expect(await exists(entryPath(dir, garbage))).toBe(false);

    const real = 'http://a.test/real';
    const other = 'http://a.test/other';
    await cache.put(real, { status: 200, headers: { etag: '"1"' }, body: html('r') });
    await mkdir(join(entryPath(dir, other), '..'), { recursive: true });
    await copyFile(entryPath(dir, real), entryPath(dir, other));
    expect(await cache.get(other)).toBeUndefined();
    expect(await exists(entryPath(dir, other))).toBe(false);
    expect(await cache.get(real)).toBeDefined();
  });

  it('evicts the least recently stored entries to stay within maxBytes', async () => {
    const probe = await openCache();
    const body = html('y'.repeat(2000));
    const urls = ['http://a.test/1', 'http://a.test/2', 'http://a.test/3', 'http://a.test/4'];
    await probe.cache.put(urls[0]!, { status: 200, headers: { etag: '"e"' }, body });
    const entrySize = (await stat(entryPath(probe.dir, urls[0]!))).size;

    const { dir, clock, cache } = await openCache({ maxBytes: 3 * entrySize + 10 });
    for (const [i, url] of urls.entries()) {
      clock.now = T0 + i * 1000;
      expect(await cache.put(url, { status: 200, headers: { etag: '"e"' }, body })).toBe(true);
    }
    expect(await cache.get(urls[0]!)).toBeUndefined();
    for (const url of urls.slice(1)) expect(await cache.get(url)).toBeDefined();
    expect(await listFiles(dir)).toHaveLength(3);

    // Storing it again makes the oldest the most recent, so the next oldest goes instead.
    clock.now = T0 + 10_000;
    await cache.put(urls[1]!, { status: 200, headers: { etag: '"e"' }, body });
    clock.now = T0 + 11_000;
    await cache.put(urls[0]!, { status: 200, headers: { etag: '"e"' }, body });
    expect(await cache.get(urls[2]!)).toBeUndefined();
    for (const url of [urls[0]!, urls[1]!, urls[3]!]) expect(await cache.get(url)).toBeDefined();

    // An entry that could never fit is refused rather than flushing the whole cache.
    expect(await cache.put('http://a.test/huge', { status: 200, headers: { etag: '"h"' }, body: Buffer.alloc(4 * entrySize) })).toBe(false);
    expect(await listFiles(dir)).toHaveLength(3);
  });

  it('removes temp files left by a killed writer after an hour, and nothing it did not write', async () => {
    const dir = await tempDir();
    const cache = await ResponseCache.open(dir);
    await mkdir(join(dir, 'ab'), { recursive: true });
    const old = join(dir, 'ab', '.tmp-deadbeef');
    const fresh = join(dir, 'ab', '.tmp-cafebabe');
    await writeFile(old, 'half an entry');
    await writeFile(fresh, 'being written right now');
    const twoHoursAgo = (Date.now() - 2 * 60 * 60 * 1000) / 1000;
    await utimes(old, twoHoursAgo, twoHoursAgo);
    // Someone pointed --cache at a folder that holds their own files; old ones must survive too.
    const foreign = [join(dir, 'notes.txt'), join(dir, 'ab', 'readme.entry'), join(dir, 'ab', `${'cd'.repeat(32)}.entry`)];
    for (const path of foreign) {
      await writeFile(path, 'keep me');
      await utimes(path, 0, 0);
    }

    await cache.prune();

    expect(await exists(old)).toBe(false);
    expect(await exists(fresh)).toBe(true);
    for (const path of foreign) expect(await exists(path)).toBe(true);
  });

  it('never serves a torn entry while several puts of one URL race with gets', async () => {
    const { dir, cache } = await openCache();
    const url = 'http://a.test/race';
    // Each version is large and self-describing, so any mix of two versions is detectable. Over
    // 512 KiB, node writes a file in several steps, which gives a non-atomic writer room to tear.
    const versions = Array.from({ length: 8 }, (_, i) => ({
      etag: `"v${i}"`,
      body: Buffer.from(`v${i}:`.padEnd(2_000_000, String.fromCharCode(97 + i)), 'utf8'),
    }));
    const put = (v: (typeof versions)[number]) => cache.put(url, { status: 200, headers: { etag: v.etag }, body: v.body });
    await put(versions[0]!);
    let writing = true;
    const puts = Promise.all(versions.map(put)).finally(() => (writing = false));
    const got: Array<Awaited<ReturnType<typeof cache.get>>> = [];
    const reader = async () => {
      while (writing) got.push(await cache.get(url));
    };
    const [putResults] = await Promise.all([puts, reader(), reader(), reader()]);

    expect(putResults.every((ok) => ok)).toBe(true);
    expect(got.length).toBeGreaterThan(3);
    for (const cached of [...got, await cache.get(url)]) {
      // An entry was in place before the race began, and replacing it must never leave a gap.
      expect(cached).toBeDefined();
      const version = versions.find((v) => v.etag === cached!.etag);
      expect(version).toBeDefined();
      expect(cached!.body.equals(version!.body)).toBe(true);
    }
    expect(await listFiles(dir)).toEqual([entryPath(dir, url).slice(dir.length + 1)]);
  });

  it('open throws, naming the folder, when it cannot be created', async () => {
    const dir = await tempDir();
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const under = join(file, 'cache');
    await expect(ResponseCache.open(under)).rejects.toThrow(under);
    await expect(ResponseCache.open(under)).rejects.toThrow(/not a folder/);
    await expect(ResponseCache.open(file)).rejects.toThrow(file);
  });

  it('open creates missing parent folders', async () => {
    const dir = await tempDir();
    const nested = join(dir, 'a', 'b', 'c');
    await ResponseCache.open(nested);
    expect((await stat(nested)).isDirectory()).toBe(true);
  });
});

describe('ResponseCache over HTTP (loopback only)', () => {
  it('a conditional GET gets a 304 and the stored body stands in for it', async () => {
    const etag = '"huainan-2021-v1"';
    const page = html('淮南市2021年政务公开 2021-12-20');
    const seen: Array<{ ifNoneMatch: string | undefined; status: number; bytes: number }> = [];
    const server = createServer((req, res) => {
      const ifNoneMatch = req.headers['if-none-match'];
      const record = () => seen.push({ ifNoneMatch, status: res.statusCode, bytes: sent });
      let sent = 0;
      res.on('finish', record);
      if (ifNoneMatch === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      sent = page.length;
      res.writeHead(200, { etag, 'content-type': 'text/html; charset=utf-8' }).end(page);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise((done) => server.close(done)));
    const agent = new Agent();
    cleanups.push(() => agent.close());
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/public/column/1?action=list`;
    const { cache } = await openCache();

    const first = await request(url, { dispatcher: agent });
    const firstBody = Buffer.from(await first.body.arrayBuffer());
    expect(first.statusCode).toBe(200);
    expect(await cache.put(url, { status: first.statusCode, headers: flatten(first.headers), body: firstBody })).toBe(true);

    const conditional = await cache.conditionalHeaders(url);
    expect(conditional).toEqual({ 'if-none-match': etag });
    const second = await request(url, { dispatcher: agent, headers: conditional });
    const secondBody = Buffer.from(await second.body.arrayBuffer());
    expect(second.statusCode).toBe(304);
    expect(secondBody.length).toBe(0);

    expect(seen).toEqual([
      { ifNoneMatch: undefined, status: 200, bytes: page.length },
      { ifNoneMatch: etag, status: 304, bytes: 0 },
    ]);
    const cached = await cache.get(url);
    expect(cached?.status).toBe(200);
    expect(cached?.body.equals(page)).toBe(true);
    expect(cached?.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
