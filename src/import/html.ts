import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { cheerio } from '../criteria/selector.js';
import { parseHeading, titleAmong } from './headings.js';
import type { Cell, Grid, Link, RichLine } from './types.js';

/**
 * A page, or the HTML mammoth makes of a Word file, as the importer needs it: its tables with
 * rowspan/colspan expanded, its text as lines with their links, and its title. cheerio parses;
 * this only walks the tree.
 */

export interface HtmlRead {
  title?: string;
  grids: Grid[];
  /** The article's lines: those of the element holding every weighted heading, when there are some. */
  lines: RichLine[];
}

export interface HtmlOptions {
  /** Name places by the HTML source's line numbers (a page); a DOCX's HTML has none worth citing. */
  lineNumbers: boolean;
}

/** Elements that start and end a line of text, as a browser lays them out. */
const BLOCKS = new Set(['p', 'div', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'table', 'thead', 'tbody',
  'tfoot', 'section', 'article', 'header', 'footer', 'nav', 'aside', 'main', 'blockquote', 'pre', 'form', 'fieldset', 'address', 'center', 'td', 'th', 'caption', 'hr']);
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'select', 'option', 'iframe', 'object', 'svg']);
/** Spans past these are a typo or an attack; no published table is that large. */
const MAX_ROWSPAN = 5000;
const MAX_COLSPAN = 100;

interface Line extends RichLine {
  block?: Element;
}

export function readHtml(html: string, options: HtmlOptions): HtmlRead {
  const $ = cheerio().load(html, { sourceCodeLocationInfo: options.lineNumbers });
  const body = $('body').get(0) ?? $.root().get(0)!;
  const starts = new Map<Element, number>();
  const lines = linesOf(body.children, options, starts);
  const tables = $('table').filter((_, t) => $(t).find('table').length === 0).get();
  const grids = tables.map((table, i) => {
    const start = starts.get(table) ?? 0;
    return { ...gridOf($, table, `table ${i + 1}`, options), above: lines.slice(Math.max(0, start - 12), start) };
  });
  const title = pageTitle($);
  return { ...(title ? { title } : {}), grids, lines: articleLines(lines) };
}

/** The lines under some nodes; `starts` notes where each table's lines begin. */
function linesOf(nodes: readonly AnyNode[], options: HtmlOptions, starts?: Map<Element, number>, where = ''): Line[] {
  const out: Line[] = [];
  let current: Line = { text: '', links: [], where: '' };
  const flush = () => {
    const text = current.text.replace(/[ \t\r\n\f]+/g, ' ').trim();
    if (text !== '') out.push({ ...current, text });
    current = { text: '', links: [], where: '' };
  };
  const walk = (node: AnyNode, block: Element | undefined): void => {
    if (node.type === 'text') {
      if (current.text === '' && node.data.trim() !== '') current = { ...current, where: placeOf(node, options, where, out.length), ...(block ? { block } : {}) };
      current.text += node.data;
      return;
    }
    if (node.type !== 'tag' && node.type !== 'root') return;
    const element = node as Element;
    if (SKIPPED.has(element.name)) return;
    if (element.name === 'br') return flush();
    const isBlock = BLOCKS.has(element.name);
    if (isBlock) flush();
    if (element.name === 'table') starts?.set(element, out.length);
    const before = current.text.length;
    for (const child of element.children) walk(child, isBlock ? element : block);
    const href = element.name === 'a' ? element.attribs.href : undefined;
    if (href !== undefined) current.links.push({ text: current.text.slice(before).replace(/[ \t\r\n\f]+/g, ' ').trim(), href });
    if (isBlock) flush();
  };
  for (const node of nodes) walk(node, undefined);
  flush();
  return out.map(tidyLinks);
}

/** A link's text as it stands in the line, whose spaces were collapsed after the link was noted. */
function tidyLinks(line: Line): Line {
  return { ...line, links: line.links.map((l: Link) => ({ ...l, text: l.text.trim() })) };
}

function placeOf(node: AnyNode, options: HtmlOptions, where: string, index: number): string {
  const line = options.lineNumbers ? node.sourceCodeLocation?.startLine : undefined;
  if (where) return line ? `${where} (line ${line})` : where;
  return line ? `line ${line}` : `paragraph ${index + 1}`;
}

function gridOf($: CheerioAPI, table: Element, where: string, options: HtmlOptions): Omit<Grid, 'above'> {
  const rows: (Cell | undefined)[][] = [];
  const trs = $(table).find('tr').get();
  trs.forEach((tr, r) => {
    rows[r] ??= [];
    let c = 0;
    for (const td of $(tr).children('td, th').get()) {
      while (rows[r]![c]) c++;
      const rowSpan = span(td.attribs.rowspan, trs.length - r, MAX_ROWSPAN);
      const colSpan = span(td.attribs.colspan, MAX_COLSPAN, MAX_COLSPAN);
      const place = `${where}, row ${r + 1}, column ${c + 1}`;
      const lines = linesOf(td.children, options, undefined, place);
      const cell: Cell = { lines, text: lines.map((l) => l.text).join('\n'), where: lines[0]?.where ?? place, row: r, col: c };
      for (let dr = 0; dr < rowSpan; dr++) {
        const row = (rows[r + dr] ??= []);
        for (let dc = 0; dc < colSpan; dc++) row[c + dc] = cell;
      }
      c += colSpan;
    }
  });
  return { rows, where };
}

/** rowspan="0" runs to the end of the table, as browsers read it. */
function span(value: string | undefined, rest: number, max: number): number {
  const n = Number.parseInt(value ?? '1', 10);
  if (n === 0) return Math.max(1, Math.min(rest, max));
  return Number.isFinite(n) && n > 1 ? Math.min(n, rest, max) : 1;
}

/**
 * A page holds menus, related links and a footer around the article. The article is the element
 * that holds every weighted heading; its lines are the table's, the rest is the site's.
 */
function articleLines(lines: Line[]): Line[] {
  const headings = lines.filter((l) => l.block && parseHeading(l.text).marker && parseHeading(l.text).weight !== undefined);
  if (headings.length < 2) return lines;
  let root: Element | null = headings[0]!.block!;
  for (const line of headings.slice(1)) {
    while (root && !within(line.block!, root)) root = root.parent as Element | null;
  }
  if (!root) return lines;
  return lines.filter((l) => l.block && within(l.block, root));
}

function within(node: Element, ancestor: Element): boolean {
  for (let at: Element | null = node; at; at = at.parent as Element | null) if (at === ancestor) return true;
  return false;
}

/** The article title a Chinese government page names in its meta, a heading, or its <title>. */
function pageTitle($: CheerioAPI): string | undefined {
  const meta = $('meta[name="ArticleTitle"], meta[name="articletitle"]').attr('content')?.trim();
  const candidates = [meta, ...$('h1, h2, h3, .title, .article-title').map((_, e) => $(e).text().trim()).get()];
  const named = titleAmong(candidates.filter((c): c is string => Boolean(c)).map((text) => ({ text })));
  if (named) return named;
  const title = $('title').text().split(/[_|｜—–]| - /)[0]?.trim();
  return meta || title || undefined;
}
