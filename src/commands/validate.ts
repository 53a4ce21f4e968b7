import { resolve } from 'node:path';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../criteria/diagnostics.js';
import { lintCriteria } from '../criteria/lint.js';
import { loadCriteriaFile } from '../criteria/load.js';
import { EXIT } from '../exit-codes.js';
import { catalogue } from '../i18n/index.js';
import { planRequests } from '../plan/plan.js';
import { languageFor, type Io } from './io.js';

/** `audit validate [criteria]`: the file alone, no network. Lints are warnings, or errors with --strict. */
export async function validateCommand(path: string, flags: { strict?: boolean; lang?: string }, io: Io): Promise<number> {
  const t = catalogue(languageFor(flags.lang, io)).ui;
  const loaded = await loadCriteriaFile(resolve(io.cwd, path), path);
  const lints = loaded.criteria ? lintCriteria(loaded.criteria) : [];
  const diagnostics = [...loaded.diagnostics, ...lints].map((d) => (flags.strict ? strictly(d) : d)).sort((a, b) => a.line - b.line || a.col - b.col);
  // As `audit` prints them (printDiagnostics), written here so that validating a file does not
  // import the audit and its network stack.
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
  if (!loaded.criteria || hasErrors(diagnostics)) {
    io.stderr.write(t.validateFailed({ path, errors: diagnostics.filter((d) => d.severity === 'error').length }) + '\n');
    return EXIT.USAGE;
  }
  const plan = planRequests(loaded.criteria);
  io.stdout.write(t.validated({
    path,
    sections: loaded.criteria.indicators.length,
    evidence: plan.evidence.length,
    urls: plan.requests.size,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
  }) + '\n');
  return EXIT.OK;
}

/** --strict: a warning is an error; information stays information. */
function strictly(d: Diagnostic): Diagnostic {
  return d.severity === 'warning' ? { ...d, severity: 'error' } : d;
}
