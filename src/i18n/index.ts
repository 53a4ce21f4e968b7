import type { Catalogue, Lang } from './catalogue.js';
import { en } from './en.js';
import type { Reason } from '../model/reasons.js';
import { zh } from './zh.js';

export type { Catalogue, HostLeft, Lang, NotifyText, ProgressText } from './catalogue.js';

const CATALOGUES: Record<Lang, Catalogue> = { zh, en };

export function catalogue(lang: Lang): Catalogue {
  return CATALOGUES[lang];
}

/** A reason in words, in the reader's language. */
export function explain(r: Reason, lang: Lang): string {
  return (CATALOGUES[lang].reasons[r.code] as (p: unknown) => string)(r.params);
}

/** The locale's language, as POSIX decides it: LC_ALL, then LC_MESSAGES, then LANG. */
export function detectLang(env: Record<string, string | undefined>): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(locale) ? 'zh' : 'en';
}

export function parseLang(value: string | undefined): Lang | undefined {
  return value === 'zh' || value === 'en' ? value : undefined;
}
