import type { KeywordRule } from '../criteria/types.js';
import { compileKeyword, type KeywordMatcher } from '../criteria/keyword.js';
import { withoutSpaces } from '../util/text.js';
import { fail, pass, unverified, type CheckResult } from './types.js';

/** Validation already rejected bad patterns; one that slips through simply matches nothing. */
function matcher(keyword: string): KeywordMatcher {
  const compiled = compileKeyword(keyword);
  return 'match' in compiled ? compiled.match : () => false;
}

/**
 * `incomplete` marks text known to lack part of the page (filled in by script): a keyword that
 * is missing there may yet be on the real page, so the check cannot fail.
 */
export function checkKeywords(rule: KeywordRule, text: string, incomplete?: string): CheckResult {
  const compact = withoutSpaces(text);
  const found = (keyword: string) => matcher(keyword)(text, compact);
  const missing = rule.all.filter((k) => !found(k));
  const anyMissed = rule.any.length > 0 && !rule.any.some(found);
  const forbidden = rule.none.filter(found);

  if (forbidden.length > 0) return fail('keywords', `the page contains ${quoteList(forbidden)}, which it must not`);
  if (missing.length === 0 && !anyMissed) {
    const seen = [...rule.all, ...rule.any.filter(found)];
    return pass('keywords', seen.length > 0 ? `found ${quoteList(seen)}` : 'no keyword required');
  }
  const problems = [
    ...(missing.length > 0 ? [`missing ${quoteList(missing)}`] : []),
    ...(anyMissed ? [`none of ${quoteList(rule.any)} found`] : []),
  ].join('; ');
  return incomplete ? unverified('keywords', `${problems} in the page's HTML, but ${incomplete}`) : fail('keywords', problems);
}

function quoteList(words: string[]): string {
  return words.map((w) => `"${w}"`).join(', ');
}
