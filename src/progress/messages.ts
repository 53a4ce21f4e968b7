/** Everything the progress display says, in both languages. Hosts arrive here already cleaned. */

export type ProgressLang = 'zh' | 'en';

export interface HostLeft {
  host: string;
  left: number;
}

export interface ProgressText {
  /** Bar segment: failures so far. */
  failed(n: number): string;
  /** Bar segment: the host with the most URLs still to do. */
  slowest(host: string, left: number): string;
  /** Bar segment: estimated time left, or an unknown one before the first result. */
  eta(ms: number | undefined): string;
  /** Log line (after the timestamp): the last URL of a host finished. */
  hostDone(p: { host: string; urls: number; failed: number; ms: number }): string;
  /** Log line (after the timestamp): stopped before every host finished. */
  interrupted(p: { shown: HostLeft[]; moreHosts: number; hosts: number; urls: number }): string;
}

const UNKNOWN = '—';

/** One decimal of seconds, as a log reader compares them: 15.4. */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(1);
}

/** Whole seconds, rounded up, split into h/m/s for the bar. */
function clock(ms: number): { h: number; m: number; s: number } {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

const en: ProgressText = {
  failed: (n) => `${n} failed`,
  slowest: (host, left) => `slowest: ${host} (${left} left)`,
  eta(ms) {
    if (ms === undefined || !Number.isFinite(ms)) return `ETA ${UNKNOWN}`;
    const { h, m, s } = clock(ms);
    if (h > 0) return `ETA ${h}h${pad2(m)}m`;
    if (m > 0) return `ETA ${m}m${pad2(s)}s`;
    return `ETA ${s}s`;
  },
  hostDone: ({ host, urls, failed, ms }) =>
    `host ${host} done: ${urls} ${urls === 1 ? 'URL' : 'URLs'}, ${failed} failed, ${seconds(ms)}s`,
  interrupted({ shown, moreHosts, hosts, urls }) {
    const list = shown.map(({ host, left }) => `${host} (${left} left)`).join(', ');
    const more = moreHosts > 0 ? `, and ${moreHosts} more` : '';
    return `interrupted: ${hosts} ${hosts === 1 ? 'host' : 'hosts'} unfinished, ${urls} ${urls === 1 ? 'URL' : 'URLs'} not checked: ${list}${more}`;
  },
};

const zh: ProgressText = {
  failed: (n) => `${n} 个失败`,
  slowest: (host, left) => `最慢：${host}（剩 ${left} 个）`,
  eta(ms) {
    if (ms === undefined || !Number.isFinite(ms)) return `预计 ${UNKNOWN}`;
    const { h, m, s } = clock(ms);
    if (h > 0) return `预计 ${h} 小时 ${pad2(m)} 分`;
    if (m > 0) return `预计 ${m} 分 ${pad2(s)} 秒`;
    return `预计 ${s} 秒`;
  },
  hostDone: ({ host, urls, failed, ms }) => `站点 ${host} 完成：${urls} 个链接，${failed} 个失败，用时 ${seconds(ms)} 秒`,
  interrupted({ shown, moreHosts, hosts, urls }) {
    const list = shown.map(({ host, left }) => `${host}（剩 ${left} 个）`).join('、');
    const more = moreHosts > 0 ? `，另有 ${moreHosts} 个站点` : '';
    return `已中断：${hosts} 个站点未完成，${urls} 个链接未核查：${list}${more}`;
  },
};

export const PROGRESS_TEXT: Readonly<Record<ProgressLang, ProgressText>> = Object.freeze({
  en: Object.freeze(en),
  zh: Object.freeze(zh),
});
