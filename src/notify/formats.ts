import { cleanText, renderMessage } from './render.js';
import { dingtalkSign, feishuSign } from './sign.js';
import { kindName } from './targets.js';
import type { NotifyItem, NotifyKind, NotifySummary, NotifyTarget } from './types.js';

export interface PreparedRequest {
  url: string;
  body: unknown;
}

/** The URL and JSON body to POST for one target; signing uses `nowMs` (milliseconds since the epoch). */
export function buildRequest(target: NotifyTarget, summary: NotifySummary, nowMs: number): PreparedRequest {
  switch (target.kind) {
    case 'dingtalk': {
      const { title, text } = renderMessage(summary, 'markdown');
      const body = { msgtype: 'markdown', markdown: { title, text } };
      if (target.secret === undefined) return { url: target.url, body };
      const timestamp = Math.floor(nowMs);
      const sign = encodeURIComponent(dingtalkSign(target.secret, timestamp));
      const url = new URL(target.url);
      url.hash = '';
      return { url: `${url.href}${url.search ? '&' : '?'}timestamp=${timestamp}&sign=${sign}`, body };
    }
    case 'wecom': {
      const { text } = renderMessage(summary, 'markdown');
      return { url: target.url, body: { msgtype: 'markdown', markdown: { content: text } } };
    }
    case 'feishu': {
      const { text } = renderMessage(summary, 'plain');
      const message = { msg_type: 'text', content: { text } };
      if (target.secret === undefined) return { url: target.url, body: message };
      const timestamp = Math.floor(nowMs / 1000);
      return { url: target.url, body: { timestamp: String(timestamp), sign: feishuSign(target.secret, timestamp), ...message } };
    }
    case 'json':
      return { url: target.url, body: { tool: 'evidence-audit', ...cleanSummary(summary) } };
  }
}

/** The summary with its texts stripped of control characters; reasons quote pages from the network. */
export function cleanSummary(summary: NotifySummary): NotifySummary {
  const item = (i: NotifyItem): NotifyItem => ({ id: cleanText(i.id), title: cleanText(i.title), reason: cleanText(i.reason, 1000) });
  return {
    ...summary,
    title: cleanText(summary.title),
    newlyFailing: summary.newlyFailing.map(item),
    fixed: summary.fixed.map((f) => ({ id: cleanText(f.id), title: cleanText(f.title) })),
    ...cleanLinks(summary),
    topProblems: summary.topProblems.map(item),
  };
}

/** URLs are kept whole (up to 2,000 characters): a webhook's reader follows them. Absent stays absent. */
function cleanLinks(summary: NotifySummary): Pick<NotifySummary, 'newlyFailingEvidence' | 'fixedEvidence'> {
  const link = (l: { id: string; title: string; url: string }) => ({ id: cleanText(l.id), title: cleanText(l.title), url: cleanText(l.url, 2000) });
  return {
    ...(summary.newlyFailingEvidence ? { newlyFailingEvidence: summary.newlyFailingEvidence.map((l) => ({ ...link(l), reason: cleanText(l.reason, 1000) })) } : {}),
    ...(summary.fixedEvidence ? { fixedEvidence: summary.fixedEvidence.map(link) } : {}),
  };
}

export interface Answer {
  ok: boolean;
  detail: string;
}

/**
 * Robots answer HTTP 200 even when they refuse a message, so their own code decides:
 * DingTalk and WeCom `errcode`/`errmsg`, Feishu `code`/`msg` (older bots: `StatusCode`/`StatusMessage`).
 * A generic JSON webhook succeeds with any 2xx.
 */
export function readAnswer(kind: NotifyKind, status: number, text: string): Answer {
  const http = `HTTP ${status}`;
  const success = status >= 200 && status < 300;
  if (kind === 'json') return { ok: success, detail: success || !text.trim() ? http : `${http}: ${cleanText(text, 120)}` };

  const json = parseObject(text);
  const code = kind === 'feishu' ? (json?.['code'] ?? json?.['StatusCode']) : json?.['errcode'];
  const message = kind === 'feishu' ? (json?.['msg'] ?? json?.['StatusMessage']) : json?.['errmsg'];
  const name = kindName(kind);
  const codeText = `${name} ${kind === 'feishu' ? 'code' : 'errcode'} ${cleanText(String(code), 40)}${message !== undefined ? `: ${cleanText(String(message), 200)}` : ''}`;

  if (!success) return { ok: false, detail: code !== undefined ? `${http}, ${codeText}` : http };
  if (code === 0 || code === '0') return { ok: true, detail: http };
  if (code !== undefined) return { ok: false, detail: codeText };
  const snippet = cleanText(text, 120);
  return { ok: false, detail: `${http}, but not a ${name} robot's answer${snippet ? `: ${snippet}` : ''} (check the webhook URL)` };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
