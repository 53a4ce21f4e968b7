import { DocumentError, messageOf, withDeadline } from '../documents/common.js';
import { checkExpansion, findEntry, listZip } from '../documents/zip.js';
import { readHtml, type HtmlRead } from './html.js';
import { ImportError } from './types.js';

/**
 * A Word table, through mammoth: it turns vertical merges (vMerge) into rowspan, gridSpan into
 * colspan, and hyperlinks into <a href> with the URL from the document's relationships, so the
 * HTML table reader does the rest.
 */

/** What the package may expand to before mammoth, which holds it all in memory, sees it (as for evidence). */
export const PACKAGE_BUDGET = { totalBytes: 128 * 1024 * 1024, xmlBytes: 32 * 1024 * 1024 };
export const READ_TIMEOUT_MS = 30_000;

export async function readDocx(body: Buffer): Promise<HtmlRead> {
  checkPackage(body, 'word/document.xml', 'DOCX');
  const mammoth = (await import('mammoth')).default;
  let html: string;
  try {
    ({ value: html } = await withDeadline(mammoth.convertToHtml({ buffer: body }), READ_TIMEOUT_MS));
  } catch (error) {
    throw unreadable('DOCX', error);
  }
  return readHtml(html, { lineNumbers: false });
}

/** The ZIP is whole, holds its main part, and does not expand past the budget. */
export function checkPackage(body: Buffer, main: string, label: 'DOCX' | 'XLSX'): void {
  try {
    const entries = listZip(body);
    if (!findEntry(entries, main)) throw new DocumentError('CORRUPT', `the package holds no ${main}`);
    checkExpansion(body, entries, PACKAGE_BUDGET);
  } catch (error) {
    throw unreadable(label, error);
  }
}

export function unreadable(label: 'DOCX' | 'XLSX', error: unknown): ImportError {
  const app = label === 'DOCX' ? 'Word or WPS' : 'Excel or WPS';
  return new ImportError(`it is not a readable ${label} file: ${messageOf(error)}`,
    `open it in ${app}, save it again as .${label.toLowerCase()}, and import that`);
}
