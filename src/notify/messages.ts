/** Every sentence a notification shows, one catalogue per language. */
export interface Messages {
  passed: string;
  failed: string;
  regressed: string;
  heading(title: string, status: string): string;
  score(score: string, maxScore: string): string;
  delta(signed: string): string;
  unchanged: string;
  counts(pass: number, fail: number, unverified: number): string;
  newlyFailing(count: number): string;
  problems: string;
  fixed(count: number): string;
  item(id: string, title: string, reason?: string): string;
  more(count: number): string;
  report(path: string): string;
}

export const MESSAGES: Record<'zh' | 'en', Messages> = {
  zh: {
    passed: '核查通过',
    failed: '核查未通过',
    regressed: '出现新的不通过项',
    heading: (title, status) => `${title}：${status}`,
    score: (score, maxScore) => `得分：${score} / ${maxScore}`,
    delta: (signed) => `（较上次 ${signed}）`,
    unchanged: '（与上次持平）',
    counts: (pass, fail, unverified) => `指标：通过 ${pass} 项，不通过 ${fail} 项，无法核实 ${unverified} 项`,
    newlyFailing: (count) => `新增不通过（${count} 项）`,
    problems: '主要问题',
    fixed: (count) => `已恢复（${count} 项）`,
    item: (id, title, reason) => `${id} ${title}${reason ? `：${reason}` : ''}`,
    more: (count) => `…… 另有 ${count} 项`,
    report: (path) => `报告：${path}`,
  },
  en: {
    passed: 'audit passed',
    failed: 'audit failed',
    regressed: 'new failures',
    heading: (title, status) => `${title}: ${status}`,
    score: (score, maxScore) => `Score: ${score} / ${maxScore}`,
    delta: (signed) => ` (${signed} since the last run)`,
    unchanged: ' (unchanged since the last run)',
    counts: (pass, fail, unverified) => `Indicators: ${pass} passed, ${fail} failed, ${unverified} unverified`,
    newlyFailing: (count) => `Newly failing (${count})`,
    problems: 'Problems',
    fixed: (count) => `Fixed (${count})`,
    item: (id, title, reason) => `${id} ${title}${reason ? `: ${reason}` : ''}`,
    more: (count) => `… and ${count} more`,
    report: (path) => `Report: ${path}`,
  },
};
