/**
 * Evidence that is a document rather than a web page: PDF, DOCX and XLSX are read for their text
 * and their own dates; legacy .doc/.xls and documents that cannot be read (encrypted, damaged,
 * too large) come back as a problem with a reason, never as an exception.
 */
import { DocumentError, messageOf } from './common.js';
import type { DocumentProblem, DocumentText } from './types.js';
import { detectDocument, sniffKind, type DocumentKind } from './detect.js';

export { detectDocument, filenameFromDisposition, filenameFromUrl, type DocumentKind } from './detect.js';
export { pdfDateToChinaDay, w3cdtfToChinaDay } from './dates.js';

export type { DocumentProblem, DocumentText } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;

const LEGACY: Partial<Record<DocumentKind, string>> = {
  doc: 'a Word 97-2003 document (.doc), which is not read; a .docx or PDF copy can be checked',
  xls: 'an Excel 97-2003 workbook (.xls), which is not read; an .xlsx or PDF copy can be checked',
};

/**
 * The text and dates of a document. Never throws: a legacy format, an encrypted or damaged file,
 * one too large to read, or one that takes longer than `timeoutMs` (default 30 s) is a problem.
 */
export async function extractDocument(
  body: Buffer, kind: DocumentKind, options: { timeoutMs?: number } = {},
): Promise<DocumentText | DocumentProblem> {
  const problem = (code: DocumentProblem['code'], detail: string, as: DocumentKind = kind): DocumentProblem =>
    ({ ok: false, kind: as, code, detail });
  try {
    const timeoutMs = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;
    const sniffed = sniffKind(body);
    if (sniffed?.encrypted) return problem('ENCRYPTED', 'the Office document is password-protected');
    // The bytes outrank the label: a .doc that is really a .docx is read as one, and the reverse.
    const actual = sniffed && sniffed.kind !== 'unknown' ? sniffed.kind : kind;
    const legacy = LEGACY[actual];
    if (legacy) return problem('LEGACY_FORMAT', `the link serves ${legacy}`, actual);
    if (body.length === 0) return problem('CORRUPT', 'the file is empty', actual);
    switch (actual) {
      case 'pdf': {
        const { extractPdf } = await import('./pdf.js');
        return await extractPdf(body, timeoutMs);
      }
      case 'docx': {
        const { extractDocx } = await import('./office.js');
        return await extractDocx(body, timeoutMs);
      }
      case 'xlsx': {
        const { extractXlsx } = await import('./office.js');
        return await extractXlsx(body, timeoutMs);
      }
      default:
        return problem('UNSUPPORTED', 'the file is not a PDF, Word or Excel document', actual);
    }
  } catch (error) {
    if (error instanceof DocumentError) return problem(error.code, error.message);
    return problem('CORRUPT', `the document cannot be read: ${messageOf(error)}`);
  }
}

/** Convenience for callers: detection and extraction in one step. */
export async function readDocument(
  body: Buffer, headers: Record<string, string>, url: string, options: { timeoutMs?: number } = {},
): Promise<{ filename?: string } & (DocumentText | DocumentProblem)> {
  const { kind, filename } = detectDocument(body, headers, url);
  const result = await extractDocument(body, kind, options);
  return filename ? { ...result, filename } : result;
}
