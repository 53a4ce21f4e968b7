import { NetworkConfigError } from './errors.js';

/** The proxies a run uses; empty strings mean "none" (never "look in process.env"). */
export interface ProxySettings {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

export interface ProxySources {
  /** --proxy. Replaces HTTP_PROXY and HTTPS_PROXY for both schemes; "" turns proxies off. */
  proxy?: string;
  env?: Record<string, string | undefined>;
}

/** `http_proxy` before `HTTP_PROXY`, as curl and undici read them; an empty value counts as unset. */
function fromEnv(env: Record<string, string | undefined>, name: string): string {
  return env[name.toLowerCase()]?.trim() || env[name.toUpperCase()]?.trim() || '';
}

/**
 * Which proxies apply, or undefined for a direct connection.
 *
 * - `proxy` (--proxy) wins over HTTP_PROXY/HTTPS_PROXY, for http and https alike.
 * - NO_PROXY from the environment is honoured with --proxy too, as curl does: hosts someone
 *   listed as "reach directly" (an intranet) stay direct.
 * - Without --proxy, HTTP_PROXY is used for https as well when HTTPS_PROXY is unset. That is
 *   undici's EnvHttpProxyAgent rule (curl would go direct instead).
 * - Only `env` is read, never process.env, so a run is what its caller passed.
 * - ALL_PROXY and SOCKS proxies are not supported.
 */
export function resolveProxy({ proxy, env = {} }: ProxySources): ProxySettings | undefined {
  if (proxy !== undefined && proxy.trim() === '') return undefined;
  const noProxy = fromEnv(env, 'no_proxy');
  if (noProxy === '*') return undefined;
  if (proxy !== undefined) {
    const url = normalizeProxyUrl(proxy, '--proxy');
    return { httpProxy: url, httpsProxy: url, noProxy };
  }
  const http = fromEnv(env, 'http_proxy');
  const https = fromEnv(env, 'https_proxy');
  if (!http && !https) return undefined;
  return {
    httpProxy: http ? normalizeProxyUrl(http, 'HTTP_PROXY') : '',
    httpsProxy: https ? normalizeProxyUrl(https, 'HTTPS_PROXY') : '',
    noProxy,
  };
}

/**
 * A proxy URL as undici needs it. "proxy.corp:8080", as people often write HTTP_PROXY, means
 * http://proxy.corp:8080. Throws NetworkConfigError for anything but an http(s) proxy URL.
 */
export function normalizeProxyUrl(raw: string, label = 'proxy'): string {
  const value = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new NetworkConfigError(`${label}: "${redactProxyUrl(value)}" is not a URL (use e.g. http://proxy.example.com:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NetworkConfigError(`${label}: ${url.protocol.slice(0, -1)} proxies are not supported (use an http:// or https:// proxy)`);
  }
  if (!url.hostname) throw new NetworkConfigError(`${label}: "${redactProxyUrl(value)}" names no host`);
  return url.href;
}

/** A proxy URL safe to print: the password, if any, replaced by "***". */
export function redactProxyUrl(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/**
 * The proxy `url` goes through, or undefined when it goes direct: the same rule as undici's
 * EnvHttpProxyAgent (NO_PROXY entries separated by commas or spaces; "host", ".host" and
 * "*.host" match the host and its subdomains; "host:port" only that port; "*" matches all;
 * no special case for localhost). Use it to skip inspectCertificate for proxied hosts, and to
 * tell a proxy's failure from the site's.
 */
export function proxyFor(url: string | URL, settings: ProxySettings | undefined): string | undefined {
  if (!settings) return undefined;
  const target = new URL(String(url));
  const hostname = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(target.port, 10) || DEFAULT_PORTS[target.protocol] || 0;
  const value = settings.noProxy.trim();
  if (value === '*') return undefined;
  for (const entry of value.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const host = (parsed ? parsed[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    const entryPort = parsed ? Number.parseInt(parsed[2]!, 10) : 0;
    if (entryPort && entryPort !== port) continue;
    if (hostname === host || hostname.endsWith(`.${host}`)) return undefined;
  }
  const proxy = target.protocol === 'https:' ? settings.httpsProxy || settings.httpProxy : settings.httpProxy;
  return proxy || undefined;
}

/** What went wrong with the proxy itself; `proxy` is safe to print. */
export interface ProxyProblem {
  proxy: string;
  detail: string;
}

/** Errors of the connection to the proxy: through a proxy, undici never connects to the site. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

/**
 * When a request to a proxied URL failed because of the proxy (unreachable, refused the
 * tunnel, wants authentication, bad certificate), says so; undefined when the failure is the
 * site's. Without this, a dead proxy would read as "connection refused" on every site.
 * `proxy` is what proxyFor(url, settings) returned; pass undefined for direct URLs.
 *
 * Note: for http targets, an error page the proxy answers with (502, 403, …) is an ordinary
 * HTTP response and is not seen here.
 */
export function proxyProblemOf(error: unknown, proxy: string | undefined): ProxyProblem | undefined {
  if (!proxy) return undefined;
  const err = (error ?? {}) as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = typeof err.code === 'string' ? err.code : '';
  const message = typeof err.message === 'string' ? err.message : '';
  const named = { proxy: redactProxyUrl(proxy) };
  if (code === 'UND_ERR_PRX_TLS') {
    const cause = typeof err.cause?.code === 'string' ? err.cause.code : message;
    return { ...named, detail: `TLS ${cause}` };
  }
  const tunnel = /Proxy response \((\d+)\) !== 200 when HTTP Tunneling/.exec(message);
  if (tunnel) return { ...named, detail: `CONNECT answered HTTP ${tunnel[1]}` };
  if (/Proxy Authentication Required \(407\)/.test(message)) return { ...named, detail: 'HTTP 407 Proxy Authentication Required' };
  if (CONNECT_CODES.has(code)) return { ...named, detail: code };
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    // "Connect Timeout Error (attempted address: host:port, …)", or "attempted addresses: ip:port, …"
    // (resolved addresses). The TLS handshake with the site, through the tunnel, can time out
    // too; it names the site, so only a match on the proxy counts.
    const url = new URL(proxy);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const listed = /attempted addresses: ([^,]+(?:, [^,]+)*),/.exec(message)?.[1]?.split(', ') ?? [];
    const byPort = port !== '80' && port !== '443' && listed.some((a) => a.endsWith(`:${port}`));
    if (message.includes(`${hostname}:${port}`) || byPort) return { ...named, detail: code };
  }
  return undefined;
}
