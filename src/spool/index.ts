import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Criteria, Evidence, Indicator } from '../model/criteria.js';
import { readSpool, SpoolError } from './read.js';
import { Spool, type SpoolHeader } from './spool.js';

export { Spool, type SpoolHeader } from './spool.js';
export { SpoolError } from './read.js';

/**
 * Where a run's spool lives, so that `--resume` finds it again without being told: beside the
 * first report file, else in the --cache folder, else in the system's temporary folder, named
 * after the criteria file (and the shard, so two shards on one machine keep apart).
 */
export function spoolPathFor(criteriaPath: string, firstOutput: string | undefined, cacheDir: string | undefined, shard?: { index: number; total: number }): string {
  if (firstOutput) return `${firstOutput}.spool.jsonl`;
  const part = shard ? `-shard-${shard.index}-of-${shard.total}` : '';
  const name = `evidence-audit-${createHash('sha256').update(criteriaPath).digest('hex').slice(0, 12)}${part}.spool.jsonl`;
  return join(cacheDir ?? tmpdir(), name);
}

/** Every evidence of the criteria in order: a spool line's number is its place here. */
export function evidenceInOrder(indicators: readonly Indicator[]): Evidence[] {
  return indicators.flatMap((i) => i.evidence ?? evidenceInOrder(i.children));
}

export interface OpenSpool {
  path: string;
  criteria: Criteria;
  /** Continue the spool at `path` rather than start a new one. */
  resume: boolean;
}

/**
 * Opens the run's spool. Resuming checks that the spool is of these criteria, byte for byte and
 * selection for selection; otherwise a SpoolError says why and what to do. A lock beside it keeps
 * two runs from writing one spool.
 */
export function openSpool({ path, criteria, resume }: OpenSpool): Spool {
  const evidence = evidenceInOrder(criteria.indicators);
  const header: SpoolHeader = { spool: 1, criteria: { path: criteria.path, sha256: criteria.sha256 }, evidence: fingerprint(evidence), startedAt: new Date().toISOString() };
  takeLock(path);
  try {
    if (!resume) return Spool.create(path, header, evidence);
    const spool = Spool.reopen(path, evidence, (fd) => readSpool(fd, path));
    refuseOther(spool.header, header, path);
    return spool;
  } catch (error) {
    releaseLock(path);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SpoolError(`--resume: no spool at ${path} to continue; run without --resume to start the audit`);
    throw error;
  }
}

/** The spool is done with: closed, and the lock let go. A finished run also removes the file. */
export function closeSpool(spool: Spool, { remove }: { remove: boolean }): void {
  spool.close();
  if (remove) rmSync(spool.path, { force: true });
  releaseLock(spool.path);
}

function refuseOther(found: SpoolHeader, now: SpoolHeader, path: string): void {
  if (found.criteria.sha256 !== now.criteria.sha256) {
    throw new SpoolError(`--resume: the spool ${path} is of other criteria (sha256 ${found.criteria.sha256.slice(0, 12)}…, the file is now ${now.criteria.sha256.slice(0, 12)}…); run without --resume to audit them from the start`);
  }
  if (found.evidence !== now.evidence) {
    throw new SpoolError(`--resume: the spool ${path} audited another selection of the criteria (--only, --changed); resume with the same options, or run without --resume`);
  }
}

/** The evidence as numbered: a different selection numbers them differently. */
function fingerprint(evidence: readonly Evidence[]): string {
  const hash = createHash('sha256');
  for (const e of evidence) hash.update(`${e.url}\n`);
  return `${evidence.length}:${hash.digest('hex').slice(0, 16)}`;
}

/** Spools this process writes: a second run in the same process (tests, a library user) must not take one over. */
const heldHere = new Set<string>();

function takeLock(path: string): void {
  if (heldHere.has(path)) throw new SpoolError(`another audit in this process is writing the spool ${path}; give this run its own --output`);
  const lock = `${path}.lock`;
  try {
    const fd = openSync(lock, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    heldHere.add(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lock, 'utf8'));
    if (holder !== process.pid && isAlive(holder)) {
      throw new SpoolError(`another audit (process ${holder}) is writing the spool ${path}; wait for it, or give this run its own --output`);
    }
    rmSync(lock, { force: true }); // left by a run that was killed
    takeLock(path);
  }
}

function releaseLock(path: string): void {
  heldHere.delete(path);
  rmSync(`${path}.lock`, { force: true });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
