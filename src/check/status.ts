import type { StatusRange } from '../model/criteria.js';
import type { FetchedResponse } from '../model/fetch.js';
import { reason } from '../model/reasons.js';
import { fail, pass, type CheckResult } from '../model/results.js';

export function checkStatus(response: FetchedResponse, expected: readonly StatusRange[]): CheckResult {
  const matches = (code: number) => expected.some((r) => code >= r.min && code <= r.max);
  const firstHop = response.redirects[0]?.status;
  // Expecting a 3xx means the link itself should redirect; it must still lead to a working page.
  const redirectsAsExpected = firstHop !== undefined && matches(firstHop) && response.status >= 200 && response.status < 300;
  if (matches(response.status) || redirectsAsExpected) {
    return pass('status', reason('STATUS_OK', { status: response.status, redirects: response.redirects.length, truncated: response.truncated }));
  }
  const wanted = expected.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(', ');
  return fail('status', reason('STATUS_UNEXPECTED', { status: response.status, expected: wanted }));
}
