import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { Evidence, SourcePosition } from '../../model/criteria.js';
import { inherit, readChecks, type Inherited } from './checks.js';
import type { ReadContext } from './context.js';
import { EVIDENCE_KEYS } from './keys.js';
import { optionalString } from './scalars.js';
import { clip, compact, describe, detach } from './values.js';
import { hasMergeKey } from './yaml-unsupported.js';

// A leaf's `evidence:` list: the cited links, each with its checks, and the URL's own checks.

/**
 * The longest URL accepted, in characters as sent (non-ASCII characters percent-encoded). Apache
 * (LimitRequestLine 8190) and nginx (8 KB header buffers) refuse longer request lines with 414, so a
 * longer one is pasted page text or a data dump, not an address to audit.
 */
export const MAX_URL_LENGTH = 8 * 1024;

/** A leaf's `evidence:`; missing, it is reported, unless a `<<` key (reported already) might have brought it. */
export function readEvidenceList(ctx: ReadContext, node: YAMLMap, id: string, inherited: Inherited): Evidence[] {
  const list = node.get('evidence', true) as Node | undefined;
  if (list === undefined && hasMergeKey(node)) return [];
  if (list === undefined) {
    ctx.report(ctx.at(node), `indicator ${id} has neither evidence nor child indicators`,
      'add `evidence: [...]`, or `evidence: []` if the table cites none');
    return [];
  }
  if (!isSeq(list)) {
    ctx.report(ctx.at(list), 'evidence must be a list', 'start each entry with "- url: ..."');
    return [];
  }
  return compact((list.items as Node[]).flatMap((item) => {
    const evidence = readEvidence(ctx, item, inherited);
    return evidence ? [evidence] : [];
  }));
}

/** One cited link: a bare URL, or a mapping with url, title and checks. */
function readEvidence(ctx: ReadContext, node: Node, inherited: Inherited): Evidence | undefined {
  const position = ctx.at(node);
  if (isScalar(node) && typeof node.value === 'string') {
    const url = checkUrl(ctx, node.value, position);
    return url ? { title: url, url, checks: ctx.checksPool.of(inherit(inherited, {})), position } : undefined;
  }
  if (!isMap(node)) {
    ctx.report(position, `evidence must be a mapping with a url, not ${describe(node)}`, 'write "- title: ...", "url: https://..."');
    return undefined;
  }
  ctx.checkKeys(node, EVIDENCE_KEYS, 'in evidence');
  const rawUrl = node.get('url', true) as Node | undefined;
  if (rawUrl === undefined && hasMergeKey(node)) return undefined;
  if (rawUrl === undefined) {
    ctx.report(position, 'evidence has no url', 'add `url: https://...`');
    return undefined;
  }
  const url = isScalar(rawUrl) && typeof rawUrl.value === 'string'
    ? checkUrl(ctx, rawUrl.value, ctx.at(rawUrl))
    : (ctx.report(ctx.at(rawUrl), `url must be text, not ${describe(rawUrl)}`, 'write url: https://...'), undefined);
  const checks = ctx.checksPool.of(inherit(inherited, readChecks(ctx, node, 'evidence', false)));
  if (!url) return undefined;
  return { title: optionalString(ctx, node, 'title') ?? url, url, checks, position };
}

/** A problem with a URL: the message, and how to fix it. */
type UrlProblem = [message: string, fix: string];

/** The URL as kept, or undefined when it is reported. */
function checkUrl(ctx: ReadContext, value: string, pos: SourcePosition): string | undefined {
  // Messages show the URL with any password masked, and cut short: it is printed, and logged in CI.
  const shown = clip(JSON.stringify(maskCredentials(value)));
  const problem = textProblem(value, shown) ?? addressProblem(value, shown);
  if (problem === undefined) return detach(value);
  ctx.report(pos, ...problem);
  return undefined;
}

/** What is wrong with the URL's characters, before it is parsed. */
function textProblem(value: string, shown: string): UrlProblem | undefined {
  if (/^\s|\s$/u.test(value)) {
    return [`url ${shown} has leading or trailing whitespace`,
      'remove the spaces (tables copied from web pages often carry non-breaking spaces)'];
  }
  // The URL parser drops tabs and line breaks inside a URL and controls at its ends, so "h\tttp://…" would
  // pass, and be fetched as one address but printed as another.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    return [`url ${shown} contains a control character, such as a tab or a line break`,
      'write the URL on one line, without tabs; retype it if it was copied from a document'];
  }
  return undefined;
}

/** What is wrong with the address the URL parser makes of it: not one, not a web page's, too long, or with a password. */
function addressProblem(value: string, shown: string): UrlProblem | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return [`invalid url ${shown}`, 'write a full address starting with https://'];
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return [`url must use http or https, not ${clip(parsed.protocol.slice(0, -1), 20)}`,
      'use the http:// or https:// address of the web page that shows the evidence'];
  }
  if (parsed.href.length > MAX_URL_LENGTH) {
    return [`url is ${parsed.href.length} characters long, more than the ${MAX_URL_LENGTH} a web server accepts`,
      'cite the page\'s own address, as the browser shows it; a URL this long is usually pasted text'];
  }
  if (parsed.username || parsed.password) {
    return [`url ${clip(JSON.stringify(maskCredentials(parsed.href)))} has a user name or password in it`,
      `remove them from the URL and put credentials in hosts."${clip(parsed.host, 60)}".headers, e.g. Authorization: "Basic …"; URLs are printed in every report`];
  }
  return undefined;
}

/**
 * A URL with its password shown as ***. A user name alone is masked too: tokens travel as one.
 * Works on text that is not a valid URL as well, since that is echoed in messages too.
 */
export function maskCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon === -1 ? '***' : `${userinfo.slice(0, colon)}:***`}@`;
  });
}
