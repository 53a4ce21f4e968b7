import type { ScriptBlock } from '../check/page.js';
import { DATA_SCRIPT_TYPES, TEMPLATE_PLACEHOLDER } from './catalogue.js';

/** Markup to put in place of part of the page, as a script would: [start, end) of the HTML. */
export interface Splice {
  start: number;
  end: number;
  html: string;
}

/**
 * Lists embedded in the page as data: Hanweb's jpage writes a column's first page as
 * `<script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]></record>…`, and
 * its script turns the records into the visible list. Other CMSs do the same with text/html or
 * text/template blocks. A block of markup without template placeholders is the content itself,
 * so it is read where it stands, as a browser would show it, without running anything.
 */
export function embeddedLists(scripts: readonly ScriptBlock[]): Splice[] {
  return scripts
    .filter((s) => DATA_SCRIPT_TYPES.test(s.type) && !s.type.endsWith('json') && !TEMPLATE_PLACEHOLDER.test(s.text) && /<[a-z!]/i.test(s.text))
    .map((s) => ({ start: s.start, end: s.end, html: `<div data-evidence-audit="embedded-list">${s.text.replace(/<!\[CDATA\[|\]\]>/g, '')}</div>` }));
}

/** The HTML with each splice's range replaced; splices are in page order and do not overlap. */
export function spliceHtml(html: string, splices: readonly Splice[]): string {
  let out = '';
  let at = 0;
  for (const { start, end, html: replacement } of splices) {
    out += html.slice(at, start) + replacement;
    at = end;
  }
  return out + html.slice(at);
}
