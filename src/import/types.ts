import { EXIT } from '../exit-codes.js';

/**
 * What the readers of a published table hand to each other. Every reader (article text, HTML
 * table, DOCX, XLSX) ends in the same Outline, so the tree, the weights and the YAML are made once.
 */

/** A link as published: the text shown and where it points. */
export interface Link {
  text: string;
  href: string;
}

/** One line of text as published, with the links on it, and where it was found (for doubts). */
export interface RichLine {
  text: string;
  links: Link[];
  /** "line 12", "table 1, row 3, column 6 (line 57)", "sheet 自评表, cell F4". */
  where: string;
}

/** A table cell; a merged cell is one Cell object at every grid position it covers. */
export interface Cell {
  lines: RichLine[];
  /** The lines' text, joined with newlines. */
  text: string;
  /** A spreadsheet's number cell, as a number. */
  number?: number;
  where: string;
  /** Grid position of the cell's top-left corner. */
  row: number;
  col: number;
}

/** A table with merges expanded: rows[r][c] is the cell covering that position, if any. */
export interface Grid {
  rows: (Cell | undefined)[][];
  /** "table 2", "sheet 自评表". */
  where: string;
  /** Lines above the table (a title row, the page heading), for the table's title. */
  above: RichLine[];
  /** A sheet's name, when it names the table: the title of last resort. */
  name?: string;
}

export type MarkerFamily = 'cn' | 'cn-paren' | 'num' | 'num-paren' | 'circled';

/** An outline number as published: 一、 （一） 1. （1） ①. */
export interface Marker {
  family: MarkerFamily;
  number: number;
  /** The numeral as printed, without its punctuation: 一, 1, ①. */
  numeral: string;
}

export interface DraftEvidence {
  title?: string;
  url: string;
  doubts: string[];
}

/** An indicator as read, before ids are given and weights are checked. */
export interface OutlineNode {
  marker?: Marker;
  title: string;
  weight?: number;
  /** Said on the weight's line. */
  weightDoubts: string[];
  requirement?: string;
  /** Undefined where the source gave no evidence cell or paragraph at all. */
  evidence?: DraftEvidence[];
  children: OutlineNode[];
  /** Said on the indicator's title line: a label with no link, a cell skipped. */
  doubts: string[];
  where: string;
}

export interface Outline {
  title?: string;
  roots: OutlineNode[];
  /** The 合计 row's weight, when the table has one. */
  total?: { weight: number; where: string };
  /** About the table as a whole: said on the title's line. */
  doubts: string[];
}

/** Bad input: a clear reason, a fix, exit 2 (or 130 when interrupted), nothing written. */
export class ImportError extends Error {
  constructor(message: string, readonly fix: string, readonly exitCode: number = EXIT.USAGE) {
    super(message);
    this.name = 'ImportError';
  }
}

export function newNode(title: string, where: string, marker?: Marker): OutlineNode {
  return { title, where, children: [], doubts: [], weightDoubts: [], ...(marker ? { marker } : {}) };
}
