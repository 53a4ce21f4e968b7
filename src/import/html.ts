import type { AnyNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { parseHeading, titleAmong } from './headings.js';
import { ImportError, type Cell, type Grid, type RichLine } from './types.js';

/**
 * A page, or the HTML mammoth makes of a Word file, as the importer needs it: its tables with
 * rowspan/colspan expanded, its text as lines with their links, and its title. htmlparser2 parses
 * (the project's streaming parser, already loaded for every audit); this walks the tree once, with
 * a stack of its own. cheerio and its selectors were tried first: parse5 and css-select scan the
 * ancestors of every node, so a page nested 100,000 tags deep took minutes.
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
/** Expanded merges are paid for position by position: a few rows of colspan=100 rowspan=5000 must not cost minutes. */
const MAX_GRID_POSITIONS = 2_000_000;
const MAX_COLUMNS = 200;

interface Line extends RichLine {
  block?: Element;
}

export function readHtml(html: string, options: HtmlOptions): HtmlRead {
  const doc = parseDocument(html, { withStartIndices: true });
  const at = options.lineNumbers ? lineAt(html) : undefined;
  const found = survey(doc.children);
  const starts = new Map<Element, number>();
  const lines = linesOf((found.body ?? doc).children, at, starts);
  const grids = found.tables.map((table, i) => {
    const start = starts.get(table) ?? 0;
    return { ...gridOf(table, `table ${i + 1}`, at), above: lines.slice(Math.max(0, start - 12), start) };
  });
  const title = pageTitle(found);
  return { ...(title ? { title } : {}), grids, lines: articleLines(lines) };
}

interface Survey {
  body?: Element;
  /** Tables that hold no table: the data tables, not the layout around them. */
  tables: Element[];
  titles: Element[];
  title?: Element;
  articleTitle?: string;
}

/** One pass over the tree for everything the reader looks up by name. */
function survey(nodes: readonly AnyNode[]): Survey {
  const found: Survey = { tables: [], titles: [] };
  const outer = new Set<Element>();
  for (const element of elements(nodes)) {
    const name = element.name;
    if (name === 'body') found.body ??= element;
    else if (name === 'title') found.title ??= element;
    else if (name === 'meta' && /^articletitle$/i.test(element.attribs.name ?? '')) found.articleTitle ??= element.attribs.content?.trim();
    else if (name === 'table') {
      found.tables.push(element);
      // Only the nearest table above is marked: each climb stops there, so the pass stays linear.
      for (let up = element.parent; up; up = up.parent) {
        if ((up as Element).name === 'table') {
          outer.add(up as Element);
          break;
        }
      }
    }
    if (/^h[1-3]$/.test(name) || /(^|\s)(article-)?title(\s|$)/.test(element.attribs.class ?? '')) found.titles.push(element);
  }
  found.tables = found.tables.filter((t) => !outer.has(t));
  return found;
}

/** Every element under `nodes`, in document order, without recursion. */
function* elements(nodes: readonly AnyNode[]): Generator<Element> {
  const stack = [...nodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    const element = node as Element;
    // The document itself is no element, but its children are walked (a DOCX's HTML has no <body>).
    if (node.type === 'tag' || node.type === 'script' || node.type === 'style') yield element;
    else if (node.type !== 'root') continue;
    for (let i = element.children.length - 1; i >= 0; i--) stack.push(element.children[i]!);
  }
}

function textOf(element: Element): string {
  return linesOf(element.children, undefined).map((l) => l.text).join(' ');
}

/** The lines under some nodes; `starts` notes where each table's lines begin. */
function linesOf(nodes: readonly AnyNode[], at: LineAt | undefined, starts?: Map<Element, number>, where = ''): Line[] {
  return new LineWalker(at, where, starts).run(nodes);
}

/** The source line of a node, from its offset; undefined where lines mean nothing (a DOCX's HTML). */
type LineAt = (node: AnyNode) => number | undefined;

function lineAt(html: string): LineAt {
  const starts = [0];
  for (let i = html.indexOf('\n'); i >= 0; i = html.indexOf('\n', i + 1)) starts.push(i + 1);
  return (node) => {
    if (node.startIndex === null || node.startIndex === undefined) return undefined;
    // A text node often starts with the line break before its words: the words' line is meant.
    const offset = node.startIndex + (node.type === 'text' ? node.data.length - node.data.trimStart().length : 0);
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

type Step = { node: AnyNode; block: Element | undefined } | { close: Element; isBlock: boolean; line: Line; before: number };

/**
 * Walks the tree with a stack of its own rather than by recursion: a page nested 100,000 tags
 * deep (a broken editor, or a hostile page) must not overflow the call stack.
 */
class LineWalker {
  private readonly out: Line[] = [];
  private current: Line = { text: '', links: [], where: '' };

  constructor(private readonly at: LineAt | undefined, private readonly where: string, private readonly starts?: Map<Element, number>) {}

  run(nodes: readonly AnyNode[]): Line[] {
    const stack: Step[] = [...nodes].reverse().map((node) => ({ node, block: undefined }));
    while (stack.length > 0) {
      const step = stack.pop()!;
      if ('close' in step) this.close(step);
      else this.open(step.node, step.block, stack);
    }
    this.flush();
    return this.out;
  }

  private open(node: AnyNode, block: Element | undefined, stack: Step[]): void {
    if (node.type === 'text') {
      if (this.current.text === '' && node.data.trim() !== '') {
        this.current.where = placeOf(node, this.at, this.where, this.out.length);
        if (block) this.current.block = block;
      }
      this.current.text += node.data;
      return;
    }
    if (node.type !== 'tag' && node.type !== 'root') return;
    const element = node as Element;
    if (SKIPPED.has(element.name)) return;
    if (element.name === 'br') return this.flush();
    const isBlock = BLOCKS.has(element.name);
    if (isBlock) this.flush();
    if (element.name === 'table') this.starts?.set(element, this.out.length);
    stack.push({ close: element, isBlock, line: this.current, before: this.current.text.length });
    const inner = isBlock ? element : block;
    for (let i = element.children.length - 1; i >= 0; i--) stack.push({ node: element.children[i]!, block: inner });
  }

  /** A link ends here: its text is what was written since it opened, on this line. */
  private close({ close: element, isBlock, line, before }: Extract<Step, { close: Element }>): void {
    const href = element.name === 'a' ? element.attribs.href : undefined;
    if (href !== undefined) {
      const from = line === this.current ? before : 0;
      this.current.links.push({ text: collapse(this.current.text.slice(from)), href });
    }
    if (isBlock) this.flush();
  }

  private flush(): void {
    const text = collapse(this.current.text);
    if (text !== '') this.out.push({ ...this.current, text });
    this.current = { text: '', links: [], where: '' };
  }
}

/** Spaces as a browser shows them: runs of ASCII whitespace are one; nbsp stays for the URL reader. */
function collapse(text: string): string {
  return text.replace(/[ \t\r\n\f]+/g, ' ').trim();
}

function placeOf(node: AnyNode, at: LineAt | undefined, where: string, index: number): string {
  const line = at?.(node);
  if (where) return line ? `${where} (line ${line})` : where;
  return line ? `line ${line}` : `paragraph ${index + 1}`;
}

function gridOf(table: Element, where: string, at: LineAt | undefined): Omit<Grid, 'above'> {
  const rows: (Cell | undefined)[][] = [];
  const trs = [...elements(table.children)].filter((e) => e.name === 'tr');
  let budget = MAX_GRID_POSITIONS;
  trs.forEach((tr, r) => {
    rows[r] ??= [];
    let c = 0;
    for (const td of tr.children.filter((n): n is Element => n.type === 'tag' && ((n as Element).name === 'td' || (n as Element).name === 'th'))) {
      while (rows[r]![c]) c++;
      const rowSpan = span(td.attribs.rowspan, trs.length - r, MAX_ROWSPAN);
      const colSpan = span(td.attribs.colspan, MAX_COLSPAN, MAX_COLSPAN);
      const place = `${where}, row ${r + 1}, column ${c + 1}`;
      const lines = linesOf(td.children, at, undefined, place);
      const cell: Cell = { lines, text: lines.map((l) => l.text).join('\n'), where: lines[0]?.where ?? place, row: r, col: c };
      budget -= rowSpan * colSpan;
      if (budget < 0 || c + colSpan > MAX_COLUMNS) throw tooLarge(where);
      for (let dr = 0; dr < rowSpan; dr++) {
        const row = (rows[r + dr] ??= []);
        for (let dc = 0; dc < colSpan; dc++) row[c + dc] = cell;
      }
      c += colSpan;
    }
  });
  return { rows, where };
}

function tooLarge(where: string): ImportError {
  return new ImportError(`${where} in it spans more than ${MAX_COLUMNS} columns or ${MAX_GRID_POSITIONS.toLocaleString('en')} cells, which no assessment table does`,
    'check that this is the published table; a table this size is a page layout or a data dump');
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
  // The first heading's ancestors, nearest first; each other heading climbs to the first of them it meets.
  const chain: Element[] = [];
  for (let up: Element | null = headings[0]!.block!; up; up = up.parent as Element | null) chain.push(up);
  const rank = new Map(chain.map((e, i) => [e, i]));
  let deepest = 0;
  for (const line of headings.slice(1)) {
    let up: Element | null = line.block!;
    while (up && !rank.has(up)) up = up.parent as Element | null;
    if (!up) return lines;
    deepest = Math.max(deepest, rank.get(up)!);
  }
  const inside = new Set(elements([chain[deepest]!]));
  return lines.filter((l) => l.block && inside.has(l.block));
}

/** The article title a Chinese government page names in its meta, a heading, or its <title>. */
function pageTitle(found: Survey): string | undefined {
  const candidates = [found.articleTitle, ...found.titles.map(textOf)].filter((c): c is string => Boolean(c));
  const named = titleAmong(candidates.map((text) => ({ text })));
  if (named) return named;
  const title = found.title ? textOf(found.title).split(/[_|｜—–]| - /)[0]?.trim() : undefined;
  return found.articleTitle || title || undefined;
}
