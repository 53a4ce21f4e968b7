import type { NotifyOn, NotifySummary } from './types.js';

export const NOTIFY_ON: readonly NotifyOn[] = ['fail', 'regression', 'always'];

export const DEFAULT_NOTIFY_ON: NotifyOn = 'regression';

/**
 * fail: the run failed. regression: something that passed in the baseline fails now (the same
 * test as --fail-on regression); with no baseline there is nothing to regress from, so a failed
 * run counts. always: every run. A stopped run is news only to `always`: paging the group
 * because a timer or an operator stopped the job would teach them to ignore the robot.
 */
export function shouldNotify(on: NotifyOn, summary: NotifySummary): boolean {
  if (summary.complete === false) return on === 'always';
  switch (on) {
    case 'fail':
      return !summary.passed;
    case 'regression':
      if (summary.scoreDelta === undefined) return !summary.passed;
      return summary.regressed ?? (summary.newlyFailing.length > 0 || (summary.newlyFailingEvidence ?? []).length > 0);
    case 'always':
      return true;
  }
}

export function parseNotifyOn(value: string): NotifyOn | { problem: string } {
  const v = value.trim().toLowerCase();
  if ((NOTIFY_ON as readonly string[]).includes(v)) return v as NotifyOn;
  return { problem: `notify-on must be one of ${NOTIFY_ON.join(', ')}, not ${JSON.stringify(value)} (the default is ${DEFAULT_NOTIFY_ON})` };
}
