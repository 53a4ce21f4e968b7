import { DocumentError, messageOf, TextCollector, withDeadline } from './common.js';
import { w3cdtfToChinaDay } from './dates.js';
import type { DocumentText } from './types.js';
import { checkExpansion, findEntry, listZip, readEntry, type ZipEntry } from './zip.js';

type Mammoth = typeof import('mammoth');
type ExcelJs = typeof import('exceljs');
type Cell = import('exceljs').Cell;
type CellValue = import('exceljs').CellValue;

/**
 * mammoth and exceljs keep the whole package in memory (exceljs about 650 bytes per cell), so
 * the package must not expand beyond this before either sees it.
 */
const BUDGET = { totalBytes: 128 * 1024 * 1024, xmlBytes: 32 * 1024 * 1024 };
const SMALL_PART = 1024 * 1024;

/** Lazily imported libraries (both are CommonJS: their API is the default export). */
let mammothModule: Promise<Mammoth> | undefined;
let exceljsModule: Promise<ExcelJs> | undefined;

function loadMammoth(): Promise<Mammoth> {
  mammothModule ??= import('mammoth').then((m) => m.default).catch((error: unknown) => {
    mammothModule = undefined;
    throw error;
  });
  return mammothModule;
}

function loadExcelJs(): Promise<ExcelJs> {
  exceljsModule ??= import('exceljs').then((m) => m.default).catch((error: unknown) => {
    exceljsModule = undefined;
    throw error;
  });
  return exceljsModule;
}

/** Opens the package and checks what it expands to; the core-properties dates come with it. */
function openPackage(body: Buffer, label: 'DOCX' | 'XLSX'): DocumentText['metaDates'] {
  const entries = listZip(body);
  const main = label === 'DOCX'
    ? entries.some((e) => e.name.startsWith('word/'))
    : findEntry(entries, 'xl/workbook.xml') !== undefined;
  if (!main) {
    throw new DocumentError('CORRUPT', label === 'DOCX' ? 'the package holds no Word document (word/)' : 'the package holds no Excel workbook (xl/workbook.xml)');
  }
  checkExpansion(body, entries, BUDGET);
  return coreDates(body, entries, label);
}

export async function extractDocx(body: Buffer, timeoutMs: number): Promise<DocumentText> {
  const metaDates = openPackage(body, 'DOCX');
  const mammoth = await loadMammoth();
  let value: string;
  try {
    ({ value } = await withDeadline(mammoth.extractRawText({ buffer: body }), timeoutMs));
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    throw new DocumentError('CORRUPT', `the DOCX cannot be read: ${messageOf(error)}`);
  }
  const collector = new TextCollector();
  collector.line(value);
  return { ok: true, kind: 'docx', text: collector.text(), metaDates, ...(collector.truncated ? { truncated: true } : {}) };
}

export async function extractXlsx(body: Buffer, timeoutMs: number): Promise<DocumentText> {
  const metaDates = openPackage(body, 'XLSX');
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own `Buffer` type (an ArrayBuffer); at run time it takes a Node Buffer.
    await withDeadline(workbook.xlsx.load(body as unknown as Parameters<typeof workbook.xlsx.load>[0]), timeoutMs);
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    throw new DocumentError('CORRUPT', `the XLSX cannot be read: ${messageOf(error)}`);
  }
  const collector = new TextCollector();
  for (const sheet of workbook.worksheets) {
    if (!collector.line(sheet.name)) break;
    sheet.eachRow({ includeEmpty: false }, (row) => {
      if (collector.full) {
        collector.truncated = true;
        return;
      }
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell) => {
        // A merged range repeats its top-left value in every cell: read it once.
        if (cell.isMerged && cell.master !== cell) return;
        const text = cellText(cell);
        if (text) cells.push(text);
      });
      if (cells.length > 0) collector.line(cells.join(' '));
    });
    if (collector.full) break;
  }
  return { ok: true, kind: 'xlsx', text: collector.text(), metaDates, ...(collector.truncated ? { truncated: true } : {}) };
}

function cellText(cell: Cell): string {
  return valueText(cell.value, 0);
}

/** A cell's text; a real date cell becomes YYYY-MM-DD so the date search finds it. */
function valueText(value: CellValue | undefined, depth: number): string {
  if (value === null || value === undefined || depth > 3) return '';
  if (value instanceof Date) {
    // Excel dates have no zone: exceljs gives the wall-clock time as UTC.
    return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') return '';
  const object = value as unknown as Record<string, unknown>;
  if (Array.isArray(object.richText)) {
    return object.richText.map((run: { text?: unknown }) => (typeof run?.text === 'string' ? run.text : '')).join('');
  }
  if ('error' in object) return '';
  if ('result' in object) return valueText(object.result as CellValue, depth + 1);
  if ('text' in object) return valueText(object.text as CellValue, depth + 1);
  return '';
}

/**
 * dcterms:modified, then dcterms:created, from the core-properties part (found through
 * _rels/.rels; docProps/core.xml otherwise).
 */
function coreDates(body: Buffer, entries: readonly ZipEntry[], label: 'DOCX' | 'XLSX'): DocumentText['metaDates'] {
  const xml = readPart(body, entries, corePropertiesPath(body, entries));
  if (!xml) return [];
  const dates: DocumentText['metaDates'] = [];
  for (const [element, source] of [['modified', `${label} modified`], ['created', `${label} created`]] as const) {
    const raw = new RegExp(`<(?:[\\w.-]+:)?${element}\\b[^>]*>([^<]*)<`, 'i').exec(xml)?.[1];
    const date = w3cdtfToChinaDay(raw);
    if (date) dates.push({ date, source });
  }
  return dates;
}

function corePropertiesPath(body: Buffer, entries: readonly ZipEntry[]): string {
  const rels = readPart(body, entries, '_rels/.rels');
  for (const match of rels?.matchAll(/<(?:[\w.-]+:)?Relationship\b[^>]*>/gi) ?? []) {
    const tag = match[0];
    if (!/Type\s*=\s*["'][^"']*\/core-properties["']/i.test(tag)) continue;
    const target = /Target\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    if (target) return target.replace(/^\//, '');
  }
  return 'docProps/core.xml';
}

function readPart(body: Buffer, entries: readonly ZipEntry[], name: string): string | undefined {
  const entry = findEntry(entries, name);
  if (!entry) return undefined;
  try {
    return readEntry(body, entry, SMALL_PART).toString('utf8');
  } catch {
    return undefined;
  }
}
