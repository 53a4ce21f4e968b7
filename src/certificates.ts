import type { Criteria } from './model/criteria.js';
import type { HostScheduler } from './fetch/scheduler.js';
import { reason, type Reason } from './model/reasons.js';
import { inspectCertificate, isPrivateAddress, proxyFor, type CertificateReport, type ProxySettings } from './network/index.js';

/** What the certificate watch needs of the run (a subset of AuditOptions, which audit.ts passes whole). */
export interface CertificateOptions {
  criteria: Pick<Criteria, 'settings'>;
  network?: { proxy?: ProxySettings; ca?: string[]; insecureHosts?: (host: string) => boolean };
  signal?: AbortSignal;
}

/**
 * Looks at each https host's certificate once per run, to warn on every evidence of a host whose
 * certificate expires soon, or whose bad certificate was accepted because it is marked insecure.
 * Through a proxy the real certificate cannot be seen, so proxied hosts are not inspected.
 * With block_private the handshake is held to the same address policy as the fetch: it
 * connects on its own, after its own DNS lookup, which a rebinding name could answer
 * differently.
 */
export class CertificateWatch {
  private readonly reports = new Map<string, Promise<CertificateReport | undefined>>();

  constructor(private readonly options: CertificateOptions, private readonly scheduler: HostScheduler) {}

  async warningsFor(url: string): Promise<Reason[]> {
    const target = new URL(url);
    if (target.protocol !== 'https:' || proxyFor(target, this.options.network?.proxy)) return [];
    const report = await this.inspect(target);
    if (!report) return [];
    const host = target.hostname;
    const warnings: Reason[] = [];
    const { certExpiryDays } = this.options.criteria.settings;
    if (report.validTo && report.daysLeft !== undefined && report.daysLeft >= 0 && report.daysLeft < certExpiryDays) {
      warnings.push(reason('TLS_EXPIRING', { host, validTo: report.validTo, daysLeft: report.daysLeft }));
    }
    if (!report.authorized && this.options.network?.insecureHosts?.(host)) {
      warnings.push(reason('TLS_INSECURE_ACCEPTED', { host, problem: report.problem ?? 'TLS_UNTRUSTED', detail: report.authorizationError ?? '' }));
    }
    return warnings;
  }

  private inspect(target: URL): Promise<CertificateReport | undefined> {
    const key = target.host;
    let report = this.reports.get(key);
    if (!report) {
      const port = Number(target.port || 443);
      const { ca } = this.options.network ?? {};
      const { blockPrivate } = this.options.criteria.settings;
      // Through the host's own queue: a TLS handshake is a visit too.
      // A run that was stopped lets queued work through its waits; a handshake then is not wanted.
      report = this.scheduler.run(target.host, async () => this.options.signal?.aborted ? undefined : inspectCertificate(target.hostname, port, {
        ...(ca ? { ca } : {}),
        ...(blockPrivate ? { blockAddress: isPrivateAddress } : {}),
        timeoutMs: Math.min(this.options.criteria.settings.timeoutMs, 10_000),
        now: new Date(),
      }), this.options.signal);
      this.reports.set(key, report);
    }
    return report;
  }
}
