import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  describeTarget,
  parseNotifyOn,
  parseNotifyTarget,
  sendNotifications,
  shouldNotify,
  type NotifyOn,
  type NotifySummary,
  type NotifyTarget,
} from '../src/notify/index.js';

// ---------------------------------------------------------------------------------------------
// A local receiver on 127.0.0.1: records every request and answers as told.

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: any;
}

interface Answer {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (a receiver that times out). */
  hang?: boolean;
}

interface Receiver {
  origin: string;
  received: Received[];
  answer: Answer;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const state: Receiver = {
    origin: '',
    received: [],
    answer: {},
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        /* keep the raw text */
      }
      state.received.push({ method: req.method ?? '', path: url.pathname + url.search, query: url.searchParams, headers: req.headers, body });
      const a = state.answer;
      if (a.hang) return;
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body ?? '{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function target(spec: string): NotifyTarget {
  const parsed = parseNotifyTarget(spec);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

function summary(overrides: Partial<NotifySummary> = {}): NotifySummary {
  return {
    title: '淮南市2021年政务公开自评表',
    score: 70.5,
    maxScore: 100,
    passed: false,
    counts: { pass: 10, fail: 3, unverified: 2 },
    newlyFailing: [{ id: '一.1', title: '规划信息公开', reason: 'HTTP 404 Not Found, expected 200-299' }],
    fixed: [{ id: '二.3', title: '财政信息公开' }],
    scoreDelta: -5,
    topProblems: [
      { id: '一.1', title: '规划信息公开', reason: 'HTTP 404 Not Found, expected 200-299' },
      { id: '三.2', title: '政策解读', reason: 'missing keyword 解读' },
    ],
    reportPath: '/var/lib/audit/report.json',
    lang: 'zh',
    ...overrides,
  };
}

const NOW_MS = 1_700_000_000_123;
const now = () => NOW_MS;

let rx: Receiver;
let dispatcher: Agent;

beforeAll(async () => {
  rx = await startReceiver();
  dispatcher = new Agent();
});

afterEach(() => {
  rx.received.length = 0;
  rx.answer = {};
});

afterAll(async () => {
  await dispatcher.close();
  await rx.close();
});

// ---------------------------------------------------------------------------------------------

describe('parseNotifyTarget (no traffic)', () => {
  it('detects the robot from the real hosts', () => {
    expect(parseNotifyTarget('https://oapi.dingtalk.com/robot/send?access_token=abc')).toEqual({
      kind: 'dingtalk',
      url: 'https://oapi.dingtalk.com/robot/send?access_token=abc',
    });
    expect(parseNotifyTarget('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1')).toMatchObject({ kind: 'wecom' });
    expect(parseNotifyTarget('https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c')).toMatchObject({ kind: 'feishu' });
    expect(parseNotifyTarget('https://open.larksuite.com/open-apis/bot/v2/hook/0f1e2d3c')).toMatchObject({ kind: 'feishu' });
    expect(parseNotifyTarget('https://OAPI.DingTalk.com/robot/send?access_token=abc')).toMatchObject({ kind: 'dingtalk' });
    expect(parseNotifyTarget('https://ops.example.org/hooks/audit')).toEqual({ kind: 'json', url: 'https://ops.example.org/hooks/audit' });
    // a look-alike host is not the robot
    expect(parseNotifyTarget('https://oapi.dingtalk.com.example.org/robot/send')).toMatchObject({ kind: 'json' });
  });

  it('takes an explicit kind prefix, for any host', () => {
    expect(parseNotifyTarget('dingtalk:http://127.0.0.1:8080/robot/send?access_token=x')).toEqual({
      kind: 'dingtalk',
      url: 'http://127.0.0.1:8080/robot/send?access_token=x',
    });
    expect(parseNotifyTarget('wecom:http://127.0.0.1:1/w')).toMatchObject({ kind: 'wecom' });
    expect(parseNotifyTarget('feishu:http://127.0.0.1:1/f')).toMatchObject({ kind: 'feishu' });
    expect(parseNotifyTarget('json:https://oapi.dingtalk.com/robot/send')).toMatchObject({ problem: expect.stringContaining('DingTalk') });
    expect(parseNotifyTarget('JSON:http://127.0.0.1:1/j')).toMatchObject({ kind: 'json' });
    expect(parseNotifyTarget('  dingtalk:https://oapi.dingtalk.com/robot/send?access_token=abc \n')).toMatchObject({ kind: 'dingtalk' });
  });

  it('reads the signing secret from the #secret= fragment, which is not sent', () => {
    expect(parseNotifyTarget('https://oapi.dingtalk.com/robot/send?access_token=abc#secret=SECabc123')).toEqual({
      kind: 'dingtalk',
      url: 'https://oapi.dingtalk.com/robot/send?access_token=abc',
      secret: 'SECabc123',
    });
    expect(parseNotifyTarget('feishu:https://open.feishu.cn/open-apis/bot/v2/hook/x#secret=a%25b+c/d=')).toEqual({
      kind: 'feishu',
      url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x',
      secret: 'a%b+c/d=',
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['ftp://example.org/hook', 'http or https'],
    ['dingtalk:ftp://example.org/hook', 'http or https'],
    ['slack:https://hooks.slack.com/x', 'unknown notify kind "slack"'],
    ['dingtalk:', 'not a valid URL'],
    ['not a url', 'space'],
    ['oapi.dingtalk.com/robot/send?access_token=abc', 'not a valid URL'],
    ['https://oapi.dingtalk.com/robot/send?access_token=ab\u00a0c', 'invisible'],
    ['https://oapi.dingtalk.com/robot/send?access_token=ab\u200bc', 'invisible'],
    ['https://oapi.dingtalk.com/robot/send#token', 'only #secret='],
    ['https://oapi.dingtalk.com/robot/send#secret=', 'empty'],
    ['https://oapi.dingtalk.com/robot/send#secret=%E0%A4%A', '%25'],
    ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k#secret=SEC1', 'not signed'],
    ['json:https://ops.example.org/h#secret=SEC1', 'not signed'],
    ['wecom:https://oapi.dingtalk.com/robot/send?access_token=abc', 'DingTalk robot address, not wecom'],
  ])('refuses %j', (spec, message) => {
    const parsed = parseNotifyTarget(spec);
    expect(parsed).toHaveProperty('problem');
    expect((parsed as { problem: string }).problem).toContain(message);
  });

  it('never repeats the secret in a problem', () => {
    const parsed = parseNotifyTarget('wecom:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k#secret=SECtopsecret');
    expect(JSON.stringify(parsed)).not.toContain('topsecret');
  });

  it('describes a target for logs with tokens and secret masked', () => {
    const d = describeTarget(target('https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef#secret=SECtopsecret'));
    expect(d).toBe('dingtalk https://oapi.dingtalk.com/robot/send?access_token=*** (signed)');
    const f = describeTarget(target('https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'));
    expect(f).toBe('feishu https://open.feishu.cn/open-apis/bot/v2/hook/***');
  });
});

describe('shouldNotify', () => {
  const cases: [NotifyOn, Partial<NotifySummary>, boolean][] = [
    // fail: only a failed run
    ['fail', { passed: false }, true],
    ['fail', { passed: true, newlyFailing: [] }, false],
    ['fail', { passed: true }, false],
    // regression with a baseline: only new failures
    ['regression', { passed: false, scoreDelta: 0, newlyFailing: [] }, false],
    ['regression', { passed: false, scoreDelta: -5 }, true],
    ['regression', { passed: true, scoreDelta: -1 }, true],
    ['regression', { passed: true, scoreDelta: 3, newlyFailing: [] }, false],
    // regression without a baseline: a failed run
    ['regression', { passed: false, scoreDelta: undefined, newlyFailing: [] }, true],
    ['regression', { passed: true, scoreDelta: undefined, newlyFailing: [] }, false],
    // always
    ['always', { passed: true, newlyFailing: [] }, true],
    ['always', { passed: false }, true],
  ];
  it.each(cases)('%s with %j → %s', (on, overrides, expected) => {
    const s = summary(overrides);
    if ('scoreDelta' in overrides && overrides.scoreDelta === undefined) delete s.scoreDelta;
    expect(shouldNotify(on, s)).toBe(expected);
  });

  it('parses --notify-on', () => {
    expect(parseNotifyOn('fail')).toBe('fail');
    expect(parseNotifyOn('Regression')).toBe('regression');
    expect(parseNotifyOn('never')).toMatchObject({ problem: expect.stringContaining('fail, regression, always') });
  });
});

describe('sendNotifications against a local receiver', () => {
  it('DingTalk: markdown message, unsigned', async () => {
    const t = target(`dingtalk:${rx.origin}/robot/send?access_token=x`);
    const [result] = await sendNotifications([t], summary(), { dispatcher, now });
    expect(result).toEqual({ target: t, ok: true, detail: 'HTTP 200' });
    expect(rx.received).toHaveLength(1);
    const req = rx.received[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/robot/send?access_token=x');
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(req.body.msgtype).toBe('markdown');
    expect(Object.keys(req.body.markdown).sort()).toEqual(['text', 'title']);
    expect(req.body.markdown.title).toBe('淮南市2021年政务公开自评表：核查未通过');
    const text: string = req.body.markdown.text;
    expect(text).toContain('### 淮南市2021年政务公开自评表：核查未通过');
    expect(text).toContain('得分：70.50 / 100（较上次 -5）');
    expect(text).toContain('10 项通过，3 项未通过，2 项无法核验');
    expect(text).toContain('- 一.1 规划信息公开：HTTP 404 Not Found, expected 200-299');
    expect(text).toContain('已恢复（1 项）');
    expect(text).toContain('- 二.3 财政信息公开');
    expect(text).toContain('报告：/var/lib/audit/report.json');
  });

  it('DingTalk: signed mode adds timestamp and sign to the URL', async () => {
    const secret = 'SEC0123456789abcdef+/=';
    const t = target(`dingtalk:${rx.origin}/robot/send?access_token=x#secret=${encodeURIComponent(secret)}`);
    expect(t.secret).toBe(secret);
    const [result] = await sendNotifications([t], summary(), { dispatcher, now });
    expect(result!.ok).toBe(true);
    const req = rx.received[0]!;
    expect(req.path).not.toContain('secret');
    expect(req.query.get('access_token')).toBe('x');
    expect(req.query.get('timestamp')).toBe(String(NOW_MS));
    const expected = createHmac('sha256', secret).update(`${NOW_MS}\n${secret}`).digest('base64');
    expect(req.query.get('sign')).toBe(expected);
    // the raw query carries it URL-encoded, as DingTalk asks
    expect(req.path).toContain(`&timestamp=${NOW_MS}&sign=${encodeURIComponent(expected)}`);
    expect(JSON.stringify(req.body)).not.toContain(secret);
  });

  it('DingTalk: signed mode on a URL without a query', async () => {
    const t = target(`dingtalk:${rx.origin}/robot/send#secret=SEC1`);
    await sendNotifications([t], summary(), { dispatcher, now });
    expect(rx.received[0]!.path).toMatch(new RegExp(`^/robot/send\\?timestamp=${NOW_MS}&sign=`));
  });

  it('DingTalk: errcode ≠ 0 with HTTP 200 is a failure, with the errmsg', async () => {
    rx.answer = { body: '{"errcode":310000,"errmsg":"sign not match"}' };
    const t = target(`dingtalk:${rx.origin}/robot/send?access_token=x#secret=SECwrong`);
    const [result] = await sendNotifications([t], summary(), { dispatcher, now });
    expect(result).toEqual({ target: t, ok: false, detail: 'DingTalk errcode 310000: sign not match' });
  });

  it('DingTalk: a 200 that is not a robot answer (a login page) is a failure', async () => {
    rx.answer = { body: '<html>请登录</html>', headers: { 'content-type': 'text/html' } };
    const [result] = await sendNotifications([target(`dingtalk:${rx.origin}/robot/send`)], summary(), { dispatcher, now });
    expect(result!.ok).toBe(false);
    expect(result!.detail).toContain('not a DingTalk robot');
  });

  it('WeCom: markdown content', async () => {
    rx.answer = { body: '{"errcode":0,"errmsg":"ok"}' };
    const t = target(`wecom:${rx.origin}/cgi-bin/webhook/send?key=k`);
    const [result] = await sendNotifications([t], summary(), { dispatcher, now });
    expect(result).toEqual({ target: t, ok: true, detail: 'HTTP 200' });
    const req = rx.received[0]!;
    expect(req.path).toBe('/cgi-bin/webhook/send?key=k');
    expect(Object.keys(req.body).sort()).toEqual(['markdown', 'msgtype']);
    expect(req.body.msgtype).toBe('markdown');
    expect(Object.keys(req.body.markdown)).toEqual(['content']);
    expect(req.body.markdown.content).toContain('淮南市2021年政务公开自评表');
    expect(req.body.markdown.content).toContain('- 一.1 规划信息公开：HTTP 404');
  });

  it('WeCom: errcode ≠ 0 is a failure', async () => {
    rx.answer = { body: '{"errcode":93000,"errmsg":"invalid webhook url"}' };
    const [result] = await sendNotifications([target(`wecom:${rx.origin}/w`)], summary(), { dispatcher, now });
    expect(result).toMatchObject({ ok: false, detail: 'WeCom errcode 93000: invalid webhook url' });
  });

  it('Feishu: text message, unsigned', async () => {
    rx.answer = { body: '{"code":0,"data":{},"msg":"success"}' };
    const t = target(`feishu:${rx.origin}/open-apis/bot/v2/hook/h`);
    const [result] = await sendNotifications([t], summary({ lang: 'en' }), { dispatcher, now });
    expect(result).toEqual({ target: t, ok: true, detail: 'HTTP 200' });
    const { body } = rx.received[0]!;
    expect(Object.keys(body).sort()).toEqual(['content', 'msg_type']);
    expect(body.msg_type).toBe('text');
    const text: string = body.content.text;
    expect(text.split('\n').slice(0, 3)).toEqual([
      '淮南市2021年政务公开自评表: audit failed',
      'Score: 70.50 / 100 (-5 since the last run)',
      'Indicators: 10 passed, 3 failed, 2 unverified',
    ]);
    expect(text).toContain('· 一.1 规划信息公开: HTTP 404 Not Found, expected 200-299');
    expect(text).not.toContain('**');
  });

  it('Feishu: signed mode puts timestamp (seconds) and sign in the body', async () => {
    rx.answer = { body: '{"code":0,"msg":"success"}' };
    const secret = 'q8LkT2demo';
    const t = target(`feishu:${rx.origin}/open-apis/bot/v2/hook/h#secret=${secret}`);
    const [result] = await sendNotifications([t], summary(), { dispatcher, now });
    expect(result!.ok).toBe(true);
    const { body, path } = rx.received[0]!;
    expect(path).toBe('/open-apis/bot/v2/hook/h');
    const seconds = Math.floor(NOW_MS / 1000);
    expect(body.timestamp).toBe(String(seconds));
    const expected = createHmac('sha256', `${seconds}\n${secret}`).update('').digest('base64');
    expect(body.sign).toBe(expected);
    expect(body.msg_type).toBe('text');
  });

  it('Feishu: a non-zero code is a failure; the older StatusCode 0 is success', async () => {
    rx.answer = { body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' };
    const t = target(`feishu:${rx.origin}/hook#secret=s`);
    const [bad] = await sendNotifications([t], summary(), { dispatcher, now });
    expect(bad).toMatchObject({ ok: false, detail: 'Feishu code 19021: sign match fail or timestamp is not within one hour from current time' });

    rx.answer = { body: '{"Extra":null,"StatusCode":0,"StatusMessage":"success"}' };
    const [good] = await sendNotifications([t], summary(), { dispatcher, now });
    expect(good).toMatchObject({ ok: true, detail: 'HTTP 200' });

    rx.answer = { status: 400, body: '{"code":9499,"msg":"Bad Request"}' };
    const [http400] = await sendNotifications([t], summary(), { dispatcher, now });
    expect(http400).toMatchObject({ ok: false, detail: 'HTTP 400, Feishu code 9499: Bad Request' });
  });

  it('json: posts the summary itself, with tool; any 2xx succeeds', async () => {
    rx.answer = { status: 204, body: '' };
    const s = summary();
    const t = target(`json:${rx.origin}/hooks/audit`);
    const [result] = await sendNotifications([t], s, { dispatcher, now });
    expect(result).toEqual({ target: t, ok: true, detail: 'HTTP 204' });
    expect(rx.received[0]!.body).toEqual({ tool: 'evidence-audit', ...s });

    rx.answer = { status: 500, body: 'internal error' };
    const [failed] = await sendNotifications([t], s, { dispatcher, now });
    expect(failed).toEqual({ target: t, ok: false, detail: 'HTTP 500: internal error' });
  });

  it('does not follow a redirect', async () => {
    rx.answer = { status: 302, body: '', headers: { location: 'http://127.0.0.1:1/elsewhere' } };
    const [result] = await sendNotifications([target(`json:${rx.origin}/h`)], summary(), { dispatcher, now });
    expect(result).toMatchObject({ ok: false, detail: 'HTTP 302' });
    expect(rx.received).toHaveLength(1);
  });

  it('strips control characters from network text before sending', async () => {
    const s = summary({
      newlyFailing: [{ id: '一.1', title: '规划\u0007信息', reason: 'soft 404: the page says \u001b[31m页面不存在\u001b[0m\u202e\r\n<@all> [点此](http://evil.example)' }],
    });
    await sendNotifications(
      [target(`dingtalk:${rx.origin}/d`), target(`feishu:${rx.origin}/f`), target(`json:${rx.origin}/j`)],
      s,
      { dispatcher, now },
    );
    expect(rx.received).toHaveLength(3);
    for (const req of rx.received) {
      const raw = JSON.stringify(req.body);
      expect(raw).not.toMatch(/\\u001b|\\u0007|\u202e|\\r/);
      expect(raw).toContain('页面不存在');
    }
    const md: string = rx.received.find((r) => r.path === '/d')!.body.markdown.text;
    // Whole escape sequences go, not just their ESC byte: no `[31m` is left behind.
    expect(md).toContain('- 一.1 规划信息：soft 404: the page says 页面不存在 ＜@all＞ ［点此］(http://evil.example)');
    const json = rx.received.find((r) => r.path === '/j')!.body;
    expect(json.newlyFailing[0].reason).toBe('soft 404: the page says 页面不存在 <@all> [点此](http://evil.example)');
  });

  it('a receiver that is down: ok false, never throws', async () => {
    const port = await closedPort();
    const t = target(`dingtalk:http://127.0.0.1:${port}/robot/send?access_token=x`);
    const results = await sendNotifications([t], summary(), { dispatcher, now });
    expect(results).toEqual([{ target: t, ok: false, detail: `127.0.0.1:${port} refused the connection` }]);
  });

  it('a receiver that never answers: ok false after the timeout, targets sent in parallel', async () => {
    rx.answer = { hang: true };
    const started = Date.now();
    const results = await sendNotifications(
      [target(`wecom:${rx.origin}/a`), target(`feishu:${rx.origin}/b`), target(`json:${rx.origin}/c`)],
      summary(),
      { dispatcher, now, timeoutMs: 400 },
    );
    const elapsed = Date.now() - started;
    expect(results.map((r) => r.ok)).toEqual([false, false, false]);
    for (const r of results) expect(r.detail).toContain('within 0.4s');
    expect(elapsed).toBeLessThan(1100); // in parallel, not 3 × 400ms
    expect(rx.received).toHaveLength(3);
  });

  it('one result per target, in order, a failing target leaving the others alone', async () => {
    const port = await closedPort();
    const targets = [
      target(`json:http://127.0.0.1:${port}/down`),
      target(`dingtalk:${rx.origin}/up`),
    ];
    const results = await sendNotifications(targets, summary(), { dispatcher, now });
    expect(results.map((r) => [r.target, r.ok])).toEqual([[targets[0], false], [targets[1], true]]);
    expect(await sendNotifications([], summary(), { dispatcher, now })).toEqual([]);
  });
});

describe('message content', () => {
  async function dingtalkText(s: NotifySummary): Promise<string> {
    rx.received.length = 0;
    await sendNotifications([target(`dingtalk:${rx.origin}/d`)], s, { dispatcher, now });
    return rx.received[0]!.body.markdown.text as string;
  }

  it('Chinese for zh, English for en', async () => {
    const zh = await dingtalkText(summary({ lang: 'zh' }));
    const en = await dingtalkText(summary({ lang: 'en' }));
    expect(zh).toContain('新出现的问题（1 项）');
    expect(zh).toContain('已恢复（1 项）');
    expect(zh).not.toMatch(/Score|Newly failing|Report/);
    expect(en).toContain('### 淮南市2021年政务公开自评表: audit failed');
    expect(en).toContain('Score: 70.50 / 100 (-5 since the last run)');
    expect(en).toContain('**Newly failing (1)**');
    expect(en).toContain('**Fixed (1)**');
    expect(en).toContain('Report: /var/lib/audit/report.json');
    expect(en).not.toMatch(/得分|指标：|已恢复|报告/);
  });

  it('without a baseline, lists the top problems; with nothing failing, no list', async () => {
    const s = summary({ newlyFailing: [], fixed: [], lang: 'en' });
    delete s.scoreDelta;
    const text = await dingtalkText(s);
    expect(text).toContain('**Problems**');
    expect(text).toContain('- 三.2 政策解读: missing keyword 解读');
    expect(text).not.toContain('since the last run');
    expect(text).not.toContain('Fixed');

    const clean = await dingtalkText(
      summary({ passed: true, newlyFailing: [], topProblems: [], fixed: [], scoreDelta: 0, counts: { pass: 15, fail: 0, unverified: 0 }, lang: 'zh' }),
    );
    expect(clean).toContain('核查通过');
    expect(clean).toContain('（与上次持平）');
    expect(clean).not.toContain('- ');
  });

  it('shows a regression in a passing run, and a positive delta with a sign', async () => {
    const text = await dingtalkText(summary({ passed: true, scoreDelta: 2.345, lang: 'en' }));
    expect(text).toContain('new failures');
    expect(text).toContain('(+2.35 since the last run)');
  });

  it('lists at most 10, then "… and N more"', async () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ id: `A.${i + 1}`, title: `指标${i + 1}`, reason: 'HTTP 404' }));
    const en = await dingtalkText(summary({ newlyFailing: many, lang: 'en' }));
    expect(en).toContain('- A.10 指标10: HTTP 404');
    expect(en).not.toContain('A.11 ');
    expect(en).toContain('- … and 15 more');
    expect(en).toContain('**Newly failing (25)**');
    const zh = await dingtalkText(summary({ newlyFailing: many, lang: 'zh' }));
    expect(zh).toContain('- …… 另有 15 项');
  });

  it('keeps DingTalk and WeCom markdown within 4096 bytes', async () => {
    const reason = '页面内容与指标不符，缺少关键词：'.repeat(20);
    const many = Array.from({ length: 300 }, (_, i) => ({ id: `一.${i + 1}`, title: `很长的指标名称${i + 1}`.repeat(5), reason }));
    const fixed = Array.from({ length: 50 }, (_, i) => ({ id: `二.${i + 1}`, title: `已恢复的指标${i + 1}`.repeat(5) }));
    const s = summary({ newlyFailing: many, fixed, title: '淮南市2021年政务公开自评表'.repeat(3) });
    await sendNotifications([target(`dingtalk:${rx.origin}/d`), target(`wecom:${rx.origin}/w`), target(`feishu:${rx.origin}/f`)], s, {
      dispatcher,
      now,
    });
    const texts = [
      rx.received.find((r) => r.path === '/d')!.body.markdown.text as string,
      rx.received.find((r) => r.path === '/w')!.body.markdown.content as string,
      rx.received.find((r) => r.path === '/f')!.body.content.text as string,
    ];
    for (const text of texts) {
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(4096);
      expect(text).toMatch(/…… 另有 \d+ 项/);
      expect(text).toContain('一.1 ');
      expect(text).toContain('报告：/var/lib/audit/report.json');
    }
    const shown = (texts[0]!.match(/^- 一\.\d+ /gm) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(texts[0]).toContain(`…… 另有 ${300 - shown} 项`);
  });
});
