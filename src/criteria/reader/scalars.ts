import { isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { ReadContext } from './context.js';
import { compact, describe, detach } from './values.js';

// Scalars under a key, read alike wherever they stand: text, true/false, a list of texts.

/** Text under `key`: undefined when absent or empty; a number is kept as written. */
export function optionalString(ctx: ReadContext, map: YAMLMap, key: string): string | undefined {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
  if (isScalar(node) && typeof node.value === 'string') return detach(node.value.trim());
  // As written: `title: 1.10` is "1.10" to the user, not 1.1.
  if (isScalar(node) && typeof node.value === 'number') return detach((node.source ?? String(node.value)).trim());
  ctx.report(ctx.at(node), `${key} must be text, not ${describe(node)}`, `write ${key}: "..."`);
  return undefined;
}

/** true or false under `key`; undefined when absent or, reported, anything else. */
export function readBoolean(ctx: ReadContext, map: YAMLMap, key: string): boolean | undefined {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined) return undefined;
  if (isScalar(node) && typeof node.value === 'boolean') return node.value;
  ctx.report(ctx.at(node), `${key} must be true or false, not ${describe(node)}`, `write ${key}: true`);
  return undefined;
}

/** A list of non-empty texts under `key`, trimmed; a bad entry is reported and left out. */
export function readStringList(ctx: ReadContext, map: YAMLMap, key: string): string[] | undefined {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined) return undefined;
  if (!isSeq(node)) {
    ctx.report(ctx.at(node), `${key} must be a list`, `write ${key}: [word, word]`);
    return undefined;
  }
  const out: string[] = [];
  for (const item of node.items as Node[]) {
    if (isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number') && String(item.value).trim()) {
      out.push(detach(String(item.value).trim()));
    } else {
      ctx.report(ctx.at(item), `${key} entries must be non-empty text, not ${describe(item)}`, 'quote the entry');
    }
  }
  return compact(out);
}
