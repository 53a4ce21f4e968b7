import type { LoaderKind, WallVendor } from '../i18n/reasons.js';
import { withoutSpaces } from '../util/text.js';
import type { PageFacts } from './page.js';

/**
 * A phrase only says something about the page when the page puts it up front: in the title, or
 * as a line of its own. A sentence that merely mentions it ("新校区项目正在建设中") says nothing.
 */
function lines(page: PageFacts): string[] {
  return page.text.split('\n').map((line) => withoutSpaces(line).replace(/\p{P}/gu, '')).filter(Boolean);
}

/** The phrase, give or take `slack` characters of greeting or apology around it. */
function standsAlone(lines: string[], phrase: string, slack: number): boolean {
  const needle = withoutSpaces(phrase).replace(/\p{P}/gu, '');
  return lines.some((line) => line.includes(needle) && line.length <= needle.length + slack);
}

function inTitle(page: PageFacts, phrase: string): boolean {
  return withoutSpaces(page.title).includes(withoutSpaces(phrase));
}

/** Unmistakable "this page is gone" phrases: trusted in the title or in a line of their own. */
const GONE_PHRASES = [
  '您访问的页面不存在', '页面不存在', '网页不存在', '页面找不到', '找不到页面', '找不到该页面', '无法找到该页',
  '该信息已删除', '信息已删除', '页面已删除', '该页面已被删除', '文章不存在', '404 not found', 'page not found', '404错误', '错误404',
];
/** Phrases that also occur in ordinary sentences ("项目正在建设中"): only when they start a line of their own. */
const PLACEHOLDER_PHRASES = ['栏目正在建设中', '栏目建设中', '正在建设中', '页面建设中', '信息不存在', '内容不存在'];

export function findSoft404Phrase(page: PageFacts, extraPhrases: readonly string[]): string | undefined {
  const text = lines(page);
  const gone = [...GONE_PHRASES, ...extraPhrases].find((p) => inTitle(page, p) || standsAlone(text, p, 20));
  if (gone) return gone;
  return PLACEHOLDER_PHRASES.find((phrase) => {
    const needle = withoutSpaces(phrase);
    // Allow 本/该/此 before it and a short "敬请期待" after it, nothing else.
    return text.some((line) => line.length <= needle.length + 6 && /^[本该此]?$/.test(line.slice(0, Math.max(0, line.indexOf(needle)))) && line.includes(needle));
  });
}

export interface BotWall {
  vendor: WallVendor;
  status: number;
  /** The human-check phrase that gave a captcha page away; empty for the vendors' scripts. */
  phrase: string;
}

/** Interstitials are tiny; a real page that merely has a captcha in its form is not one. */
const INTERSTITIAL_MAX_CHARS = 800;
const CHALLENGE_PHRASES = ['安全验证', '人机验证', '滑动验证', '拖动滑块', '访问异常', '访问被拦截', '您的访问被阻断', '访问受限'];

/** Anti-bot interstitials common on Chinese government sites. A wall says nothing about the link itself. */
export function detectBotWall(status: number, headers: Record<string, string>, body: string, page: PageFacts | undefined): BotWall | undefined {
  const cookies = headers['set-cookie'] ?? '';
  const wall = (vendor: WallVendor, phrase = ''): BotWall => ({ vendor, status, phrase });
  if (status === 412 && /\$_ts/.test(body)) return wall('ruishu');
  if (status === 521 || /__jsl_clearance|\('_'\)\+\('_'\)\+\('j'\)\+\('s'\)\+\('l'\)/.test(body) || /__jsl_clearance/.test(cookies)) {
    return wall('jiasule');
  }
  if (/just a moment|cf-chl|challenge-platform/i.test(body) && (status === 403 || status === 503 || status === 429)) return wall('cloudflare');
  const phrase = page && findChallengePhrase(page);
  return phrase ? wall('captcha', phrase) : undefined;
}

function findChallengePhrase(page: PageFacts): string | undefined {
  if (withoutSpaces(page.text).length > INTERSTITIAL_MAX_CHARS) return undefined;
  const text = lines(page);
  return CHALLENGE_PHRASES.find((phrase) => inTitle(page, phrase) || standsAlone(text, phrase, 20));
}

const LOADING_PHRASES = ['正在加载', '数据加载中', '加载中', 'loading'];

export interface ScriptLoader {
  loader: LoaderKind;
  phrase: string;
}

/**
 * Pages whose content arrives by script: Anhui's /public/column pages load their lists from
 * /site/label/…?IsAjax=1, others show "正在加载" where the list will be.
 */
export function findScriptLoader(page: PageFacts): ScriptLoader | undefined {
  if (/\/site\/label\/[^'"\s]*isajax=1/i.test(page.scripts)) return { loader: 'ajax', phrase: '' };
  const text = lines(page);
  const loading = LOADING_PHRASES.find((phrase) => standsAlone(text, phrase, 4));
  return loading ? { loader: 'text', phrase: loading } : undefined;
}
