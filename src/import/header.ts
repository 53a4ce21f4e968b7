import type { Cell, Grid } from './types.js';

/**
 * The header names of published tables, by what the column holds. Offices name their columns
 * freely (一级指标, 评估项目, 分值, 权重, 评分标准, 佐证材料, 网址链接 …) and in any order; a table
 * is recognised by the roles its header row covers, never by one layout.
 */

export type Role = 'level' | 'weight' | 'requirement' | 'content' | 'evidence' | 'score' | 'other';

interface HeaderRule {
  role: Role;
  /** For name columns: 1 for 一级, 2 for 二级 …; columns of one rank are ordered left to right. */
  rank?: number;
  pattern: RegExp;
}

/**
 * Tried in order on the header text without spaces or a trailing unit: the self-assessed score
 * (自评得分) before the weight (分值), since both say 分; evidence before the rest, since
 * "佐证材料（网址链接）" names a link column whatever else it says.
 */
const HEADER_RULES: readonly HeaderRule[] = [
  { role: 'score', pattern: /自评|自查|得分|实得|扣分|评分结果|考核结果/ },
  { role: 'evidence', pattern: /佐证|证明材料|支撑材料|链接|网址|网页地址|公开地址|查看地址|相关材料|材料清单/ },
  { role: 'weight', pattern: /^(分值|权重|标准分|满分|分数|赋分|指标分值|总分值|分)$/ },
  { role: 'level', rank: 1, pattern: /^(一级指标|一级|评估项目|考核项目|考核类别|评估类别|指标类别|类别|项目|评估维度|维度|板块)$/ },
  { role: 'level', rank: 2, pattern: /^(二级指标|二级|考核指标|评估指标|指标名称|指标|具体指标|评估要点|考核要点)$/ },
  { role: 'level', rank: 3, pattern: /^(三级指标|三级|评估细项|细项)$/ },
  { role: 'requirement', pattern: /^(评分标准|考核标准|评估标准|评分细则|评分办法|评分说明|考核要求|考核细则|指标要求|具体要求|工作要求|指标说明|指标内涵|评估要求|要求|标准)/ },
  { role: 'content', pattern: /^(考核内容|评估内容|指标内容|工作内容|主要内容|内容)$/ },
  { role: 'other', pattern: /^(序号|编号|备注|说明|责任单位|牵头单位|配合单位|存在问题|完成情况|工作情况)/ },
];

export interface Column {
  index: number;
  role: Role;
  rank: number;
  /** The header text as printed, for doubts about the column. */
  name: string;
}

export interface Header {
  /** The first header row: a title may sit in the rows above it, inside the table. */
  first: number;
  /** The last header row; data starts below it. */
  last: number;
  columns: Column[];
}

/** How far down a title and notes may push the header row. */
const HEADER_SEARCH_ROWS = 15;

export function classify(text: string): { role: Role; rank: number } | undefined {
  const bare = text.normalize('NFKC').replace(/\s+/g, '').replace(/\((分|%|分值)\)$/, '');
  if (bare === '' || bare.length > 24) return undefined;
  const rule = HEADER_RULES.find((r) => r.pattern.test(bare));
  return rule ? { role: rule.role, rank: rule.rank ?? 0 } : undefined;
}

/**
 * The header: the first row naming at least one name column and a weight or evidence column; then
 * the rows below it that are header too (一级指标 | 二级指标 under a merged 指标), which refine it.
 */
export function findHeader(grid: Grid): Header | undefined {
  const limit = Math.min(grid.rows.length, HEADER_SEARCH_ROWS);
  for (let r = 0; r < limit; r++) {
    const roles = rowRoles(grid, r);
    if (!roles || !looksLikeHeader(roles)) continue;
    let last = r;
    while (last + 1 < grid.rows.length) {
      const below = rowRoles(grid, last + 1, last);
      if (!below || below.size === 0) break;
      for (const [index, role] of below) roles.set(index, role);
      last++;
    }
    return { first: r, last, columns: columnsOf(roles) };
  }
  return undefined;
}

/** A data row that repeats the header (Word repeats it after a page break). */
export function repeatsHeader(grid: Grid, row: number): boolean {
  const roles = rowRoles(grid, row);
  return roles !== undefined && looksLikeHeader(roles);
}

type RowRoles = Map<number, { role: Role; rank: number; name: string }>;

/**
 * Each column's role in row `r`, when every filled cell of it names a role. With `above`, cells
 * that continue from that row (merged down into this one) are left out: only new names refine.
 */
function rowRoles(grid: Grid, r: number, above?: number): RowRoles | undefined {
  const roles: RowRoles = new Map();
  const row = grid.rows[r] ?? [];
  for (let c = 0; c < row.length; c++) {
    const cell = row[c];
    if (!cell || cell.text.trim() === '' || (above !== undefined && cell.row <= above)) continue;
    const found = classify(cell.text);
    if (!found) return undefined;
    roles.set(c, { ...found, name: cell.text.replace(/\s+/g, '') });
  }
  return roles;
}

function looksLikeHeader(roles: RowRoles): boolean {
  const has = (role: Role) => [...roles.values()].some((r) => r.role === role);
  return (has('level') || has('content')) && (has('weight') || has('evidence'));
}

/** 考核内容 is the requirement, unless the table has a requirement column too: then it names the indicator. */
function columnsOf(roles: RowRoles): Column[] {
  const hasRequirement = [...roles.values()].some((r) => r.role === 'requirement');
  const columns = [...roles].map(([index, r]): Column => {
    if (r.role !== 'content') return { index, ...r };
    return hasRequirement ? { index, role: 'level', rank: 2.5, name: r.name } : { index, role: 'requirement', rank: 0, name: r.name };
  });
  return columns.sort((a, b) => a.index - b.index);
}

/** The name columns, top level first. */
export function levelColumns(header: Header): Column[] {
  return header.columns.filter((c) => c.role === 'level').sort((a, b) => a.rank - b.rank || a.index - b.index);
}

export function isBlank(cell: Cell | undefined): boolean {
  return !cell || cell.text.trim() === '';
}
