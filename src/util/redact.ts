/**
 * Secrets never leave the run: not in a report, a log line, a notification or an archive index.
 *
 * Three kinds are masked as `***`:
 *  - credentials in URLs: `https://user:pass@host` → `https://***:***@host` (`***@` without a password);
 *  - the values of query (and fragment) parameters named in `settings.redact`: `?token=abc` → `?token=***`;
 *  - known secret values wherever they appear: what `hosts:` sends as header values and cookies,
 *    since a server may echo them back (in a redirect, an error message, a page).
 *
 * The masking is applied where text leaves the program (see src/report/safe.ts, the archive's
 * index, the progress lines); the fetcher itself still sends what the criteria say.
 */
import type { Criteria, HostSettings } from '../model/criteria.js';

export const MASK = '***';

/** Request and response headers whose values are credentials by definition. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * Header names whose values describe the client, not who it is: a host may set them, and masking
 * them would mask ordinary text everywhere (a Referer is the site's own address).
 */
const HARMLESS_HEADERS: ReadonlySet<string> = new Set([
  'accept', 'accept-language', 'accept-encoding', 'accept-charset', 'user-agent', 'referer', 'origin',
  'cache-control', 'pragma', 'dnt', 'connection', 'x-requested-with', 'content-type', 'upgrade-insecure-requests', 'range',
]);

/**
 * Shorter values are not matched as free text: a cookie `lang=zh` or `debug=true` must not mask
 * every "zh" and "true". (Credentials are longer; in a URL's userinfo any length is masked.)
 */
export const MIN_SECRET_LENGTH = 6;

export interface Redactor {
  /** Free text (a URL, a message quoting one): credentials, listed parameters and known secret values masked. */
  text(text: string): string;
  /** URL credentials and listed parameters only: for words from a fixed vocabulary, which a secret value must not mangle. */
  credentials(text: string): string;
}

export interface RedactOptions {
  /** Parameter names whose values are masked, compared case-insensitively. */
  names?: Iterable<string>;
  /** Literal values masked wherever they appear (see secretValues). */
  secrets?: Iterable<string>;
}

/** A redactor for one run: the criteria's `redact:` names and its hosts' header and cookie values. */
export function redactorFor(criteria: Pick<Criteria, 'settings' | 'hosts'>): Redactor {
  return createRedactor({ names: criteria.settings.redact, secrets: Object.values(criteria.hosts).flatMap(secretValues) });
}

export function createRedactor(options: RedactOptions = {}): Redactor {
  const names = nameSet(options.names ?? []);
  const secrets = variants(options.secrets ?? []);
  return {
    text: (text) => mask(text, secrets, names),
    credentials: (text) => mask(text, [], names),
  };
}

/**
 * The values a host's settings send that are secrets: every header value but those of plainly
 * descriptive headers (Accept, User-Agent …), the credential part of `Bearer x` / `Basic x` (and
 * Basic's decoded user:password and password), and every cookie value and `name=value` pair.
 */
export function secretValues(host: HostSettings): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(host.headers)) {
    if (HARMLESS_HEADERS.has(name.toLowerCase())) continue;
    values.push(value, ...credentialParts(value));
  }
  for (const [name, value] of Object.entries(host.cookies)) {
    // The pair only for a value long enough to be masked alone: `lang=zh` is no secret.
    if (value.trim().length >= MIN_SECRET_LENGTH) values.push(value, `${name}=${value}`);
  }
  return values;
}

/** `Bearer abc` → abc; `Basic dXNlcjpwYXNz` → dXNlcjpwYXNz, user:pass, pass. */
function credentialParts(value: string): string[] {
  const match = /^\s*([A-Za-z][\w-]*)\s+(\S.*?)\s*$/.exec(value);
  if (!match) return [];
  const credential = match[2]!;
  const parts = [credential];
  if (match[1]!.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && /^[\x20-\x7e]+$/.test(decoded)) parts.push(decoded, decoded.slice(colon + 1));
  }
  return parts;
}

/**
 * A URL with its credentials masked. Parsed when it is one, so what the URL parser reads as
 * userinfo (`http:\\user:pass@host`, a newline inside) is recognised too; otherwise treated as
 * text. Left exactly as written when there is nothing to mask.
 */
export function redactUrl(url: string, names: Iterable<string>): string {
  return mask(url, [], nameSet(names));
}

/** Free text with URL credentials, listed parameters and the given secret values masked. */
export function redactText(text: string, secrets: Iterable<string>, names: Iterable<string> = []): string {
  return mask(text, variants(secrets), nameSet(names));
}

function mask(text: string, secrets: readonly string[], names: ReadonlySet<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  if (!/[@=]/.test(out)) return out;
  if (isWholeUrl(out)) out = maskParsedUserinfo(out);
  return out
    .replace(USERINFO, userinfoMask)
    .replace(PARAMETER, (whole, lead: string, name: string, value: string) => (value !== '' && names.has(decodedName(name)) ? `${lead}${name}=${MASK}` : whole));
}

/**
 * `scheme://user:pass@` (also `\\` for slashes, as the URL parser reads them) or a scheme-relative
 * `//user:pass@`. The userinfo cannot hold a slash, a space or a quote, so it never runs past the host.
 */
const USERINFO = /(\b[a-z][a-z0-9+.-]{0,31}:[\\/]{2}|(?<![\w:\\/])[\\/]{2})([^\s/\\?#@"'<>]+)@/gi;

function userinfoMask(_whole: string, lead: string, userinfo: string): string {
  return `${lead}${userinfo.includes(':') ? `${MASK}:${MASK}` : MASK}@`;
}

/**
 * `?name=value`, `&name=value`, `;name=value`, `#name=value` anywhere (a query, a fragment route, a
 * message): a value ends at a delimiter, a space or a quote. Names are compared percent-decoded.
 */
const PARAMETER = /([?&;#])([^=&#;?\s"'<>]+)=([^&#;\s"'<>]*)/g;

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).trim().toLowerCase();
  } catch {
    return name.trim().toLowerCase();
  }
}

function isWholeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]{0,31}:\S*$/i.test(text) && text.includes('@');
}

/** The URL as the parser reads it, with its userinfo masked; unchanged when it has none or is no URL. */
function maskParsedUserinfo(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  if (!url.username && !url.password) return text;
  const hadPassword = url.password !== '';
  url.username = MASK;
  url.password = hadPassword ? MASK : '';
  return url.href;
}

function nameSet(names: Iterable<string>): Set<string> {
  return new Set([...names].map((name) => name.trim().toLowerCase()).filter(Boolean));
}

/**
 * Each secret as it may be met: as is, percent-encoded (a server echoing it into a URL), form-encoded
 * and JSON-escaped. Longest first, so a value is masked whole before any part of it.
 */
function variants(secrets: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.trim().length < MIN_SECRET_LENGTH) continue;
    all.add(secret);
    const encoded = encodeURIComponent(secret);
    all.add(encoded);
    all.add(encoded.replace(/%20/g, '+'));
    all.add(JSON.stringify(secret).slice(1, -1));
  }
  return [...all].sort((a, b) => b.length - a.length);
}
