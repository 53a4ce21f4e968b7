import { resolve } from 'node:path';
import { hasErrors } from '../criteria/diagnostics.js';
import { loadCriteriaFile } from '../criteria/load.js';
import { EXIT } from '../exit-codes.js';
import { planRequests } from '../plan/plan.js';
import { printDiagnostics } from './audit.js';
import type { Io } from './io.js';

/** `audit validate [criteria]`: the file alone, no network. */
export async function validateCommand(path: string, io: Io): Promise<number> {
  const { criteria, diagnostics } = await loadCriteriaFile(resolve(io.cwd, path), path);
  printDiagnostics(diagnostics, io);
  if (!criteria || hasErrors(diagnostics)) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr.write(`${path}: ${errors} error(s); nothing was fetched\n`);
    return EXIT.USAGE;
  }
  const plan = planRequests(criteria);
  const warnings = diagnostics.length;
  io.stdout.write(
    `${path}: OK — ${criteria.indicators.length} top-level indicators, ${plan.evidence.length} evidence links ` +
    `(${plan.requests.size} distinct URLs)${warnings ? `, ${warnings} warning(s)` : ''}\n`,
  );
  return EXIT.OK;
}
