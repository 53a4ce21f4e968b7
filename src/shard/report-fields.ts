import type { SelectionReason } from '../select/index.js';
import type { Shard } from './spec.js';

/**
 * What a report carries, beyond a run's own results, so that `audit merge` can rebuild the whole
 * report from JSON in either language. Declared here, next to the code that sets and reads it,
 * rather than in src/audit.ts: both fields are optional, and the audit itself never looks at them.
 */
declare module '../audit.js' {
  interface AuditReport {
    /** --shard I/N: this report judged only the evidence whose host hashes to shard I of N. */
    shard?: Shard;
    /** --only/--changed: why these indicators, as data, and what the whole table is out of (for --fail-under). */
    selected?: { basis: SelectionReason; tableMaxScore: number };
  }
}

export {};
