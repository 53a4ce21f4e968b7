export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  file: string;
  line: number;
  col: number;
  message: string;
  /** How to fix it, in words the user can act on. */
  fix?: string;
}

/** `criteria.yaml:12:7: message (fix)` — the shape editors and CI annotators understand. */
export function formatDiagnostic(d: Diagnostic): string {
  const prefix = `${d.file}:${d.line}:${d.col}: ${d.severity === 'warning' ? 'warning: ' : ''}`;
  return prefix + d.message + (d.fix ? ` (${d.fix})` : '');
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

