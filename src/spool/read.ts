import { readSync } from 'node:fs';
import type { SpoolHeader, SpoolLine } from './spool.js';

/** A spool that cannot be continued: not one, or of other criteria. The message says what to do. */
export class SpoolError extends Error {
  readonly code = 'E_SPOOL';
}

const CHUNK = 1 << 20;
const LINE_START = /^\{"k":(\d+),"r":\{/;

/**
 * Indexes a spool without loading it: the header, then where each whole line is. Reading stops at
 * the first line that is not whole (a kill in the middle of a write); `goodBytes` is where the
 * file is cut so the run appends after the last whole line.
 */
export function readSpool(fd: number, path: string): { header: SpoolHeader; lines: SpoolLine[]; goodBytes: number } {
  const lines: SpoolLine[] = [];
  let header: SpoolHeader | undefined;
  let offset = 0;
  let carry = Buffer.alloc(0);
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK);
    const read = readSync(fd, chunk, 0, CHUNK, offset + carry.length);
    if (read === 0) break;
    let data = Buffer.concat([carry, chunk.subarray(0, read)]);
    let newline: number;
    while ((newline = data.indexOf(0x0a)) >= 0) {
      const text = data.toString('utf8', 0, newline);
      if (!header) header = parseHeader(text, path);
      else if (!addLine(lines, text, offset, newline)) return { header, lines, goodBytes: offset };
      offset += newline + 1;
      data = data.subarray(newline + 1);
    }
    carry = Buffer.from(data);
  }
  if (!header) throw new SpoolError(`${path}: empty, not a spool of this tool; run again without --resume`);
  return { header, lines, goodBytes: offset };
}

function parseHeader(text: string, path: string): SpoolHeader {
  let header: Partial<SpoolHeader> | undefined;
  try {
    header = JSON.parse(text) as Partial<SpoolHeader>;
  } catch {
    header = undefined;
  }
  if (header?.spool !== 1 || typeof header.criteria?.sha256 !== 'string' || typeof header.startedAt !== 'string') {
    throw new SpoolError(`${path}: not a spool of this tool; run again without --resume`);
  }
  return header as SpoolHeader;
}

/** A whole result line: its key read from the start, its end a closing brace. */
function addLine(lines: SpoolLine[], text: string, start: number, length: number): boolean {
  const key = LINE_START.exec(text);
  if (!key || !text.endsWith('}}')) return false;
  lines.push({ key: Number(key[1]), start, length });
  return true;
}
