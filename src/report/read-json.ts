import { catalogue, explain } from '../i18n/index.js';
import { type Reason } from '../model/reasons.js';
import type { Verdict } from '../model/results.js';

/**
 * Typed access to a parsed JSON report, for src/report/read.ts: each accessor returns the value
 * or throws a Malformed naming where in the file it went wrong, so a damaged or foreign file is a
 * usage error with a place to look, never a crash.
 */
export type Json = Record<string, unknown>;

export class Malformed extends Error {
  constructor(readonly where: string, readonly what: string) {
    super(`${where}: ${what}`);
  }
}

/** A check without `params`: a report from before they were written. */
export class NoParams extends Error {}

export function object(value: unknown, where: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Malformed(where, 'expected an object');
  return value as Json;
}

export function string(o: Json, key: string, where: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new Malformed(`${where}.${key}`, 'expected a string');
  return value;
}

/** A string, or undefined for null or absent. */
export function maybeString(o: Json, key: string, where: string): string | undefined {
  return o[key] === null || o[key] === undefined ? undefined : string(o, key, where);
}

export function number(o: Json, key: string, where: string, { min = 0, integer = false } = {}): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Malformed(`${where}.${key}`, `expected ${integer ? 'an integer' : 'a number'} of at least ${min}`);
  }
  return value;
}

export function maybeNumber(o: Json, key: string, where: string, options: { min?: number; integer?: boolean } = {}): number | undefined {
  return o[key] === null || o[key] === undefined ? undefined : number(o, key, where, options);
}

export function boolean(o: Json, key: string, where: string): boolean {
  if (typeof o[key] !== 'boolean') throw new Malformed(`${where}.${key}`, 'expected true or false');
  return o[key] as boolean;
}

export function array(o: Json, key: string, where: string): unknown[] {
  if (!Array.isArray(o[key])) throw new Malformed(`${where}.${key}`, 'expected a list');
  return o[key] as unknown[];
}

export function strings(o: Json, key: string, where: string): string[] {
  return array(o, key, where).map((item, i) => {
    if (typeof item !== 'string') throw new Malformed(`${where}.${key}[${i}]`, 'expected a string');
    return item;
  });
}

export function date(o: Json, key: string, where: string): Date {
  const value = new Date(string(o, key, where));
  if (Number.isNaN(value.getTime())) throw new Malformed(`${where}.${key}`, 'expected an ISO 8601 date');
  return value;
}

const VERDICTS: readonly string[] = ['pass', 'fail', 'unverified'];

export function verdict(o: Json, key: string, where: string): Verdict {
  const value = string(o, key, where);
  if (!VERDICTS.includes(value)) throw new Malformed(`${where}.${key}`, `expected pass, fail or unverified, not "${value}"`);
  return value as Verdict;
}

/**
 * A reason from its code and params. The code must be one this version words, and its params must
 * let both languages word it: a report is re-worded in either language.
 */
export function reasonOf(o: Json, where: string): Reason {
  const code = string(o, 'code', where);
  if (!(code in catalogue('en').reasons)) throw new Malformed(`${where}.code`, `"${code}" is not a reason this version of audit knows`);
  if (o.params === undefined) throw new NoParams(where);
  const params = object(o.params, `${where}.params`);
  const reason = { code, params } as unknown as Reason;
  try {
    // Only a crash is caught: a parameter left out of a hand-edited file words as it can.
    explain(reason, 'en');
    explain(reason, 'zh');
  } catch {
    throw new Malformed(`${where}.params`, `do not fit the reason ${code}`);
  }
  return reason;
}
