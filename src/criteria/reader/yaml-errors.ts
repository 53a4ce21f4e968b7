import type { ErrorCode, YAMLError } from 'yaml';

// yaml's syntax errors as the reader shows them: the message's first line, a fix, the right place.

/**
 * The first line of a yaml error or warning as the reader shows it: what prettyErrors would leave of
 * it once its " at line L, column C" is taken off (it adds that to every error with a position).
 */
export function yamlMessage(error: YAMLError): string {
  const pretty = error.pos[0] === -1 ? error.message : `${error.message} at line 1, column 1`;
  return pretty.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Fixes for the YAML syntax errors people meet, by yaml's error code; the rest get the general advice. */
export const SYNTAX_FIXES: Partial<Record<ErrorCode, string>> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs; set your editor to insert spaces for the Tab key',
  DUPLICATE_KEY: 'fix the YAML syntax: a key may appear only once in a mapping; remove or rename this one',
  MULTIPLE_DOCS: 'keep one YAML document per criteria file: remove this `---` line and what follows it, or move that into a file of its own',
  BAD_ALIAS: 'write the value out in full; criteria files do not use anchors and aliases',
};

/**
 * yaml places an unclosed quote's error at the end of the file; point at the opening quote
 * instead, which is where the user has to look.
 */
export function syntaxErrorOffset(text: string, offset: number, message: string): number {
  const quote = /Missing closing (["'])quote/.exec(message)?.[1];
  if (!quote) return offset;
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    const before = text.slice(text.lastIndexOf('\n', i - 1) + 1, i).trimEnd();
    if (before === '' || /[:\-\[{,]$/.test(before)) return i;
  }
  return offset;
}
