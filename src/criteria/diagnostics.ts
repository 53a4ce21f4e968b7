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
  return prefix + d.message + (d.fix ? ` (${d.fix})` : '') + (d.rule ? ` [${d.rule}]` : '');
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

