import { readArticle } from './article.js';
import { readHtml, type HtmlRead } from './html.js';
import type { Source, SourceKind } from './source.js';
import { readTables } from './table.js';
import { buildTree, type Draft } from './tree.js';
import { ImportError, type Outline, type RichLine } from './types.js';

/**
 * From a source to a draft criteria tree: a table where the source has one with a header the
 * importer knows, otherwise an article whose headings carry weights. Nothing is guessed: what the
 * readers were unsure of travels with the draft as doubts.
 */

export { readSource, isUrl, type Source, type FetchFlags } from './source.js';
export { writeCriteriaYaml, placedDoubts, oneLine } from './yaml.js';
export { countDraft, type Draft } from './tree.js';
export { ImportError } from './types.js';

export interface Imported {
  draft: Draft;
  /** How the table was read, for the summary: "an HTML table", "an article (text)". */
  form: string;
}

export async function importSource(source: Source, options: { fallbackTitle: string; title?: string }): Promise<Imported> {
  const { outline, form, pageTitle } = await outlineOf(source);
  if (outline.roots.length === 0) throw new ImportError(NO_TABLE[source.kind], NO_TABLE_FIX);
  const title = options.title ?? outline.title ?? pageTitle;
  return { draft: buildTree(outline, options.fallbackTitle, title), form };
}

async function outlineOf(source: Source): Promise<{ outline: Outline; form: string; pageTitle?: string }> {
  switch (source.kind) {
    case 'text':
      return { outline: readArticle(textLines(source.text ?? '')), form: 'an article (plain text)' };
    case 'html':
      return fromHtml(readHtml(source.text ?? '', { lineNumbers: true }), source.base, 'a web page');
    case 'docx': {
      const { readDocx } = await import('./docx.js');
      return fromHtml(await readDocx(source.body), undefined, 'a Word document');
    }
    case 'xlsx': {
      const { readXlsx } = await import('./xlsx.js');
      const { grids } = await readXlsx(source.body);
      return { outline: readTables(grids) ?? { roots: [], doubts: [] }, form: 'an Excel table' };
    }
  }
}

function fromHtml(read: HtmlRead, base: string | undefined, what: string): { outline: Outline; form: string; pageTitle?: string } {
  const pageTitle = read.title ? { pageTitle: read.title } : {};
  const table = readTables(read.grids, base);
  if (table && table.roots.length > 0) return { outline: table, form: `a table in ${what}`, ...pageTitle };
  return { outline: readArticle(read.lines, base), form: `an article in ${what}`, ...pageTitle };
}

function textLines(text: string): RichLine[] {
  return text.split(/\r\n|\r|\n/).map((line, i) => ({ text: line, links: [], where: `line ${i + 1}` }));
}

const NO_TABLE: Record<SourceKind, string> = {
  text: 'no assessment table was found in it: no numbered headings with weights, such as "一、重点领域信息公开(18%" or "1.决策公开（8分）"',
  html: 'no assessment table was found in it: no table whose header names its columns (一级指标, 分值, 评分标准, 佐证材料 …), and no numbered headings with weights such as "一、重点领域信息公开(18%"',
  docx: 'no assessment table was found in it: no table whose header names its columns (一级指标, 分值, 评分标准, 佐证材料 …), and no numbered headings with weights',
  xlsx: 'no assessment table was found in it: no sheet whose header row names its columns (一级指标, 分值, 评分标准, 佐证材料 …)',
};
const NO_TABLE_FIX = 'import the page or file that holds the published 自评表 itself; its indicators must carry weights (分值 column, or "(3%" / "（8分）" after a heading)';
