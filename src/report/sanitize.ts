/**
 * Text from the network (and from criteria files anyone may open a pull request with) may carry
 * terminal escapes or bidi overrides that rewrite what the user sees, and noncharacters or lone
 * surrogates that break XML and spreadsheets. Whole escape sequences are removed, not just their
 * ESC byte: `\x1b[31m` must not leave `[31m` behind, nor an OSC 8 hyperlink its address.
 */

/** C0 and C1 controls, DEL, bidi marks and overrides, noncharacters, lone surrogates. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What starts an escape sequence: ESC, or a C1 control (which some terminals act on as ESC + letter). */
const INTRODUCER = /[\u001b\u0080-\u009f]/;

/** For a table cell or one line: escapes and controls removed, tabs and line breaks as spaces. */
export function sanitize(text: string): string {
  return stripEscapes(text).replace(CONTROL, (ch) => (isBreak(ch) ? ' ' : ''));
}

/**
 * For text that may keep its lines (JSON strings, the report model): escapes and controls removed,
 * tab and LF kept, CR and CRLF as LF (a lone CR would let a line overwrite itself on a terminal).
 */
export function cleanMultiline(text: string): string {
  return stripEscapes(text)
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(CONTROL, (ch) => (ch === '\n' || ch === '\t' ? ch : ''));
}

function isBreak(ch: string): boolean {
  return ch === '\n' || ch === '\t' || ch === '\r' || ch === '\u2028' || ch === '\u2029';
}

const ESC = 0x1b;
const BEL = 0x07;
const ST = 0x9c;

/**
 * Removes ECMA-48 escape sequences whole, in 7-bit (ESC …) and 8-bit (C1) form:
 * CSI (`ESC [` or 0x9b) parameters, intermediates and its final byte; OSC, DCS, SOS, PM and APC
 * strings (`ESC ] P X ^ _` or 0x9d 0x90 0x98 0x9e 0x9f) up to BEL or ST; other `ESC` sequences
 * (`ESC ( B`, `ESC c`). A lone ESC or C1 byte goes alone; an unterminated string loses only its
 * opening, so nothing after it is hidden. One pass, linear in the length.
 */
export function stripEscapes(text: string): string {
  if (!INTRODUCER.test(text)) return text;
  let out = '';
  let i = 0;
  /** No string terminator at or after this index: unterminated strings need not be searched again. */
  let noTerminatorFrom = Infinity;
  const n = text.length;
  while (i < n) {
    const start = i;
    while (i < n && !isIntroducer(text.charCodeAt(i))) i++;
    out += text.slice(start, i);
    if (i >= n) break;
    const c = text.charCodeAt(i);
    let kind: 'csi' | 'string' | 'esc' | 'single';
    let body: number;
    if (c === ESC) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x5b /* [ */) [kind, body] = ['csi', i + 2];
      else if (next === 0x5d /* ] */ || next === 0x50 /* P */ || next === 0x58 /* X */ || next === 0x5e /* ^ */ || next === 0x5f /* _ */) [kind, body] = ['string', i + 2];
      else if (next >= 0x20 && next <= 0x7e) [kind, body] = ['esc', i + 1];
      else [kind, body] = ['single', i + 1];
    } else {
      kind = c === 0x9b ? 'csi' : c === 0x9d || c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f ? 'string' : 'single';
      body = i + 1;
    }
    switch (kind) {
      case 'single':
        i = body;
        break;
      case 'csi': {
        let j = body;
        while (j < n && inRange(text.charCodeAt(j), 0x30, 0x3f)) j++; // parameters
        while (j < n && inRange(text.charCodeAt(j), 0x20, 0x2f)) j++; // intermediates
        if (j < n && inRange(text.charCodeAt(j), 0x40, 0x7e)) j++; // final
        i = j;
        break;
      }
      case 'esc': {
        let j = body;
        while (j < n && inRange(text.charCodeAt(j), 0x20, 0x2f)) j++; // intermediates
        if (j < n && inRange(text.charCodeAt(j), 0x30, 0x7e)) j++; // final
        i = j;
        break;
      }
      case 'string': {
        const end = body >= noTerminatorFrom ? -1 : stringEnd(text, body);
        if (end < 0) {
          noTerminatorFrom = Math.min(noTerminatorFrom, body);
          i = body; // unterminated: drop the opening only
        } else {
          i = end;
        }
        break;
      }
    }
  }
  return out;
}

/** The index after the string's terminator (BEL, ST, ESC \), or -1. A bare ESC also ends it, and starts what follows. */
function stringEnd(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BEL || c === ST) return j + 1;
    if (c === ESC) return text.charCodeAt(j + 1) === 0x5c /* \ */ ? j + 2 : j;
  }
  return -1;
}

function isIntroducer(c: number): boolean {
  return c === ESC || (c >= 0x80 && c <= 0x9f);
}

function inRange(c: number, low: number, high: number): boolean {
  return c >= low && c <= high;
}
