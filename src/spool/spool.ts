import { closeSync, fstatSync, fsync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import type { EvidenceResult } from '../model/results.js';
import type { Evidence } from '../model/criteria.js';

/**
 * Evidence results as they are judged, one JSON line each, appended to a file and dropped from
 * memory: a run keeps only where each line is (two numbers per evidence), so 20,000 links and a
 * million cost the same heap. Reports read the lines back one indicator at a time. The file is
 * also what `--resume` continues from: a line is whole once written (a SIGKILL loses at most the
 * evidence still in flight), and it is fsync'd in batches against a crash of the machine.
 *
 * Line 1 is the header; then `{"k":<evidence number>,"r":<result>}` lines, the evidence numbered
 * in criteria order and the result as judged, with its evidence left out (the criteria have it).
 */
export interface SpoolHeader {
  spool: 1;
  criteria: { path: string; sha256: string };
  /** How many evidence, and a hash of their URLs in order: what the line numbers refer to. */
  evidence: string;
  startedAt: string;
}

/** Every how many lines the file is fsync'd (also on close): a batch, not a sync per link. */
const SYNC_EVERY = 256;

export class Spool {
  /** Where line k starts and how long it is, by evidence number; -1 when not judged yet. */
  private readonly starts: Float64Array;
  private readonly lengths: Uint32Array;
  private size: number;
  private unsynced = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly header: SpoolHeader,
    count: number,
    private readonly keys: ReadonlyMap<Evidence, number>,
  ) {
    this.starts = new Float64Array(count).fill(-1);
    this.lengths = new Uint32Array(count);
    this.size = fstatSync(fd).size;
  }

  /** A new spool, replacing any file at `path`. */
  static create(path: string, header: SpoolHeader, evidence: readonly Evidence[]): Spool {
    const fd = openSync(path, 'w+', 0o600);
    const spool = new Spool(path, fd, header, evidence.length, numbered(evidence));
    spool.writeLine(JSON.stringify(header));
    return spool;
  }

  /** An existing spool to continue; its lines are indexed, not loaded. Throws SpoolError when it is not one. */
  static reopen(path: string, evidence: readonly Evidence[], read: (fd: number) => { header: SpoolHeader; lines: SpoolLine[]; goodBytes: number }): Spool {
    const fd = openSync(path, 'r+');
    try {
      const { header, lines, goodBytes } = read(fd);
      ftruncateSync(fd, goodBytes); // a line torn by a kill is dropped, and judged again
      const spool = new Spool(path, fd, header, evidence.length, numbered(evidence));
      for (const line of lines) if (line.key < evidence.length) spool.remember(line.key, line.start, line.length);
      return spool;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Evidence already judged: a resumed run does not fetch it again. */
  has(evidence: Evidence): boolean {
    const key = this.keys.get(evidence);
    return key !== undefined && this.starts[key]! >= 0;
  }

  get judged(): number {
    return this.starts.reduce((n, start) => (start >= 0 ? n + 1 : n), 0);
  }

  add(evidence: Evidence, result: EvidenceResult): void {
    const key = this.keys.get(evidence);
    if (key === undefined) throw new Error(`evidence ${evidence.url} is not in the spool's criteria`);
    const { evidence: _left, ...rest } = result;
    const start = this.size;
    const length = this.writeLine(JSON.stringify({ k: key, r: rest }));
    this.remember(key, start, length);
  }

  get(evidence: Evidence): EvidenceResult | undefined {
    const key = this.keys.get(evidence);
    const start = key === undefined ? -1 : this.starts[key]!;
    if (start < 0) return undefined;
    const buffer = Buffer.allocUnsafe(this.lengths[key!]!);
    readSync(this.fd, buffer, 0, buffer.length, start);
    const line = JSON.parse(buffer.toString('utf8')) as { r: Omit<EvidenceResult, 'evidence'> };
    return { evidence, ...line.r };
  }

  /** Results are read back from disk when asked for (see scoreIndicator). */
  readonly onDisk = true;

  /** Flushes to disk and closes; reading is over too. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }

  private remember(key: number, start: number, length: number): void {
    this.starts[key] = start;
    this.lengths[key] = length;
  }

  /** Writes a line whole (a short write is continued), and returns its byte length without the newline. */
  private writeLine(text: string): number {
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done, bytes.length - done, this.size + done);
    this.size += bytes.length;
    if (++this.unsynced >= SYNC_EVERY) this.sync();
    return bytes.length - 1;
  }

  /** In the background: the event loop keeps fetching while the disk catches up. A sync that loses to close() has nothing left to do. */
  private sync(): void {
    this.unsynced = 0;
    fsync(this.fd, () => undefined);
  }
}

export interface SpoolLine {
  key: number;
  start: number;
  length: number;
}

function numbered(evidence: readonly Evidence[]): Map<Evidence, number> {
  return new Map(evidence.map((e, i) => [e, i]));
}
