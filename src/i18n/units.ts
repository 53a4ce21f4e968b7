/** Number formats the progress wording shares in both languages. */
export const UNKNOWN = '—';

/** One decimal of seconds, as a log reader compares them: 15.4. */
export function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(1);
}

/** Whole seconds, rounded up, split into h/m/s for the bar. */
export function clock(ms: number): { h: number; m: number; s: number } {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');
