import { hasUrl, readEvidence, shorten } from './evidence.js';
import { findHeader, isBlank, levelColumns, repeatsHeader, type Column, type Header } from './header.js';
import { parseHeading, parseWeightCell, titleAmong } from './headings.js';
import { newNode, type Cell, type Grid, type Outline, type OutlineNode } from './types.js';

/**
 * A table (HTML, DOCX or XLSX, merges already expanded) as an outline. The name columns give the
 * tree; every other cell goes to the deepest indicator covering all the rows it spans, so a
 * weight merged over a section's rows is the section's, and one over a single row the indicator's.
 */

/** The row that sums the table up. */
const TOTAL = /^(合计|总计|总分|合计分值|分值合计|总计分值)$/;
/** Longer than this, a name cell's first line is the name and the rest describes it. */
const NAME_MAX = 40;

/** Undefined when no grid has a header the importer knows: then the page is read as an article. */
export function readTables(grids: readonly Grid[], base?: string): Outline | undefined {
  const outline: Outline = { roots: [], doubts: [] };
  let found = false;
  for (const grid of grids) {
    const header = findHeader(grid);
    if (!header) {
      if (found && grid.rows.some((row) => row.some((cell) => cell && cell.lines.some(hasUrl)))) {
        outline.doubts.push(`${grid.where} has links but no header this importer knows (一级指标, 分值, 佐证材料 …); it was skipped`);
      }
      continue;
    }
    if (!found) {
      // Above the table, or in its own first rows (a title row merged across the top).
      const inside = grid.rows.slice(0, header.first).flatMap((row) => [...new Set(row)].flatMap((cell) => cell?.lines ?? []));
      const title = titleAmong([...grid.above, ...inside, ...(grid.name ? [{ text: grid.name }] : [])]);
      if (title) outline.title = title;
    }
    found = true;
    readGrid(grid, header, outline, base);
  }
  return found ? outline : undefined;
}

interface Reading {
  grid: Grid;
  header: Header;
  outline: Outline;
  levels: Column[];
  nodes: Map<Cell, OutlineNode>;
  /** Each data row's indicators, top first. */
  paths: Map<number, OutlineNode[]>;
}

function readGrid(grid: Grid, header: Header, outline: Outline, base: string | undefined): void {
  const reading: Reading = { grid, header, outline, levels: levelColumns(header), nodes: new Map(), paths: new Map() };
  let section: OutlineNode | undefined;
  let previous: OutlineNode[] = [];
  for (let r = header.last + 1; r < grid.rows.length; r++) {
    if (repeatsHeader(grid, r)) continue;
    if (readTotal(reading, r)) continue;
    const lone = loneCell(grid, r);
    if (lone) {
      section = sectionOf(reading, lone) ?? section;
      previous = section ? [section] : [];
      continue;
    }
    const path = rowPath(reading, r, section, previous);
    if (path.length === 0) {
      skipped(reading, r);
      continue;
    }
    reading.paths.set(r, path);
    previous = path;
  }
  if (!header.columns.some((c) => c.role === 'evidence')) {
    outline.doubts.push(`${grid.where} has no evidence column (佐证材料): every indicator cites nothing`);
  }
  assignCells(reading, base);
}

function readTotal({ grid, header, outline }: Reading, r: number): boolean {
  const row = grid.rows[r] ?? [];
  const first = row.find((cell) => !isBlank(cell));
  if (!first || !TOTAL.test(first.text.replace(/\s+/g, ''))) return false;
  for (const column of header.columns.filter((c) => c.role === 'weight')) {
    const cell = row[column.index];
    const weight = cell && cell !== first ? cell.number ?? parseWeightCell(cell.text) : undefined;
    if (weight !== undefined) {
      outline.total = { weight, where: cell!.where };
      break;
    }
  }
  return true;
}

/** A row that is one cell across the table: a section heading, or a note. */
function loneCell(grid: Grid, r: number): Cell | undefined {
  const row = grid.rows[r] ?? [];
  const filled = row.filter((cell) => !isBlank(cell));
  const cell = filled[0];
  return cell && filled.length >= 2 && filled.every((c) => c === cell) && cell.row === r ? cell : undefined;
}

function sectionOf({ outline }: Reading, cell: Cell): OutlineNode | undefined {
  const heading = parseHeading(cell.text.replace(/\n/g, ''));
  if (!heading.marker && heading.weight === undefined) {
    outline.doubts.push(`a row across the table that is no section heading was skipped: "${shorten(cell.text)}" (${cell.where})`);
    return undefined;
  }
  const node = newNode(heading.title, cell.where, heading.marker);
  if (heading.weight !== undefined) node.weight = heading.weight;
  outline.roots.push(node);
  return node;
}

/**
 * The row's indicators, one per name column. A blank name cell means "as above" (tables typed
 * without merges leave the section blank on its second row), when the row above hangs there too.
 */
function rowPath(reading: Reading, r: number, section: OutlineNode | undefined, previous: OutlineNode[]): OutlineNode[] {
  const path: OutlineNode[] = section ? [section] : [];
  for (const column of reading.levels) {
    const cell = reading.grid.rows[r]?.[column.index];
    const parent = path.at(-1);
    if (!cell || isBlank(cell)) {
      const above = previous[path.length];
      if (above && previous[path.length - 1] === parent) path.push(above);
      continue;
    }
    let node = reading.nodes.get(cell);
    if (!node) {
      node = nameNode(cell);
      reading.nodes.set(cell, node);
      (parent ? parent.children : reading.outline.roots).push(node);
    }
    if (node !== parent) path.push(node);
  }
  return path;
}

function nameNode(cell: Cell): OutlineNode {
  let heading = parseHeading(cell.lines.map((l) => l.text).join(''));
  let description = '';
  if (heading.title.length > NAME_MAX && cell.lines.length > 1) {
    heading = parseHeading(cell.lines[0]!.text);
    description = cell.lines.slice(1).map((l) => l.text).join('\n');
  }
  const node = newNode(heading.title, cell.where, heading.marker);
  if (heading.weight !== undefined) node.weight = heading.weight;
  if (heading.unreadWeight) node.weightDoubts.push(`the weight could not be read from "${heading.unreadWeight}" (${cell.where}); fill it in`);
  if (description) node.requirement = description;
  return node;
}

function skipped({ grid, outline }: Reading, r: number): void {
  const text = [...new Set((grid.rows[r] ?? []).filter((c) => !isBlank(c)))].map((c) => c!.text.replace(/\n/g, ' ')).join(' | ');
  if (text) outline.doubts.push(`a row with no indicator name was skipped: "${shorten(text, 40)}" (${grid.where}, row ${r + 1})`);
}

/** Every cell outside the name columns, given to the deepest indicator covering its rows. */
function assignCells(reading: Reading, base: string | undefined): void {
  const { grid, header } = reading;
  const known = new Set(header.columns.map((c) => c.index));
  const width = Math.max(0, ...grid.rows.map((row) => row.length));
  const columns = [...header.columns.filter((c) => c.role !== 'level')];
  for (let index = 0; index < width; index++) {
    if (!known.has(index)) columns.push({ index, role: 'other', rank: 0, name: `column ${index + 1}` });
  }
  const weighed = new Set<OutlineNode>();
  // A cell merged across columns is read once, by its first column; a name cell is no value.
  const done = new Set<Cell>(reading.nodes.keys());
  for (const column of columns) {
    for (const [cell, rows] of cellsIn(reading, column.index)) {
      if (done.has(cell)) continue;
      done.add(cell);
      const paths = rows.map((r) => reading.paths.get(r)!);
      const target = commonPath(paths).at(-1);
      if (!target) {
        if (!isBlank(cell)) reading.outline.doubts.push(`a ${column.name} cell spanning several sections was skipped (${cell.where})`);
        continue;
      }
      const leaves = [...new Set(paths.map((p) => p.at(-1)!))];
      if (column.role === 'weight') applyWeight(target, cell, weighed);
      else if (column.role === 'requirement') applyRequirement(target, cell);
      else if (column.role === 'evidence') applyEvidence(target, leaves, cell, base);
      else if ((column.role === 'other' || column.role === 'score') && cell.lines.some(hasUrl)) {
        target.doubts.push(`a link in the ${column.name} column was not imported: "${shorten(cell.text.replace(/\n/g, ' '), 60)}" (${cell.where})`);
      }
    }
  }
}

/** The distinct cells of a column over the data rows, each with the rows it covers. */
function cellsIn(reading: Reading, index: number): Map<Cell, number[]> {
  const out = new Map<Cell, number[]>();
  for (const r of reading.paths.keys()) {
    const cell = reading.grid.rows[r]?.[index];
    if (!cell) continue;
    const rows = out.get(cell) ?? [];
    rows.push(r);
    out.set(cell, rows);
  }
  return out;
}

function commonPath(paths: OutlineNode[][]): OutlineNode[] {
  const first = paths[0] ?? [];
  let n = first.length;
  for (const path of paths) {
    let i = 0;
    while (i < n && path[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

function applyWeight(target: OutlineNode, cell: Cell, weighed: Set<OutlineNode>): void {
  if (isBlank(cell) && cell.number === undefined) return;
  const value = cell.number ?? parseWeightCell(cell.text);
  if (value === undefined) {
    target.weightDoubts.push(`the weight could not be read from "${shorten(cell.text)}" (${cell.where}); fill it in`);
    return;
  }
  if (weighed.has(target)) {
    target.weightDoubts.push(`several weights were given for it; they are added up (${cell.where})`);
    target.weight = (target.weight ?? 0) + value;
    return;
  }
  if (target.weight !== undefined && target.weight !== value) {
    target.weightDoubts.push(`its name says ${target.weight} but the weight column ${value} (${cell.where}); the column's is used`);
  }
  target.weight = value;
  weighed.add(target);
}

function applyRequirement(target: OutlineNode, cell: Cell): void {
  if (isBlank(cell)) return;
  target.requirement = target.requirement ? `${target.requirement}\n${cell.text}` : cell.text;
}

/** A leaf takes the cell's links; a cell merged over several indicators is cited by each, with a doubt. */
function applyEvidence(target: OutlineNode, leaves: OutlineNode[], cell: Cell, base: string | undefined): void {
  const read = readEvidence(cell.lines, base);
  const shared = target.children.length > 0;
  const citing = shared ? leaves.filter((leaf) => leaf.children.length === 0) : [target];
  for (const leaf of citing) {
    const evidence = read.evidence.map((e) => ({
      ...e,
      doubts: shared ? [...e.doubts, `one evidence cell (${cell.where}) serves ${citing.length} indicators; each cites it`] : [...e.doubts],
    }));
    leaf.evidence = [...(leaf.evidence ?? []), ...evidence];
    leaf.doubts.push(...read.doubts);
  }
}
