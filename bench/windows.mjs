/** The most of `times` (ms, any order) that fall in any 1-second window: the rate a server sees. */
export function mostInOneSecond(times) {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi] - sorted[lo] >= 1000) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

/**
 * How many of `times` (ms, any order) were one too many: the (rate + 1)th or later arrival within
 * 1 second of the rate-th before it. 0 means no 1-second window ever held more than `rate`.
 */
export function overRate(times, rate) {
  const sorted = [...times].sort((a, b) => a - b);
  let over = 0;
  for (let i = rate; i < sorted.length; i++) if (sorted[i] - sorted[i - rate] < 1000) over++;
  return over;
}
