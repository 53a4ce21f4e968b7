import { type LookupFunction } from 'node:net';
import type { SecureContext } from 'node:tls';
import { Agent, buildConnector, Dispatcher, EnvHttpProxyAgent, errors } from 'undici';
import { guardedLookup, refusedLiteral, type AddressPolicy } from './address-policy.js';
import { BlockedAddressError, NetworkConfigError } from './errors.js';
import { hostOfOrigin, normalizeHost } from './host.js';
import { resolveProxy, type ProxySettings } from './proxy.js';
import { trustContext } from './trust.js';

export interface NetworkOptions {
  timeoutMs: number;
  /** --proxy; overrides HTTP_PROXY/HTTPS_PROXY (NO_PROXY still applies). "" means no proxy at all. */
  proxy?: string;
  /** HTTP_PROXY, HTTPS_PROXY, NO_PROXY and their lower-case forms. process.env is never read. */
  env?: Record<string, string | undefined>;
  /** PEM contents (the caller reads --ca FILE); trusted in addition to Node's default roots. */
  ca?: string[];
  /**
   * Hosts whose certificate is accepted even when it fails verification (--insecure → () => true;
   * criteria `hosts.<name>.insecure`). Asked with the host name normalised: lower case, no port,
   * no IPv6 brackets, no trailing dot.
   */
  insecureHosts?: (host: string) => boolean;
  /**
   * --block-private: refuse to connect to an address this policy names (isPrivateAddress in
   * production; tests may pass their own). Checked on the address DNS gave, before connecting,
   * for every connection the dispatcher opens, so each redirect hop and each retry is covered;
   * a literal IP address in a URL too. Cannot be combined with a proxy (NetworkConfigError):
   * the proxy would resolve the names, out of our sight.
   */
  blockAddress?: AddressPolicy;
  /** Name resolution for direct connections; default dns.lookup. Tests use it to fake DNS. */
  lookup?: LookupFunction;
}

/**
 * One Dispatcher for the run.
 *
 * - No proxy: an Agent whose `connect` function picks, per host, a verifying or a
 *   non-verifying TLS connector, so one Agent serves every host.
 * - A proxy (--proxy or the environment): undici's EnvHttpProxyAgent, which also applies
 *   NO_PROXY. http targets are sent to the proxy as absolute-URI requests (GET http://host/…),
 *   as curl and browsers do, not tunnelled with CONNECT: many proxies (Squid's default) refuse
 *   CONNECT to port 80. https targets are tunnelled with CONNECT and verified end to end.
 *   Through a tunnel undici ignores `connect` and applies one fixed `requestTls` to every host,
 *   so when some hosts are insecure, two proxy agents (verifying and not) are made, lazily,
 *   and each request goes to the one its host needs.
 * - Trusted roots: Node's defaults plus `ca`, for sites and for an https proxy alike. The proxy's
 *   own certificate is always verified; `insecureHosts` only concerns the sites.
 * - `blockAddress` (--block-private): every direct connection is checked after DNS, on the
 *   address connected to (see guardedConnector). Only without a proxy.
 *
 * Throws NetworkConfigError for a bad proxy URL or CA PEM, or for `blockAddress` with a proxy.
 */
export function createNetworkDispatcher(options: NetworkOptions): Dispatcher {
  const secureContext = trustContext(options.ca);
  const tlsBase: buildConnector.BuildOptions = {
    timeout: Math.min(options.timeoutMs, 10_000),
    ...(secureContext ? { secureContext } : {}),
  };
  const insecure = options.insecureHosts
    ? (host: string) => options.insecureHosts!(normalizeHost(host))
    : () => false;
  const { blockAddress } = options;
  const lookup = blockAddress ? guardedLookup(blockAddress, options.lookup) : options.lookup;
  const direct = perHostConnector({ ...tlsBase, ...(lookup ? { lookup } : {}) }, insecure);
  const agentOptions: Agent.Options = {
    connect: blockAddress ? guardedConnector(direct, blockAddress) : direct,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 10_000,
  };
  const proxy = resolveProxy(options);
  if (!proxy) return new Agent(agentOptions);
  if (blockAddress) {
    throw new NetworkConfigError('--block-private cannot be used with a proxy (--proxy, HTTP_PROXY, HTTPS_PROXY): the proxy resolves host names itself, so the address it connects to cannot be checked; run without one (--proxy "")');
  }
  const make = (verify: boolean) => proxyAgent(proxy, agentOptions, tlsBase, secureContext, verify);
  if (!options.insecureHosts) return make(true);
  return new HostTlsRouter(make, insecure);
}

/** Verifying TLS by default; not verifying for the hosts `insecure` names. Plain http as is. */
function perHostConnector(tlsBase: buildConnector.BuildOptions, insecure: (host: string) => boolean): buildConnector.connector {
  const verifying = buildConnector({ ...tlsBase, rejectUnauthorized: true });
  let lenient: buildConnector.connector | undefined;
  return (opts, callback) => {
    if (opts.protocol === 'https:' && insecure(opts.hostname)) {
      lenient ??= buildConnector({ ...tlsBase, rejectUnauthorized: false });
      lenient(opts, callback);
    } else {
      verifying(opts, callback);
    }
  };
}

/**
 * --block-private around a connector: a literal IP address is refused before anything is sent;
 * names are refused by the guarded `lookup` the inner connector was built with, before Node
 * connects; and the address the socket did connect to is checked once more, so a connector or
 * lookup that went around the guard still cannot hand over a socket to a refused address.
 */
function guardedConnector(inner: buildConnector.connector, policy: AddressPolicy): buildConnector.connector {
  return (opts, callback) => {
    const literal = refusedLiteral(opts.hostname, policy);
    if (literal) {
      callback(literal, null);
      return;
    }
    inner(opts, (error, socket) => {
      if (error || !socket) {
        callback(error ?? new Error('no socket'), null);
        return;
      }
      const remote = socket.remoteAddress;
      if (remote !== undefined && !policy(remote)) {
        callback(null, socket);
        return;
      }
      socket.destroy();
      callback(remote === undefined
        ? Object.assign(new Error(`the connection to ${opts.hostname} closed before its address could be checked`), { code: 'ECONNRESET' })
        : new BlockedAddressError(normalizeHost(opts.hostname), remote), null);
    });
  };
}

function proxyAgent(
  proxy: ProxySettings,
  agentOptions: Agent.Options,
  tlsBase: buildConnector.BuildOptions,
  secureContext: SecureContext | undefined,
  verify: boolean,
): EnvHttpProxyAgent {
  return new EnvHttpProxyAgent({
    ...agentOptions,
    // Never '' → undefined: undici would then read process.env.
    httpProxy: proxy.httpProxy,
    httpsProxy: proxy.httpsProxy,
    noProxy: proxy.noProxy,
    proxyTunnel: false,
    requestTls: { ...tlsBase, rejectUnauthorized: verify },
    proxyTls: { timeout: tlsBase.timeout, ...(secureContext ? { secureContext } : {}), rejectUnauthorized: true },
  });
}

/**
 * Sends each request to the verifying or the non-verifying dispatcher, by the host of its
 * origin; each is made when first needed. Only used with a proxy (see createNetworkDispatcher).
 */
class HostTlsRouter extends Dispatcher {
  readonly #make: (verify: boolean) => Dispatcher;
  readonly #insecure: (host: string) => boolean;
  readonly #made = new Map<boolean, Dispatcher>();
  #closed = false;

  constructor(make: (verify: boolean) => Dispatcher, insecure: (host: string) => boolean) {
    super();
    this.#make = make;
    this.#insecure = insecure;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.#closed) throw new errors.ClientClosedError();
    const origin = options.origin;
    const https = String(origin ?? '').startsWith('https:');
    const verify = !(https && this.#insecure(hostOfOrigin(origin)));
    let target = this.#made.get(verify);
    if (!target) {
      target = this.#make(verify);
      this.#made.set(verify, target);
    }
    return target.dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true;
    const done = Promise.all([...this.#made.values()].map((d) => d.close())).then(() => undefined);
    if (!callback) return done;
    void done.then(callback, callback);
  }

  override destroy(err: Error | null, callback: () => void): void;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null): Promise<void>;
  override destroy(): Promise<void>;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const callback = typeof a === 'function' ? a : b;
    const err = typeof a === 'function' ? null : (a ?? null);
    this.#closed = true;
    const done = Promise.all([...this.#made.values()].map((d) => d.destroy(err))).then(() => undefined);
    if (!callback) return done;
    void done.then(callback, callback);
  }
}
