import { compileKeyword, type KeywordMatcher } from '../criteria/keyword.js';
import type { KeywordRule } from '../model/criteria.js';
import { reason } from '../model/reasons.js';
import { withoutSpaces } from '../util/text.js';
import type { ScriptLoader } from '../quirks/index.js';
import { fail, pass, unverified, type CheckResult } from '../model/results.js';
import type { DeepReadonly } from '../util/readonly.js';

/** Validation already rejected bad patterns; one that slips through simply matches nothing. */
function matcher(keyword: string): KeywordMatcher {
  const compiled = compileKeyword(keyword);
  return 'match' in compiled ? compiled.match : () => false;
}

/**
 * `loader` marks text known to lack part of the page (filled in by script): a keyword that is
 * missing there may yet be on the real page, so the check cannot fail.
 */
export function checkKeywords(rule: DeepReadonly<KeywordRule>, text: string, loader?: ScriptLoader, compact = withoutSpaces(text)): CheckResult {
  const found = (keyword: string) => matcher(keyword)(text, compact);
  const missing = rule.all.filter((k) => !found(k));
  const anyFound = rule.any.filter(found);
  const anyOf = rule.any.length > 0 && anyFound.length === 0 ? [...rule.any] : [];
  const forbidden = rule.none.filter(found);

  if (forbidden.length > 0) return fail('keywords', reason('KEYWORDS_FORBIDDEN', { found: forbidden }));
  if (missing.length === 0 && anyOf.length === 0) {
    return pass('keywords', reason('KEYWORDS_OK', { found: [...rule.all, ...anyFound] }));
  }
  return loader
    ? unverified('keywords', reason('KEYWORDS_UNSEEN', { missing, anyOf, ...loader }))
    : fail('keywords', reason('KEYWORDS_MISSING', { missing, anyOf }));
}
