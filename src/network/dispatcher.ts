import type { SecureContext } from 'node:tls';
import { Agent, buildConnector, Dispatcher, EnvHttpProxyAgent, errors } from 'undici';
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
 *
 * Throws NetworkConfigError for a bad proxy URL or CA PEM.
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
  const agentOptions: Agent.Options = {
    connect: perHostConnector(tlsBase, insecure),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 10_000,
  };
  const proxy = resolveProxy(options);
  if (!proxy) return new Agent(agentOptions);
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
