import { inflateRawSync } from 'node:zlib';
import { DocumentError } from './common.js';

/**
 * A small ZIP reader for OOXML packages, on node:zlib. It lists entries, reads docProps/core.xml,
 * and, before mammoth or exceljs inflate the package themselves (without any output limit), checks
 * what the package really expands to: zlib's `maxOutputLength` stops a zip bomb even when its
 * headers lie about the sizes.
 */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 20_000;

/** The central directory, or a CORRUPT problem (a cut or damaged file has none). */
export function listZip(body: Buffer): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(body);
  if (eocd < 0) throw new DocumentError('CORRUPT', 'the ZIP package is incomplete or damaged (no central directory)');
  const count = body.readUInt16LE(eocd + 10);
  const offset = body.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new DocumentError('UNSUPPORTED', 'ZIP64 packages are not read');
  if (count > MAX_ENTRIES) throw new DocumentError('UNSUPPORTED', `the package holds too many parts (${count})`);
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > body.length || body.readUInt32LE(at) !== CENTRAL) {
      throw new DocumentError('CORRUPT', 'the ZIP package is damaged (bad central directory)');
    }
    const nameLength = body.readUInt16LE(at + 28);
    const extraLength = body.readUInt16LE(at + 30);
    const commentLength = body.readUInt16LE(at + 32);
    entries.push({
      flags: body.readUInt16LE(at + 8),
      method: body.readUInt16LE(at + 10),
      compressedSize: body.readUInt32LE(at + 20),
      size: body.readUInt32LE(at + 24),
      localOffset: body.readUInt32LE(at + 42),
      name: body.toString('utf8', at + 46, Math.min(body.length, at + 46 + nameLength)),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Entry names from the local headers, for telling DOCX from XLSX in a package cut short. */
export function scanLocalNames(body: Buffer, limit = 200): string[] {
  const names: string[] = [];
  const signature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
  for (let at = body.indexOf(signature); at >= 0 && names.length < limit; at = body.indexOf(signature, at + 4)) {
    if (at + 30 > body.length) break;
    const nameLength = body.readUInt16LE(at + 26);
    names.push(body.toString('utf8', at + 30, Math.min(body.length, at + 30 + nameLength)));
  }
  return names;
}

/** One entry's content, inflated to at most `maxBytes` (UNSUPPORTED beyond that). */
export function readEntry(body: Buffer, entry: ZipEntry, maxBytes: number): Buffer {
  const data = inflateEntry(body, entry, maxBytes);
  if (!data) throw tooLarge(maxBytes);
  return data;
}

/** The entry's content, or undefined when it would exceed `limit` bytes. */
function inflateEntry(body: Buffer, entry: ZipEntry, limit: number): Buffer | undefined {
  if (entry.flags & 0x1) throw new DocumentError('ENCRYPTED', `the package part ${entry.name} is encrypted`);
  const at = entry.localOffset;
  if (at + 30 > body.length || body.readUInt32LE(at) !== LOCAL) {
    throw new DocumentError('CORRUPT', `the ZIP package is damaged (part ${entry.name} is missing)`);
  }
  const start = at + 30 + body.readUInt16LE(at + 26) + body.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > body.length) throw new DocumentError('CORRUPT', `the ZIP package is incomplete (part ${entry.name} is cut)`);
  const data = body.subarray(start, end);
  if (entry.method === 0) return data.length > limit ? undefined : data;
  if (entry.method !== 8) throw new DocumentError('UNSUPPORTED', `part ${entry.name} uses ZIP compression method ${entry.method}`);
  try {
    // One byte over the limit tells "exactly the limit" from "more".
    const out = inflateRawSync(data, { maxOutputLength: limit + 1 });
    return out.length > limit ? undefined : out;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw new DocumentError('CORRUPT', `part ${entry.name} cannot be inflated: ${(error as Error).message}`);
  }
}

export interface Budget {
  /** All parts together, inflated. */
  totalBytes: number;
  /** The XML parts (what the library parses into memory), inflated. */
  xmlBytes: number;
}

/**
 * Inflates every part once, bounded, and fails with UNSUPPORTED when the package expands beyond
 * the budget: the libraries that read it next keep everything in memory.
 */
export function checkExpansion(body: Buffer, entries: readonly ZipEntry[], budget: Budget): void {
  let total = 0;
  let xml = 0;
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const isXml = /\.(xml|rels|vml)$/i.test(entry.name);
    const xmlRoom = isXml ? budget.xmlBytes - xml : Number.MAX_SAFE_INTEGER;
    const room = Math.max(0, Math.min(budget.totalBytes - total, xmlRoom));
    const data = inflateEntry(body, entry, room);
    if (!data) throw tooLarge(xmlRoom < budget.totalBytes - total ? budget.xmlBytes : budget.totalBytes);
    const size = data.length;
    total += size;
    if (isXml) xml += size;
  }
}

export function findEntry(entries: readonly ZipEntry[], name: string): ZipEntry | undefined {
  const wanted = name.replace(/^\//, '').toLowerCase();
  return entries.find((e) => e.name.toLowerCase() === wanted);
}

function tooLarge(maxBytes: number): DocumentError {
  return new DocumentError('UNSUPPORTED', `the document expands to more than ${Math.round(maxBytes / 1024 / 1024)} MB; it was not read`);
}

function findEndOfCentralDirectory(body: Buffer): number {
  const stop = Math.max(0, body.length - 22 - 0xffff);
  for (let at = body.length - 22; at >= stop; at--) {
    if (body.readUInt32LE(at) === EOCD) return at;
  }
  return -1;
}
