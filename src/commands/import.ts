import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../criteria/diagnostics.js';
import { parseDuration } from '../criteria/duration.js';
import { lintCriteria } from '../criteria/lint.js';
import { parseCriteria } from '../criteria/load.js';
import { DEFAULT_REDACTED_PARAMETERS } from '../criteria/settings.js';
import { EXIT } from '../exit-codes.js';
import type { Criteria } from '../model/criteria.js';
import type { Draft, FetchFlags } from '../import/index.js';
import { writeAtomically } from '../report/outputs.js';
import { describeFsError } from '../util/fs-errors.js';
import { redactText } from '../util/redact.js';
import { languageFor, UsageError, type Io } from './io.js';

export interface ImportFlags extends FetchFlags {
  output?: string;
  title?: string;
  maxAge?: string;
  force?: boolean;
  lang?: string;
}

/**
 * `audit import SOURCE`: the table an office has already published (a page, a text, a Word or
 * Excel file, by path or URL) as a criteria file, on standard output or in --output. The summary
 * and every doubt go to standard error. Bad input exits 2 with the reason, and writes nothing.
 */
export async function importCommand(source: string, flags: ImportFlags, io: Io): Promise<number> {
  const lang = languageFor(flags.lang, io);
  checkMaxAge(flags.maxAge);
  const target = flags.output && flags.output !== '-' ? resolve(io.cwd, flags.output) : undefined;
  if (target) await checkTarget(target, flags);
  // Loaded here, not at start-up: `audit --version` and every audit run do without the importer.
  const { ImportError, importSource, isUrl, oneLine, readSource, writeCriteriaYaml } = await import('../import/index.js');
  // The source as shown (in the file's header, on standard error): a password or token in its URL masked, as reports mask them.
  const masked = (text: string) => oneLine(redactText(text, [], DEFAULT_REDACTED_PARAMETERS));
  const shownSource = masked(source);
  try {
    const read = await readSource(source, io, flags, lang);
    const { draft, form } = await importSource(read, { fallbackTitle: fallbackTitle(source, isUrl(source), shownSource), ...(flags.title !== undefined ? { title: flags.title } : {}) });
    const text = writeCriteriaYaml(draft, { source: shownSource, ...(flags.maxAge ? { maxAge: flags.maxAge } : {}) });
    const shown = target ? flags.output! : '(standard output)';
    // The file must load as it is: anything else is a bug here, not in the table.
    const loaded = parseCriteria(text, shown);
    if (!loaded.criteria) {
      for (const d of loaded.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
      io.stderr.write(`audit import: ${shownSource}: the criteria made from it do not load; nothing was written. This is a bug in audit: please report it with the source.\n`);
      return EXIT.INTERNAL;
    }
    const said = await summarise({ source: shownSource, form, draft, text, shown, criteria: loaded.criteria }, io);
    if (target) await write(target, flags.output!, text);
    else io.stdout.write(text);
    const where = target ? `wrote ${flags.output}; next: audit validate ${flags.output}` : 'criteria written to standard output';
    io.stderr.write(`audit import: ${said.doubts} doubts, ${said.lints} lint findings; ${where}\n`);
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    // A library's message may run over lines (xmldom's do): the reason stays on one.
    io.stderr.write(`audit import: ${shownSource}: ${masked(error.message.replace(/\s+/g, ' '))} (${error.fix}); nothing was written\n`);
    return error.exitCode;
  }
}

interface Summary {
  /** As shown: masked, on one line. */
  source: string;
  form: string;
  draft: Draft;
  text: string;
  /** The output's name in `file:line` references. */
  shown: string;
  criteria: Criteria;
}

/** What was read, then each doubt at its line of the output, then the linter's findings. */
async function summarise(s: Summary, io: Io): Promise<{ doubts: number; lints: number }> {
  const { countDraft, placedDoubts } = await import('../import/index.js');
  const counts = countDraft(s.draft);
  io.stderr.write(`audit import: read ${s.source} as ${s.form}: ${counts.sections} sections, ${counts.indicators} indicators, `
    + `total weight ${counts.weight}, ${counts.links} links\n`);
  const doubts = placedDoubts(s.text);
  for (const doubt of doubts) io.stderr.write(`${s.shown}:${doubt.line}: doubt: ${doubt.text}\n`);
  const lints = lintCriteria(s.criteria);
  for (const lint of lints) io.stderr.write(formatDiagnostic(lint) + '\n');
  return { doubts: doubts.length, lints: lints.length };
}

function checkMaxAge(value: string | undefined): void {
  if (value === undefined || parseDuration(value, { presets: true })) return;
  throw new UsageError(`--max-age: "${value}" is not a preset or a duration (use news, notice or statutory, or a duration such as 30d, 6mo, 1y)`);
}

/** Checked before anything is fetched: a typo in the path fails at once, and an existing file is kept. */
async function checkTarget(path: string, flags: ImportFlags): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) throw new UsageError(`--output ${flags.output}: it is a folder; name a file inside it`);
  if (info && !flags.force) throw new UsageError(`--output ${flags.output}: the file exists and was left as it is; pass --force to replace it`);
  try {
    await access(dirname(path), constants.W_OK);
  } catch {
    throw new UsageError(`--output ${flags.output}: cannot write in ${dirname(path)} (missing, or no permission)`);
  }
}

async function write(path: string, shown: string, text: string): Promise<void> {
  try {
    await writeAtomically(path, text);
  } catch (error) {
    // As for reports: a file that cannot be written is exit 2; the rename never happened, so nothing was.
    throw new UsageError(`--output ${shown} could not be written: ${describeFsError(error)}; nothing was written`);
  }
}

/** The title when the source names none: the file's name, or the page's. */
function fallbackTitle(source: string, url: boolean, shown: string): string {
  const name = url ? decodeURIComponentSafe(new URL(source.trim()).pathname.split('/').filter(Boolean).pop() ?? '') : basename(source);
  return name.replace(/\.(html?|txt|docx|xlsx)$/i, '') || shown;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
