import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { load, type CheerioAPI } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/model/report.js';
import type { EvidenceResult } from '../src/model/results.js';
import { catalogue, type Lang } from '../src/i18n/index.js';
import { htmlFormatter } from '../src/report/html.js';
import { toJson, type ReportJson } from '../src/report/json.js';
import { formatNumber } from '../src/report/words.js';
import type { IndicatorResult } from '../src/model/report.js';
import { demoReport } from './report-fixture.js';

const IMG = '<img src=x onerror=alert(1)>';
const JS_URL = 'javascript:alert(1)';
const ATTR_BREAK = '"><svg onload=alert(1)>';

let report: AuditReport;
let json: ReportJson;
let html: string;
let hostileHtml: string;

beforeAll(async () => {
  report = await demoReport();
  json = toJson(report, 'zh');
  html = render(report, 'zh');
  hostileHtml = render(makeHostile(report), 'zh');
}, 30_000);

function render(r: AuditReport, lang: Lang): string {
  return htmlFormatter.format(r, { lang, color: false, verbose: false });
}

function leaves(results: IndicatorResult[]): IndicatorResult[] {
  return results.flatMap((r) => (r.evidence ? [r] : leaves(r.children)));
}

function allEvidence(r: AuditReport): EvidenceResult[] {
  return leaves(r.indicators).flatMap((l) => l.evidence ?? []);
}

/** A criteria file and a network that try to inject markup, scripts and script URLs. */
function makeHostile(source: AuditReport): AuditReport {
  const r = structuredClone(source);
  r.title = `</title><script>alert(1)</script>${ATTR_BREAK}`;
  r.indicators[0]!.indicator.title = IMG;
  const evidence = leaves(r.indicators)[0]!.evidence![0]!;
  evidence.evidence.url = JS_URL;
  evidence.evidence.title = `${ATTR_BREAK} \u202Egnp.exe`;
  evidence.finalUrl = ` java\tscript:alert(2)`;
  r.criteria.path = `${IMG}.yaml`;
  r.selection = { reason: `--only ${IMG}`, skipped: [{ id: '九', title: IMG }] };
  r.changes = {
    baseline: { path: `${ATTR_BREAK}.json`, finishedAt: '2026-03-01T00:00:00Z', score: 80 },
    scoreDelta: -12.5,
    newlyFailing: [{ id: '一.2', title: IMG, reason: `${IMG} reason`, previous: 'pass' }],
    fixed: [{ id: '二.1', title: IMG }],
  };
  r.complete = false;
  return r;
}

function isHttp(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Every attribute of every element, for checks that must not miss one. */
function attributes($: CheerioAPI): { tag: string; name: string; value: string }[] {
  return $('*').toArray().flatMap((el) => Object.entries((el as { attribs?: Record<string, string> }).attribs ?? {})
    .map(([name, value]) => ({ tag: (el as { tagName: string }).tagName, name, value })));
}

describe('html report: self-contained and inert', () => {
  it('loads nothing from anywhere: links to evidence are the only http(s) URLs', () => {
    const $ = load(html);
    const cited = new Set(allEvidence(report).flatMap((e) => [new URL(e.evidence.url).href, new URL(e.finalUrl).href]));
    expect($('[src]').length).toBe(0);
    expect($('link, img, iframe, object, embed, video, audio, source, base, form').length).toBe(0);
    for (const { tag, name, value } of attributes($)) {
      if (name === 'href') {
        expect(tag).toBe('a');
        expect(cited.has(value), value).toBe(true);
        continue;
      }
      // No other attribute may carry a URL a browser would fetch.
      if (name !== 'content' && name !== 'title' && name !== 'aria-label') expect(value, `${tag}[${name}]`).not.toMatch(/https?:\/\//i);
      expect(name).not.toMatch(/^on/i);
    }
    for (const a of $('a[href]').toArray()) {
      expect(isHttp($(a).attr('href')!)).toBe(true);
      expect($(a).attr('rel')!.split(/\s+/)).toEqual(expect.arrayContaining(['noopener', 'noreferrer']));
    }
    const css = $('style').text() + $('[style]').toArray().map((el) => $(el).attr('style')).join(';');
    expect(css).not.toMatch(/url\s*\(/i);
    expect(css).not.toMatch(/@import/i);
    expect($('script').length).toBe(1);
  });

  it('has a strict CSP that allows exactly its own script', () => {
    const $ = load(html);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect($('head > meta').first().attr('charset')).toBe('utf-8');
    const csp = $('meta[http-equiv="Content-Security-Policy"]').attr('content') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('img-src')).toEqual(['data:']);
    expect(directives.get('style-src')).toEqual(["'unsafe-inline'"]);
    const hash = `'sha256-${createHash('sha256').update($('script').text(), 'utf8').digest('base64')}'`;
    expect(directives.get('script-src')).toEqual([hash]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });

  it('is in the reader\'s language, with every section shown', () => {
    const zh = load(html);
    const en = load(render(report, 'en'));
    expect(zh('html').attr('lang')).toBe('zh-CN');
    expect(en('html').attr('lang')).toBe('en');
    for (const [$, lang] of [[zh, 'zh'], [en, 'en']] as const) {
      const L = catalogue(lang).ui.labels;
      expect($('title').text()).toContain(report.title);
      expect($('body').text()).toContain(L.onlyFailures);
      expect($('.meta').text()).toContain(report.criteria.sha256.slice(0, 12));
      expect($('.meta').text()).toContain(report.criteria.path);
      expect($('#total').attr('data-score')).toBe(String(report.totals.score));
      expect($('.section-bar').length).toBe(report.indicators.length);
      expect($('tr.ev').length).toBe(allEvidence(report).length);
      expect($('.incomplete, [role=alert]').length).toBe(0);
    }
  });

  it('renders hostile titles, URLs and messages as inert text', () => {
    const $ = load(hostileHtml);
    expect($('img, svg[onload]').length).toBe(0);
    expect($('script').length).toBe(1);
    expect($('head > title').text()).toBe(`</title><script>alert(1)</script>${ATTR_BREAK} — ${catalogue('zh').ui.labels.report}`);
    for (const { name, value } of attributes($)) {
      expect(name).not.toMatch(/^on/i);
      if (name === 'href') expect(isHttp(value), value).toBe(true);
    }
    expect($('[href*="script:" i]').length).toBe(0);
    // Escaped, so shown as written.
    expect($('tr.ind').first().find('.title').text()).toBe(IMG);
    expect($('.section-bar').first().text()).toContain(IMG);
    const first = $('tr.ev').first();
    expect(first.find('a').length).toBe(0);
    expect(first.text()).toContain(JS_URL);
    expect(first.text()).toContain(ATTR_BREAK);
    expect(first.text()).not.toContain('\u202E');
    expect(hostileHtml).not.toContain(IMG);
    expect(hostileHtml).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows the incomplete warning, the selection and the changes', () => {
    const $ = load(hostileHtml);
    const t = catalogue('zh').ui;
    expect($('[role=alert]').text()).toContain(t.labels.incomplete);
    expect($('.selection').text()).toContain(t.skippedBecause(`--only ${IMG}`));
    expect($('.selection li').text()).toContain('九');
    const changes = $('.changes');
    expect(changes.find('h2').text()).toBe(t.labels.changes);
    expect(changes.text()).toContain(t.scoreDelta('-12.50'));
    expect(changes.find('.newly-failing li').text()).toContain(`${IMG} reason`);
    expect(changes.find('.fixed li').length).toBe(1);
    expect($('.changes [data-score-delta]').attr('data-score-delta')).toBe('-12.5');
  });

  it('gives every verdict in words as well as colour, and each evidence its facts', () => {
    const $ = load(html);
    const verdicts = catalogue('zh').ui.verdict;
    for (const row of $('tr.ind, tr.ev').toArray()) {
      const verdict = $(row).attr('data-verdict') as keyof typeof verdicts;
      expect($(row).find('.verdict').text()).toBe(verdicts[verdict]);
      expect($(row).hasClass(`v-${verdict}`)).toBe(true);
    }
    const rows = $('tr.ev').toArray();
    allEvidence(report).forEach((e, i) => {
      const row = $(rows[i]);
      expect(row.attr('data-verdict')).toBe(e.verdict);
      expect(row.text()).toContain(e.evidence.url);
      if (e.httpStatus) expect(row.find('.http').text()).toContain(String(e.httpStatus));
      if (e.lastUpdated) expect(row.find('.date').text()).toContain(e.lastUpdated);
      expect(row.find('.reason').length).toBe(e.verdict === 'pass' ? 0 : 1);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// In a real browser, offline

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const browserPath = CANDIDATES.find((p): p is string => Boolean(p) && existsSync(p!));
const SKIP_NOTICE = 'html.test.ts: browser test skipped: no Chromium; apt-get install chromium (or set CHROMIUM_PATH)';
if (!browserPath) console.warn(SKIP_NOTICE);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('html report in Chromium', { tags: ['slow'] }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-html-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  (browserPath ? it : it.skip)('shows the JSON\'s totals, filters failures, and prints on A4, with no network', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: browserPath!, args: ARGS, timeout: 15_000 });
    try {
      const page = await browser.newPage();
      const offsite: string[] = [];
      const consoleErrors: string[] = [];
      const pageErrors: string[] = [];
      const dialogs: string[] = [];
      page.on('request', (r) => { if (!r.url().startsWith('file:')) offsite.push(r.url()); });
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));

      const file = join(dir, 'report.html');
      writeFileSync(file, html);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      // The total, as data and as shown, is the JSON's.
      const total = page.locator('#total');
      expect(Number(await total.getAttribute('data-score'))).toBe(json.score);
      expect(Number(await total.getAttribute('data-max-score'))).toBe(json.max_score);
      expect(await total.locator('.total-score').innerText()).toBe(formatNumber(json.score));
      expect(await total.locator('.total-max').innerText()).toBe(formatNumber(json.max_score));
      expect(await total.innerText()).toContain(`${formatNumber(json.score)} / ${formatNumber(json.max_score)}`);

      // One bar per top-level section, each with the JSON's figures.
      const bars = page.locator('.section-bar');
      expect(await bars.count()).toBe(json.indicators.length);
      for (const [i, section] of json.indicators.entries()) {
        expect(Number(await bars.nth(i).getAttribute('data-score'))).toBe(section.score);
        expect(await bars.nth(i).isVisible()).toBe(true);
      }

      // The filter: hidden rows are exactly the passing ones; unchecking shows them all again.
      const rows = () => page.locator('tr.ev').evaluateAll((els) => els.map((el) => ({
        verdict: el.getAttribute('data-verdict'), shown: el.getClientRects().length > 0,
      })));
      const before = await rows();
      expect(before.length).toBe(json.summary.evidence.pass + json.summary.evidence.fail + json.summary.evidence.unverified);
      expect(before.every((r) => r.shown)).toBe(true);
      expect(before.some((r) => r.verdict === 'pass')).toBe(true);
      expect(before.some((r) => r.verdict !== 'pass')).toBe(true);
      const box = page.getByLabel(catalogue('zh').ui.labels.onlyFailures);
      await box.check();
      const filtered = await rows();
      expect(filtered.filter((r) => r.verdict === 'pass').every((r) => !r.shown)).toBe(true);
      expect(filtered.filter((r) => r.verdict !== 'pass').every((r) => r.shown)).toBe(true);

      // Printing prints what is shown, without the checkbox.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#filter').isVisible()).toBe(false);
      expect(await rows()).toEqual(filtered);
      const pdfFiltered = await page.pdf({ format: 'A4' });
      await page.emulateMedia({ media: 'screen' });
      await box.uncheck();
      expect((await rows()).every((r) => r.shown)).toBe(true);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(20_000);
      expect(pdfFiltered.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdfFiltered.length).toBeLessThan(pdf.length);

      // The hostile report runs nothing and loads nothing either.
      const hostileFile = join(dir, 'hostile.html');
      writeFileSync(hostileFile, hostileHtml);
      await page.goto(pathToFileURL(hostileFile).href, { waitUntil: 'load' });
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('tr.ind').first().locator('.title').innerText()).toBe(IMG);

      expect(offsite).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(pageErrors).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 20_000);
});
