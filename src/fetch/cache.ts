import { createHash, randomBytes } from 'node:crypto';
import { describeFsError } from '../util/fs-errors.js';
import { constants as fsConstants } from 'node:fs';
import { access, lstat, mkdir, open, readdir, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export interface CacheOptions {
  /** Upper bound on the bytes of all entries together. Default 200 MiB. */
  maxBytes?: number;
  /** An entry older than this is treated as absent, then removed by prune(). Default 30 days. */
  maxAgeMs?: number;
  now?: () => number;
}

export interface CachedResponse {
  url: string;
  status: number;
  /** Only content-type, etag and last-modified, with lower-case names. */
  headers: Record<string, string>;
  /** Decoded bytes: Content-Encoding was already undone when the entry was stored. */
  body: Buffer;
  storedAt: number;
  etag?: string;
  lastModified?: string;
}

export interface StorableResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** A body cut at the size cap is not the resource; replaying it after a 304 would pass off a fragment as the page. */
  truncated?: boolean;
}

const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
const DEFAULT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** A writer that has held a temp file this long has died; a live put takes milliseconds. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const FORMAT_VERSION = 1;
const TEMP_PREFIX = '.tmp-';
/**
 * Content-Encoding and Content-Length are left out on purpose: bodies are stored decoded, so both
 * would describe bytes that are no longer there.
 */
const KEPT_HEADERS = ['content-type', 'etag', 'last-modified'] as const;
const FANOUT_NAME = /^[0-9a-f]{2}$/;
const ENTRY_NAME = /^([0-9a-f]{2})[0-9a-f]{62}\.entry$/;
/** Undefined on Windows: there only the fanout-folder check applies. */
const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0;
/** Field-value characters (RFC 9110); anything else would make undici refuse the whole request. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]+$/;

interface EntryHeader {
  v: number;
  url: string;
  status: number;
  headers: Record<string, string>;
  storedAt: number;
  /** Body length, so a truncated file is recognised as corrupt rather than served short. */
  size: number;
}

interface ScannedEntry {
  path: string;
  size: number;
  storedAt: number;
}

/**
 * An HTTP validator cache on disk: one file per URL, `DIR/ab/<sha256(url)>.entry`, holding a JSON
 * header line followed by the body bytes. Files appear only by rename, so a reader sees a whole
 * entry or none, and several processes may share one folder.
 *
 * Nothing is written outside DIR: names are hashes, never parts of a URL; a fanout folder that is
 * not a real folder (a symlink planted to send writes elsewhere) is never written into or pruned;
 * temporary files are created exclusively and renamed over an entry, which replaces a symlink
 * there instead of following it; entries are opened without following a symlink.
 */
export class ResponseCache {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private pruneRunning: Promise<void> | undefined;
  private pruneQueued: Promise<void> | undefined;

  private constructor(dir: string, maxBytes: number, maxAgeMs: number, now: () => number) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.maxAgeMs = maxAgeMs;
    this.now = now;
  }

  static async open(dir: string, options: CacheOptions = {}): Promise<ResponseCache> {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    if (!(maxBytes >= 0) || !Number.isFinite(maxBytes)) throw new RangeError(`cache maxBytes must be a finite number ≥ 0, not ${maxBytes}`);
    if (!(maxAgeMs >= 0) || !Number.isFinite(maxAgeMs)) throw new RangeError(`cache maxAgeMs must be a finite number ≥ 0, not ${maxAgeMs}`);
    // Resolved now, so a later chdir cannot point the cache somewhere else.
    const absolute = resolve(dir);
    try {
      await mkdir(absolute, { recursive: true });
      // mkdir succeeds on an existing read-only folder; without this every put would fail silently.
      await access(absolute, fsConstants.R_OK | fsConstants.W_OK | fsConstants.X_OK);
    } catch (error) {
      throw new Error(`cannot use ${JSON.stringify(dir)} as the cache folder: ${describeFsError(error)}`, { cause: error });
    }
    return new ResponseCache(absolute, maxBytes, maxAgeMs, options.now ?? Date.now);
  }

  /** Headers to add to a GET for this URL, or {} when nothing usable is stored. Expired entries count as absent. */
  async conditionalHeaders(url: string): Promise<Record<string, string>> {
    const entry = await this.get(url);
    return entry ? validatorHeaders(entry) : {};
  }

  /** Undefined when missing, expired or corrupt; a corrupt entry is deleted. Never throws. */
  async get(url: string): Promise<CachedResponse | undefined> {
    const path = this.pathFor(url);
    let data: Buffer;
    let inode: number;
    try {
      const handle = await open(path, fsConstants.O_RDONLY | O_NOFOLLOW);
      try {
        inode = (await handle.stat()).ino;
        data = await handle.readFile();
      } finally {
        await handle.close().catch(() => {});
      }
    } catch {
      return undefined;
    }
    const entry = parseEntry(data);
    // A different url under this name is corruption, or a sha256 collision; either way not ours.
    if (!entry || entry.url !== url) {
      await this.discard(path, inode);
      return undefined;
    }
    if (this.isExpired(entry.storedAt)) return undefined;
    return entry;
  }

  /** Stores a complete 200 response that carries an ETag or Last-Modified; anything else is ignored (false). */
  async put(url: string, response: StorableResponse): Promise<boolean> {
    const headers = keptHeaders(response.headers);
    const storable = response.status === 200 && response.truncated !== true
      && (headers['etag'] !== undefined || headers['last-modified'] !== undefined)
      && !/(^|[\s,])no-store($|[\s,])/i.test(headerValue(response.headers, 'cache-control') ?? '');
    if (!storable) {
      // A newer answer that cannot be stored supersedes the old entry: its validators must not be
      // sent again, or a later 304 would pass the old body off as current.
      const stale = this.pathFor(url);
      if (await isRealFolder(dirname(stale))) await unlink(stale).catch(() => {});
      return false;
    }

    const storedAt = this.now();
    const header: EntryHeader = { v: FORMAT_VERSION, url, status: response.status, headers, storedAt, size: response.body.length };
    const data = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), response.body]);
    // It would be evicted by its own prune, after pushing out everything else.
    if (data.length > this.maxBytes) return false;

    const path = this.pathFor(url);
    const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      if (!(await isRealFolder(dirname(path)))) return false;
      await writeFile(temp, data, { flag: 'wx' });
      // The mtime carries storedAt so prune() can expire and order entries from a stat, without opening each file.
      const seconds = storedAt / 1000;
      await utimes(temp, seconds, seconds);
      await rename(temp, path);
    } catch {
      await unlink(temp).catch(() => {});
      return false;
    }
    await this.prune();
    return true;
  }

  /** Evicts expired entries, then the least recently stored, until the total is within maxBytes. Never rejects. */
  prune(): Promise<void> {
    // A scan that has not started yet will see every entry written so far, so callers share it.
    // put() calls prune(), and one full scan per put would make a large run quadratic.
    if (this.pruneQueued) return this.pruneQueued;
    const queued: Promise<void> = (this.pruneRunning ?? Promise.resolve()).then(async () => {
      this.pruneQueued = undefined;
      this.pruneRunning = queued;
      try {
        await this.pruneNow();
      } finally {
        if (this.pruneRunning === queued) this.pruneRunning = undefined;
      }
    });
    this.pruneQueued = queued;
    return queued;
  }

  private async pruneNow(): Promise<void> {
    const now = this.now();
    const entries: ScannedEntry[] = [];
    let fanouts: string[];
    try {
      fanouts = await readdir(this.dir);
    } catch {
      return;
    }
    for (const fanout of fanouts) {
      if (!FANOUT_NAME.test(fanout)) continue;
      const folder = join(this.dir, fanout);
      if (!(await isRealFolder(folder))) continue;
      let names: string[];
      try {
        names = await readdir(folder);
      } catch {
        continue;
      }
      await Promise.all(
        names.map(async (name) => {
          const isTemp = name.startsWith(TEMP_PREFIX);
          // The folder may have been pointed at one that holds other files: touch only our own.
          if (!isTemp && ENTRY_NAME.exec(name)?.[1] !== fanout) return;
          const path = join(folder, name);
          let info;
          try {
            info = await lstat(path);
          } catch {
            return;
          }
          if (!info.isFile()) return;
          const mtime = Math.round(info.mtimeMs);
          if (isTemp) {
            if (now - mtime > STALE_TEMP_MS) await removeFile(path);
          } else if (this.isExpired(mtime)) {
            await removeFile(path);
          } else {
            entries.push({ path, size: info.size, storedAt: mtime });
          }
        }),
      );
    }

    let total = entries.reduce((sum, e) => sum + e.size, 0);
    if (total <= this.maxBytes) return;
    entries.sort((a, b) => a.storedAt - b.storedAt || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      if (await removeFile(entry.path)) total -= entry.size;
    }
  }

  private isExpired(storedAt: number): boolean {
    return this.now() - storedAt >= this.maxAgeMs;
  }

  private pathFor(url: string): string {
    const hash = createHash('sha256').update(url, 'utf8').digest('hex');
    return join(this.dir, hash.slice(0, 2), `${hash}.entry`);
  }

  /** Deletes a bad entry, unless a put has already replaced it with a good one since it was read. */
  private async discard(path: string, inode: number): Promise<void> {
    try {
      if ((await lstat(path)).ino === inode) await unlink(path);
    } catch {
      // Already gone, or not ours to delete: the next put overwrites it anyway.
    }
  }
}

/**
 * The conditional headers for an entry already in hand. A caller that keeps the entry from get()
 * can answer a 304 from it even if another process evicts the file in the meantime.
 */
export function validatorHeaders(entry: Pick<CachedResponse, 'etag' | 'lastModified'>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (entry.etag !== undefined && HEADER_VALUE.test(entry.etag)) headers['if-none-match'] = entry.etag;
  if (entry.lastModified !== undefined && HEADER_VALUE.test(entry.lastModified)) headers['if-modified-since'] = entry.lastModified;
  return headers;
}

function parseEntry(data: Buffer): CachedResponse | undefined {
  const newline = data.indexOf(0x0a);
  if (newline < 0) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(data.subarray(0, newline).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isEntryHeader(header)) return undefined;
  const body = data.subarray(newline + 1);
  if (body.length !== header.size) return undefined;
  const entry: CachedResponse = { url: header.url, status: header.status, headers: header.headers, body, storedAt: header.storedAt };
  const etag = header.headers['etag'];
  const lastModified = header.headers['last-modified'];
  if (etag !== undefined) entry.etag = etag;
  if (lastModified !== undefined) entry.lastModified = lastModified;
  return entry;
}

function isEntryHeader(value: unknown): value is EntryHeader {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Record<string, unknown>;
  return (
    h['v'] === FORMAT_VERSION &&
    typeof h['url'] === 'string' &&
    Number.isInteger(h['status']) &&
    Number.isFinite(h['storedAt']) &&
    Number.isInteger(h['size']) &&
    typeof h['headers'] === 'object' &&
    h['headers'] !== null &&
    !Array.isArray(h['headers']) &&
    Object.values(h['headers']).every((v) => typeof v === 'string')
  );
}

function keptHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headerValue(headers, name);
    if (value !== undefined && value !== '') kept[name] = value;
  }
  return kept;
}

/** Case-insensitive, because callers other than the fetcher may not lower-case names. */
function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** A folder, and not a symlink to one (mkdir with recursive succeeds on either). */
async function isRealFolder(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** True when the file is gone afterwards, whoever removed it. */
async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

