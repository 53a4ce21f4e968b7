import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateEvidence, preparePage, type EvaluateOptions } from '../src/check/evaluate.js';
import { factsFromHead, HEAD_CHARS, mayHoldPhrase } from '../src/check/head.js';
import { analyzeHtml } from '../src/check/page.js';
import { echoesOf, errorPageFrom, fingerprintOf } from '../src/check/probe.js';
import { detectBotWall, findSoft404Phrase, pagePhrases } from '../src/check/signatures.js';
import type { Evidence } from '../src/model/criteria.js';
import type { FetchedResponse } from '../src/model/fetch.js';
import { withoutSpaces } from '../src/util/text.js';
import { propertySeed } from './property-seed.js';

// A status-only page far longer than its host's error page is judged from its head when no phrase
// of the content check can be in it (check/head.ts). A false "no phrase" would pass a soft 404, so
// every case here holds the head's verdict against the whole page's.

const SEED = propertySeed('head', 20_261_208);
const URL_ = 'https://www.example.gov.cn/col/col123/index.html';
const PHRASES = pagePhrases([]);

/** A long list page: the head, then enough list items that the head alone cannot be an error page. */
function longPage(middle = '', { title = '通知公告_示例市人民政府', items = 600, head = '' } = {}): string {
  const rows = Array.from({ length: items }, (_, i) => `<li><a href="/art/${i}.html" target="_blank" title="关于做好第${i}项工作的通知">关于做好第${i}项工作的通知</a><span>2024-05-0${i % 9 + 1}</span></li>`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title><style>.a{color:red}</style>${head}</head><body><div class="nav"><a href="/">首页</a> &gt; 通知公告</div><ul>${rows.slice(0, 20).join('')}${middle}${rows.slice(20).join('\n')}</ul></body></html>`;
}

function response(html: string, status = 200): FetchedResponse {
  return { ok: true, url: URL_, finalUrl: URL_, redirects: [], attempts: 1, durationMs: 1, status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(html, 'utf8'), truncated: false };
}

const EVIDENCE: Evidence = { title: '栏目', url: URL_, checks: { status: [{ min: 200, max: 299 }] }, position: { line: 1, col: 1 } };

/** The host's error page, as its two probes would teach it. */
function errorPageOf(text: string) {
  const answer = (n: number) => {
    const url = `https://www.example.gov.cn/evidence-audit-probe-${n}.html`;
    return { url, status: 404, bytes: 400, fingerprint: fingerprintOf(withoutSpaces(analyzeHtml(`<p>${text}</p>`).text), echoesOf([url])) };
  };
  return errorPageFrom([answer(1), answer(2)]);
}

/** The verdict and checks of a status-only evidence, judged with and without the head's shortcut. */
function bothWays(html: string, options: EvaluateOptions, status = 200) {
  const judge = (page: ReturnType<typeof preparePage>) => {
    const { verdict, checks } = evaluateEvidence(EVIDENCE, page, options);
    return { verdict, checks };
  };
  const fetched = response(html, status);
  return { head: judge(preparePage(fetched, { contentOnly: true, judgedBy: options })), whole: judge(preparePage(fetched, { contentOnly: true })) };
}

describe('a long status-only page judged from its head', () => {
  const options: EvaluateOptions = { now: new Date('2024-06-01'), soft404Phrases: [], errorPage: errorPageOf('抱歉，您访问的页面不存在 返回首页') };

  it('is ruled out from its head when nothing in it can be a soft 404, a wall or the error page', () => {
    const html = longPage();
    expect(html.length).toBeGreaterThan(HEAD_CHARS * 4);
    expect(mayHoldPhrase(html, PHRASES)).toBe(false);
    expect(factsFromHead(response(html), html, options)).toBeDefined();
    const { head, whole } = bothWays(html, options);
    expect(head).toEqual(whole);
    expect(head.verdict).toBe('pass');
  });

  // Each of these is a soft 404 however long the page; the head must not pass it.
  const softs: [string, string][] = [
    ['in the title', longPage('', { title: '页面不存在_示例市人民政府' })],
    ['on a line of its own, deep in the page', longPage('</ul><div class="main"><h1>该信息已删除</h1></div><ul>')],
    ['split by inline tags', longPage('</ul><p>页面<b>不</b><span class="x" title="a>b">存在</span></p><ul>')],
    ['with spaces and punctuation', longPage('</ul><p>页 面 ， 不 存 在 ！</p><ul>')],
    ['behind an entity', longPage('</ul><p>页面&nbsp;不存在</p><ul>')],
    ['written as entities', longPage('</ul><p>&#39029;&#x9762;不存在</p><ul>')],
    ['with a comment inside', longPage('</ul><p>页面<!-- x -->不存在</p><ul>')],
    ['in English, in capitals', longPage('</ul><h1>404 Not Found</h1><ul>')],
    ['a placeholder column', longPage('</ul><div>本栏目正在建设中</div><ul>')],
  ];
  for (const [how, html] of softs) {
    it(`still fails a soft 404 ${how}`, () => {
      expect(factsFromHead(response(html), html, options)).toBeUndefined();
      const { head, whole } = bothWays(html, options);
      expect(head).toEqual(whole);
      expect(head.verdict).toBe('fail');
    });
  }

  it("looks for the criteria's own phrases too", () => {
    const html = longPage('</ul><p>此链接已失效</p><ul>');
    const own = { ...options, soft404Phrases: ['此链接已失效'] };
    expect(factsFromHead(response(html), html, options)).toBeDefined();
    expect(factsFromHead(response(html), html, own)).toBeUndefined();
    expect(bothWays(html, own).head.verdict).toBe('fail');
  });

  it('leaves a page with a wall marker, a short page and a page that is not a success to the whole parse', () => {
    const walled = longPage('</ul><script>var $_ts=window.$_ts||{};</script><ul>');
    expect(factsFromHead(response(walled), walled, options)).toBeUndefined();
    const short = '<html><body><p>一个很短的页面</p></body></html>';
    expect(factsFromHead(response(short), short, options)).toBeUndefined();
    const html = longPage();
    expect(factsFromHead(response(html, 404), html, options)).toBeUndefined();
  });

  it('parses the whole page when the head shows too little text to rule out the error page', () => {
    // A head of script alone: not one visible character in the first HEAD_CHARS.
    const html = longPage('', { head: `<script>${'var a = 1;'.repeat(HEAD_CHARS / 8)}</script>` });
    expect(factsFromHead(response(html), html, options)).toBeUndefined();
    expect(factsFromHead(response(html), html, { soft404Phrases: [] })).toBeDefined(); // no error page known: nothing to rule out
  });
});

describe('mayHoldPhrase', () => {
  it('steps over markup the parser drops, and gives up where it might read it otherwise', () => {
    expect(mayHoldPhrase('<p>页面<a href="/x?a=1&b=2" title=\'x>y\'>不存在</a></p>', PHRASES)).toBe(true);
    expect(mayHoldPhrase('<p>页面<script>var x</script>不存在</p>', PHRASES)).toBe(true);
    expect(mayHoldPhrase('<p>页面<![CDATA[不存在]]></p>', PHRASES)).toBe(true);
    expect(mayHoldPhrase('<p>页面&gt;不存在</p>', PHRASES)).toBe(false); // ">" stays in the compacted text
    expect(mayHoldPhrase('<p>页面正常</p><a href="?id=1&type=2">x</a>', PHRASES)).toBe(false);
    expect(mayHoldPhrase('<p>&fjlig;</p>', ['fj'])).toBe(true); // an entity that writes letters
    expect(mayHoldPhrase('<p>ok</p>', ['Σφάλμα'])).toBe(true); // letters it does not compare: always "may"
  });

  it('never says no where the parse finds a phrase (property)', () => {
    fc.assert(fc.property(pieces(), (parts) => {
      const html = parts.join('');
      if (mayHoldPhrase(html, PHRASES)) return;
      const facts = analyzeHtml(html);
      expect(findSoft404Phrase(facts, [])).toBeUndefined();
      expect(detectBotWall(200, {}, html, facts)).toBeUndefined();
    }), { seed: SEED, numRuns: 3000 });
  });

  it("reads a head to the same text as the start of the whole page's (property)", () => {
    fc.assert(fc.property(pieces(), fc.nat(), (parts, cut) => {
      const html = parts.join('');
      const at = cut % (html.length + 1);
      const head = withoutSpaces(analyzeHtml(html.slice(0, at), { complete: false }).text);
      expect(withoutSpaces(analyzeHtml(html).text).startsWith(head)).toBe(true);
    }), { seed: SEED, numRuns: 3000 });
  });

  it('judges a long page the same from its head as from the whole (property)', () => {
    const errorPage = errorPageOf('抱歉，您访问的页面不存在');
    fc.assert(fc.property(pieces(), fc.boolean(), (parts, known) => {
      const html = longPage(parts.join(''), { items: 200 });
      const options: EvaluateOptions = { now: new Date('2024-06-01'), soft404Phrases: [], ...(known ? { errorPage } : {}) };
      const { head, whole } = bothWays(html, options);
      expect(head).toEqual(whole);
    }), { seed: SEED, numRuns: 300 });
  });
});

/** HTML made of pieces that put phrases in every form the parser may read them in, and around them. */
function pieces() {
  const phrase = fc.constantFrom(...PHRASES, '404 Not Found', 'PAGE NOT FOUND');
  const letters = phrase.chain((p) => fc.constant([...p]));
  const glue = fc.constantFrom('', ' ', '\n', '，', '&nbsp;', '&gt;', '&amp;', '<b>', '</b>', '<br/>', '<span class="a>b">', '</span>', '<!-- c -->',
    '<script>x</script>', '<i title=\'q"\'>', '&#160;', '<p>', '</p>', '<', '&', '-->', '<!x>', '</ x>');
  // Each letter as it is, as an entity or in capitals, each followed by some glue.
  const spell = (ch: string) => fc.constantFrom(ch, `&#${ch.codePointAt(0)};`, `&#x${ch.codePointAt(0)!.toString(16)};`, ch.toUpperCase());
  const spelled = letters.chain((chars) => fc.tuple(...chars.map((ch) => fc.tuple(spell(ch), glue))))
    .map((pairs) => pairs.map(([ch, g]) => ch + g).join(''));
  const piece = fc.oneof(
    { arbitrary: spelled, weight: 3 },
    { arbitrary: phrase, weight: 1 },
    { arbitrary: glue, weight: 3 },
    { arbitrary: fc.constantFrom('<title>', '</title>', '<h1>', '</h1>', '<div>', '</div>', '<li>正常的条目</li>', '页', '页面', '不存在', '4', '0'), weight: 3 },
  );
  return fc.array(piece, { maxLength: 12 });
}
