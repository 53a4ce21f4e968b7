/** The robot webhook formats that offices use, plus a generic JSON webhook. */
export type NotifyKind = 'dingtalk' | 'wecom' | 'feishu' | 'json';

export interface NotifyTarget {
  kind: NotifyKind;
  /** The webhook URL as it is posted to (without the `#secret=` fragment). */
  url: string;
  /** DingTalk or Feishu signing secret (加签). */
  secret?: string;
  /**
   * Posted only to a public address, checked after DNS (see sendNotifications): set for
   * settings.notify webhooks when block_private is on, since the criteria file is not trusted.
   */
  guarded?: boolean;
}

/** When to post: the run failed, it regressed against the baseline, or every run. */
export type NotifyOn = 'fail' | 'regression' | 'always';

export interface NotifyItem {
  id: string;
  title: string;
  reason: string;
}

export interface NotifyLinkItem extends NotifyItem {
  url: string;
}

export interface NotifySummary {
  /** The criteria title, e.g. 淮南市2021年政务公开自评表. */
  title: string;
  score: number;
  maxScore: number;
  /** The run's exit status was success. */
  passed: boolean;
  /** False when the run was stopped (Ctrl-C, SIGTERM, systemctl stop) before it finished. Default true. */
  complete?: boolean;
  /** Something that passed in the baseline fails now: the same test as --fail-on regression. */
  regressed?: boolean;
  /** Indicator counts. */
  counts: { pass: number; fail: number; unverified: number };
  /** Indicators failing now that did not fail in the baseline; empty when there is no baseline. */
  newlyFailing: NotifyItem[];
  fixed: { id: string; title: string }[];
  /**
   * Links failing now that did not fail in the baseline, also inside indicators that were already
   * failing; `id` is the indicator citing the link. Absent when no link changed, so a webhook
   * hears exactly what it heard before links were compared.
   */
  newlyFailingEvidence?: NotifyLinkItem[];
  fixedEvidence?: Omit<NotifyLinkItem, 'reason'>[];
  /** Score change against the baseline; undefined when there is no baseline. */
  scoreDelta?: number;
  /** The first few failing indicators. */
  topProblems: NotifyItem[];
  /** Where the report was written, if anywhere. */
  reportPath?: string;
  lang: 'zh' | 'en';
}

export interface NotifyResult {
  target: NotifyTarget;
  ok: boolean;
  /** e.g. "HTTP 200" or "DingTalk errcode 310000: sign not match". */
  detail: string;
}
