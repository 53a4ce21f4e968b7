import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../criteria/diagnostics.js';
import { parseDuration } from '../criteria/duration.js';
import { lintCriteria } from '../criteria/lint.js';
import { parseCriteria } from '../criteria/load.js';
import { EXIT } from '../exit-codes.js';
import { countDraft, ImportError, importSource, isUrl, oneLine, placedDoubts, readSource, writeCriteriaYaml, type FetchFlags } from '../import/index.js';
import { writeAtomically } from '../report/outputs.js';
import { describeFsError } from '../util/fs-errors.js';
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
  try {
    const read = await readSource(source, io, flags, lang);
    const { draft, form } = await importSource(read, { fallbackTitle: fallbackTitle(source), ...(flags.title !== undefined ? { title: flags.title } : {}) });
    const text = writeCriteriaYaml(draft, { source, ...(flags.maxAge ? { maxAge: flags.maxAge } : {}) });
    const shown = target ? flags.output! : '(standard output)';
    // The file must load as it is: anything else is a bug here, not in the table.
    const loaded = parseCriteria(text, shown);
    if (!loaded.criteria) {
      for (const d of loaded.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
      io.stderr.write(`audit import: ${source}: the criteria made from it do not load; nothing was written. This is a bug in audit: please report it with the source.\n`);
      return EXIT.INTERNAL;
    }
    const counts = countDraft(draft);
    io.stderr.write(`audit import: read ${source} as ${form}: ${counts.sections} sections, ${counts.indicators} indicators, total weight ${counts.weight}, ${counts.links} links\n`);
    const doubts = placedDoubts(text);
    for (const doubt of doubts) io.stderr.write(`${shown}:${doubt.line}: doubt: ${doubt.text}\n`);
    const lints = lintCriteria(loaded.criteria);
    for (const lint of lints) io.stderr.write(formatDiagnostic(lint) + '\n');
    if (target) await write(target, flags.output!, text);
    else io.stdout.write(text);
    io.stderr.write(`audit import: ${doubts.length} doubts, ${lints.length} lint findings; ${target ? `wrote ${flags.output}` : 'criteria written to standard output'}${target ? `; next: audit validate ${flags.output}` : ''}\n`);
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    // A library's message may run over lines (xmldom's do): the reason stays on one.
    io.stderr.write(`audit import: ${oneLine(source)}: ${oneLine(error.message.replace(/\s+/g, ' '))} (${error.fix}); nothing was written\n`);
    return error.exitCode;
  }
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
    throw new ImportError(`--output ${shown} could not be written: ${describeFsError(error)}`, 'choose another file');
  }
}

/** The title when the source names none: the file's name, or the page's. */
function fallbackTitle(source: string): string {
  const name = isUrl(source) ? decodeURIComponentSafe(new URL(source.trim()).pathname.split('/').filter(Boolean).pop() ?? '') : basename(source);
  return name.replace(/\.(html?|txt|docx|xlsx)$/i, '') || source;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
