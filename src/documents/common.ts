import { normaliseSpaces } from '../check/page.js';

/** Problem codes a document reader reports instead of text. */
export type ProblemCode = 'LEGACY_FORMAT' | 'ENCRYPTED' | 'CORRUPT' | 'UNSUPPORTED';

/** Thrown inside the readers for a known problem; extractDocument turns it into a DocumentProblem. */
export class DocumentError extends Error {
  constructor(readonly code: ProblemCode, detail: string) {
    super(detail);
    this.name = 'DocumentError';
  }
}

/** About 5 MB of text is far more than any keyword or date search needs. */
export const TEXT_CAP = 5_000_000;

/** Collects text up to a cap; readers stop reading pages, sheets or rows once it is full. */
export class TextCollector {
  private readonly parts: string[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly cap: number = TEXT_CAP) {}

  get full(): boolean {
    return this.size >= this.cap;
  }

  /** Adds one line (a page, a paragraph, a row); false once the cap is reached. */
  line(text: string): boolean {
    if (this.full) {
      this.truncated = true;
      return false;
    }
    const room = this.cap - this.size;
    const piece = text.length > room ? text.slice(0, room) : text;
    if (piece.length < text.length) this.truncated = true;
    this.parts.push(piece);
    this.size += piece.length + 1;
    return !this.full;
  }

  text(): string {
    return tidy(this.parts.join('\n'));
  }
}

/** Light whitespace normalisation, as for HTML pages: runs of spaces collapse, lines are kept. */
export function tidy(text: string): string {
  return normaliseSpaces(text.replace(/\r\n?/g, '\n'));
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * Runs `work` with a deadline. On timeout `onTimeout` runs (to cancel the library's work where it
 * can be cancelled) and the result is an UNSUPPORTED problem; late results are dropped.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        onTimeout?.();
      } catch {
        // cancelling is best effort
      }
      reject(new DocumentError('UNSUPPORTED', `reading the document took longer than ${formatSeconds(ms)}`));
    }, ms);
    timer.unref?.();
  });
  // A rejection of `work` after the deadline must not surface as an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
