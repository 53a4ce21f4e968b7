/**
 * --archive DIR: a WARC file (ISO 28500, WARC/1.1) with every exchange fetched in the run, the
 * rendered DOM and screenshot of rendered pages, and an index.json that maps each evidence to its
 * records. The point is proof of what each evidence link showed at audit time.
 *
 * Records are serialised with warcio and appended to the file one whole record (or request and
 * response pair) per write, so a run that dies part-way leaves a WARC that reads record by record.
 *
 * Secrets: the WARC records keep what was sent and received, since they are the proof, URLs
 * included (a `?token=` in a WARC-Target-URI stays); only the values of credential request headers
 * are written as `[redacted]`. index.json is read by people and scripts and attached to reports, so
 * every string in it goes through the run's redactor (URL credentials, `redact:` parameters, the
 * hosts' header and cookie values masked as `***`) and is stripped of terminal escapes.
 *
 * Paths: the only files written are DIR/<prefix><timestamp>.warc[.gz], created exclusively (a file
 * or symlink already there is never opened: the next name is taken), and DIR/index.json, written
 * to an exclusively created temporary file and renamed over, which replaces a symlink rather than
 * writing through it. No file name is derived from a URL or a host.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describeFsError } from '../util/fs-errors.js';
import { mkdir, open, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HeadersMultiMap, WARCRecord } from 'warcio';
import { DEFAULT_REDACTED_PARAMETERS, TOOL } from '../criteria/settings.js';
import { cleanMultiline } from '../report/sanitize.js';
import { createRedactor, type Redactor } from '../util/redact.js';
import { DEFAULT_REDACTED_REQUEST_HEADERS, httpHead, requestHeaders, requestLine, responseHeaders, statusLine, type HeaderPairs } from './http.js';
import { type ArchiveRecordRef } from '../model/archive.js';

export { DEFAULT_REDACTED_REQUEST_HEADERS } from './http.js';

export interface ArchivedExchange {
  /** The URL fetched (one hop; redirects are separate exchanges). */
  url: string;
  fetchedAt: Date;
  request: { method: 'GET'; headers: Record<string, string> };
  response: {
    status: number;
    statusText?: string;
    headers: Record<string, string>;
    /** Decoded: Content-Encoding already undone. */
    body: Buffer;
    /** The body was cut at the size limit; the record gets `WARC-Truncated: length`. */
    truncated?: boolean;
  };
}

export interface ArchivedEvidence {
  indicatorId: string;
  title: string;
  url: string;
  /** The evidence's line in the criteria file. */
  line: number;
}

export interface ArchiveOpenOptions {
  now?: () => Date;
  /** Gzip each record separately, as WARC tools expect (`.warc.gz`). Default true; false writes `.warc`. */
  gzip?: boolean;
  /** Extra warcinfo fields, e.g. `{ 'isPartOf': criteria title, 'criteria-sha256': … }`. */
  info?: Record<string, string>;
  /** Request header names whose values are written as `[redacted]`. Default: authorization, proxy-authorization, cookie. */
  redactRequestHeaders?: readonly string[];
  /** Masks secrets in index.json. Default: URL credentials and the default `redact:` parameters; see useRedactor. */
  redactor?: Redactor;
}

/** DIR/index.json. */
export interface ArchiveIndex {
  version: 1;
  warc: string;
  created_at: string;
  evidence: {
    indicator_id: string;
    title: string;
    url: string;
    line: number;
    records: { record_id: string; type: 'response' | 'resource'; target_uri: string; sha256: string; fetched_at: string; offset?: number }[];
  }[];
}

export type ResourceKind = 'rendered-dom' | 'screenshot';

/** The exchange the fetcher reports through `FetchContext.onExchange`, in the archive's shape. */
export function toArchivedExchange(exchange: {
  url: string;
  fetchedAt: Date;
  requestHeaders: Record<string, string>;
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  body: Buffer;
  truncated?: boolean;
}): ArchivedExchange {
  return {
    url: exchange.url,
    fetchedAt: exchange.fetchedAt,
    request: { method: 'GET', headers: exchange.requestHeaders },
    response: {
      status: exchange.status,
      ...(exchange.statusText !== undefined ? { statusText: exchange.statusText } : {}),
      headers: exchange.headers,
      body: exchange.body,
      ...(exchange.truncated ? { truncated: true } : {}),
    },
  };
}

/**
 * A link from a report file to an archive file, relative to the report's folder and URL-encoded
 * per segment, e.g. `archive/evidence-audit-20211220T010203Z.warc.gz`. Falls back to a file: URL
 * when no relative path exists (another drive on Windows).
 */
export function archiveHref(fromReportFile: string, archiveFile: string): string {
  const from = dirname(resolve(fromReportFile));
  const to = resolve(archiveFile);
  const rel = relative(from, to);
  if (rel === '' || isAbsolute(rel)) return pathToFileURL(to).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

const WARC_PREFIX = 'evidence-audit-';
const INDEX_FILE = 'index.json';
const NOTE_HEADER = 'WARC-Evidence-Audit-Note';
const KIND_HEADER = 'WARC-Evidence-Audit-Kind';
const RESOURCE_SCHEME: Record<ResourceKind, string> = {
  // Browsertrix's convention for page screenshots; the DOM gets a scheme of the same kind.
  screenshot: 'urn:view:',
  'rendered-dom': 'urn:dom:',
};

type Warcio = typeof import('warcio');

/** warcio, and the header map the archive writes records with. */
interface Warc {
  lib: Warcio;
  SingleValueHeaders: typeof HeadersMultiMap;
}

let warcModule: Promise<Warc> | undefined;

/**
 * warcio (with pako and hash-wasm) adds ~20 ms and several MB to every start-up, and only --archive
 * writes WARC: it is imported by the first open(), and each archive then uses it synchronously.
 */
function loadWarc(): Promise<Warc> {
  warcModule ??= import('warcio').then(withSingleValueHeaders).catch((error: unknown) => {
    warcModule = undefined;
    throw error;
  });
  return warcModule;
}

/**
 * warcio's header map splits any value containing ",,," into several header lines, and throws for
 * a WARC-* header (a Target-URI with ",,," in its query would fail). Every WARC header we write has
 * one value, so nothing is split.
 */
function withSingleValueHeaders(lib: Warcio): Warc {
  class SingleValueHeaders extends lib.HeadersMultiMap {
    override isMultiValue(): boolean {
      return false;
    }
  }
  return { lib, SingleValueHeaders };
}

/** The usual order of WARC headers (type and id first, as most WARC writers do); the rest follow as given. */
const LEADING_WARC_HEADERS = ['warc-type', 'warc-record-id', 'warc-date', 'warc-target-uri'];

function singleValued(warc: Warc, record: WARCRecord): WARCRecord {
  const rank = (name: string) => {
    const at = LEADING_WARC_HEADERS.indexOf(name.toLowerCase());
    return at < 0 ? LEADING_WARC_HEADERS.length : at;
  };
  const entries = [...record.warcHeaders.headers.entries()].sort(([a], [b]) => rank(a) - rank(b)); // a stable sort
  record.warcHeaders.headers = new warc.SingleValueHeaders(entries);
  return record;
}

/**
 * A request or response record whose block is the HTTP head as bytes (see httpHead) and the body.
 * warcio computes the block digest and length; the payload digest, over the body alone, is ours.
 */
function httpRecord(warc: Warc, type: 'request' | 'response', url: string, date: string, warcHeaders: HeaderPairs, head: Buffer, body: Buffer): WARCRecord {
  const record = warc.lib.WARCRecord.create({
    url, date, type, warcVersion: warc.lib.WARC_1_1,
    warcHeaders: [...warcHeaders, ['WARC-Payload-Digest', `sha256:${sha256(body)}`]],
  }, [head, body]);
  record.httpHeaders = null; // the head is already in the block
  return singleValued(warc, record);
}

function recordId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

function sha256(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** 2021-12-20T01:02:03.456Z → 20211220T010203Z */
function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

export class EvidenceArchive {
  readonly dir: string;
  readonly warcFile: string;
  readonly warcPath: string;
  readonly indexPath: string;

  #warc: Warc;
  #handle: FileHandle;
  #gzip: boolean;
  #createdAt: Date;
  #redact: ReadonlySet<string>;
  #redactor: Redactor;
  /** Bytes written so far: the offset of the next record. */
  #size = 0;
  /** Writes run one after another; each waits for the one before. */
  #queue: Promise<unknown> = Promise.resolve();
  /** A failed write may have left part of a record: nothing more is appended after it. */
  #failure: Error | undefined;
  #closing: Promise<{ warcPath: string; indexPath: string }> | undefined;
  #evidence = new Map<string, { evidence: ArchivedEvidence; refs: Map<string, ArchiveRecordRef> }>();

  private constructor(warc: Warc, dir: string, warcFile: string, handle: FileHandle, gzip: boolean, createdAt: Date, redact: ReadonlySet<string>, redactor: Redactor) {
    this.#warc = warc;
    this.dir = dir;
    this.warcFile = warcFile;
    this.warcPath = join(dir, warcFile);
    this.indexPath = join(dir, INDEX_FILE);
    this.#handle = handle;
    this.#gzip = gzip;
    this.#createdAt = createdAt;
    this.#redact = redact;
    this.#redactor = redactor;
  }

  /** The run's redactor (its `redact:` names and hosts' secrets), for index.json; set before close(). */
  useRedactor(redactor: Redactor): void {
    this.#redactor = redactor;
  }

  /**
   * Creates DIR if needed and opens `evidence-audit-<UTC timestamp>.warc.gz` (gzip per record) with
   * a warcinfo record naming the tool and version. Throws an Error with a clear message if DIR
   * cannot be used. An existing WARC of the same second is never overwritten: `-2`, `-3`… is added.
   */
  static async open(dir: string, options: ArchiveOpenOptions = {}): Promise<EvidenceArchive> {
    const warc = await loadWarc();
    const now = options.now ?? (() => new Date());
    const gzip = options.gzip ?? true;
    const folder = resolve(dir);
    try {
      await mkdir(folder, { recursive: true });
      if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    } catch (error) {
      throw new Error(`cannot use the archive folder ${dir}: ${describeFsError(error)}`, { cause: error });
    }

    const createdAt = now();
    const stem = `${WARC_PREFIX}${fileTimestamp(createdAt)}`;
    const extension = gzip ? '.warc.gz' : '.warc';
    let handle: FileHandle | undefined;
    let warcFile = '';
    for (let n = 1; !handle; n++) {
      warcFile = `${stem}${n === 1 ? '' : `-${n}`}${extension}`;
      try {
        handle = await open(join(folder, warcFile), 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST' && n < 1000) continue;
        throw new Error(`cannot create the archive file ${join(dir, warcFile)}: ${describeFsError(error)}`, { cause: error });
      }
    }

    const redact = new Set((options.redactRequestHeaders ?? DEFAULT_REDACTED_REQUEST_HEADERS).map((name) => name.toLowerCase()));
    const redactor = options.redactor ?? createRedactor({ names: DEFAULT_REDACTED_PARAMETERS });
    const archive = new EvidenceArchive(warc, folder, warcFile, handle, gzip, createdAt, redact, redactor);
    const info: Record<string, string> = {
      software: `${TOOL.name}/${TOOL.version} (+${TOOL.homepage})`,
      format: 'WARC File Format 1.1',
      conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
      description: 'Evidence pages fetched by an evidence-audit run, as fetched: every request and response (bodies stored decoded), and the rendered DOM and screenshot of rendered pages.',
      ...options.info,
    };
    const warcinfo = warc.lib.WARCRecord.createWARCInfo({ filename: warcFile, date: createdAt.toISOString(), warcVersion: warc.lib.WARC_1_1 }, info);
    try {
      await archive.#append([singleValued(warc, warcinfo)]);
    } catch (error) {
      await handle.close().catch(() => {});
      await rm(archive.warcPath, { force: true }).catch(() => {});
      throw new Error(`cannot write the archive file ${join(dir, warcFile)}: ${describeFsError(error)}`, { cause: error });
    }
    return archive;
  }

  /**
   * Writes a request record and a response record, linked both ways by WARC-Concurrent-To. Bodies
   * are decoded, so Content-Encoding and Transfer-Encoding are dropped and Content-Length is the
   * stored length; `WARC-Evidence-Audit-Note` on the response says so. Returns the response's ref.
   */
  async addExchange(exchange: ArchivedExchange): Promise<ArchiveRecordRef> {
    this.#assertOpen();
    const { url, fetchedAt, response } = exchange;
    const date = fetchedAt.toISOString();
    const requestId = recordId();
    const responseId = recordId();

    const sent = requestHeaders(url, exchange.request.headers, this.#redact);
    const requestWarcHeaders: HeaderPairs = [['WARC-Record-ID', requestId], ['WARC-Concurrent-To', responseId]];
    if (sent.redacted.length > 0) requestWarcHeaders.push([NOTE_HEADER, `values of ${sent.redacted.join(', ')} redacted`]);
    const request = httpRecord(this.#warc, 'request', url, date, requestWarcHeaders, httpHead(requestLine(url), sent.pairs), Buffer.alloc(0));

    const truncated = response.truncated === true;
    const answered = responseHeaders(response.headers, response.body.length, truncated);
    const responseWarcHeaders: HeaderPairs = [['WARC-Record-ID', responseId], ['WARC-Concurrent-To', requestId], [NOTE_HEADER, answered.note]];
    if (truncated) responseWarcHeaders.push(['WARC-Truncated', 'length']);
    const head = httpHead(statusLine(response.status, response.statusText), answered.pairs);
    const record = httpRecord(this.#warc, 'response', url, date, responseWarcHeaders, head, response.body);

    const [, offset] = await this.#append([request, record]);
    return {
      warcFile: this.warcFile,
      recordId: responseId,
      type: 'response',
      targetUri: record.warcTargetURI ?? url,
      ...(offset !== undefined ? { offset } : {}),
      sha256: sha256(response.body),
      fetchedAt: date,
    };
  }

  /** A resource record: the rendered DOM (text/html) or a screenshot (image/png) of a URL. */
  async addResource(url: string, contentType: string, body: Buffer, kind: ResourceKind, fetchedAt: Date): Promise<ArchiveRecordRef> {
    this.#assertOpen();
    const date = fetchedAt.toISOString();
    const id = recordId();
    const record = this.#warc.lib.WARCRecord.create({
      url: `${RESOURCE_SCHEME[kind]}${url}`, date, type: 'resource', warcVersion: this.#warc.lib.WARC_1_1,
      warcHeaders: [['WARC-Record-ID', id], ['Content-Type', contentType.replace(/[\r\n]+/g, ' ')], [KIND_HEADER, kind]],
    }, [body]);
    singleValued(this.#warc, record);
    const [offset] = await this.#append([record]);
    return {
      warcFile: this.warcFile,
      recordId: id,
      type: 'resource',
      targetUri: record.warcTargetURI ?? `${RESOURCE_SCHEME[kind]}${url}`,
      ...(offset !== undefined ? { offset } : {}),
      sha256: sha256(body),
      fetchedAt: date,
    };
  }

  /**
   * Maps an evidence (by its criteria line and URL) to record refs, written into index.json at close.
   * Linking the same evidence again adds to its records; a record is listed once.
   */
  link(evidence: ArchivedEvidence, refs: ArchiveRecordRef[]): void {
    if (this.#closing) throw new Error('the archive is closed');
    const key = `${evidence.line}\u0000${evidence.url}`;
    let entry = this.#evidence.get(key);
    if (!entry) {
      entry = { evidence: { ...evidence }, refs: new Map() };
      this.#evidence.set(key, entry);
    }
    for (const ref of refs) entry.refs.set(ref.recordId, ref);
  }

  /**
   * Waits for pending writes, closes the WARC and writes DIR/index.json atomically (temp file, then
   * rename). Idempotent: later calls return the first call's result. After an interrupted run,
   * call it with whatever was gathered; records already written stay valid either way.
   */
  close(): Promise<{ warcPath: string; indexPath: string }> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<{ warcPath: string; indexPath: string }> {
    await this.#queue;
    try {
      await this.#handle.sync().catch(() => {}); // some file systems refuse fsync; the data is written either way
    } finally {
      await this.#handle.close();
    }
    const safe = (text: string) => this.#redactor.text(cleanMultiline(text)); // cleaned first, as in safeReport
    const index: ArchiveIndex = {
      version: 1,
      warc: this.warcFile,
      created_at: this.#createdAt.toISOString(),
      evidence: [...this.#evidence.values()]
        .sort((a, b) => a.evidence.line - b.evidence.line || a.evidence.url.localeCompare(b.evidence.url))
        .map(({ evidence, refs }) => ({
          indicator_id: cleanMultiline(evidence.indicatorId),
          title: safe(evidence.title),
          url: safe(evidence.url),
          line: evidence.line,
          records: [...refs.values()].map((ref) => ({
            record_id: ref.recordId,
            type: ref.type,
            target_uri: safe(ref.targetUri),
            sha256: ref.sha256,
            fetched_at: ref.fetchedAt,
            ...(ref.offset !== undefined ? { offset: ref.offset } : {}),
          })),
        })),
    };
    const temp = join(this.dir, `.${INDEX_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, JSON.stringify(index, null, 2) + '\n', { flag: 'wx' });
      await rename(temp, this.indexPath);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw new Error(`cannot write ${join(basename(this.dir), INDEX_FILE)}: ${describeFsError(error)}`, { cause: error });
    }
    if (this.#failure) throw new Error(`the archive ${this.warcFile} is incomplete: ${this.#failure.message}`, { cause: this.#failure });
    return { warcPath: this.warcPath, indexPath: this.indexPath };
  }

  #assertOpen(): void {
    if (this.#closing) throw new Error('the archive is closed');
    if (this.#failure) throw new Error(`the archive ${this.warcFile} cannot be written: ${this.#failure.message}`, { cause: this.#failure });
  }

  /**
   * Serialises the records (digests computed by warcio) and appends them in one write, after the
   * writes queued before. Returns each record's offset in the file.
   */
  #append(records: WARCRecord[]): Promise<number[]> {
    // The place in the queue is taken now, synchronously, so close() always waits for this write.
    const serialising = Promise.all(records.map((record) => this.#warc.lib.WARCSerializer.serialize(record, { gzip: this.#gzip })));
    const run = this.#queue.then(async () => {
      const serialised = await serialising;
      if (this.#failure) throw this.#failure;
      const offsets: number[] = [];
      let at = this.#size;
      for (const bytes of serialised) {
        offsets.push(at);
        at += bytes.length;
      }
      const buffer = Buffer.concat(serialised);
      try {
        let written = 0;
        while (written < buffer.length) {
          const { bytesWritten } = await this.#handle.write(buffer, written, buffer.length - written, this.#size + written);
          written += bytesWritten;
        }
      } catch (error) {
        this.#failure = new Error(describeFsError(error), { cause: error });
        throw this.#failure;
      }
      this.#size = at;
      return offsets;
    });
    this.#queue = run.catch(() => {});
    return run;
  }
}
