import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseCriteria } from '../criteria/load.js';
import type { Indicator } from '../model/criteria.js';
import { ownerOf, walk } from './tree.js';

export interface ChangedLines {
  /** The ref actually used, as named: the one passed, or "origin/HEAD" or "HEAD~1". */
  ref: string;
  /**
   * 1-based line numbers in the CURRENT working-tree file whose change matters:
   * - added or modified lines, except blank and comment-only ones (they cannot change a check);
   * - for removed lines, a line that stands for where they were: the first line of the indicator
   *   that held them at `ref` (found by id in the current file), or a line outside every
   *   indicator when they lay outside all of them (settings, defaults…). When the file at `ref`
   *   cannot be parsed, the lines just before and after the removal are used instead.
   * With `wholeFile`, every line.
   */
  lines: Set<number>;
  /** True when the file is new or untracked at `ref`: everything counts as changed. */
  wholeFile: boolean;
}

export type SelectionErrorCode =
  | 'FILE_NOT_FOUND'
  | 'GIT_NOT_FOUND'
  | 'NOT_A_REPOSITORY'
  | 'BAD_REF'
  | 'REF_NOT_FOUND'
  | 'GIT_FAILED';

/** `--changed` cannot work out what changed. The message names the problem and the fix; treat it as a usage error (exit 2). */
export class SelectionError extends Error {
  override readonly name = 'SelectionError';
  readonly code: SelectionErrorCode;
  constructor(code: SelectionErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const DEFAULT_REFS = ['origin/HEAD', 'HEAD~1'] as const;

/**
 * What changed in the criteria file since `ref` (default origin/HEAD, falling back to HEAD~1),
 * compared with the working tree. Runs git (no shell) in the file's folder; read-only.
 * Throws a SelectionError when the file is not in a git repository or no ref can be resolved.
 */
export async function changedLines(criteriaPath: string, ref?: string): Promise<ChangedLines> {
  const path = resolve(criteriaPath);
  const cwd = dirname(path);
  const file = basename(path);
  const text = await readCurrent(path, criteriaPath);
  const current = splitLines(text);

  const inside = await git(cwd, ['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok || inside.stdout.trim() !== 'true') {
    throw new SelectionError('NOT_A_REPOSITORY',
      `--changed needs git history, but ${criteriaPath} is not in a git working tree${detail(inside)} ` +
      '(run the audit in a clone of the repository, or drop --changed to audit everything)');
  }

  const { name, commit } = await resolveRef(cwd, ref, criteriaPath);
  const whole = (): ChangedLines => ({ ref: name, lines: new Set(current.map((_, i) => i + 1)), wholeFile: true });

  const tracked = await git(cwd, ['ls-files', '--error-unmatch', '--', file]);
  if (!tracked.ok) return whole();
  const before = await git(cwd, ['cat-file', 'blob', `${commit}:./${file}`]);
  if (!before.ok) return whole();

  const diff = await git(cwd, ['diff', '--no-ext-diff', '--no-textconv', '--unified=0', '--no-color', commit, '--', file]);
  if (!diff.ok) {
    throw new SelectionError('GIT_FAILED', `git diff ${name} -- ${file} failed${detail(diff)}`);
  }
  return { ref: name, lines: linesFromDiff(parseHunks(diff.stdout), before.stdout, text, file), wholeFile: false };
}

// ---- git ----

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function git(cwd: string, args: string[]): Promise<GitResult> {
  // GIT_OPTIONAL_LOCKS=0: `git diff` must not refresh (write) the index of the user's clone.
  const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', LANGUAGE: 'C' };
  return new Promise((done, fail) => {
    execFile('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') {
        fail(new SelectionError('GIT_NOT_FOUND', '--changed needs git, but git was not found on the PATH (install git, or drop --changed to audit everything)'));
        return;
      }
      done({ ok: !error, stdout, stderr });
    });
  });
}

function detail(result: GitResult): string {
  const line = result.stderr.split('\n').map((l) => l.trim()).find((l) => l !== '');
  return line ? ` (git: ${line})` : '';
}

async function resolveRef(cwd: string, ref: string | undefined, shownPath: string): Promise<{ name: string; commit: string }> {
  if (ref !== undefined && (ref.trim() === '' || ref.startsWith('-'))) {
    throw new SelectionError('BAD_REF', `--changed: "${ref}" is not a git ref (pass a branch, tag or commit, e.g. --changed origin/main or --changed HEAD~1)`);
  }
  const candidates = ref !== undefined ? [ref] : [...DEFAULT_REFS];
  for (const name of candidates) {
    const found = await git(cwd, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`]);
    if (found.ok && found.stdout.trim()) return { name, commit: found.stdout.trim() };
  }
  const shallow = (await git(cwd, ['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
  const deepen = shallow
    ? ' This clone is shallow: fetch more history (git fetch --deepen=1; in GitHub Actions, actions/checkout with fetch-depth: 2 or 0).'
    : '';
  if (ref !== undefined) {
    throw new SelectionError('REF_NOT_FOUND',
      `git ref ${ref} not found in the repository of ${shownPath}; fetch it (e.g. git fetch origin ${ref.replace(/^origin\//, '')}) ` +
      `or pass another ref, e.g. --changed HEAD~1.${deepen}`);
  }
  throw new SelectionError('REF_NOT_FOUND',
    `git ref origin/HEAD not found, and HEAD~1 does not exist either, in the repository of ${shownPath}; ` +
    'fetch the default branch (git remote set-head origin --auto) or name a ref: --changed origin/main, --changed HEAD~1.' + deepen);
}

// ---- the diff ----

interface Hunk {
  /** Old side: first line and count. */
  oldStart: number;
  oldCount: number;
  /** New side: first line and count. For a pure removal (count 0), the line after which lines were removed. */
  newStart: number;
  newCount: number;
  removed: string[];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Reads `git diff --unified=0`: the @@ headers, and the removed text of each hunk. */
function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let hunk: Hunk | undefined;
  let removedLeft = 0;
  let addedLeft = 0;
  for (const line of diff.split('\n')) {
    if (removedLeft > 0 || addedLeft > 0) {
      if (line.startsWith('-') && removedLeft > 0) {
        hunk!.removed.push(line.slice(1).replace(/\r$/, ''));
        removedLeft--;
        continue;
      }
      if (line.startsWith('+') && addedLeft > 0) {
        addedLeft--;
        continue;
      }
      if (line.startsWith('\\')) continue; // "\ No newline at end of file"
    }
    const match = HUNK.exec(line);
    if (!match) continue;
    hunk = {
      oldStart: Number(match[1]), oldCount: match[2] === undefined ? 1 : Number(match[2]),
      newStart: Number(match[3]), newCount: match[4] === undefined ? 1 : Number(match[4]),
      removed: [],
    };
    removedLeft = hunk.oldCount;
    addedLeft = hunk.newCount;
    hunks.push(hunk);
  }
  return hunks;
}

/** Blank and comment-only lines cannot change a check. (Inside a block scalar they are text, but only of a title or requirement.) */
function trivial(line: string | undefined): boolean {
  return line === undefined || /^\s*(#.*)?$/.test(line);
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function linesFromDiff(hunks: Hunk[], beforeText: string, currentText: string, file: string): Set<number> {
  const current = splitLines(currentText);
  const lines = new Set<number>();
  for (const hunk of hunks) {
    for (let n = hunk.newStart; n < hunk.newStart + hunk.newCount; n++) {
      if (!trivial(current[n - 1])) lines.add(n);
    }
  }

  const removals = hunks.filter((h) => h.removed.some((line) => !trivial(line)));
  if (removals.length === 0) return lines;

  // Removed lines are placed by the indicator that held them at the ref, looked up by id now.
  const before = parseCriteria(beforeText, file).criteria;
  const now = parseCriteria(currentText, file).criteria;
  if (!before || !now) {
    // Either side does not parse: mark the lines around each removal, as a plain diff shows it.
    for (const hunk of removals) {
      const after = hunk.newCount === 0 ? hunk.newStart : hunk.newStart + hunk.newCount - 1;
      for (const n of [after, after + 1]) if (n >= 1 && n <= current.length) lines.add(n);
      if (current.length === 0) lines.add(1);
    }
    return lines;
  }

  const nowById = new Map<string, Indicator>();
  for (const indicator of walk(now.indicators)) nowById.set(indicator.id, indicator);
  // An indicator that already has a changed line needs no second one.
  const marked = new Set([...lines].map((n) => ownerOf(now.indicators, n)));
  for (const hunk of removals) {
    hunk.removed.forEach((text, i) => {
      if (trivial(text)) return;
      const owner = ownerOf(before.indicators, hunk.oldStart + i);
      if (owner) {
        // Gone from the file (removed, or renamed: then its new id line is an added line): nothing to audit.
        const target = nowById.get(owner.id);
        if (target && !marked.has(target)) {
          lines.add(target.span.startLine);
          marked.add(target);
        }
      } else if (!marked.has(undefined)) {
        lines.add(outsideLine(now.indicators, current, hunk.newStart));
        marked.add(undefined);
      }
    });
  }
  return lines;
}

/** A line outside every indicator, as close as possible to where the removal was. */
function outsideLine(indicators: readonly Indicator[], current: string[], near: number): number {
  const outside = (n: number) => ownerOf(indicators, n) === undefined;
  const last = Math.max(1, current.length);
  const start = Math.min(Math.max(near, 1), last);
  for (let d = 0; d < last; d++) {
    if (start - d >= 1 && outside(start - d)) return start - d;
    if (start + d <= last && outside(start + d)) return start + d;
  }
  return 1; // unreachable for a valid file (the `indicators:` key itself lies outside every indicator)
}

async function readCurrent(path: string, shownPath: string): Promise<string> {
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
    return await readFile(path, 'utf8');
  } catch {
    throw new SelectionError('FILE_NOT_FOUND', `--changed: cannot read ${shownPath} (pass the path of the criteria file)`);
  }
}
