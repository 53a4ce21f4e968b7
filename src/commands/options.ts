import { parseDuration, durationToMs } from '../criteria/duration.js';
import type { Settings } from '../criteria/types.js';
import { UsageError } from './io.js';

/** Run-setting flags shared by `audit` and `audit demo`; they override the criteria's settings. */
export interface RunFlags {
  concurrency?: string;
  perHostConcurrency?: string;
  perHostRate?: string;
  timeout?: string;
  retries?: string;
  userAgent?: string;
  now?: string;
}

export function applyRunFlags(settings: Settings, flags: RunFlags): Settings {
  const out = { ...settings };
  if (flags.concurrency !== undefined) out.concurrency = positiveInteger('--concurrency', flags.concurrency);
  if (flags.perHostConcurrency !== undefined) out.perHostConcurrency = positiveInteger('--per-host-concurrency', flags.perHostConcurrency);
  if (flags.perHostRate !== undefined) out.perHostRate = positiveNumber('--per-host-rate', flags.perHostRate);
  if (flags.retries !== undefined) out.retries = wholeNumber('--retries', flags.retries);
  if (flags.userAgent !== undefined) out.userAgent = flags.userAgent;
  if (flags.timeout !== undefined) {
    const d = parseDuration(flags.timeout);
    if (!d || durationToMs(d) <= 0) throw new UsageError(`--timeout: "${flags.timeout}" is not a duration (try 20s or 1m)`);
    out.timeoutMs = durationToMs(d);
  }
  return out;
}

/** `--now 2021-12-20` means that day in China; a full ISO timestamp is taken as given. */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00+08:00` : value;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--now: "${value}" is not a date (use YYYY-MM-DD or an ISO 8601 timestamp)`);
  return date;
}

export function parseScore(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: "${value}" is not a score (use a number such as 85)`);
  return n;
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: "${value}" must be a whole number of at least 1`);
  return n;
}

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag}: "${value}" must be a whole number (0 or more)`);
  return n;
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: "${value}" must be a number above 0`);
  return n;
}
