import { isAlias, isMap, isScalar } from 'yaml';
import type { Document, YAMLMap } from 'yaml';
import type { Criteria } from '../../model/criteria.js';
import { countLines, type ReadContext } from './context.js';
import { readIndicatorList } from './indicators.js';
import { readRoot } from './root.js';
import { SYNTAX_FIXES, syntaxErrorOffset, yamlMessage } from './yaml-errors.js';
import { MAX_YAML_DEPTH, OUT_OF_STACK, outOfStack, parseYaml, type TooDeep } from './yaml-parse.js';
import { shortTag, tagOffset, unsupportedNodes } from './yaml-unsupported.js';

// The file read as one YAML document: what yaml and the depth guard found is reported before the tree is read.

/** Reads the file as one YAML document. */
export function readWhole(ctx: ReadContext): Criteria | undefined {
  // The Document gets the options it always had; the parser records each line start in ctx.lines as it goes.
  const parsed = parseYaml(ctx.text, { lineCounter: ctx.lines, uniqueKeys: true, prettyErrors: true }, MAX_YAML_DEPTH);
  if ('tooDeep' in parsed) {
    reportTooDeep(ctx, parsed);
    return undefined;
  }
  const doc = parsed.doc;
  if (reportSyntaxErrors(ctx, doc)) return undefined;
  if (reportUnsupported(ctx, doc, parsed.deepest)) return undefined;
  reportWarnings(ctx, doc);
  const root = rootMapping(ctx, doc.contents);
  if (root === undefined) return undefined;
  // <never>: read whole, there is nothing to give up to.
  return readRoot<never>(ctx, root, (inherited) => readIndicatorList(ctx, root, 'indicators', '', inherited, 1));
}

/** Reports yaml's errors; true when there were any, and the file is read no further. */
function reportSyntaxErrors(ctx: ReadContext, doc: Document): boolean {
  const reported = new Set<string>();
  for (const error of doc.errors) {
    const message = error.code === 'MULTIPLE_DOCS'
      ? 'the file holds more than one YAML document'
      : yamlMessage(error);
    const pos = ctx.linePos(syntaxErrorOffset(ctx.text, error.pos[0], message));
    // One bad indent makes yaml raise several errors at the same spot; one is enough.
    if (reported.has(`${pos.line}:${pos.col}`)) continue;
    reported.add(`${pos.line}:${pos.col}`);
    ctx.report(pos, `YAML syntax error: ${message}`, SYNTAX_FIXES[error.code] ?? 'fix the YAML syntax at this point');
  }
  return doc.errors.length > 0;
}

function reportWarnings(ctx: ReadContext, doc: Document): void {
  for (const warning of doc.warnings) {
    // Unresolved tags were reported already; what is left (an unknown %YAML version) is worth a word.
    if (warning.code === 'TAG_RESOLVE_FAILED') continue;
    ctx.report(ctx.linePos(warning.pos[0]), `YAML: ${yamlMessage(warning)}`,
      'remove the %YAML directive; criteria files are YAML 1.2', 'warning');
  }
}

/** The document's root, when it is a mapping; otherwise undefined, with the reason reported. */
function rootMapping(ctx: ReadContext, root: Document['contents']): YAMLMap | undefined {
  if (root === null || (isScalar(root) && root.value === null && !root.source && !root.tag && !root.anchor)) {
    ctx.report(ctx.at(root), 'the criteria file is empty', 'start from the example in docs/criteria.md, with version: 1, title and indicators');
    return undefined;
  }
  if (!isMap(root)) {
    ctx.report(ctx.at(root), 'the criteria file must be a mapping with version, title and indicators',
      'start from the example in docs/criteria.md');
    return undefined;
  }
  return root;
}

/** The one message for a file too deep to read, at the place; the parser stopped there, so the lines are counted anew. */
function reportTooDeep(ctx: ReadContext, { tooDeep, overflow }: TooDeep): void {
  ctx.lines = countLines(ctx.text);
  ctx.report(ctx.linePos(tooDeep), overflow ? 'the YAML nests too deeply here to be read' : `the YAML nests more than ${MAX_YAML_DEPTH} levels deep here`,
    'a criteria file needs a few levels: look for brackets that are never closed, indentation that keeps growing, or keys run together on one line, as in a: b: c:');
}

/** Reports aliases and unknown tags; true when there were any, and the file is read no further. */
function reportUnsupported(ctx: ReadContext, doc: Document, deepest: number): boolean {
  const found = outOfStack(() => unsupportedNodes(doc, ctx.text));
  if (found === OUT_OF_STACK) {
    reportTooDeep(ctx, { tooDeep: deepest, overflow: true });
    return true;
  }
  const lines = new Set<number>();
  for (const { node, kind } of found) {
    if (kind === 'alias') {
      const pos = ctx.at(node);
      // A line of aliases ([*a, *a, *a, …]) is one mistake, not nine.
      if (lines.has(pos.line)) continue;
      lines.add(pos.line);
      ctx.report(pos, `YAML aliases (${isAlias(node) ? `*${node.source.slice(0, 40)}` : '*'}) are not supported in criteria files`,
        'write the value out in full; checks shared by many indicators belong in defaults: or on a parent indicator');
    } else {
      const tag = shortTag(node.tag!);
      ctx.report(ctx.linePos(tagOffset(ctx.text, node)), `YAML tag ${JSON.stringify(tag).slice(1, -1).slice(0, 60)} is not supported in criteria files`,
        'remove the tag: a criteria file holds only text, numbers, true/false, lists and mappings');
    }
  }
  return found.length > 0;
}
