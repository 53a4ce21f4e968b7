import type { Node } from 'acorn';
import type { PageFacts, ScriptBlock } from '../check/page.js';
import { onFirstUse } from '../util/on-first-use.js';
import { LABEL_PATH } from './catalogue.js';

/** acorn and its walker, loaded only for a page whose scripts name /site/label/. */
const acorn = onFirstUse<typeof import('acorn')>('acorn');
const walk = onFirstUse<typeof import('acorn-walk')>('acorn-walk');

/**
 * Anhui's 政务公开 platform (/public/column/…?action=list) loads a column's list with jQuery from
 * /site/label/8888, written either as a query string or as `data: { labelName, siteId, catId, … }`.
 * The request is read from the script and sent directly; its HTML fragment (div.xxgk_navli rows
 * with span.date) is the list a browser would show.
 */
export interface LabelRequest {
  /** The script that sends it: its place in the page is where the fragment goes. */
  script: ScriptBlock;
  /** Undefined when the script names a label but its request cannot be read (a value only the browser knows). */
  url?: string;
}

/** A value read from the script, or undefined when only running it would tell. */
type Value = string | undefined;
type AnyNode = Node & Record<string, any>;

/** At most this many lists per page are fetched; a page with more is left to the browser. */
const MAX_REQUESTS = 4;
/** A page number the script passes in at run time: the first page is the one a visitor sees. */
const PAGE_FIELDS = new Set(['pageIndex', 'pageNo', 'page']);

/** Every label request in the page's inline scripts, each read or marked unreadable. */
export function labelRequests(page: PageFacts, pageUrl: string): LabelRequest[] {
  const requests: LabelRequest[] = [];
  for (const script of page.scripts) {
    if (script.src || !LABEL_PATH.test(script.text)) continue;
    const urls = readRequests(script.text, page, pageUrl);
    if (urls.length === 0) requests.push({ script });
    for (const url of urls) requests.push({ script, ...(url ? { url } : {}) });
  }
  return requests.length > MAX_REQUESTS ? requests.map(({ script }) => ({ script })) : requests;
}

function readRequests(source: string, page: PageFacts, pageUrl: string): Value[] {
  let program: AnyNode;
  try {
    program = acorn().parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true }) as AnyNode;
  } catch {
    return []; // a script the engine rejects is read by the browser or not at all
  }
  const values = new Evaluator(program, page);
  const found = new Map<string, Value>();
  const add = (urlNode: AnyNode, dataNode: AnyNode | undefined) => {
    const url = values.of(urlNode);
    if (url === undefined || !LABEL_PATH.test(url)) return;
    const request = requestUrl(url, dataNode ? values.fields(dataNode) : {}, page, pageUrl);
    found.set(`${url}|${dataNode?.start ?? ''}`, request);
  };
  walk().simple(program, {
    ObjectExpression(node) {
      const url = property(node as AnyNode, 'url');
      if (url) add(url, property(node as AnyNode, 'data'));
    },
    CallExpression(node) {
      const [first, second] = (node as AnyNode).arguments as AnyNode[];
      if (first && first.type !== 'ObjectExpression') add(first, second?.type === 'ObjectExpression' ? second : undefined);
    },
  });
  return [...found.values()];
}

function property(object: AnyNode, name: string): AnyNode | undefined {
  const found = (object.properties as AnyNode[]).find((p) => p.type === 'Property' && keyName(p) === name);
  return found?.value as AnyNode | undefined;
}

function keyName(p: AnyNode): string | undefined {
  if (p.computed) return undefined;
  return p.key.type === 'Identifier' ? p.key.name : typeof p.key.value === 'string' ? p.key.value : undefined;
}

/**
 * The request as the browser would send it: the script's address and data, with what jQuery adds
 * for `dataType: 'html'`. A field the script computes at run time makes the request unreadable,
 * except the cache-buster `_`, which the server ignores. Another host's label is not ours to fetch.
 */
function requestUrl(address: string, fields: Record<string, Value> | undefined, page: PageFacts, pageUrl: string): Value {
  if (!fields) return undefined;
  let url: URL;
  try {
    url = new URL(address, pageUrl);
  } catch {
    return undefined;
  }
  if (url.host !== new URL(pageUrl).host) return undefined;
  for (const [name, value] of Object.entries(fields)) {
    if (name === '_') continue;
    const known = value ?? (PAGE_FIELDS.has(name) ? '1' : undefined);
    if (known === undefined) return undefined;
    url.searchParams.set(name, known);
  }
  url.searchParams.delete('_');
  if (!url.searchParams.get('siteId') && page.meta.get('siteid')?.[0]) url.searchParams.set('siteId', page.meta.get('siteid')![0]!);
  if (!url.searchParams.has('IsAjax')) url.searchParams.set('IsAjax', '1');
  if (!url.searchParams.has('dataType')) url.searchParams.set('dataType', 'html');
  if (!url.searchParams.get('labelName') || /^true$/i.test(url.searchParams.get('isJson') ?? '')) return undefined;
  return url.href;
}

/** Constant values in a script: literals, concatenations, variables bound to them, and <meta> reads. */
class Evaluator {
  private readonly bindings = new Map<string, AnyNode | null>();
  private readonly visiting = new Set<string>();

  constructor(program: AnyNode, private readonly page: PageFacts) {
    walk().simple(program, {
      VariableDeclarator: (node) => this.bind((node as AnyNode).id, (node as AnyNode).init),
      AssignmentExpression: (node) => (node as AnyNode).operator === '=' && this.bind((node as AnyNode).left, (node as AnyNode).right),
    });
  }

  /** A name bound twice to different things is not a constant. */
  private bind(target: AnyNode, value: AnyNode | null): void {
    if (target?.type !== 'Identifier' || !value) return;
    this.bindings.set(target.name, this.bindings.has(target.name) ? null : value);
  }

  of(node: AnyNode | undefined): Value {
    if (!node) return undefined;
    switch (node.type) {
      case 'Literal': return typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean' ? String(node.value) : undefined;
      case 'TemplateLiteral': return node.expressions.length === 0 ? node.quasis[0].value.cooked : undefined;
      case 'BinaryExpression': return node.operator === '+' ? concat(this.of(node.left), this.of(node.right)) : undefined;
      case 'Identifier': return this.variable(node.name);
      case 'CallExpression': return this.call(node);
      default: return undefined;
    }
  }

  /** `data:` as an object literal or a query string; undefined when it is neither. */
  fields(node: AnyNode): Record<string, Value> | undefined {
    if (node.type !== 'ObjectExpression') {
      const query = this.of(node);
      return query === undefined ? undefined : Object.fromEntries(new URLSearchParams(query));
    }
    const fields: Record<string, Value> = {};
    for (const p of node.properties as AnyNode[]) {
      const name = p.type === 'Property' ? keyName(p) : undefined;
      if (name === undefined) return undefined; // a spread or computed key: only the browser knows
      fields[name] = this.of(p.value);
    }
    return fields;
  }

  private variable(name: string): Value {
    const node = this.bindings.get(name);
    if (!node || this.visiting.has(name)) return undefined;
    this.visiting.add(name);
    try {
      return this.of(node);
    } finally {
      this.visiting.delete(name);
    }
  }

  /** encodeURIComponent(x) is x (the request is encoded when sent); $("meta[name=SiteId]").attr("content") is the meta tag. */
  private call(node: AnyNode): Value {
    const callee = node.callee as AnyNode;
    const args = node.arguments as AnyNode[];
    if (callee.type === 'Identifier' && /^(?:encodeURIComponent|encodeURI|escape|String)$/.test(callee.name)) return this.of(args[0]);
    if (callee.type === 'MemberExpression' && callee.property?.name === 'attr' && this.of(args[0]) === 'content') {
      const selector = callee.object?.type === 'CallExpression' ? this.of(callee.object.arguments[0]) : undefined;
      const name = selector && /^meta\[name=['"]?([\w-]+)['"]?\]$/i.exec(selector)?.[1];
      return name ? this.page.meta.get(name.toLowerCase())?.[0] : undefined;
    }
    return undefined;
  }
}

function concat(a: Value, b: Value): Value {
  return a === undefined || b === undefined ? undefined : a + b;
}
