import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

export interface OutputTarget {
  format: string;
  /** A file path, or '-' for standard output. */
  path: string;
}

const BY_EXTENSION: Record<string, string> = {
  '.json': 'json', '.md': 'markdown', '.markdown': 'markdown', '.xml': 'junit', '.csv': 'csv',
  '.html': 'html', '.htm': 'html', '.txt': 'table',
};

/** `report.html`, or `junit:report.xml` when the extension does not say the format. */
export function parseOutputSpec(spec: string, formats: readonly string[]): OutputTarget | { problem: string } {
  const prefixed = /^([a-z]+):(.+)$/.exec(spec);
  if (prefixed && formats.includes(prefixed[1]!)) return { format: prefixed[1]!, path: prefixed[2]! };
  const format = BY_EXTENSION[extname(spec).toLowerCase()];
  if (format) return { format, path: spec };
  return {
    problem: `--output ${spec}: cannot tell the format from the file name; use an extension (${Object.keys(BY_EXTENSION).join(' ')}) or a prefix such as junit:${spec}`,
  };
}

/**
 * Writes a temporary file beside the target, then renames it over the target: a cron job or a
 * web server reading the report sees the old file or the new one, never half of one.
 *
 * Never through a symlink: the temporary file is created exclusively (O_CREAT|O_EXCL, which
 * refuses an existing file or symlink at that name instead of following it), and rename replaces
 * a symlink planted at the target with the report rather than writing to where it points.
 */
export async function writeAtomically(path: string, content: string | Iterable<string>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await open(temp, 'wx');
    created = true;
    try {
      if (typeof content === 'string') await handle.writeFile(content);
      else await writeInPieces(handle, content);
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    // Only our own temporary file: whatever was already at that name is not ours to remove.
    if (created) await rm(temp, { force: true });
    // Name the report, not the temporary file the system call failed on. An error that is not
    // the system's (a format failing while its pieces are made) keeps its own message.
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code ? `${code} writing ${path}` : `error writing ${path}: ${(error as Error).message}`);
  }
}

/** Pieces are gathered into writes of about this many characters: one write per small piece would cost more than the text. */
const WRITE_BATCH_CHARS = 1 << 18;

async function writeInPieces(handle: FileHandle, pieces: Iterable<string>): Promise<void> {
  let batch: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    batch.push(piece);
    size += piece.length;
    if (size >= WRITE_BATCH_CHARS) {
      await handle.writeFile(batch.join(''));
      batch = [];
      size = 0;
    }
  }
  if (size > 0) await handle.writeFile(batch.join(''));
}
