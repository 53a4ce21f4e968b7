import { createRequire } from 'node:module';
import path from 'node:path';
import { DocumentError, messageOf, TextCollector, withDeadline } from './common.js';
import { pdfDateToChinaDay, w3cdtfToChinaDay } from './dates.js';
import type { DocumentText } from './types.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

/** Enough pages for any evidence document; the text cap usually stops long before. */
const MAX_PAGES = 2000;

/** The lazily imported library (the legacy build: the modern one needs newer Node than 20). */
let pdfjsModule: Promise<PdfJs> | undefined;

function loadPdfJs(): Promise<PdfJs> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs').catch((error: unknown) => {
    pdfjsModule = undefined;
    throw error;
  });
  return pdfjsModule;
}

/**
 * Folders pdf.js reads its data from, as file paths ending in "/" (pdf.js reads them with
 * fs.readFile in Node). The CMaps are what makes Chinese text in non-embedded fonts
 * (STSong-Light with UniGB-UCS2-H, common in generated government PDFs) come out as text.
 */
function assetFolders(): { cMapUrl: string; standardFontDataUrl: string; wasmUrl: string } {
  const root = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const folder = (name: string) => `${path.join(root, name)}/`;
  return { cMapUrl: folder('cmaps'), standardFontDataUrl: folder('standard_fonts'), wasmUrl: folder('wasm') };
}

export async function extractPdf(body: Buffer, timeoutMs: number): Promise<DocumentText> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    // A copy: pdf.js may transfer (detach) the buffer it is given, and Buffers share pooled memory.
    data: new Uint8Array(body),
    ...assetFolders(),
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let cancelled = false;
  const work = (async (): Promise<DocumentText> => {
    const doc = await task.promise;
    const metaDates = await pdfDates(doc);
    const collector = new TextCollector();
    const pages = Math.min(doc.numPages, MAX_PAGES);
    if (doc.numPages > MAX_PAGES) collector.truncated = true;
    for (let number = 1; number <= pages && !cancelled; number++) {
      const page = await doc.getPage(number);
      const content = await page.getTextContent();
      const lines: string[] = [];
      let line = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str;
        if (item.hasEOL) {
          lines.push(line);
          line = '';
        }
      }
      lines.push(line);
      page.cleanup();
      if (!collector.line(lines.join('\n'))) break;
    }
    const text = collector.text();
    return { ok: true, kind: 'pdf', text, metaDates, ...(collector.truncated ? { truncated: true } : {}) };
  })();
  try {
    return await withDeadline(work, timeoutMs, () => {
      cancelled = true;
      void task.destroy().catch(() => undefined);
    });
  } catch (error) {
    throw asDocumentError(error);
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

/** Info ModDate, then XMP ModifyDate, then the creation dates: modified before created. */
async function pdfDates(doc: PdfDocument): Promise<DocumentText['metaDates']> {
  let info: Record<string, unknown> = {};
  let xmp: { get(name: string): unknown } | null = null;
  try {
    const meta = await doc.getMetadata();
    info = (meta.info ?? {}) as Record<string, unknown>;
    xmp = meta.metadata as { get(name: string): unknown } | null;
  } catch {
    // A broken Info dictionary or XMP packet leaves the dates to the text.
  }
  const dates: DocumentText['metaDates'] = [];
  const add = (date: string | undefined, source: string) => {
    if (date) dates.push({ date, source });
  };
  const fromXmp = (name: string) => {
    try {
      return w3cdtfToChinaDay(xmp?.get(name));
    } catch {
      return undefined;
    }
  };
  add(pdfDateToChinaDay(info.ModDate), 'PDF ModDate');
  add(fromXmp('xmp:modifydate'), 'PDF XMP ModifyDate');
  add(pdfDateToChinaDay(info.CreationDate), 'PDF CreationDate');
  add(fromXmp('xmp:createdate'), 'PDF XMP CreateDate');
  return dates;
}

function asDocumentError(error: unknown): DocumentError {
  if (error instanceof DocumentError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'PasswordException') return new DocumentError('ENCRYPTED', 'the PDF is password-protected');
  return new DocumentError('CORRUPT', `the PDF cannot be read: ${messageOf(error)}`);
}
