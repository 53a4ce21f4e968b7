import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/model/report.js';
import { reason } from '../../src/model/reasons.js';
import { FORMATTERS } from '../../src/report/index.js';
import { leafResults } from '../../src/score/score.js';
import { html, runCli, startServer, NOW_ARG, type TestServer } from '../helpers.js';
import { demoReport } from '../report-fixture.js';

/**
 * Issue #6: what the network (and a criteria file from a pull request) says never reaches a
 * terminal raw, every format escapes for its own syntax, and report, archive and cache files are
 * written only where the user said, never through a symlink.
 */

let server: TestServer;
let dir: string;

/** What a hostile page or criteria file puts in a title: ANSI, OSC 8, C1, bidi, markup, a formula, a workflow command, lines. */
const HOSTILE_YAML = String.raw`"=cmd|' /C calc'!A0 \e[31mRED\e[0m \e]8;;http://evil.example/\aclick\e]8;;\a \u202Eevil\u202C | pipe <script>alert(1)</script> ::error::injected\nsecond line \x9b31mC1\x9d8;;http://c1.example/\x9c [x](javascript:alert(1)) ` + '`code`' + String.raw` ]]> & \"q\" %0A"`;

/** Bytes a server may send in a header (no ESC: undici refuses it, but C1 passes as latin1). */
const HOSTILE_LOCATION = "javascript:\x9b31m|<script>alert(1)</script>=cmd|' /C calc'!A0 ::error::loc \x9d8;;http://c1.example/\x9cend";

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/redirect') {
      return void res.writeHead(302, { location: "/landing/=cmd|'%20/C%20calc'!A0/::error::x/<script>?q=|pipe" }).end();
    }
    if (path === '/bad') return void res.writeHead(302, { location: HOSTILE_LOCATION }).end();
    if (path === '/doc') {
      return void res.writeHead(200, { 'content-type': 'application/x-\x9b31mevil|<script>alert(1)</script>' }).end(Buffer.from([0, 1, 2, 3, 0xff]));
    }
    if (path.startsWith('/landing')) {
      return void res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' })
        .end(html('<p>gone</p>').replace('测试页面', '\x1b[31m<script>alert(1)</script> ::error::t | =cmd'));
    }
    // A page that cannot exist is a 404, as on a real site: a host answering it with its template
    // and the path would make every page here its error page (test/cms-patterns/error-pages.test.ts).
    if (path.startsWith('/evidence-audit-probe-')) return void res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(html('<p>页面不存在</p>'));
    // Everything else (the path-traversal probes included) is a cacheable page.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: '"v1"' }).end(html(`<p>政务公开 ${path.replace(/[<&]/g, '')}</p>`));
  });
  dir = await mkdtemp(join(tmpdir(), 'audit-output-safety-'));
});
afterAll(() => server.close());

function hostileCriteria(): string {
  const o = server.origin;
  return `version: 1
title: ${HOSTILE_YAML}
settings:
  per_host_rate: 50
  per_host_concurrency: 4
  timeout: 2s
  retries: 0
indicators:
  - id: "A"
    title: "+SUM(1) 分组 \\e[1mBOLD\\e[0m"
    weight: 3
    indicators:
      - id: "A.1"
        title: ${HOSTILE_YAML}
        weight: 1
        evidence:
          - title: ${HOSTILE_YAML}
            url: ${o}/redirect
      - id: "A.2"
        title: "@SUM(A1:A2) -2+3"
        weight: 1
        evidence:
          - title: "-2+3 \\e]0;window title\\a @x"
            url: ${o}/bad
      - id: "A.3"
        title: "=1+1"
        weight: 1
        evidence:
          - url: ${o}/doc
            keywords: [政务]
`;
}

/** ESC, C1 controls (CSI 0x9b, OSC 0x9d …) and bidi overrides: none may be left in any output. */
const TERMINAL_CONTROL = /[\u001b\u0080-\u009f\u202a-\u202e\u2066-\u2069]/;

function expectTerminalSafe(name: string, text: string): void {
  expect(text, `${name} holds a terminal control`).not.toMatch(TERMINAL_CONTROL);
  // The whole sequence went, not only its ESC byte.
  expect(text, `${name} kept the rest of an escape sequence`).not.toMatch(/\[31m|\[0m|\[1m|8;;http|0;window title/);
  expect(text, name).toContain('RED');
  expect(text, name).toContain('click');
}

/** Cells of a markdown table row: split at pipes not escaped by a backslash. */
function markdownCells(line: string): number {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).length;
}

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      expect(ch, 'a bare CR or LF outside quotes').not.toMatch(/[\r\n]/);
      cell += ch;
    }
  }
  expect(cell === '' && row.length === 0, 'the last record ends with CRLF').toBe(true);
  return rows;
}

/** A workflow command line as the runner reads it (ActionCommand.TryParseV2). */
function parseCommand(line: string): { name: string; properties: Record<string, string>; message: string } {
  expect(line.startsWith('::')).toBe(true);
  const end = line.indexOf('::', 2);
  expect(end).toBeGreaterThan(2);
  const head = line.slice(2, end);
  const space = head.indexOf(' ');
  const name = space < 0 ? head : head.slice(0, space);
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      expect(eq).toBeGreaterThan(0);
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      expect(value, 'a property value holds an unescaped delimiter').not.toMatch(/[:,\r\n]/);
      properties[key] = unescape(value);
    }
  }
  return { name, properties, message: unescape(line.slice(end + 2)) };
}

function unescape(value: string): string {
  return value.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

describe('terminal and format safety', () => {
  it('keeps escapes out of every format, and each format escapes for its own syntax', async () => {
    const file = join(dir, 'hostile.yaml');
    await writeFile(file, hostileCriteria());
    const out = (name: string) => join(dir, name);
    const result = await runCli([
      file, '--now', NOW_ARG, '--verbose', '--lang', 'en', '--format', 'table',
      '--output', out('r.json'), '--output', out('r.md'), '--output', out('r.xml'), '--output', `github:${out('r.github')}`,
      '--output', out('r.csv'), '--output', out('r.html'),
    ]);
    expect(result.stderr).not.toMatch(/could not write|unexpected error/);
    expect(result.code).toBe(1);
    const read = (name: string) => readFile(out(name), 'utf8');
    const outputs: Record<string, string> = {
      table: result.stdout, json: await read('r.json'), markdown: await read('r.md'), junit: await read('r.xml'),
      github: await read('r.github'), csv: await read('r.csv'), html: await read('r.html'),
    };
    for (const [name, text] of Object.entries(outputs)) expectTerminalSafe(name, text);
    expect(result.stderr).not.toMatch(TERMINAL_CONTROL);

    // JSON: valid, and no string in it holds a control (jq -r prints strings raw).
    const json = JSON.parse(outputs.json!);
    expect(outputs.json).not.toMatch(/\\u00(1b|9b|9d|07)/i);
    for (const s of allStrings(json)) expect(s).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const evidence = json.indicators[0].indicators.map((leaf: { evidence: unknown[] }) => leaf.evidence[0]);
    const [redirected, bad, doc] = evidence as { final_url: string; status: string; checks: { code: string; message: string }[] }[];
    expect(redirected!.final_url).toContain('/landing/');
    expect(bad!.checks.find((c) => c.code === 'BAD_REDIRECT')!.message).toContain('<script>alert(1)</script>');
    expect(doc!.checks.find((c) => c.code === 'DOCUMENT_UNREAD')!.message).toContain('application/x-evil|<script>alert(1)</script>');
    const problems = evidence.length - (evidence as { status: string }[]).filter((e) => e.status === 'pass').length;
    expect(problems).toBe(3);

    // Markdown: every row of every table has as many cells as its header; no HTML, no script link.
    const md = outputs.markdown!;
    const tables: string[][] = [];
    let current: string[] | undefined;
    for (const line of md.split('\n')) {
      if (line.startsWith('|')) {
        if (!current) tables.push((current = []));
        current.push(line);
      } else current = undefined;
    }
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const table of tables) {
      const width = markdownCells(table[0]!);
      for (const row of table) expect(markdownCells(row), row).toBe(width);
    }
    expect(md).not.toMatch(/<script|<\/script|<img/i);
    expect(md).toContain('&lt;script&gt;');
    // A <summary> sits in an HTML block, where markdown is not parsed: links there are inert text.
    const markdownLines = md.split('\n').filter((line) => !line.startsWith('<summary>')).join('\n');
    expect(markdownLines).not.toMatch(/(?<!\\)\]\((?!https?:)/);
    expect(md).toMatch(/<summary>[^\n]*\[x\]\(javascript:alert\(1\)\)[^\n]*<\/summary>/);

    // CSV: every record as wide as the header, and no cell a spreadsheet would run.
    const rows = parseCsv(outputs.csv!.replace(/^\uFEFF/, ''));
    expect(rows.length).toBe(4);
    for (const row of rows) {
      expect(row).toHaveLength(rows[0]!.length);
      for (const cell of row) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(rows.flat().some((cell) => cell.startsWith("'=cmd|' /C calc'!A0"))).toBe(true);
    expect(rows.flat().some((cell) => cell.startsWith("'-2+3"))).toBe(true);
    expect(rows.flat().some((cell) => cell.startsWith("'@SUM"))).toBe(true);

    // JUnit: well-formed XML whose parsed text is the (cleaned) title, markup and all.
    expect(XMLValidator.validate(outputs.junit!)).toBe(true);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(outputs.junit!);
    const suites = [xml.testsuites.testsuite].flat();
    const cases = suites.flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as Record<string, unknown>[];
    expect(cases).toHaveLength(3);
    expect(String(cases[0]!['@name'])).toContain('| pipe <script>alert(1)</script> ::error::injected');
    expect(JSON.stringify(cases)).not.toMatch(/\\u00(1b|9b|9d)/i);

    // HTML: the report's one script is its own; nothing from the report is markup; links only http(s).
    const page = outputs.html!;
    expect(page.match(/<script/gi)).toHaveLength(1);
    expect(page).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);

    // GitHub: one line, one command; hostile text stays in the message or escaped properties.
    const lines = outputs.github!.trimEnd().split('\n');
    expect(lines).toHaveLength(problems + 1);
    const commands = lines.map(parseCommand);
    expect(commands.map((c) => c.name)).toEqual(['error', 'error', 'warning', 'notice']);
    for (const c of commands.slice(0, 3)) expect(Object.keys(c.properties).sort()).toEqual(['col', 'file', 'line', 'title']);
    expect(commands[0]!.properties['title']).toContain('::error::injected');
    // A literal "%0A" in a title stays text: the runner would otherwise read it as a line break.
    expect(commands[0]!.properties['title']).toMatch(/ %0A$/);
    expect(commands[1]!.message).toContain('::error::loc');
  });
});

describe('each formatter on its own', () => {
  it('strips whole escape sequences even when handed a raw report (a library caller skips the delivery boundary)', { tags: ['slow'] }, async () => {
    const report: AuditReport = structuredClone(await demoReport());
    const ansi = 'T \x1b[31mRED\x1b[0m \x1b]8;;http://evil.example/\x07click\x1b]8;;\x07 \x9b1mC1 \u202eevil';
    report.title = ansi;
    const leaf = leafResults(report.indicators).find((l) => l.evidence?.some((e) => e.verdict === 'fail'))!;
    leaf.indicator.title = ansi;
    const failed = leaf.evidence!.find((e) => e.verdict === 'fail')!;
    failed.evidence.title = ansi;
    failed.finalUrl = 'http://x.example/\x1b[2J';
    // The message quotes the location with JSON.stringify, which spells ESC as the inert text \u001b but leaves C1 controls and bidi raw.
    failed.checks = [{ name: 'fetch', status: 'fail', reason: reason('BAD_REDIRECT', { location: 'javascript:\x9b31mX\x9d8;;http://evil.example/\x9c \u202eevil' }) }];
    for (const [name, formatter] of Object.entries(FORMATTERS)) {
      const text = formatter.format(report, { lang: 'en', color: false, verbose: true });
      expectTerminalSafe(name, text);
      if (name === 'json') {
        for (const s of allStrings(JSON.parse(text))) expect(s).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      }
    }
  }, 30_000);
});

describe('output files', () => {
  it('replaces a symlink planted at the output path, never writing where it points', async () => {
    const file = join(dir, 'plain.yaml');
    await writeFile(file, `version: 1\ntitle: t\nsettings: { per_host_rate: 50, timeout: 2s, retries: 0 }\nindicators:\n  - id: "A"\n    title: a\n    weight: 1\n    evidence:\n      - url: ${server.origin}/fine\n`);
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere, { recursive: true });
    const victim = join(elsewhere, 'victim.txt');
    await writeFile(victim, 'precious');
    const outputs = ['planted.json', 'planted.html', 'planted.csv'].map((name) => join(dir, name));
    for (const path of outputs) await symlink(victim, path);

    const result = await runCli([file, '--quiet', ...outputs.flatMap((path) => ['--output', path])]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await readFile(victim, 'utf8')).toBe('precious');
    for (const path of outputs) {
      const info = await lstat(path);
      expect(info.isSymbolicLink()).toBe(false);
      expect(info.isFile()).toBe(true);
    }
    expect(JSON.parse(await readFile(outputs[0]!, 'utf8')).version).toBe(1);
  });
});

/** Every path under `root`, relative, folders included. */
async function tree(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      found.push(relative(root, path));
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return found.sort();
}

/** URLs whose paths try to climb out of a folder named after them. */
function traversalUrls(): string[] {
  const o = server.origin;
  return [
    `${o}/../../x`, `${o}/%2e%2e/%2e%2e/%2e%2e/escaped`, `${o}/..%2f..%2f..%2fescaped`, `${o}/a/..%5c..%5c..%5cescaped`,
    `${o}/nul%00byte/..%00/x`, `${o}/?p=../../../escaped&q=..\\..\\x`, `${o}/%5C%5Cserver%5Cshare`,
  ];
}

function traversalCriteria(urls: string[]): string {
  const leaves = urls.map((url, i) => `      - id: "A.${i + 1}"\n        title: t${i + 1}\n        weight: 1\n        evidence:\n          - url: '${url}'`).join('\n');
  return `version: 1\ntitle: traversal\nsettings: { per_host_rate: 50, per_host_concurrency: 4, timeout: 2s, retries: 0 }\nindicators:\n  - id: "A"\n    title: a\n    weight: ${urls.length}\n    indicators:\n${leaves}\n`;
}

/** A fresh temporary base holding the folder the tool is given (`name`) and a folder outside it. */
async function folderAndOutside(prefix: string, name: string): Promise<{ base: string; dir: string; outside: string }> {
  const base = await mkdtemp(join(tmpdir(), prefix));
  const dir = join(base, name);
  const outside = join(base, 'outside');
  await mkdir(dir);
  await mkdir(outside);
  return { base, dir, outside };
}

describe('archive and cache folders', () => {
  it('writes the archive only inside DIR, and replaces (never follows) symlinks planted there', async () => {
    const { base, dir: archive, outside } = await folderAndOutside('audit-archive-safety-', 'archive');
    const victim = join(outside, 'victim');
    await writeFile(victim, 'precious');
    // index.json, and every WARC name the next seconds could take, point out of DIR.
    await symlink(victim, join(archive, 'index.json'));
    const planted = new Set(['archive/index.json']);
    const start = Date.now();
    for (let s = -1; s <= 8; s++) {
      const stamp = new Date(start + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
      const name = `evidence-audit-${stamp}.warc.gz`;
      await symlink(victim, join(archive, name));
      planted.add(`archive/${name}`);
    }
    const file = join(base, 'traversal.yaml');
    await writeFile(file, traversalCriteria(traversalUrls()));
    const before = await tree(base);

    const result = await runCli([file, '--quiet', '--archive', archive]);
    expect(result.stderr).toBe('');
    expect(await readFile(victim, 'utf8')).toBe('precious');
    const created = (await tree(base)).filter((path) => !before.includes(path));
    expect(created.length).toBeGreaterThan(0);
    for (const path of created) expect(path.startsWith(`archive${sep}`), path).toBe(true);
    expect((await lstat(join(archive, 'index.json'))).isFile()).toBe(true);
    const warcs = created.filter((path) => path.endsWith('.warc.gz'));
    expect(warcs).toHaveLength(1);
    expect((await lstat(join(base, warcs[0]!))).isFile()).toBe(true);
    // The planted WARC names are still the symlinks they were: taken names are skipped, not opened.
    for (const name of planted) {
      if (name === 'archive/index.json') continue;
      expect(await readlink(join(base, name))).toBe(victim);
    }
    const index = JSON.parse(await readFile(join(archive, 'index.json'), 'utf8'));
    expect(index.evidence).toHaveLength(traversalUrls().length);
  });

  it('writes the cache only inside DIR, and never into a symlinked fanout folder', async () => {
    const { base, dir: cache, outside } = await folderAndOutside('audit-cache-safety-', 'cache');
    const urls = traversalUrls();
    // Each URL's fanout folder (as written, and as the URL parser spells it) is a symlink out of DIR.
    const fanouts = new Set(urls.flatMap((url) => [url, new URL(url).href]).map((url) => createHash('sha256').update(url, 'utf8').digest('hex').slice(0, 2)));
    for (const fanout of fanouts) await symlink(outside, join(cache, fanout), 'dir');
    const file = join(base, 'traversal.yaml');
    await writeFile(file, traversalCriteria(urls));
    const before = await tree(base);

    const first = await runCli([file, '--quiet', '--cache', cache]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(await readdir(outside)).toEqual([]);
    const created = (await tree(base)).filter((path) => !before.includes(path));
    for (const path of created) expect(path.startsWith(`cache${sep}`), path).toBe(true);

    // With the symlinks gone the same URLs are cached, inside DIR: the cache does work.
    const { rm } = await import('node:fs/promises');
    for (const fanout of fanouts) await rm(join(cache, fanout));
    const second = await runCli([file, '--quiet', '--cache', cache]);
    expect(second.code).toBe(0);
    const entries = (await tree(cache)).filter((path) => path.endsWith('.entry'));
    // One per URL (the error-page probes are cached too).
    expect(entries.length).toBeGreaterThanOrEqual(new Set(urls.map((url) => new URL(url).href)).size);
    expect(await readdir(outside)).toEqual([]);
  });
});
