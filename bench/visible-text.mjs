// The floor's parse, shared by floor.mjs (timed alone) and bare-loop.mjs (after each GET): one
// streaming htmlparser2 pass collecting the text outside script and style, keeping nothing else.
import { Parser } from 'htmlparser2';

export function visibleText(html) {
  let skip = 0;
  const text = [];
  const parser = new Parser({
    onopentagname: (name) => { if (name === 'script' || name === 'style') skip++; },
    onclosetag: (name) => { if (name === 'script' || name === 'style') skip--; },
    ontext: (t) => { if (skip === 0) text.push(t); },
  }, { decodeEntities: true });
  parser.end(html);
  return text.join('');
}
