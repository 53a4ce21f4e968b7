export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  file: string;
  line: number;
  col: number;
  message: string;
  /** How to fix it, in words the user can act on. */
  fix?: string;
  /** For lints: the rule's stable name, e.g. same-url-different-labels. */
  rule?: string;
}

/** `criteria.yaml:12:7: message (fix)` — the shape editors and CI annotators understand. */
export function formatDiagnostic(d: Diagnostic): string {
  const prefix = `${d.file}:${d.line}:${d.col}: ${d.severity === 'error' ? '' : `${d.severity}: `}`;
  // The rule name lets a user look a lint up in the README, or grep for it in CI logs.
  return escapeControls(prefix + d.message + (d.fix ? ` (${d.fix})` : '') + (d.rule ? ` [${d.rule}]` : ''));
}

/**
 * Messages quote the file (an unknown key, a bad value), and a terminal would obey an escape sequence or
 * a bidi override in it; such characters are shown as \u escapes instead, so the user can find them in
 * the file, and each diagnostic stays on one line.
 */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

