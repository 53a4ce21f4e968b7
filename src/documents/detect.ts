import iconv from 'iconv-lite';
import { listZip, scanLocalNames } from './zip.js';

export type DocumentKind = 'pdf' | 'docx' | 'xlsx' | 'doc' | 'xls' | 'unknown';

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const PDF = Buffer.from('%PDF-', 'latin1');

export interface Sniffed {
  container: 'pdf' | 'zip' | 'ole';
  /** 'unknown' when the container does not show which document it holds. */
  kind: DocumentKind;
  /** An OLE file holding a password-protected .docx/.xlsx package. */
  encrypted?: boolean;
}

/** What the bytes say, when they say anything: a format's own signature. */
export function sniffKind(body: Buffer): Sniffed | undefined {
  // Some servers put junk (a BOM, a blank line) before the header; readers allow 1 KB of it.
  // An HTML page that merely mentions "%PDF-" near its top is still a page.
  const pdfAt = body.subarray(0, 1024).indexOf(PDF);
  if (pdfAt === 0 || (pdfAt > 0 && !looksLikeMarkup(body))) return { container: 'pdf', kind: 'pdf' };
  if (body.subarray(0, 8).equals(OLE)) return sniffOle(body);
  if (body.subarray(0, 4).equals(ZIP) || body.subarray(0, 4).equals(EMPTY_ZIP)) return sniffZip(body);
  return undefined;
}

/** OLE compound file: directory entry names are UTF-16LE, so the stream names can be searched. */
function sniffOle(body: Buffer): Sniffed {
  const has = (name: string) => body.indexOf(Buffer.from(name, 'utf16le')) >= 0;
  // A password-protected .docx/.xlsx is an OLE file holding the encrypted package.
  if (has('EncryptedPackage') && has('EncryptionInfo')) return { container: 'ole', kind: 'unknown', encrypted: true };
  if (has('WordDocument')) return { container: 'ole', kind: 'doc' };
  if (has('Workbook') || has('Book')) return { container: 'ole', kind: 'xls' };
  return { container: 'ole', kind: 'unknown' };
}

function sniffZip(body: Buffer): Sniffed {
  let names: string[];
  try {
    names = listZip(body).map((e) => e.name);
  } catch {
    names = scanLocalNames(body);
  }
  if (names.some((n) => n.startsWith('word/'))) return { container: 'zip', kind: 'docx' };
  if (names.some((n) => n.startsWith('xl/'))) return { container: 'zip', kind: 'xlsx' };
  return { container: 'zip', kind: 'unknown' };
}

const CONTENT_TYPES: Record<string, DocumentKind> = {
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'application/acrobat': 'pdf',
  'application/vnd.pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-word.document.macroenabled.12': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-excel.sheet.macroenabled.12': 'xlsx',
  'application/msword': 'doc',
  'application/x-msword': 'doc',
  'application/vnd.ms-word': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/x-excel': 'xls',
  'application/x-msexcel': 'xls',
  'application/x-xls': 'xls',
};

/** Hints within a container family: a ZIP named .doc is still a DOCX, an OLE named .docx a DOC. */
const MODERN: Partial<Record<DocumentKind, DocumentKind>> = { docx: 'docx', doc: 'docx', xlsx: 'xlsx', xls: 'xlsx' };
const LEGACY: Partial<Record<DocumentKind, DocumentKind>> = { doc: 'doc', docx: 'doc', xls: 'xls', xlsx: 'xls' };

const EXTENSIONS: Record<string, DocumentKind> = {
  pdf: 'pdf',
  docx: 'docx', docm: 'docx', dotx: 'docx',
  xlsx: 'xlsx', xlsm: 'xlsx', xltx: 'xlsx',
  doc: 'doc', dot: 'doc', wps: 'doc',
  xls: 'xls', xlt: 'xls', et: 'xls',
};

/**
 * The document type: from magic bytes first (%PDF, a ZIP with word/ or xl/ inside, an OLE file
 * for .doc/.xls), then the Content-Type, then the filename from Content-Disposition or the URL.
 * A body that starts like markup (`<`) and has no signature is never called a document, whatever
 * its headers say: it is an error or login page.
 */
export function detectDocument(body: Buffer, headers: Record<string, string>, url: string): { kind: DocumentKind; filename?: string } {
  try {
    const header = (name: string) => headerValue(headers, name);
    const filename = filenameFromDisposition(header('content-disposition')) ?? filenameFromUrl(url);
    const result = (kind: DocumentKind) => (filename ? { kind, filename } : { kind });
    const contentType = header('content-type');
    // A server that says text/* (an error message as text/plain) is believed over a ".pdf" URL.
    const textual = /^\s*text\//i.test(contentType ?? '');
    const hint = kindFromContentType(contentType) ?? (textual ? undefined : kindFromFilename(filename));

    const sniffed = sniffKind(body);
    if (sniffed) {
      if (sniffed.kind !== 'unknown') return result(sniffed.kind);
      // The container is known but not what it holds: an encrypted OOXML package, a ZIP cut short
      // before its parts, or a container of another kind (.pptx, .ofd, .zip, .ppt), where only the
      // name or type can tell, and only within the container's family.
      const family = sniffed.container === 'ole' && !sniffed.encrypted ? LEGACY : MODERN;
      return result((hint && family[hint]) ?? 'unknown');
    }
    if (looksLikeMarkup(body)) return result('unknown');
    return result(hint ?? 'unknown');
  } catch {
    return { kind: 'unknown' };
  }
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  if (headers[name] !== undefined) return headers[name];
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function kindFromContentType(value: string | undefined): DocumentKind | undefined {
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type ? CONTENT_TYPES[type] : undefined;
}

function kindFromFilename(name: string | undefined): DocumentKind | undefined {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name?.trim() ?? '')?.[1]?.toLowerCase();
  return ext ? EXTENSIONS[ext] : undefined;
}

function looksLikeMarkup(body: Buffer): boolean {
  const head = body.subarray(0, 512).toString('latin1').replace(/^(\xef\xbb\xbf|\xff\xfe|\xfe\xff)/, '').trimStart();
  return head.startsWith('<');
}

/**
 * The filename of `Content-Disposition`: RFC 6266/5987 `filename*=UTF-8''%E9%A2%84…` first, then
 * `filename=`, which Chinese servers send as raw GBK or UTF-8 bytes (undici hands header values
 * over as latin1, one char per byte), percent-encoded, or as an RFC 2047 encoded word.
 */
export function filenameFromDisposition(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const params = parseParams(value);
  const extended = params.get('filename*');
  if (extended) {
    const decoded = decodeExtended(extended);
    if (decoded) return cleanName(decoded);
  }
  const plain = params.get('filename') ?? params.get('name');
  if (!plain) return undefined;
  return cleanName(decodePlainFilename(plain));
}

/**
 * The file the URL names: the last path segment when it is a document (`…/2021预算.pdf`), else a
 * `filename=`/`name=`/`file=` query parameter with an extension (`down.jsp?filename=决算.docx`),
 * else the last segment if it has any extension.
 */
export function filenameFromUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const segment = decodePercent(parsed.pathname.split('/').pop() ?? '');
  if (kindFromFilename(segment)) return cleanName(segment);
  for (const [key, raw] of parsed.searchParams) {
    if (/^(file_?name|name|file|fname)$/i.test(key) && /\.[a-z0-9]{1,5}$/i.test(raw)) return cleanName(raw);
  }
  return /\.[a-z0-9]{1,5}$/i.test(segment) ? cleanName(segment) : undefined;
}

function parseParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)/g;
  for (const match of (';' + value).matchAll(pattern)) {
    const key = match[1]!.toLowerCase();
    let raw = match[2]!.trim();
    if (raw.startsWith('"')) raw = raw.replace(/^"|"$/g, '').replace(/\\(["\\])/g, '$1');
    if (!params.has(key)) params.set(key, raw);
  }
  return params;
}

/** RFC 5987: charset'language'percent-encoded-bytes. */
function decodeExtended(value: string): string | undefined {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value.trim());
  if (!match) return undefined;
  const charset = match[1]!.trim().toLowerCase() || 'utf-8';
  const bytes = percentBytes(match[2]!);
  return decodeBytes(bytes, charset);
}

function decodePlainFilename(value: string): string {
  const encodedWord = /^=\?([^?]+)\?([bq])\?([^?]*)\?=$/i.exec(value.trim());
  if (encodedWord) {
    const [, charset, mode, data] = encodedWord;
    const bytes = mode!.toLowerCase() === 'b'
      ? Buffer.from(data!, 'base64')
      : percentBytes(data!.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, '%$1'));
    return decodeBytes(bytes, charset!.toLowerCase()) ?? value;
  }
  // Chars above U+00FF mean someone already decoded the header: keep it.
  if (/[^\u0000-\u00ff]/.test(value)) return value;
  const raw = Buffer.from(value, 'latin1');
  const fromRaw = raw.some((b) => b >= 0x80) ? decodeUnknownBytes(raw) : value;
  // Java servers often percent-encode the name: URLEncoder.encode(name, "UTF-8") or "GBK".
  return /%[0-9a-f]{2}/i.test(fromRaw) ? decodePercent(fromRaw) : fromRaw;
}

function decodePercent(value: string): string {
  if (!/%[0-9a-f]{2}/i.test(value)) return value;
  return decodeUnknownBytes(percentBytes(value));
}

function percentBytes(value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '%' && /^[0-9a-f]{2}$/i.test(value.slice(i + 1, i + 3))) {
      out.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(out);
}

/** UTF-8 when the bytes are valid UTF-8, otherwise GBK (decoded as its superset GB18030). */
function decodeUnknownBytes(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'gb18030');
  }
}

function decodeBytes(bytes: Buffer, charset: string): string | undefined {
  const label = /^(gb2312|gbk|x-gbk|cp936|gb_2312-80)$/.test(charset) ? 'gb18030' : charset;
  if (label === 'utf-8' || label === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return iconv.decode(bytes, 'gb18030');
    }
  }
  return iconv.encodingExists(label) ? iconv.decode(bytes, label) : undefined;
}

/** Path parts and control characters are dropped: the name is shown in reports. */
function cleanName(name: string): string | undefined {
  const base = name.replace(/[\u0000-\u001f\u007f]/g, '').split(/[\\/]/).pop()?.trim();
  return base ? base : undefined;
}
