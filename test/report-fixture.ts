import { Agent } from 'undici';
import { runAudit } from '../src/audit.js';
import { type AuditReport } from '../src/model/report.js';
import { parseCriteria } from '../src/criteria/load.js';
import { demoCriteria } from '../src/demo/criteria.js';
import { startDemoSite } from '../src/demo/site.js';
import { NOW } from './helpers.js';

/**
 * A real report, made by auditing the bundled demo site (every verdict, CJK titles, bot walls),
 * for tests of the output formats. The site is stopped before this returns.
 */
export async function demoReport(): Promise<AuditReport> {
  const site = await startDemoSite({ now: NOW });
  const dispatcher = new Agent();
  try {
    const { criteria, diagnostics } = parseCriteria(demoCriteria(site.origin), 'demo-criteria.yaml');
    if (!criteria) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    return await runAudit({ criteria, dispatcher, now: NOW });
  } finally {
    await dispatcher.close();
    await site.close();
  }
}
