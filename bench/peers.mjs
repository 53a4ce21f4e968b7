// Peer link checkers for the benchmark: linkinator (Node) and LinkChecker (Python, Debian's package),
// each run status-only on the same URL list as our auditor, so the benchmark can report each peer's
// wall time ÷ ours. Every peer is pointed at one "list page" on a 127.0.0.x loopback server whose body
// links to every URL in the list; each peer checks those links once and does not crawl further.
//
// Nothing here may talk to anything but 127.0.0.x: both peers are told to skip any other address, and
// proxy variables are stripped from their environment so no request is routed through a proxy.
//
//   node bench/peers.mjs --selftest
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const PEERS_DIR = join(HERE, '.peers'); // git-ignored; keeps peers out of the project's package.json
const LINKINATOR_VERSION = '7.6.1'; // 8.x needs Node 22; 7.6.1 declares node >=20
const LINKINATOR_CLI = join(PEERS_DIR, 'node_modules', 'linkinator', 'build', 'src', 'cli.js');
/** URLs that are not on 127.0.0.x. No commas or spaces: linkinator splits --skip values on them. */
const NOT_LOOPBACK = String.raw`^(?!https?://127\.0\.0\.\d+[:/])`;
/**
 * linkinator 7.6.1 starts checking every link on a page at once: its queue is handed promises that are
 * already running, so --concurrency does not bound them (fixed upstream in 8.x, which needs Node 22).
 * This preload makes the cap real by letting at most PEERS_FETCH_LIMIT of its fetch() calls wait for
 * response headers at once. (It uses the global fetch unless a proxy or insecure certs are in play,
 * and neither is, here.)
 */
const FETCH_GATE = 'data:text/javascript,' + encodeURIComponent(`
  const limit = Number(process.env.PEERS_FETCH_LIMIT);
  const realFetch = globalThis.fetch;
  const waiting = [];
  let active = 0;
  globalThis.fetch = async (...args) => {
    if (active < limit) active++;
    else await new Promise((resolve) => waiting.push(resolve)); // the slot is handed over, not freed
    try {
      return await realFetch(...args);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };`);
/**
 * LinkChecker with its per-host politeness floor removed. Stock LinkChecker waits a random 0.1–0.6 s
 * between two requests to a host until that host has answered with a `LinkChecker` header, and it
 * sleeps that wait holding a lock that every thread and host shares (the same lock it needs to note
 * the header), so on a fresh host a burst of threads serialises behind those sleeps. Zeroing the two
 * class defaults leaves `maxrequestspersecond` (set very high below) as the only cap, for every host.
 */
const LINKCHECKER_UNTHROTTLED = `import sys
from linkcheck.director.aggregator import Aggregate
Aggregate.wait_time_min_default = Aggregate.wait_time_max_default = 0
from linkcheck.command.linkchecker import linkchecker
sys.argv[0] = "linkchecker"
sys.exit(linkchecker())`;
/** Past this, a peer run is killed: the benchmark must stop by itself even if a peer hangs. */
const DEFAULT_DEADLINE_MS = 600_000;

/**
 * Make sure both peers are installed (installing them if `install` is true) and say how to run them.
 * A peer that can't be had is left out of the result, with a notice saying why; this never throws.
 * @param {{ log?: (msg: string) => void, install?: boolean }} [options]
 * @returns {Promise<{ linkinator?: { version: string, command: string[] },
 *   linkchecker?: { version: string, command: string[] }, notices: string[] }>}
 */
export async function ensurePeers({ log = console.error, install = true } = {}) {
  const peers = { notices: [] };
  try {
    peers.linkinator = await ensureLinkinator(log, install);
  } catch (error) {
    peers.notices.push(`linkinator skipped: ${oneLine(error)}`);
  }
  try {
    peers.linkchecker = await ensureLinkchecker(log, install);
  } catch (error) {
    peers.notices.push(`linkchecker skipped: ${oneLine(error)}`);
  }
  for (const notice of peers.notices) log(notice);
  return peers;
}

async function ensureLinkinator(log, install) {
  // Run the CLI with this very node, not whatever `#!/usr/bin/env node` finds on PATH.
  const command = [process.execPath, LINKINATOR_CLI];
  let version = existsSync(LINKINATOR_CLI) ? await versionOf(command) : undefined;
  if (version !== LINKINATOR_VERSION) {
    if (!install) throw new Error(`linkinator@${LINKINATOR_VERSION} is not in ${PEERS_DIR} (install: false)`);
    log(`installing linkinator@${LINKINATOR_VERSION} into ${PEERS_DIR} …`);
    // --no-save / --no-package-lock and a prefix of its own: the project's manifests must not change.
    const manifests = ['package.json', 'package-lock.json'].map((f) => [f, readOptional(join(ROOT, f))]);
    try {
      await run('npm', ['install', '--prefix', PEERS_DIR, '--no-save', '--no-audit', '--no-fund',
        '--no-package-lock', `linkinator@${LINKINATOR_VERSION}`], { cwd: HERE, timeout: 300_000 });
    } finally {
      for (const [file, before] of manifests) {
        if (readOptional(join(ROOT, file)) !== before) {
          if (before !== undefined) writeFileSync(join(ROOT, file), before);
          throw new Error(`npm install touched ${file}; restored it`);
        }
      }
    }
    version = await versionOf(command);
    if (version !== LINKINATOR_VERSION) throw new Error(`installed linkinator reports version ${version}`);
  }
  return { version, command };
}

async function ensureLinkchecker(log, install) {
  const command = ['linkchecker'];
  let version = await versionOf(command).catch(() => undefined);
  if (!version) {
    if (!install) throw new Error('linkchecker is not on PATH (install: false)');
    if (!(await onPath('apt-get'))) throw new Error('linkchecker is not on PATH and there is no apt-get');
    if (process.getuid?.() !== 0) throw new Error('linkchecker is not on PATH and installing it needs root');
    const aptInstall = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'linkchecker'],
      { timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    log('installing linkchecker with apt-get …');
    try {
      await aptInstall();
    } catch {
      // Most often the package lists are missing or stale; refresh them once and try again.
      await run('apt-get', ['update', '-qq'], { timeout: 600_000 });
      await aptInstall();
    }
    version = await versionOf(command);
  }
  return { version, command };
}

/**
 * Run linkinator on the list page, checking the status of every link on it once (not recursive).
 * linkinator sends HEAD, then GET again for any answer that is not 2xx (so each broken link costs two
 * requests); it does not retry (its --retry and --retry-errors are off by default).
 * @param {{ version: string, command: string[] }} peer from ensurePeers
 * @param {string} listUrl the list page, on 127.0.0.x
 * @param {{ expected: number, concurrency?: number, timeoutMs?: number, deadlineMs?: number,
 *   gate?: boolean }} options expected: how many links the list page has; timeoutMs: per request
 *   (time spent waiting at the gate counts, as linkinator starts its timer first); deadlineMs: for the
 *   whole run; gate: false runs linkinator as shipped, with every link of the page in flight at once
 * @returns {Promise<{ wallMs: number, checked: number, broken: number }>}
 */
export async function runLinkinator(peer, listUrl, { expected, concurrency = 64, timeoutMs = 20000, deadlineMs, gate = true }) {
  const [node, ...rest] = peer.command;
  const command = gate ? [node, '--import', FETCH_GATE, ...rest] : peer.command;
  const args = [
    listUrl, // no --recurse: the page is fetched (GET) and parsed, its links only get a status check
    '--format', 'json',
    '--verbosity', 'info', // the JSON lists only what the verbosity shows; `info` adds skipped links
    '--concurrency', String(concurrency),
    '--timeout', String(timeoutMs),
    '--skip', NOT_LOOPBACK,
  ];
  // cwd = the peers folder, so that no stray linkinator.config.json is picked up.
  const result = await timed(command, args, { cwd: PEERS_DIR, deadlineMs, env: { PEERS_FETCH_LIMIT: String(concurrency) } });
  // Exit code 1 only means "some link is broken"; anything else, or no JSON, is a failed run.
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`linkinator failed (exit ${result.code}): ${result.stderr.trim().slice(0, 500)}`);
  }
  const self = new URL(listUrl).href;
  const links = report.links.filter((link) => link.url !== self && link.state !== 'SKIPPED');
  const skipped = report.links.filter((link) => link.state === 'SKIPPED').length;
  const outcome = { wallMs: result.wallMs, checked: links.length, broken: links.filter((l) => l.state === 'BROKEN').length };
  return sameWork('linkinator', outcome, expected, skipped ? `${skipped} skipped` : '');
}

/**
 * Run LinkChecker on the list page: recursion level 1 (the page and its links, which are checked but
 * not parsed), robots.txt ignored, every 127.0.0.x host counted as internal. LinkChecker sends one GET
 * per link (streamed; the body is not read unless it is parsed) and does not retry.
 *
 * Its per-host rate cap cannot be switched off by configuration: it spaces requests to one host by a
 * random 0.1–0.6 s (about 3 a second) until the host has answered with a `LinkChecker` header, and
 * only then does `maxrequestspersecond` (set very high here) apply; see LINKCHECKER_UNTHROTTLED for
 * why even that header leaves it slow on fresh hosts. `unthrottled: true` removes the floor.
 * @param {{ version: string, command: string[] }} peer from ensurePeers
 * @param {string} listUrl the list page, on 127.0.0.x
 * @param {{ expected: number, threads?: number, timeoutMs?: number, deadlineMs?: number,
 *   unthrottled?: boolean }} options expected: how many links the list page has; timeoutMs: per
 *   request (rounded up to seconds); unthrottled: run with the per-host politeness floor patched out
 * @returns {Promise<{ wallMs: number, checked: number, broken: number }>}
 */
export async function runLinkchecker(peer, listUrl, { expected, threads = 64, timeoutMs = 20000, deadlineMs, unthrottled = false }) {
  // The settings that have no command-line flag. LinkChecker drops root to `nobody` only after it has
  // read its config, but a world-readable file keeps this working either way.
  const dir = mkdtempSync(join(tmpdir(), 'peers-linkchecker-'));
  chmodSync(dir, 0o755);
  const config = join(dir, 'linkcheckerrc');
  writeFileSync(config, [
    '[checking]',
    'maxrequestspersecond=1000000',
    '[filtering]',
    // Intern, so they are checked, whichever 127.0.0.x address and port they are on ...
    String.raw`internlinks=^https?://127\.0\.0\.\d+[:/]`,
    // ... and anything else is syntax-checked only, never contacted (`!` negates the pattern).
    `ignore=!${String.raw`^https?://127\.0\.0\.\d+[:/]`}`,
    'checkextern=0',
    '[csv]',
    'parts=result,valid,url', // one short row per URL, e.g. `200 OK;True;http://…`
    '',
  ].join('\n'), { mode: 0o644 });
  const args = [
    '--config', config,
    '--threads', String(threads),
    '--timeout', String(Math.ceil(timeoutMs / 1000)),
    '--recursion-level', '1',
    '--no-robots',
    '--no-status', '--no-warnings',
    '--verbose', // log every URL, not just the failures, so the rows can be counted
    '--output', 'csv/utf-8', // to stdout: nothing to write as `nobody`
    listUrl,
  ];
  let result;
  try {
    // LinkChecker silently falls back to defaults if the config file is missing; it is there (above).
    // The patched run must use the interpreter the linkchecker script names (the system python3),
    // not whichever python3 comes first on PATH.
    const command = unthrottled ? [await interpreterOf(peer.command[0]), '-c', LINKCHECKER_UNTHROTTLED] : peer.command;
    result = await timed(command, args, { cwd: dir, deadlineMs });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Exit codes: 0 all valid, 1 some invalid (or a Python crash), 2 a program error.
  if ((result.code !== 0 && result.code !== 1) || !result.stdout.includes(new URL(listUrl).href)) {
    throw new Error(`linkchecker failed (exit ${result.code}): ${result.stderr.trim().slice(0, 500)}`);
  }
  const self = new URL(listUrl).href;
  const rows = result.stdout.split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map(csvFields)
    .filter(([, valid, url]) => url !== self && valid !== 'valid'); // not the page, not the header
  // Non-loopback links are logged too, as `filtered` (syntax-checked only): they are not checked work.
  const links = rows.filter(([outcome]) => outcome !== 'filtered');
  const skipped = rows.length - links.length;
  const outcome = { wallMs: result.wallMs, checked: links.length, broken: links.filter(([, valid]) => valid !== 'True').length };
  return sameWork('linkchecker', outcome, expected, skipped ? `${skipped} filtered` : '');
}

/** The fields of one line of LinkChecker's CSV: `;`-separated, `"`-quoted where needed. */
function csvFields(line) {
  const fields = [''];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') fields[fields.length - 1] += line[++i];
    else if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) fields.push('');
    else fields[fields.length - 1] += c;
  }
  return fields;
}

/** Refuse a run that checked a different number of links: its time would not be comparable. */
function sameWork(name, outcome, expected, detail = '') {
  if (outcome.checked !== expected) {
    throw new Error(`${name} checked ${outcome.checked} links, expected ${expected}${detail ? ` (${detail})` : ''}`);
  }
  return outcome;
}

/** Spawn a peer and time it from spawn to exit; resolve once its output is all in. */
function timed([file, ...pre], args, { cwd, deadlineMs = DEFAULT_DEADLINE_MS, env: extra = {} }) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...extra };
    for (const name of Object.keys(env)) if (/^(https?|all|no)_proxy$/i.test(name)) delete env[name];
    const start = performance.now();
    const child = spawn(file, [...pre, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: deadlineMs });
    let stdout = '';
    let stderr = '';
    let wallMs;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('exit', () => (wallMs = performance.now() - start));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal) return reject(new Error(`${file} was killed by ${signal} (deadline ${deadlineMs} ms)`));
      resolve({ code, stdout, stderr, wallMs });
    });
  });
}

async function versionOf([file, ...pre]) {
  const { stdout } = await run(file, [...pre, '--version'], { timeout: 30_000 });
  const match = /(\d+\.\d+\.\d+)/.exec(stdout);
  if (!match) throw new Error(`no version in: ${stdout.trim()}`);
  return match[1];
}

/** The interpreter named on a script's `#!` line. */
async function interpreterOf(name) {
  const { stdout } = await run('sh', ['-c', `command -v ${name}`]);
  const shebang = /^#!\s*(?:\S*\/env\s+)?(\S+)/.exec(readFileSync(stdout.trim(), 'utf8').slice(0, 200));
  if (!shebang) throw new Error(`${stdout.trim()} has no #! line`);
  return shebang[1];
}

async function onPath(name) {
  return run('sh', ['-c', `command -v ${name}`]).then(() => true, () => false);
}

function readOptional(file) {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function oneLine(error) {
  return String(error?.stderr?.trim() || error?.message || error).split('\n').slice(-3).join(' | ');
}

// --- self-test: two loopback hosts, 200 links (every tenth a 404), both peers, 64 at a time --------

async function selftest() {
  const COUNT = 200;
  const LATENCY_MS = 10; // enough for requests to overlap, so the in-flight peak shows the concurrency
  let methods = {}; // "HEAD 200" → count, to show what each peer actually sends
  let inFlight = 0;
  let peak = 0;
  const page = '<!DOCTYPE html><html><head><title>p</title></head><body><p>ok</p></body></html>';
  const origins = [];
  const servers = [];
  const handler = (req, res) => {
    const path = req.url ?? '/';
    // The header LinkChecker looks for before it will lift its per-host rate cap.
    res.setHeader('LinkChecker', 'selftest');
    if (path === '/list.html') {
      const links = urls().map((u) => `<a href="${u}">${u}</a>`).join('\n');
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<html><body>\n${links}\n</body></html>`);
    }
    const status = /^\/p\/\d+\.html$/.test(path) ? 200 : 404;
    methods[`${req.method} ${status}`] = (methods[`${req.method} ${status}`] ?? 0) + 1;
    peak = Math.max(peak, ++inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length }).end(page);
    }, LATENCY_MS);
  };
  const urls = () => Array.from({ length: COUNT }, (_, i) =>
    `${origins[i % origins.length]}/${i % 10 === 9 ? 'missing' : 'p'}/${i}.html`);
  for (const address of ['127.0.0.2', '127.0.0.3']) {
    const server = createServer({ keepAliveTimeout: 30_000 }, handler);
    await new Promise((resolve) => server.listen(0, address, resolve));
    servers.push(server);
    origins.push(`http://${address}:${server.address().port}`);
  }
  const listUrl = `${origins[0]}/list.html`;
  const expectedBroken = urls().filter((u) => u.includes('/missing/')).length;
  let failed = false;
  try {
    const peers = await ensurePeers();
    console.log(JSON.stringify({ linkinator: peers.linkinator, linkchecker: peers.linkchecker, notices: peers.notices }, null, 2));
    const runs = [
      ['linkinator', runLinkinator, {}],
      ['linkinator', runLinkinator, { gate: false }],
      ['linkchecker', runLinkchecker, {}],
      ['linkchecker', runLinkchecker, { unthrottled: true }],
    ];
    for (const [name, runner, extra] of runs) {
      const label = `${name}${extra.gate === false ? ' (as shipped, no gate)' : ''}${extra.unthrottled ? ' (unthrottled)' : ''}`;
      if (!peers[name]) {
        failed = true;
        console.log(`${label}: FAIL not available`);
        continue;
      }
      methods = {};
      peak = 0;
      try {
        const result = await runner(peers[name], listUrl, { expected: COUNT, concurrency: 64, threads: 64, ...extra });
        const ok = result.broken === expectedBroken;
        failed ||= !ok;
        console.log(`${label} ${peers[name].version}: ${result.checked} checked, ${result.broken} broken` +
          ` (expected ${expectedBroken}) in ${result.wallMs.toFixed(0)} ms; at most ${peak} in flight;` +
          ` requests ${JSON.stringify(methods)}${ok ? '' : '  FAIL'}`);
      } catch (error) {
        failed = true;
        console.log(`${label}: FAIL ${error.message}`);
      }
    }
  } finally {
    for (const server of servers) server.close();
    for (const server of servers) server.closeAllConnections();
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--selftest')) {
  await selftest();
}
