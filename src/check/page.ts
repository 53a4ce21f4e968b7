import { Parser } from 'htmlparser2';
import { SPACES_IN_LINE } from '../util/text.js';

/** What the checks need from an HTML page, gathered in one streaming pass with no DOM. */
export interface PageFacts {
  title: string;
  /** Visible text: no scripts, styles, comments or templates; block elements end lines. */
  text: string;
  /** Meta tags by lower-cased name, property or http-equiv. */
  meta: Map<string, string[]>;
  /** Every <script> element, in order: its type, src and text (capped), and where it stands in the HTML. */
  scripts: ScriptBlock[];
}

/** One <script> element as written: what a quirk needs to tell a loader from a counter. */
export interface ScriptBlock {
  /** The type attribute, lower case, '' when absent (JavaScript). */
  type: string;
  src?: string;
  text: string;
  /** Offsets of `<script` and of the end of `</script>` in the HTML, for splicing content in. */
  start: number;
  end: number;
}

const HIDDEN = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'object']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'option', 'p',
  'pre', 'section', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'title', 'tr', 'ul',
  'record', // a Hanweb datastore record, read as content (quirks/embedded.ts)
]);
/** Per script: enough for a Hanweb page's embedded list or a loader's call, bounded on a hostile page. */
const SCRIPT_CAP = 200_000;


/**
 * When no evidence citing a page reads its text (no keywords, no max_age, no selector), only the
 * content check looks at it: is it a soft 404, the host's error page, a bot wall? Those pages are
 * small; a page past 64 KB is real content, and what it would have to say to be one of them is
 * said in its first 64 KB. Reading only that much makes a status-only audit several times cheaper.
 */
export const CONTENT_CHECK_BYTES = 64 * 1024;

/**
 * `complete: false` reads `html` as the head of a longer page: the parser is fed it but not ended,
 * so a tag, comment or entity cut off at its end is left unread (ending would report it as text),
 * and the facts hold exactly what the whole page's parse reports for that much of it.
 */
export function analyzeHtml(html: string, { complete = true }: { complete?: boolean } = {}): PageFacts {
  const textParts: string[] = [];
  const titleParts: string[] = [];
  const meta = new Map<string, string[]>();
  const scripts: ScriptBlock[] = [];
  let hiddenDepth = 0;
  let inTitle = false;
  let inScript = false;

  // Attributes matter only on <meta> and <script>; not building an attribute object for every
  // other tag saves a fair share of the pass.
  let openTag = '';
  let attrs: Record<string, string> = {};

  const parser = new Parser(
    {
      onopentagname(name) {
        openTag = name;
        if (name === 'meta' || name === 'script') attrs = {};
        if (name === 'title') inTitle = true;
        if (name === 'script') {
          inScript = true;
          scripts.push({ type: '', text: '', start: parser.startIndex, end: parser.startIndex });
        }
        if (HIDDEN.has(name)) hiddenDepth++;
        if (BLOCK.has(name)) textParts.push('\n');
      },
      onattribute(name, value) {
        if (openTag !== 'meta' && openTag !== 'script') return;
        if (attrs[name] !== undefined) return; // the first of a repeated attribute counts, as in browsers
        attrs[name] = value;
        const script = openTag === 'script' ? scripts[scripts.length - 1] : undefined;
        if (script && name === 'src') script.src = value;
        if (script && name === 'type') script.type = value.trim().toLowerCase();
      },
      onclosetag(name, isImplied) {
        if (name === 'meta' && isImplied) recordMeta(meta, attrs); // void: closed as soon as its attributes are read
        if (name === 'title') inTitle = false;
        if (name === 'script' && inScript) {
          inScript = false;
          scripts[scripts.length - 1]!.end = parser.endIndex + 1;
        }
        if (HIDDEN.has(name)) hiddenDepth = Math.max(0, hiddenDepth - 1);
        if (BLOCK.has(name)) textParts.push('\n');
      },
      ontext(data) {
        const script = inScript ? scripts[scripts.length - 1]! : undefined;
        if (script && script.text.length < SCRIPT_CAP) script.text += data;
        if (inTitle) titleParts.push(data);
        else if (hiddenDepth === 0) textParts.push(data);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  if (complete) parser.end(html);
  else parser.write(html);

  const title = normaliseSpaces(titleParts.join('')).trim();
  return { title, text: normaliseSpaces(textParts.join('')), meta, scripts };
}

function recordMeta(meta: Map<string, string[]>, attrs: Record<string, string>): void {
  const name = (attrs.name ?? attrs.property ?? attrs['http-equiv'] ?? attrs.itemprop)?.toLowerCase().trim();
  const content = attrs.content;
  if (!name || content === undefined) return;
  const list = meta.get(name) ?? [];
  list.push(content.trim());
  meta.set(name, list);
}

/** Collapses runs of spaces within a line and blank lines between them. */
export function normaliseSpaces(text: string): string {
  return text
    .replace(SPACES_IN_LINE, ' ')
    .replace(/ ?\n[\s]*/g, '\n')
    .trim();
}


export function looksLikeHtml(contentType: string | undefined, body: Buffer): boolean {
  if (contentType && /html|xml/i.test(contentType)) return true;
  if (contentType && !/text\/plain|octet-stream/i.test(contentType)) return false;
  const head = body.subarray(0, 1024).toString('latin1').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || /<(head|body|div|meta)[\s>]/.test(head);
}
