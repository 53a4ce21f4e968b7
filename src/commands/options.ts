import { parseSetting, SETTING_RULES } from '../criteria/settings.js';
import type { Settings } from '../model/criteria.js';
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
  certExpiryDays?: string;
  maxTime?: string;
  blockPrivate?: boolean;
}

export function applyRunFlags(settings: Settings, flags: RunFlags): Settings {
  const out = { ...settings };
  for (const rule of SETTING_RULES) {
    const raw = rule.flag && flags[flagProperty(rule.flag)];
    if (raw === undefined || !rule.flag) continue;
    const parsed = parseSetting(rule, raw);
    if (!('value' in parsed)) throw new UsageError(`${rule.flag} ${parsed.problem} (e.g. ${rule.flag} ${rule.example})`);
    out[rule.field] = parsed.value;
  }
  if (flags.userAgent !== undefined) out.userAgent = flags.userAgent;
  // Only ever switches it on: a command line cannot loosen what the criteria file asks for.
  if (flags.blockPrivate) out.blockPrivate = true;
  return out;
}

/** `--per-host-rate` → `perHostRate`, the property commander stores it under. */
function flagProperty(flag: string): keyof RunFlags {
  return flag.replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) as keyof RunFlags;
}

/**
 * `--now 2021-12-20` means that day in China; a timestamp must carry its zone, so that an audit
 * means the same on every machine.
 */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const stamped = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const date = new Date(day ? `${value}T12:00:00+08:00` : stamped ? value : NaN);
  const realDay = !day || date.toISOString().slice(0, 10) === value;
  if (Number.isNaN(date.getTime()) || !realDay) {
    throw new UsageError(`--now: "${value}" is not a date (use YYYY-MM-DD, or an ISO 8601 timestamp with a zone such as 2021-12-20T09:00:00+08:00)`);
  }
  return date;
}

export function parseScore(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: "${value}" is not a score (use a number such as 85)`);
  return n;
}

