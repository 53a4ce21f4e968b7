import { demoCriteria } from '../demo/criteria.js';
import { startDemoSite } from '../demo/site.js';
import { EXIT } from '../exit-codes.js';
import { auditText, type AuditFlags } from './audit.js';
import { languageFor, type Io } from './io.js';
import { parseNow } from './options.js';
import { catalogue } from '../i18n/index.js';

/**
 * `audit demo`: serves the bundled sample site on 127.0.0.1 and audits it, so a new user sees
 * every verdict without touching a real server. Its failures are the point, so it exits 0.
 */
export async function demoCommand(flags: AuditFlags, io: Io): Promise<number> {
  const site = await startDemoSite({ now: parseNow(flags.now) });
  try {
    if (!flags.quiet) io.stderr.write(catalogue(languageFor(flags.lang, io)).ui.demoSite(site.origin) + '\n');
    // The demo site is on this machine: an office proxy must not see (or refuse) its traffic.
    const env = Object.fromEntries(Object.entries(io.env).filter(([name]) => !/^(https?|all|no)_proxy$/i.test(name)));
    const code = await auditText(demoCriteria(site.origin), 'demo-criteria.yaml', flags, { ...io, env });
    return code === EXIT.AUDIT_FAILED ? EXIT.OK : code;
  } finally {
    await site.close();
  }
}
