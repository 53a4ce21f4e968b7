import type { PageFacts } from './page.js';
import { withoutSpaces } from './page.js';

/**
 * Phrases with which a page says it is missing. Compared with spaces removed, lower-cased.
 * Trusted in the <title>, or in the text of a short page (a full page may mention them in passing).
 */
export const SOFT_404_PHRASES = [
  '页面不存在', '您访问的页面不存在', '网页不存在', '页面找不到', '找不到页面', '找不到该页面', '无法找到该页',
  '信息已删除', '该信息已删除', '信息不存在', '文章不存在', '内容不存在', '页面已删除', '该页面已被删除',
  '栏目建设中', '正在建设中', '页面建设中', '404 not found', 'page not found', '404错误', '错误404',
];

const SHORT_PAGE_CHARS = 3000;

export function findSoft404Phrase(page: PageFacts, extraPhrases: readonly string[]): string | undefined {
  const title = withoutSpaces(page.title);
  const text = withoutSpaces(page.text);
  const short = text.length <= SHORT_PAGE_CHARS;
  for (const phrase of [...SOFT_404_PHRASES, ...extraPhrases]) {
    const needle = withoutSpaces(phrase);
    if (title.includes(needle) || (short && text.includes(needle))) return phrase;
  }
  return undefined;
}

export interface BotWall {
  vendor: string;
  evidence: string;
}

/** Anti-bot interstitials common on Chinese government sites. A wall says nothing about the link itself. */
export function detectBotWall(status: number, headers: Record<string, string>, body: string, page: PageFacts | undefined): BotWall | undefined {
  const cookies = headers['set-cookie'] ?? '';
  if (status === 412 && /\$_ts/.test(body)) return { vendor: '瑞数 (Ruishu)', evidence: 'HTTP 412 with a $_ts challenge script' };
  if (/__jsl_clearance|\('_'\)\+\('_'\)\+\('j'\)\+\('s'\)\+\('l'\)/.test(body) || /__jsl_clearance/.test(cookies)) {
    return { vendor: '加速乐 (Jiasule)', evidence: `HTTP ${status} with a __jsl_clearance cookie challenge` };
  }
  if (status === 521) return { vendor: '加速乐 (Jiasule)', evidence: 'HTTP 521 challenge' };
  if (/just a moment|cf-chl|challenge-platform/i.test(body) && (status === 403 || status === 503 || status === 429)) {
    return { vendor: 'Cloudflare', evidence: `HTTP ${status} "Just a moment" challenge` };
  }
  if (page) {
    const phrase = findCaptchaPhrase(page);
    if (phrase) return { vendor: 'captcha', evidence: `the page asks for a human check ("${phrase}")` };
  }
  return undefined;
}

const CAPTCHA_PHRASES = ['安全验证', '访问异常', '人机验证', '滑动验证', '请输入验证码', '验证码', 'captcha', '访问被拦截', '您的访问被阻断'];

function findCaptchaPhrase(page: PageFacts): string | undefined {
  const title = withoutSpaces(page.title);
  const text = withoutSpaces(page.text);
  const short = text.length <= SHORT_PAGE_CHARS;
  return CAPTCHA_PHRASES.find((phrase) => {
    const needle = withoutSpaces(phrase);
    return title.includes(needle) || (short && text.includes(needle) && phrase !== '验证码');
  });
}

/**
 * Pages whose content arrives by script: Anhui's /public/column pages load their lists from
 * /site/label/…?IsAjax=1, others show "正在加载" in an empty container.
 */
export function findScriptLoader(page: PageFacts): string | undefined {
  if (/\/site\/label\/[^'"\s]*isajax=1/i.test(page.scripts)) return 'its list is loaded by script from /site/label/…?IsAjax=1';
  const text = withoutSpaces(page.text);
  const loading = ['正在加载', '数据加载中', '加载中', 'loading...'].find((phrase) => text.includes(phrase));
  return loading ? `it shows "${loading}" until a script fills it` : undefined;
}
