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
