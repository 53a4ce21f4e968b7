import { Composer, Parser, YAMLParseError } from 'yaml';
import type { CST, Document, LineCounter } from 'yaml';

// Parsing YAML without letting its nesting exhaust the stack: the depth is watched while yaml's parser
// runs, before anything recursive (composing the document, visiting it) gets to see the text.

/**
 * How deeply YAML may nest. yaml composes a document recursively and runs out of stack at some 850 levels
 * of nested flow lists, and near the stack's limit V8 may abort the whole process rather than throw. A
 * criteria file needs two levels per level of indicators plus a few (MAX_INDICATOR_DEPTH indicators take
 * about 70); 256 allows that with a margin of three below where the stack runs out. The limit is on the
 * constructs yaml's parser holds open at once; the tree it composes can be deeper by the mappings that
 * take a finished flow collection as their key (`[a]: b`), so at most twice as deep, still inside the margin.
 */
export const MAX_YAML_DEPTH = 256;

/** Where a text nests too deeply: past the limit, or deep enough that yaml ran out of stack all the same. */
export interface TooDeep {
  tooDeep: number;
  /** True when yaml ran out of stack below the limit; `tooDeep` is then where the text nests deepest. */
  overflow: boolean;
}

/**
 * The offset at which the text first nests deeper than MAX_YAML_DEPTH, or undefined. It must be known
 * before yaml composes the document, so it is found without recursion, by yaml's own parser counting the
 * constructs open at once.
 */
export function tooDeepAt(text: string, limit = MAX_YAML_DEPTH): number | undefined {
  const parsed = parseTokens(text, undefined, limit);
  return 'tooDeep' in parsed ? parsed.tooDeep : undefined;
}

/** Thrown from inside yaml's parser to stop it at the first construct past the limit. */
class NestingLimit {
  constructor(readonly offset: number) {}
}

/** V8's "Maximum call stack size exceeded": a RangeError, told from the others by its message. */
function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/**
 * yaml's syntax tokens for a text, with the offset where it nests deepest; or where it first nests deeper
 * than `limit`. Every file is watched: no cheap bound from the text alone holds, since block collections
 * open mid-line too (`a: b: c:`, `[- a: [- a:`), where neither brackets nor indentation show them. The
 * parser is stopped at once, not at its next token: it closes constructs by recursion (`---` after
 * thousands of open ones ran out of stack inside the parser), so it must never hold more than the limit.
 */
function parseTokens(source: string, onNewLine: ((offset: number) => void) | undefined, limit: number): { tokens: CST.Token[]; deepest: number } | TooDeep {
  const parser = new Parser(onNewLine);
  const stack = parser.stack;
  const push = stack.push;
  let depth = 0;
  let deepest = 0;
  stack.push = (...items) => {
    const length = push.apply(stack, items);
    if (length > limit) throw new NestingLimit(parser.offset);
    if (length > depth) {
      depth = length;
      deepest = parser.offset;
    }
    return length;
  };
  const tokens: CST.Token[] = [];
  try {
    for (const token of parser.parse(source)) tokens.push(token);
  } catch (error) {
    if (error instanceof NestingLimit) return { tooDeep: error.offset, overflow: false };
    if (isStackOverflow(error)) return { tooDeep: deepest, overflow: true };
    throw error;
  }
  return { tokens, deepest };
}

/** What parseDocument is given here: the whole file's options, or a piece's. */
export type YamlOptions = { lineCounter?: LineCounter; uniqueKeys: true; prettyErrors: boolean };

/**
 * parseDocument(source, options), with tooDeepAt's check made in the same pass: yaml's parser runs once,
 * not once to measure the depth and again to build the tree, and the tree is composed only when the
 * text nests no deeper than `limit`. As in parseDocument, a second document ends the composing with a
 * MULTIPLE_DOCS error; the depth is checked over the whole text first, as tooDeepAt always did.
 * Errors are not prettified, whatever `options` say: `yamlMessage` gives what the reader kept of a prettified one.
 * `deepest` is where the text nests deepest, for a walk of the tree that runs out of stack all the same.
 */
export function parseYaml(source: string, options: YamlOptions, limit: number): { doc: Document; deepest: number } | TooDeep {
  const parsed = parseTokens(source, options.lineCounter?.addNewLine, limit);
  if ('tooDeep' in parsed) return parsed;
  const doc = outOfStack(() => composeFirst(parsed.tokens, source.length, options));
  return doc === OUT_OF_STACK ? { tooDeep: parsed.deepest, overflow: true } : { doc, deepest: parsed.deepest };
}

/** The first document of the tokens; a second one is reported, as parseDocument does, and not composed. */
function composeFirst(tokens: CST.Token[], length: number, options: YamlOptions): Document {
  let doc: Document | undefined;
  for (const next of new Composer(options).compose(tokens, true, length)) {
    if (!doc) {
      doc = next;
    } else if (doc.options.logLevel !== 'silent') {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  // compose(…, true) yields a document for any text, an empty one too.
  return doc!;
}

export const OUT_OF_STACK = Symbol('out of stack');

/**
 * Runs one of yaml's recursive walks (composing, visiting) over a tree already checked for depth. The
 * check leaves a wide margin, so this is defence in depth: should the stack run out all the same, the
 * caller reports the place instead of the user seeing an internal error. Any other error is a bug, and
 * is thrown on.
 */
export function outOfStack<T>(walk: () => T): T | typeof OUT_OF_STACK {
  try {
    return walk();
  } catch (error) {
    if (isStackOverflow(error)) return OUT_OF_STACK;
    throw error;
  }
}
