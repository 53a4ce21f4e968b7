import { open } from 'node:fs/promises';
import type { Diagnostic } from './diagnostics.js';

/**
 * The largest criteria file read. A national table of 20,000 indicators is about 4 MB of YAML, so 20 MB
 * leaves five times that; anything bigger is the wrong file (a log, a dump, a disk image), and yaml's
 * syntax tree for a whole document takes some 45 times its size, so reading it could exhaust memory.
 */
export const MAX_CRITERIA_FILE_BYTES = 20 * 1024 * 1024;

export type SourceResult = { text: string } | { diagnostic: Diagnostic };

/**
 * Reads a criteria file as UTF-8 text, refusing what is not: too large (checked with stat before
 * reading), binary, UTF-16, or in another encoding. A UTF-8 byte-order mark is kept; the parser skips it.
 */
export async function readCriteriaSource(path: string, displayPath: string): Promise<SourceResult> {
  const fail = (message: string, fix: string, line = 1, col = 1): SourceResult =>
    ({ diagnostic: { severity: 'error', file: displayPath, line, col, message, fix } });
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) return fail('the criteria path is a directory', 'pass the path of a criteria YAML file, e.g. `audit criteria.yaml`');
      if (stat.size > MAX_CRITERIA_FILE_BYTES) return tooLarge(stat.size);
      // Read with a cap even so: a pipe or device has no size, and a file may grow while it is read.
      const read = await readAtMost(handle, MAX_CRITERIA_FILE_BYTES + 1);
      if (read.length > MAX_CRITERIA_FILE_BYTES) return tooLarge(read.length);
      bytes = read;
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found'
      : code === 'EISDIR' ? 'the path is a directory'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    return fail(`cannot read the criteria file: ${reason}`, 'pass the path of a criteria YAML file, e.g. `audit criteria.yaml`');
  }
  return decodeCriteria(bytes, displayPath);

  function tooLarge(size: number): SourceResult {
    return fail(`the criteria file is ${megabytes(size)}, more than the ${megabytes(MAX_CRITERIA_FILE_BYTES)} a criteria file may be`,
      'check that this is the criteria file; even 20,000 indicators take only about 4 MB — split a larger table into several files');
  }
}

async function readAtMost(handle: Awaited<ReturnType<typeof open>>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
}

/** Files people pass by mistake, by their first bytes: the source table itself, or a screenshot of it. */
const SIGNATURES: readonly { bytes: readonly number[]; kind: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], kind: 'a ZIP archive (an .xlsx or .docx file is one)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], kind: 'an Office document (.xls or .doc)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], kind: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], kind: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], kind: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], kind: 'a GIF image' },
  { bytes: [0x1f, 0x8b], kind: 'a gzip archive' },
];

/** Decodes a criteria file's bytes as UTF-8, or explains, at the first offending byte, why they are not. */
export function decodeCriteria(bytes: Uint8Array, file: string): SourceResult {
  const fail = (message: string, fix: string, offset = 0, encoding = 'utf-8'): SourceResult => {
    const { line, col } = bytePosition(bytes, offset, encoding);
    return { diagnostic: { severity: 'error', file, line, col, message, fix } };
  };
  const signature = SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[i] === b));
  if (signature) {
    return fail(`this is ${signature.kind}, not a YAML text file`,
      'pass the criteria YAML file; to start from a published table (Excel, Word, a web page), turn it into one with `audit import FILE --output criteria.yaml`');
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || looksLikeUtf16(bytes)) {
    // Notepad's "Unicode" is UTF-16.
    return fail('this file is UTF-16-encoded, not UTF-8', 'save it as UTF-8: in Notepad, Save As with Encoding: UTF-8');
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return fail('this file holds binary data, not YAML text: a NUL byte is here', 'pass the criteria YAML file', nul);
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    // Not UTF-8: find where, and whether the whole file reads as GBK, which Chinese Windows editors save by default.
  }
  const bad = firstInvalidUtf8(bytes);
  if (decodesAsGb18030(bytes)) {
    return fail('this file is GBK/GB18030-encoded, not UTF-8: the first byte that is not UTF-8 is here',
      `save it as UTF-8, e.g. \`iconv -f GB18030 -t UTF-8 ${file} > utf8.yaml\`, or in your editor: Save As, Encoding: UTF-8`, bad, 'gb18030');
  }
  return fail('this file is not valid UTF-8 text: the first bad byte is here', 'save the file as UTF-8', bad);
}

/** UTF-16 without a byte-order mark: ASCII text with every other byte NUL. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 4) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  return Math.max(even, odd) >= n / 4 && Math.min(even, odd) === 0;
}

/** Only when the whole file decodes, and holds Chinese text: Latin-1 or binary rarely does both. */
function decodesAsGb18030(bytes: Uint8Array): boolean {
  try {
    const text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    return /\p{Script=Han}/u.test(text);
  } catch {
    return false;
  }
}

/** The offset of the first byte that does not belong to a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    const end = i + length;
    if (end > bytes.length) return i;
    const second = bytes[i + 1];
    // The second byte's range is narrower for some leads: no overlong forms, no surrogates, nothing past U+10FFFF.
    const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (length > 1 && (second === undefined || second < lo || second > hi)) return i;
    for (let j = i + 2; j < end; j++) if (bytes[j]! < 0x80 || bytes[j]! > 0xbf) return i;
    i = end;
  }
  return bytes.length;
}

/** Line and column of a byte offset, counting the line's characters up to it as an editor would show them. */
function bytePosition(bytes: Uint8Array, offset: number, encoding: string): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  const before = new TextDecoder(encoding).decode(bytes.subarray(start, offset));
  return { line, col: [...before.replace(/^\uFEFF/, '')].length + 1 };
}
