import { createRequire } from 'node:module';
import { durationToMs, parseDuration } from './duration.js';
import type { Settings } from '../model/criteria.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { name: string; version: string; homepage: string };

export const TOOL = { name: pkg.name, version: pkg.version, homepage: pkg.homepage };

export const DEFAULT_USER_AGENT = `${TOOL.name}/${TOOL.version} (+${TOOL.homepage})`;

/** Query parameters that carry credentials on the sites audited; `redact:` adds to these. */
export const DEFAULT_REDACTED_PARAMETERS = ['token', 'access_token', 'api_key', 'apikey', 'secret', 'password', 'passwd', 'sign', 'signature', 'ticket', 'sessionid'];

export function defaultSettings(): Settings {
  return {
    concurrency: 8,
    perHostConcurrency: 2,
    perHostRate: 2,
    timeoutMs: 20_000,
    retries: 2,
    userAgent: DEFAULT_USER_AGENT,
    maxBodyBytes: 10 * 1024 * 1024,
    maxRedirects: 10,
    soft404Phrases: [],
    notify: [],
    maxDocumentBytes: 50 * 1024 * 1024,
    certExpiryDays: 30,
    renderPages: 2,
    blockPrivate: false,
    redact: [...DEFAULT_REDACTED_PARAMETERS],
    maxTimeMs: 2 * 3_600_000,
  };
}

type NumericSetting = 'concurrency' | 'perHostConcurrency' | 'perHostRate' | 'timeoutMs' | 'retries' | 'maxBodyBytes' | 'maxRedirects'
  | 'maxDocumentBytes' | 'certExpiryDays' | 'renderPages' | 'maxTimeMs';

export interface SettingRule {
  key: string;
  flag?: string;
  field: NumericSetting;
  kind: 'integer' | 'number' | 'duration';
  /** Bounds keep values inside what timers and politeness allow: Node's timers overflow past ~24 days. */
  min: number;
  max: number;
  example: string;
}

/** One table of numeric settings, read alike from criteria files and from flags. */
export const SETTING_RULES: readonly SettingRule[] = [
  { key: 'concurrency', flag: '--concurrency', field: 'concurrency', kind: 'integer', min: 1, max: 1000, example: '8' },
  { key: 'per_host_concurrency', flag: '--per-host-concurrency', field: 'perHostConcurrency', kind: 'integer', min: 1, max: 100, example: '2' },
  { key: 'per_host_rate', flag: '--per-host-rate', field: 'perHostRate', kind: 'number', min: 0.01, max: 1000, example: '2' },
  { key: 'timeout', flag: '--timeout', field: 'timeoutMs', kind: 'duration', min: 1, max: 3_600_000, example: '20s' },
  { key: 'retries', flag: '--retries', field: 'retries', kind: 'integer', min: 0, max: 10, example: '2' },
  { key: 'max_body_size', field: 'maxBodyBytes', kind: 'integer', min: 1024, max: 1024 ** 3, example: '10485760' },
  { key: 'max_redirects', field: 'maxRedirects', kind: 'integer', min: 0, max: 50, example: '10' },
  { key: 'max_document_size', field: 'maxDocumentBytes', kind: 'integer', min: 1024, max: 1024 ** 3, example: '52428800' },
  { key: 'cert_expiry_days', flag: '--cert-expiry-days', field: 'certExpiryDays', kind: 'integer', min: 0, max: 365, example: '30' },
  { key: 'render_pages', field: 'renderPages', kind: 'integer', min: 1, max: 16, example: '2' },
  { key: 'max_time', flag: '--max-time', field: 'maxTimeMs', kind: 'duration', min: 1, max: 24 * 3_600_000, example: '2h' },
];

export type SettingValue = { value: number } | { problem: string };

/** Parses one numeric setting; a problem reads after the setting's name: "must be …, not …". */
export function parseSetting(rule: SettingRule, raw: unknown): SettingValue {
  const shown = JSON.stringify(raw);
  if (rule.kind === 'duration') {
    const parsed = typeof raw === 'string' || typeof raw === 'number' ? parseDuration(raw) : undefined;
    if (!parsed) return { problem: `is not a valid duration: ${shown}` };
    const ms = durationToMs(parsed);
    if (ms < rule.min || ms > rule.max) return { problem: `must be more than 0 and at most ${rule.max / 3_600_000}h, not ${parsed.text}` };
    return { value: Math.round(ms) };
  }
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(value)) return { problem: `must be a number, not ${shown}` };
  if ((rule.kind === 'integer' && !Number.isInteger(value)) || value < rule.min || value > rule.max) {
    const kind = rule.kind === 'integer' ? 'a whole number' : 'a number';
    return { problem: `must be ${kind} from ${rule.min} to ${rule.max}, not ${value}` };
  }
  return { value };
}
