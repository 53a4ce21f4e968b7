import { Command, CommanderError, Option } from 'commander';
import { auditCommand, type AuditFlags } from './commands/audit.js';
import { demoCommand } from './commands/demo.js';
import { UsageError, type Io } from './commands/io.js';
import { validateCommand } from './commands/validate.js';
import { TOOL } from './criteria/settings.js';
import { EXIT } from './exit-codes.js';
import { FORMAT_NAMES } from './report/index.js';

const EXIT_HELP = `
Exit codes:
  0    every indicator passed (or, with --fail-under, the score reached it)
  1    the audit fell short: a failed indicator, or a score under --fail-under
  2    usage or criteria-file error; nothing was fetched
  3    internal error (a bug in audit; run again with --debug and report it)
  130  interrupted (Ctrl-C); the partial report was still printed
`;

function addRunOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMAT_NAMES).default('table'))
    .option('-v, --verbose', 'one row per evidence: URL, HTTP status, date found, reason')
    .option('--now <date>', 'treat this date as today (YYYY-MM-DD or ISO 8601), for reproducible audits')
    .option('--fail-under <score>', 'pass the run when the score reaches this, even if indicators fail')
    .option('--concurrency <n>', 'requests in flight overall (overrides settings.concurrency)')
    .option('--per-host-concurrency <n>', 'requests in flight to one host')
    .option('--per-host-rate <n>', 'requests per second to one host, evenly spaced')
    .option('--timeout <duration>', 'whole-request timeout, e.g. 20s')
    .option('--retries <n>', 'retries for network errors, 429 and 5xx')
    .option('--user-agent <text>', 'User-Agent header to send');
}

export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const program = new Command('audit')
    .description('Check the evidence links cited in a weighted assessment table (政务公开自评表).')
    .version(TOOL.version, '-V, --version')
    .argument('[criteria]', 'criteria file', 'criteria.yaml')
    .addHelpText('after', EXIT_HELP)
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  addRunOptions(program).action(async (criteria: string, flags: AuditFlags) => {
    setExitCode(await auditCommand(criteria, flags, io));
  });

  program
    .command('validate')
    .description('check the criteria file only; no network')
    .argument('[criteria]', 'criteria file', 'criteria.yaml')
    .action(async (criteria: string) => setExitCode(await validateCommand(criteria, io)));

  addRunOptions(
    program
      .command('demo')
      .description('serve a bundled sample site on 127.0.0.1 and audit it (offline)'),
  ).action(async (flags: AuditFlags) => setExitCode(await demoCommand(flags, io)));

  for (const command of [program, ...program.commands]) {
    command.option('--debug', 'show stack traces for unexpected errors').exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

/** The whole CLI as a function: returns the exit code; only bin/audit.js calls process.exit. */
export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = buildProgram(io, (code) => (exitCode = code));
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io, debug);
  }
}

function reportError(error: unknown, io: Io, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Help and --version end through here too, with exit code 0.
    return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`audit: ${error.message}\n`);
    return EXIT.USAGE;
  }
  const err = error as Error;
  io.stderr.write(`audit: unexpected error: ${err?.message ?? String(error)}\n`);
  io.stderr.write(debug ? `${err?.stack ?? ''}\n` : 'Run again with --debug for details, and report it if it persists.\n');
  return EXIT.INTERNAL;
}
