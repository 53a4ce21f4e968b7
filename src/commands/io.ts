import type { Dispatcher } from 'undici';
import { detectLang, parseLang, type Lang } from '../i18n/index.js';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Everything a command touches from the outside world, so tests can call commands directly. */
export interface Io {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on SIGINT: the run stops fetching and reports what it has. */
  signal?: AbortSignal;
  /** Injected by tests; otherwise each run makes its own keep-alive Agent. */
  dispatcher?: Dispatcher;
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: Io): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stdout.isTTY);
}

/** --lang when given, else the locale; the one place every command decides its language. */
export function languageFor(flag: string | undefined, io: Pick<Io, 'env'>): Lang {
  if (flag === undefined) return detectLang(io.env);
  const lang = parseLang(flag);
  if (!lang) throw new UsageError(`--lang: "${flag}" is not supported (use zh or en)`);
  return lang;
}

/** A usage problem found after parsing, reported like commander's own errors (exit 2). */
export class UsageError extends Error {
  readonly code = 'E_USAGE';
}
