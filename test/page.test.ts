import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findDates, newestPast, newestPastDateIn } from '../src/check/dates.js';
import { echoesOf, errorPageFrom, ErrorPageProbe, fingerprintOf, looksLikeErrorPage, mayBeErrorPage, type ErrorPage, type ProbeAnswer } from '../src/check/probe.js';
import { withoutSpaces } from '../src/util/text.js';
import { checkKeywords } from '../src/check/keywords.js';
import { analyzeHtml } from '../src/check/page.js';
import { detectBotWall, findSoft404Phrase } from '../src/check/signatures.js';
import { findScriptLoader } from '../src/quirks/index.js';
import { decodeBody } from '../src/fetch/decode.js';
import { explain } from '../src/i18n/index.js';
import { propertySeed } from './property-seed.js';

const rule = (all: string[], any: string[] = [], none: string[] = []) => ({ all, any, none });

/** The properties' seed: fixed, so CI is not red by luck; FC_RANDOM=1 or FC_SEED=<n> to hunt (see property-seed.ts). */
const SEED = propertySeed('page', 20_260_315);

describe('visible text', () => {
  it('joins a keyword split across inline tags', () => {
    const { text } = analyzeHtml('<p>部门<b>预</b>算<span>公</span>开</p>');
    expect(checkKeywords(rule(['预算公开']), text).status).toBe('pass');
  });

  it('keeps block elements apart, so cells do not run together', () => {
    const { text } = analyzeHtml('<table><tr><td>2021-12-20</td><td>2021</td></tr></table><div>a</div><div>b</div>');
    expect(findDates(text)).toEqual(['2021-12-20']);
    expect(text).toContain('a\nb');
  });

  it('drops scripts, styles, comments, templates and noscript', () => {
    const { text } = analyzeHtml(
      '<script>var a="脚本"</script><style>.x{}</style><!-- 注释 --><template>模板</template><noscript>无脚本</noscript><p>正文</p>',
    );
    expect(text).toBe('正文');
  });

  it('normalises nbsp, ideographic and zero-width spaces', () => {
    const { text } = analyzeHtml('<p>政务&nbsp;&nbsp;公开\u3000\u3000专栏\u200b栏目</p>');
    expect(text).toBe('政务 公开 专栏 栏目');
    expect(checkKeywords(rule(['政务公开专栏']), text).status).toBe('pass');
  });

  it('reads meta tags by name, property and http-equiv', () => {
    const page = analyzeHtml('<head><meta name="PubDate" content="2021-12-20 17:19"><meta property="article:modified_time" content="2022-01-02T00:00:00+08:00"></head>');
    expect(page.meta.get('pubdate')).toEqual(['2021-12-20 17:19']);
    expect(page.meta.get('article:modified_time')).toEqual(['2022-01-02T00:00:00+08:00']);
  });
});

describe('dates', () => {
  it('finds every format government pages use', () => {
    expect(findDates('2021-12-20 17:19 | 2021/12/1 | 2021.02.03 | 2020年08月02日 | [2019-5-6] | 2018 年 1 月 9 日')).toEqual([
      '2021-12-20', '2021-12-01', '2021-02-03', '2020-08-02', '2019-05-06', '2018-01-09',
    ]);
  });

  it('rejects impossible dates and digits that only look like dates', () => {
    expect(findDates('2021-02-30 2021-13-01 12021-01-01 34040202000001 2021-01-011')).toEqual([]);
  });

  it('takes the newest date that is not in the future', () => {
    expect(newestPast(['2020-01-01', '2035-12-31', '2021-06-01'], '2021-12-20')).toBe('2021-06-01');
    expect(newestPast(['2035-12-31'], '2021-12-20')).toBeUndefined();
  });

  it('finds the same newest past date in a page as the list of all its dates gives', () => {
    const day = fc.tuple(fc.integer({ min: 1990, max: 2040 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }));
    const written = day.chain(([y, m, d]) => fc.constantFrom(`${y}-${m}-${d}`, `${y}/${m}/${d}`, `${y}年${m}月${d}日`, `[${y}.${m}.${d}]`));
    fc.assert(fc.property(fc.array(fc.oneof(written, fc.string({ maxLength: 6 })), { maxLength: 30 }), (parts) => {
      const text = parts.join(' ');
      expect(newestPastDateIn(text, '2026-11-27')).toBe(newestPast(findDates(text), '2026-11-27'));
    }), { numRuns: 2000, seed: SEED });
    expect(newestPastDateIn('2026-11-27 2026-11-28 2019-2-3', '2026-11-27')).toBe('2026-11-27');
    expect(newestPastDateIn('2026-02-29 2025-01-01', '2026-11-27')).toBe('2025-01-01');
  });
});

describe('the host\'s error page', () => {
  const answer = (text: string, url = 'http://x/probe'): ProbeAnswer => ({ url, status: 404, fingerprint: fingerprintOf(withoutSpaces(text), echoesOf([url])), bytes: 100 });
  const errorPageOf = (...texts: string[]): ErrorPage | undefined => errorPageFrom(texts.map((text, i) => answer(text, `http://x/probe-${i}.html`)));
  const sameAsBefore = (page: string, error: ErrorPage, echoes = echoesOf([])) => looksLikeErrorPage(fingerprintOf(withoutSpaces(page), echoes), error);

  it('rules a page out by length only when its fingerprint could never match, its echoed address taken out', () => {
    // Spaces of every kind, digits, letters that change length in lower case, CJK and surrogates.
    const char = fc.constantFrom('a', 'Z', 'İ', '页', '面', '不', '存', '在', '7', ' ', '\n', '\u00a0', '\u3000', '\u200b', '\u2028', '\ufeff', '😀', '!', '。', '/', '%');
    const text = fc.array(char, { maxLength: 300 }).map((chars) => chars.join(''));
    const segment = fc.array(fc.constantFrom('a', 'b', '页', '面', '7', '.'), { minLength: 1, maxLength: 12 }).map((chars) => chars.join(''));
    const url = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => `http://x.gov.cn/${segments.join('/')}`);
    // A page made of the error page's text, other text and the forms of its own address a template may print.
    const pageOf = (address: string, error: string) => fc.array(fc.oneof(fc.constant(error), text, fc.constantFrom(address, decodeURIComponent(address), new URL(address).pathname)), { maxLength: 6 })
      .map((parts) => parts.join(''));
    const cases = fc.tuple(url, text, fc.option(text)).chain(([address, error, second]) => fc.tuple(fc.constant(address), pageOf(address, error), fc.constant(error), fc.constant(second)));
    fc.assert(fc.property(cases, ([address, page, error, second]) => {
      const errorPage = second === null ? errorPageOf(error) : errorPageOf(error, second);
      if (!errorPage) return;
      const echoes = echoesOf([address]);
      if (!mayBeErrorPage(page, errorPage, echoes)) expect(sameAsBefore(page, errorPage, echoes)).toBe(false);
      if (sameAsBefore(page, errorPage, echoes)) expect(mayBeErrorPage(page, errorPage, echoes)).toBe(true);
    }), { numRuns: 5000, seed: SEED });
  });

  it('leaves a host without an error page when its probes cannot be read, rather than failing', async () => {
    const probe = new ErrorPageProbe(() => Promise.reject(new Error('boom')));
    await expect(probe.forOrigin('http://127.0.0.1:9')).resolves.toBeUndefined();
  });

  it('rules out a long list page at once, and keeps a page that is the error page again', () => {
    const error = errorPageOf('404 您访问的页面不存在 返回首页')!;
    expect(mayBeErrorPage('通知公告 '.repeat(5000), error)).toBe(false);
    expect(mayBeErrorPage('404 您访问的页面不存在  返回首页 2026', error)).toBe(true);
    expect(sameAsBefore('404 您访问的页面不存在  返回首页 2026', error)).toBe(true);
  });

  it('ignores what two error pages differ by, and takes two unlike answers each as an error page of its own', () => {
    const agreed = errorPageOf('请求编号 abc 页面暂时无法打开，请返回首页', '请求编号 xyz 页面暂时无法打开，请返回首页')!;
    expect(agreed.templates).toHaveLength(1);
    expect(sameAsBefore('请求编号 qrs 页面暂时无法打开，请返回首页', agreed)).toBe(true);
    expect(sameAsBefore('财政预算公开 2026年部门预算 页面', agreed)).toBe(false);
    const unlike = errorPageOf('Oops! We could not find what you were looking for.', '服务器繁忙，请稍后再试')!;
    expect(unlike.templates).toHaveLength(2);
    expect(sameAsBefore('服务器繁忙，请稍后再试', unlike)).toBe(true);
    expect(sameAsBefore('Oops! We could not find what you were looking for.', unlike)).toBe(true);
  });
});

describe('keywords', () => {
  it('any, all and none combine, and regexes are allowed', () => {
    expect(checkKeywords(rule([], ['预算', '决算']), '部门决算').status).toBe('pass');
    expect(checkKeywords(rule(['预算'], [], ['已删除']), '预算 已删除').status).toBe('fail');
    expect(checkKeywords(rule(['/20\\d{2}年度报告/']), '2021年度报告').status).toBe('pass');
  });

  it('is unverified rather than failed when the text is known to be incomplete', () => {
    const result = checkKeywords(rule(['预算']), '正在加载', { loader: 'label', phrase: '' });
    expect(result.status).toBe('unverified');
    expect(explain(result.reason, 'en')).toBe('missing "预算" in the page\'s HTML, but its list is loaded by script from /site/label/…?IsAjax=1');
    expect(explain(result.reason, 'zh')).toBe('页面 HTML 中缺少“预算”，但其列表由脚本从 /site/label/…?IsAjax=1 加载');
  });
});

describe('charset decoding', () => {
  const page = (charsetMeta: string, body: string) => `<html><head>${charsetMeta}</head><body>${body}</body></html>`;

  it('decodes gb2312 labels as GB18030, so four-byte characters survive', () => {
    const bytes = iconv.encode(page('', '栏目联系人：张㛃'), 'gb18030');
    expect(decodeBody(bytes, 'text/html; charset=gb2312')).toContain('张㛃');
  });

  it('uses the meta charset when the header has none', () => {
    const bytes = iconv.encode(page('<meta charset="gbk">', '政务公开'), 'gbk');
    expect(decodeBody(bytes, 'text/html')).toContain('政务公开');
  });

  it('reads a page with a charset label iconv does not know instead of crashing', () => {
    expect(decodeBody(Buffer.from(page('', '预算公开')), 'text/html; charset=x-user-defined')).toContain('预算公开');
  });

  it('decodes Big5', () => {
    const bytes = iconv.encode(page('', '政府資訊公開'), 'big5');
    expect(decodeBody(bytes, 'text/html; charset=big5')).toContain('政府資訊公開');
  });

  it('guesses GB18030 for undeclared bytes that are not UTF-8, and UTF-8 otherwise', () => {
    expect(decodeBody(iconv.encode(page('', '预算公开'), 'gb18030'), 'text/html')).toContain('预算公开');
    expect(decodeBody(Buffer.from(page('', '预算公开')), 'text/html')).toContain('预算公开');
  });
});

describe('signatures that must not fire on ordinary pages', () => {
  const article = (title: string, body: string) =>
    analyzeHtml(`<html><head><title>${title}</title></head><body><h1>${title}</h1><p>发布日期：2021-12-20</p>${body}</body></html>`);

  it('a sentence about a project "正在建设中" is not a soft 404', () => {
    const page = article('市重点项目建设进展', '<p>目前，新校区项目正在建设中，预计年底完工。</p>');
    expect(findSoft404Phrase(page, [])).toBeUndefined();
    const heading = article('新校区项目正在建设中', '<p>项目进展顺利。</p>');
    expect(findSoft404Phrase(heading, [])).toBeUndefined();
  });

  it('a placeholder line on its own is a soft 404', () => {
    expect(findSoft404Phrase(analyzeHtml('<div class="main"><p>该栏目正在建设中，敬请期待！</p></div>'), [])).toBe('栏目正在建设中');
    expect(findSoft404Phrase(analyzeHtml('<title>404 Not Found</title><h1>404 Not Found</h1>'), [])).toBe('404 not found');
    expect(findSoft404Phrase(analyzeHtml('<div>对不起，您访问的页面不存在或已被删除！</div>'), [])).toBe('您访问的页面不存在');
  });

  it('a mailbox form asking for a captcha code is not a bot wall; a bare challenge page is', () => {
    const filler = '<p>' + '市长信箱受理群众来信，请如实填写信件内容。'.repeat(60) + '</p>';
    const mailbox = article('市长信箱', `${filler}<form><label>请输入验证码</label><div>人机验证</div></form>`);
    expect(detectBotWall(200, {}, '', mailbox)).toBeUndefined();
    const notice = article('关于开展网络安全验证工作的通知', filler);
    expect(detectBotWall(200, {}, '', notice)).toBeUndefined();
    const wall = analyzeHtml('<title>安全验证</title><div>请拖动滑块完成安全验证</div>');
    expect(detectBotWall(200, {}, '', wall)?.vendor).toBe('captcha');
  });

  it('"加载中" inside a sentence is not a loader', () => {
    expect(findScriptLoader(article('通知', '<p>系统升级期间页面加载中可能较慢。</p>'))).toBeUndefined();
    expect(findScriptLoader(analyzeHtml('<ul id="list"></ul><div class="loading">正在加载……</div>'))).toEqual({ loader: 'text', phrase: '正在加载' });
  });
});
