import { isAlias, isNode, isPair, isScalar, visit } from 'yaml';
import type { Document, Node, YAMLMap } from 'yaml';

// YAML features criteria files do not use: aliases, merge keys and tags other than the core schema's.

/** The tags yaml's core schema resolves: !!str forces text, as in `id: !!str 1.10`. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`));

/** A key `<<`: a merge key when the file asks for YAML 1.1, where yaml marks it with a symbol. */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.value === '<<' || typeof key.value === 'symbol');
}

export function hasMergeKey(map: YAMLMap): boolean {
  return map.items.some((pair) => isMergeKey(pair.key));
}

/**
 * Aliases and unknown tags, in file order. Aliases are refused rather than expanded: every value is read
 * where it is written, so each diagnostic and each `--changed` line points at one place, and an alias
 * bomb has nothing to expand (the reader never calls toJS, so yaml's maxAliasCount never comes into play).
 * The alias under a merge key is left to the reader, which names the `<<` key itself.
 */
export function unsupportedNodes(doc: Document, source: string): { node: Node; kind: 'alias' | 'tag' }[] {
  // Every alias is written with a "*" and every tag with a "!"; most texts need no walk at all.
  if (!source.includes('*') && !source.includes('!')) return [];
  const found: { node: Node; kind: 'alias' | 'tag' }[] = [];
  visit(doc, (_key, node) => {
    if (isPair(node) && isMergeKey(node.key)) return visit.SKIP;
    if (isAlias(node)) found.push({ node, kind: 'alias' });
    else if (isNode(node) && node.tag !== undefined && !CORE_TAGS.has(node.tag)) found.push({ node, kind: 'tag' });
    return undefined;
  });
  return found;
}

/** How a tag is written: `!!js/function` for yaml.org's, as is for the rest. */
export function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/** Where a node's tag is written: before the node on its line, or else the node itself. */
export function tagOffset(text: string, node: Node): number {
  const start = node.range?.[0] ?? 0;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const match = /!\S*(?:[ \t]+&\S+)?[ \t]*$/.exec(text.slice(lineStart, start));
  return match ? lineStart + match.index : start;
}
