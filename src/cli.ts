import { Command, CommanderError, Option } from 'commander';
// Each command's module is imported by its action, when that command runs: together they load
// undici, yaml, htmlparser2 and the whole audit, several times Node's own start-up, which
// `--help` and `audit validate` have no use for.
import type { AuditFlags } from './commands/audit.js';
import type { ImportFlags } from './commands/import.js';
import { languageFor, UsageError, type Io } from './commands/io.js';
import type { MergeFlags } from './commands/merge.js';
import { TOOL } from './criteria/settings.js';
import { EXIT } from './exit-codes.js';
import { catalogue, parseLang, type Catalogue } from './i18n/index.js';
import { FORMAT_NAMES } from './report/format-names.js';

const DEFAULT_CRITERIA = 'criteria.yaml';
const collect = (value: string, previous: string[] = []) => [...previous, value];

function addRunOptions(command: Command, help: Catalogue['help']): Command {
  return command
    .addOption(new Option('-f, --format <format>', help.format).choices(FORMAT_NAMES).default('table'))
    .option('-o, --output <file>', help.output, collect)
    .option('-v, --verbose', help.verbose)
    .option('--now <date>', help.now)
    .option('--fail-under <score>', help.failUnder)
    .option('--fail-on <policy>', help.failOn, collect)
    .option('--baseline <report.json>', help.baseline)
    .option('--cache <dir>', help.cache)
    .option('--notify <url>', help.notify, collect)
    .option('--notify-on <when>', help.notifyOn)
    .option('-q, --quiet', help.quiet)
    .option('--lang <lang>', help.lang)
    .option('--concurrency <n>', help.concurrency)
    .option('--per-host-concurrency <n>', help.perHostConcurrency)
    .option('--per-host-rate <n>', help.perHostRate)
    .option('--timeout <duration>', help.timeout)
    .option('--retries <n>', help.retries)
    .option('--user-agent <text>', help.userAgent)
    .option('--render <mode>', help.render)
    .option('--archive <dir>', help.archive)
    .option('--proxy <url>', help.proxy)
    .option('--insecure', help.insecure)
    .option('--ca <file>', help.ca, collect)
    .option('--cert-expiry-days <n>', help.certExpiryDays)
    .option('--max-time <duration>', help.maxTime)
    .option('--block-private', help.blockPrivate)
    .option('--resume', help.resume);
}

export function buildProgram(io: Io, setExitCode: (code: number) => void, help: Catalogue['help']): Command {
  const program = new Command('audit')
    .description(help.program)
    .version(TOOL.version, '-V, --version', help.version)
    .helpOption('-h, --help', help.help)
    .argument('[criteria]', help.criteriaArg, DEFAULT_CRITERIA)
    .addHelpText('after', help.exitCodes)
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  addRunOptions(program, help)
    .option('--changed [git-ref]', help.changed)
    .option('--only <ids...>', help.only)
    .option('--shard <i/n|auto>', help.shard)
    .option('--shard-total <n>', help.shardTotal)
    .action(async (criteria: string, flags: AuditFlags) => setExitCode(await (await import('./commands/audit.js')).auditCommand(criteria, flags, io)));

  program
    .command('validate')
    .description(help.validate)
    .argument('[criteria]', help.criteriaArg, DEFAULT_CRITERIA)
    .option('--strict', help.strict)
    .option('--lang <lang>', help.lang)
    .action(async (criteria: string, flags: { strict?: boolean; lang?: string }) => setExitCode(await (await import('./commands/validate.js')).validateCommand(criteria, flags, io)));

  addRunOptions(program.command('demo').description(help.demo), help)
    .action(async (flags: AuditFlags) => setExitCode(await (await import('./commands/demo.js')).demoCommand(flags, io)));

  program
    .command('merge')
    .description(help.merge)
    .argument('<reports...>', help.mergeReports)
    .addOption(new Option('-f, --format <format>', help.format).choices(FORMAT_NAMES).default('table'))
    .option('-o, --output <file>', help.output, collect)
    .option('-v, --verbose', help.verbose)
    .option('--fail-under <score>', help.failUnder)
    .option('--fail-on <policy>', help.failOn, collect)
    .option('--baseline <report.json>', help.baseline)
    .option('--notify <url>', help.notify, collect)
    .option('--notify-on <when>', help.notifyOn)
    .option('-q, --quiet', help.quiet)
    .option('--lang <lang>', help.lang)
    .action(async (reports: string[], flags: MergeFlags) => setExitCode(await (await import('./commands/merge.js')).mergeCommand(reports, flags, io)));

  program
    .command('import')
    .description(help.import)
    .argument('<source>', help.importSource)
    .option('-o, --output <file>', help.importOutput)
    .option('--title <text>', help.importTitle)
    .option('--max-age <preset>', help.importMaxAge)
    .option('--force', help.importForce)
    .option('--lang <lang>', help.lang)
    .option('--proxy <url>', help.proxy)
    .option('--insecure', help.insecure)
    .option('--ca <file>', help.ca, collect)
    .option('--timeout <duration>', help.timeout)
    .option('--user-agent <text>', help.userAgent)
    .action(async (source: string, flags: ImportFlags) => setExitCode(await (await import('./commands/import.js')).importCommand(source, flags, io)));

  for (const command of [program, ...program.commands]) {
    command
      .option('--debug', help.debug)
      .helpOption('-h, --help', help.help)
      .addHelpText('after', command === program ? '' : help.exitCodes)
      .exitOverride()
      .configureOutput(program.configureOutput());
  }
  return program;
}

/** The whole CLI as a function: returns the exit code; only bin/audit.js calls process.exit. */
export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = buildProgram(io, (code) => (exitCode = code), catalogue(languageFromArgv(argv, io)).help);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io, debug);
  }
}

/** --help (and the bin's signal notice) speak before options are parsed, so --lang is looked for by hand. */
export function languageFromArgv(argv: string[], io: Pick<Io, 'env'>): 'zh' | 'en' {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const value = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  return parseLang(value) ?? languageFor(undefined, io);
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
