import { withDeadline } from '../documents/common.js';
import { checkPackage, READ_TIMEOUT_MS, unreadable } from './docx.js';
import { namesTable } from './headings.js';
import { ImportError, type Cell, type Grid, type Link, type RichLine } from './types.js';

type Worksheet = import('exceljs').Worksheet;
type ExcelCell = import('exceljs').Cell;
type CellValue = import('exceljs').CellValue;

/**
 * An Excel sheet, through exceljs: merged ranges become one cell over every position they cover,
 * numbers stay numbers, and a cell hyperlink keeps its target behind whatever it displays ("查看").
 */

/** A national table has some hundreds of rows and a dozen columns. */
const MAX_ROWS = 20_000;
const MAX_COLUMNS = 200;

export async function readXlsx(body: Buffer): Promise<{ grids: Grid[] }> {
  checkPackage(body, 'xl/workbook.xml', 'XLSX');
  const ExcelJS = (await import('exceljs')).default;
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own `Buffer` type (an ArrayBuffer); at run time it takes a Node Buffer.
    await withDeadline(workbook.xlsx.load(body as unknown as Parameters<typeof workbook.xlsx.load>[0]), READ_TIMEOUT_MS);
  } catch (error) {
    throw unreadable('XLSX', error);
  }
  if (workbook.worksheets.length === 0) {
    throw new ImportError('the workbook holds no sheets', 'check that this is the published table, or save it again from Excel or WPS');
  }
  return { grids: workbook.worksheets.map(gridOf) };
}

/**
 * Only the cells the sheet holds are visited (a stray entry in XFD1048576 must not make a
 * billion-cell loop), and only within the size any assessment table stays in.
 */
function gridOf(sheet: Worksheet): Grid {
  const where = `sheet "${sheet.name}"`;
  const cells = new Map<string, Cell>();
  const rows: (Cell | undefined)[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, r) => {
    if (r > MAX_ROWS) throw tooLarge(where);
    const out = (rows[r - 1] ??= []);
    // Merged cells other than the master are held too (as merges), so every position is filled.
    row.eachCell({ includeEmpty: false }, (excel, c) => {
      if (c > MAX_COLUMNS) throw tooLarge(where);
      // A merged range's master is its top-left cell, always met first.
      const master = excel.isMerged ? excel.master : excel;
      let cell = cells.get(master.address);
      if (!cell) {
        cell = cellOf(master, `${where}, cell ${master.address}`, Number(master.row) - 1, Number(master.col) - 1);
        cells.set(master.address, cell);
      }
      out[c - 1] = cell;
    });
  });
  for (let r = 0; r < rows.length; r++) rows[r] ??= [];
  // The rows above the header are searched for a title with the table; the sheet's name comes last.
  return { rows, where, above: [], ...(namesTable(sheet.name) ? { name: sheet.name } : {}) };
}

function tooLarge(where: string): ImportError {
  return new ImportError(`${where} holds cells beyond row ${MAX_ROWS} or column ${MAX_COLUMNS}, where no assessment table reaches`,
    'delete what lies outside the table, or copy the table to a new sheet, and import that');
}

function cellOf(excel: ExcelCell, where: string, row: number, col: number): Cell {
  const { text, link, number } = contentOf(excel.value, 0);
  const texts = text.split(/\r\n|\r|\n/);
  const lines: RichLine[] = texts.map((t, i) => {
    const last = i === texts.length - 1;
    const links: Link[] = link && last ? [{ text: t, href: link }] : [];
    return { text: t, links, where };
  }).filter((l) => l.text.trim() !== '' || l.links.length > 0);
  return { lines, text: lines.map((l) => l.text).join('\n'), where, row, col, ...(number !== undefined ? { number } : {}) };
}

interface Content {
  text: string;
  link?: string;
  number?: number;
}

/** A cell value's text, its hyperlink and its number; a formula by its result. */
function contentOf(value: CellValue | undefined, depth: number): Content {
  if (value === null || value === undefined || depth > 3) return { text: '' };
  if (typeof value === 'number') return { text: String(value), number: value };
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'boolean') return { text: String(value) };
  if (value instanceof Date) return { text: Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10) };
  const object = value as unknown as Record<string, unknown>;
  if (Array.isArray(object.richText)) {
    return { text: object.richText.map((run: { text?: unknown }) => (typeof run?.text === 'string' ? run.text : '')).join('') };
  }
  if (typeof object.hyperlink === 'string') {
    const shown = contentOf(object.text as CellValue, depth + 1);
    return { text: shown.text, link: object.hyperlink };
  }
  if ('result' in object) return contentOf(object.result as CellValue, depth + 1);
  if ('text' in object) return contentOf(object.text as CellValue, depth + 1);
  return { text: '' };
}
