import type { StatusRange } from '../criteria/types.js';
import type { FetchedResponse } from '../fetch/fetcher.js';
import { fail, pass, type CheckResult } from './types.js';

export function checkStatus(response: FetchedResponse, expected: StatusRange[]): CheckResult {
  const matches = (code: number) => expected.some((r) => code >= r.min && code <= r.max);
  const firstHop = response.redirects[0]?.status;
  // Expecting a 3xx means the link itself should redirect; it must still lead to a working page.
  const redirectsAsExpected = firstHop !== undefined && matches(firstHop) && response.status >= 200 && response.status < 300;
  if (matches(response.status) || redirectsAsExpected) {
    const via = response.redirects.length > 0 ? ` after ${response.redirects.length} redirect(s)` : '';
    return pass('status', `HTTP ${response.status}${via}`);
  }
  const wanted = expected.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(', ');
  return fail('status', `HTTP ${response.status}${describeStatus(response.status)}, expected ${wanted}`);
}

function describeStatus(code: number): string {
  const names: Record<number, string> = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 410: 'Gone',
    429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  };
  return names[code] ? ` ${names[code]}` : '';
}
