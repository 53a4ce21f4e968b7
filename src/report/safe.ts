import type { AuditReport } from '../model/report.js';
import { MASK, SECRET_HEADERS, type Redactor } from '../util/redact.js';
import { cleanMultiline } from './sanitize.js';
import { isPlainObject } from '../util/plain.js';

/**
 * The report as every formatter, the step summary and the notifications get it: a read-only view
 * (the report itself, when nothing needed cleaning; see cleanStrings) in which every string
 * (titles, URLs, final URLs, redirect chains, reason parameters quoting locations, messages and
 * pages) has its secrets masked and its terminal escapes and control characters removed (line
 * breaks and tabs stay: the formats each handle them). Each format still escapes for
 * its own syntax; this is the one place that knows what a secret is.
 *
 * Dates stay dates; values of credential headers (Authorization, Cookie, Set-Cookie …) anywhere in
 * the model become `***` whole.
 */
export function safeReport(report: AuditReport, redactor?: Redactor): AuditReport {
  if (!redactor) return cleanStrings(report, cleanMultiline);
  const word = (text: string) => cleanMultiline(redactor.credentials(text));
  return cleanStrings(report, reportedText(redactor), word);
}

/**
 * A string as the reports show it (see safeReport): what a baseline report holds, so a URL of
 * this run is matched against it in the same form.
 */
export function reportedText(redactor?: Redactor): (text: string) => string {
  // Cleaned before it is masked: an escape or a bidi mark planted inside an echoed secret would
  // otherwise hide it from the mask, and then vanish in the cleaning, leaving the secret whole.
  return redactor ? (text) => redactor.text(cleanMultiline(text)) : cleanMultiline;
}

/**
 * Keys whose values are words from a fixed vocabulary (verdicts, codes, check names): a secret
 * value that happens to equal one ("pass", "unverified") must not turn it into `***`. URL
 * credentials and listed parameters are still masked there.
 */
const VOCABULARY_KEYS: ReadonlySet<string> = new Set(['verdict', 'status', 'code', 'name', 'previous', 'vendor', 'loader', 'why', 'kind', 'lang', 'type', 'dateSource']);

/** What a vocabulary word looks like; a content type or a message under such a key is text like any other. */
const IDENTIFIER = /^[\w.-]{0,64}$/;

/**
 * Every string in a tree of plain objects and arrays through `clean` (under VOCABULARY_KEYS,
 * through `word`); other objects (Dates) are kept as they are.
 *
 * Copied on write: an object or array none of whose strings change is returned as it is, so a
 * clean report costs no copy at all. A whole copy doubled the heap at the end of a 20,000-URL run
 * (90 MB) only to repeat the same strings. An object that does change is copied once however often
 * it is met, and the copy is shared as the original was (each evidence of the criteria is also in
 * its result). An unchanged object that holds others is remembered too, so a subtree met again
 * (every level of results holds its indicator's whole subtree) is walked once; the many small ones
 * (positions, parameters) cost less to walk again than to remember. Callers only read what comes
 * back, so sharing unchanged parts with the original (or the original itself) is safe.
 */
export function cleanStrings<T>(value: T, clean: (text: string) => string, word: (text: string) => string = clean): T {
  const copies = new Map<object, unknown>();
  const unchanged = new WeakSet<object>();
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') {
      if (key !== undefined && SECRET_HEADERS.has(key.toLowerCase())) return MASK;
      return key !== undefined && VOCABULARY_KEYS.has(key) && IDENTIFIER.test(node) ? word(node) : clean(node);
    }
    if (node === null || typeof node !== 'object' || (!Array.isArray(node) && !isPlainObject(node))) return node;
    if (unchanged.has(node)) return node;
    const known = copies.get(node);
    if (known !== undefined) return known;
    const copy = Array.isArray(node) ? cleanArray(node) : cleanObject(node);
    if (copy !== node) copies.set(node, copy);
    else if (holdsObjects(node)) unchanged.add(node);
    return copy;
  };
  const cleanArray = (node: unknown[]) => {
    let out: unknown[] | undefined;
    for (let i = 0; i < node.length; i++) {
      const item = walk(node[i], undefined);
      if (item !== node[i]) (out ??= node.slice())[i] = item;
    }
    return out ?? node;
  };
  const cleanObject = (node: object) => {
    let out: Record<string, unknown> | undefined;
    for (const [k, item] of Object.entries(node)) {
      const cleaned = walk(item, k);
      if (cleaned !== item) (out ??= { ...node })[k] = cleaned;
    }
    return out ?? node;
  };
  return walk(value, undefined) as T;
}

function holdsObjects(node: object): boolean {
  for (const item of Object.values(node)) if (item !== null && typeof item === 'object') return true;
  return false;
}
