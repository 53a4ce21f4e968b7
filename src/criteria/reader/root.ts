import { createHash } from 'node:crypto';
import { isScalar } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { hasErrors } from '../diagnostics.js';
import type { Criteria, Indicator } from '../../model/criteria.js';
import { readChecks, type Inherited } from './checks.js';
import type { ReadContext } from './context.js';
import { ROOT_KEYS } from './keys.js';
import { optionalString } from './scalars.js';
import { readHosts, readSettings } from './settings.js';
import { describe } from './values.js';

// The root mapping, however the file was parsed: version, title, settings, hosts, defaults, and the indicators.

/**
 * Everything under the root mapping; `readIndicators` reads the top-level list from wherever it was parsed.
 * A symbol from it (the piecewise read giving up) is handed back as is, and the read ends there.
 */
export function readRoot<T extends symbol = never>(
  ctx: ReadContext,
  root: YAMLMap,
  readIndicators: (inherited: Inherited) => Indicator[] | undefined | T,
): Criteria | T {
  ctx.checkKeys(root, ROOT_KEYS, 'at the top level');
  readVersion(ctx, root);
  const settings = readSettings(ctx, root.get('settings', true) as Node | undefined);
  const hosts = readHosts(ctx, root.get('hosts', true) as Node | undefined);
  const defaults = readChecks(ctx, root.get('defaults', true) as Node | undefined, 'defaults', true);
  const inherited: Inherited = { status: [{ min: 200, max: 299 }], ...defaults } as Inherited;
  const listed = readIndicators(inherited);
  if (typeof listed === 'symbol') return listed;
  const indicators = listed ?? [];
  if (indicators.length === 0 && !hasErrors(ctx.diagnostics)) {
    ctx.report(ctx.at(root), 'the criteria file lists no indicators', 'add an `indicators:` list');
  }
  return {
    path: ctx.file,
    sha256: createHash('sha256').update(ctx.text).digest('hex'),
    version: 1,
    title: optionalString(ctx, root, 'title') ?? ctx.file,
    settings,
    hosts,
    indicators,
  };
}

/** `version: 1`, the only one there is. */
function readVersion(ctx: ReadContext, root: YAMLMap): void {
  const node = root.get('version', true) as Node | undefined;
  if (node === undefined) {
    ctx.report(ctx.at(root), 'the criteria file has no version', 'add `version: 1` at the top');
  } else if (!isScalar(node) || node.value !== 1) {
    ctx.report(ctx.at(node), `unsupported version ${describe(node)}`, 'this tool reads `version: 1`');
  }
}
