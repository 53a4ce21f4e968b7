import type { NotifyOn, NotifySummary } from './types.js';

export const NOTIFY_ON: readonly NotifyOn[] = ['fail', 'regression', 'always'];

export const DEFAULT_NOTIFY_ON: NotifyOn = 'regression';

/**
 * fail: the run failed. regression: an indicator fails that did not in the baseline; with no
 * baseline (scoreDelta undefined) there is nothing to regress from, so a failed run counts.
 * always: every run.
 */
export function shouldNotify(on: NotifyOn, summary: NotifySummary): boolean {
  switch (on) {
    case 'fail':
      return !summary.passed;
    case 'regression':
      if (summary.newlyFailing.length > 0) return true;
      return summary.scoreDelta === undefined && !summary.passed;
    case 'always':
      return true;
  }
}

export function parseNotifyOn(value: string): NotifyOn | { problem: string } {
  const v = value.trim().toLowerCase();
  if ((NOTIFY_ON as readonly string[]).includes(v)) return v as NotifyOn;
  return { problem: `notify-on must be one of ${NOTIFY_ON.join(', ')}, not ${JSON.stringify(value)} (the default is ${DEFAULT_NOTIFY_ON})` };
}
