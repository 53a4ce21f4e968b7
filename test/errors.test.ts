import { describe, expect, it } from 'vitest';
import { classifyError, isLocalProblem } from '../src/fetch/errors.js';
import { explain } from '../src/i18n/index.js';

// DNS failures cannot be provoked in tests without querying a resolver off this machine,
// so the mapping from Node's error codes is checked directly.
describe('network error codes', () => {
  it.each([
    [{ code: 'ENOTFOUND' }, 'DNS_NOT_FOUND', /cannot resolve host www\.example\.gov\.cn/],
    [{ code: 'EAI_AGAIN' }, 'DNS_UNAVAILABLE', /failed temporarily/],
    [{ code: 'ECONNREFUSED' }, 'CONNECTION_REFUSED', /refused/],
    [{ cause: { code: 'UND_ERR_SOCKET' } }, 'CONNECTION_RESET', /closed the connection/],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'CONNECT_TIMEOUT', /could not connect/],
    [{ code: 'UND_ERR_HEADERS_TIMEOUT' }, 'TIMEOUT', /within 20s/],
    [{ code: 'CERT_HAS_EXPIRED' }, 'TLS_EXPIRED', /has expired \(CERT_HAS_EXPIRED\)/],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'TLS_ERROR', /ERR_SSL_WRONG_VERSION_NUMBER/],
    [{ code: 'EWHATEVER', message: 'odd' }, 'NETWORK_ERROR', /EWHATEVER odd/],
  ])('%o → %s', (error, code, message) => {
    const classified = classifyError(error, 'www.example.gov.cn', 20_000);
    expect(classified.code).toBe(code);
    expect(explain(classified, 'en')).toMatch(message);
    expect(explain(classified, 'zh')).toMatch(/[\u4e00-\u9fff]/);
  });

  it('treats only problems on this machine as unverified', () => {
    expect(isLocalProblem('DNS_UNAVAILABLE')).toBe(true);
    expect(isLocalProblem('INTERRUPTED')).toBe(true);
    expect(isLocalProblem('DNS_NOT_FOUND')).toBe(false);
    expect(isLocalProblem('CONNECTION_REFUSED')).toBe(false);
  });
});
