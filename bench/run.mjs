#!/usr/bin/env node
// npm run bench [-- --smoke] [-- --runs N] [-- --only startup,politeness,status,full,scale] [-- --profile]
// --profile writes .cpuprofile and .heapprofile files to bench/.profiles (node --cpu-prof/--heap-prof);
// bench/profile-summary.mjs prints where the time went.
// Starts its own sites on loopback (127.0.0.2 and up), runs the auditor against them in separate
// processes, and prints medians. Every target is a ratio to a floor measured in the same run, side
// by side with the figure, never an absolute time: these machines are shared, and a floor taken an
// hour earlier is no floor. Nothing here runs in `npm test`, and a missed target never fails the run
// (CI runs --smoke only to prove the benchmark still works).
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem, tmpdir, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = dirname(here.replace(/\/$/, ''));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const runs = Number(valueOf('--runs') ?? (smoke ? 1 : 3));
/** Earlier names of two scenarios, still accepted by --only. */
const ALIASES = { throughput: 'full', peers: 'status' };
const only = valueOf('--only')?.split(',').map((name) => ALIASES[name] ?? name);
const NOW = new Date();
const NOTES_MARK = '## What changed the figures';
/** Results stored by an earlier benchmark, with other scenarios and targets, are not shown as this one's. */
const BENCH_VERSION = 2;

function valueOf(flag) {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

/** Sizes per scenario; --smoke shrinks them so CI only proves the benchmark still runs. */
const SCENARIOS = {
  startup: smoke ? { rounds: 3 } : { rounds: 15 },
  politeness: smoke ? { hosts: 3, perHost: 6, rate: 5, latencyMs: 100 } : { hosts: 20, perHost: 50, rate: 5, latencyMs: 100 },
  status: smoke ? { hosts: 2, urls: 100, latencyMs: 5 } : { hosts: 4, urls: 1000, latencyMs: 5 },
  full: smoke ? { urls: 200, latencyMs: 5 } : { urls: 5000, latencyMs: 5 },
  scale: smoke ? { hosts: 20, small: 40, large: 400, latencyMs: 5 } : { hosts: 1000, small: 2000, large: 20_000, latencyMs: 5 },
};

// ---------------------------------------------------------------- sites

/** Host i's loopback address: 127.0.y.z with z in 2–251, so no host is a .0 or .255 address. */
function addressOf(i) {
  return `127.0.${Math.floor(i / 250)}.${(i % 250) + 2}`;
}

async function startSites({ hosts, latencyMs, rate }) {
  const addresses = Array.from({ length: hosts }, (_, i) => addressOf(i));
  const child = fork(join(here, 'server.mjs'), [JSON.stringify({ addresses, latencyMs, rate, newest: NOW.toISOString() })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { origins } = await nextMessage(child, 'origins');
  return {
    origins,
    urls: (count) => Array.from({ length: count }, (_, i) => `${origins[i % origins.length]}/p/${i}.html`),
    stats: async () => { child.send('stats'); return Object.values((await nextMessage(child, 'stats')).stats); },
    reset: async () => { child.send('reset'); await nextMessage(child, 'reset'); },
    stop: () => child.kill(),
  };
}

function nextMessage(child, key) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => { if (m && key in m) { child.off('message', onMessage); resolve(m); } };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
}

// ---------------------------------------------------------------- the auditor and its floors

/** Criteria for a URL list; `full` adds the keyword and freshness checks, else status only. */
function criteriaFor(urls, settings, { full }) {
  const checks = full ? '\n        keywords: [通知公告]\n        max_age: 180d' : '';
  const leaves = urls.map((url, i) => `  - id: "L${i + 1}"
    title: 指标${i + 1}
    weight: 1
    evidence:
      - title: 栏目${i + 1}
        url: ${url}${checks}`).join('\n');
  return `version: 1\ntitle: 基准测试\nsettings:\n${Object.entries(settings).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\nindicators:\n${leaves}\n`;
}

/** Now, as milliseconds since the epoch: comparable with the times a child process reports. */
const epochNow = () => performance.timeOrigin + performance.now();

/** One audit in a process of its own (run-audit.mjs), timed from spawn to exit as well as inside. */
async function audit(urls, settings, { full = true } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'audit-bench-'));
  try {
    const criteria = join(dir, 'criteria.yaml');
    await writeFile(criteria, criteriaFor(urls, { timeout: '30s', retries: 0, ...settings }, { full }));
    const argv = [criteria, '--quiet', '--now', NOW.toISOString().slice(0, 10), '--output', `json:${join(dir, 'report.json')}`];
    const profile = args.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${join(here, '.profiles')}`, '--heap-prof', `--heap-prof-dir=${join(here, '.profiles')}`] : [];
    const spawnedAt = epochNow();
    const out = execFileSync(process.execPath, [...profile, join(here, 'run-audit.mjs'), JSON.stringify(argv)], { maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    const exitedAt = epochNow();
    const result = JSON.parse(out.toString());
    if (result.exitCode > 1) throw new Error(`audit exited ${result.exitCode}`);
    // Spawn to exit, Node's start-up included: how the floors and the peers are timed too.
    return {
      ...result,
      processWallMs: exitedAt - spawnedAt,
      ...(result.firstSendAt ? { startToFirstSendMs: result.firstSendAt - spawnedAt, lastAnswerToExitMs: exitedAt - result.lastAnswerAt, startToMainMs: result.mainAt - spawnedAt } : {}),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The bare loop (bare-loop.mjs) over the same sites: reading the pages and nothing else, spawn to exit. */
function bareLoop(sites, count, options) {
  const spawnedAt = performance.now();
  const out = execFileSync(process.execPath, [join(here, 'bare-loop.mjs'), JSON.stringify({ origins: sites.origins, count, ...options })], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { ...JSON.parse(out.toString()), processWallMs: performance.now() - spawnedAt };
}

/** CPU ms of one streaming parse of a page alone (floor.mjs): where the full-check floor's time goes. */
function parseAloneMs() {
  return JSON.parse(execFileSync(process.execPath, [join(here, 'floor.mjs'), smoke ? '20' : '200']).toString()).floorMs;
}

// ---------------------------------------------------------------- scenarios

/**
 * Whole processes, as a user starts them: `node -e 0`, then `audit --version`, `--help` and
 * `validate` of the bundled criteria.yaml through bin/audit.js, taken in turn, round after round,
 * so that each figure and the floor see the same moments of a noisy machine.
 */
async function startup({ rounds }) {
  const bin = join(root, 'bin', 'audit.js');
  const commands = {
    'node -e 0': ['-e', '0'],
    'audit --version': [bin, '--version'],
    'audit --help': [bin, '--help'],
    'audit validate': [bin, 'validate'],
  };
  const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, argv] of Object.entries(commands)) {
      const started = performance.now();
      const { status } = spawnSync(process.execPath, argv, { cwd: root, stdio: 'ignore' });
      times[name].push(performance.now() - started);
      if (status !== 0) throw new Error(`${name} exited ${status}`);
    }
  }
  const figures = {};
  const bare = median(times['node -e 0']);
  for (const [name, list] of Object.entries(times)) figures[`${name} ms`] = median(list);
  for (const name of Object.keys(commands).slice(1)) figures[`${name} ÷ node -e 0`] = median(times[name]) / bare;
  return { figures, spread: {}, notices: [`medians of ${rounds} rounds, each command once a round`] };
}

async function politeness({ hosts, perHost, rate, latencyMs }) {
  const sites = await startSites({ hosts, latencyMs, rate });
  try {
    return await repeat(async () => {
      await sites.reset();
      const run = await audit(sites.urls(hosts * perHost), { per_host_rate: rate, per_host_concurrency: 2, concurrency: 32 });
      const stats = await sites.stats();
      // The busiest host's requests as the server counted them: its URLs and its two error-page probes.
      const busiest = Math.max(...stats.map((s) => s.requests));
      const idealMs = (busiest / rate) * 1000 + latencyMs;
      return {
        'wall s (spawn to exit)': run.processWallMs / 1000,
        'requests to the busiest host': busiest,
        'ideal s (requests ÷ rate + one response)': idealMs / 1000,
        'wall ÷ ideal': run.processWallMs / idealMs,
        'start to first request s': run.startToFirstSendMs / 1000,
        '… of which Node and the CLI\'s import s': run.startToMainMs / 1000,
        '… of which the command\'s modules and the criteria s': (run.startToFirstSendMs - run.startToMainMs) / 1000,
        'last answer to exit s': run.lastAnswerToExitMs / 1000,
        'fixed cost s': (run.startToFirstSendMs + run.lastAnswerToExitMs) / 1000,
        'first to last request s': (run.lastSendMs - run.firstSendMs) / 1000,
        // CPU the audit used, beside the wall: a run whose process waits for a core (a busy
        // machine) starts its paced requests late however well it plans them.
        'audit CPU s': run.cpuMs / 1000,
        'rate violations (server)': stats.reduce((sum, s) => sum + s.overRate, 0),
        'most requests to a host in any 1 s (server)': Math.max(...stats.map((s) => s.maxPerSecond)),
        'most requests to a host in any 1 s (as sent)': run.mostSentInOneSecond,
        'most requests in flight to a host (server)': Math.max(...stats.map((s) => s.maxInFlight)),
        'most connections open to a host (server)': Math.max(...stats.map((s) => s.maxSockets)),
        'event-loop delay p99 ms': run.loopDelayP99Ms,
      };
    });
  } finally {
    sites.stop();
  }
}

/** Status only: ours against the bare GET loop, both whole processes; the peers as information. */
async function status({ hosts, urls, latencyMs }) {
  const { ensurePeers, runLinkchecker, runLinkinator } = await import('./peers.mjs');
  // A smoke run (CI) neither installs nor runs them: they are information, and LinkChecker alone
  // takes longer than the rest of a smoke run.
  const found = smoke ? { notices: ['peers not run with --smoke'] } : await ensurePeers({ log: (m) => console.error(m), install: true });
  const sites = await startSites({ hosts, latencyMs });
  const concurrency = 64;
  try {
    const listUrl = `${sites.origins[0]}/links.html?count=${urls}`;
    return await repeat(async () => {
      const ours = await audit(sites.urls(urls), { per_host_rate: 1000, per_host_concurrency: concurrency, concurrency }, { full: false });
      // GET and read every page and nothing else: what status-only costs before any check.
      const bare = bareLoop(sites, urls, { concurrency, perOrigin: concurrency, parse: false });
      const row = { 'ours s': ours.processWallMs / 1000, 'bare GET loop s': bare.processWallMs / 1000, 'ours ÷ bare GET loop': ours.processWallMs / bare.processWallMs };
      row['ours: start to first request s'] = ours.startToFirstSendMs / 1000;
      row['ours: CPU s'] = ours.cpuMs / 1000;
      if (found.linkinator) {
        const peer = await runLinkinator(found.linkinator, listUrl, { expected: urls, concurrency });
        row['linkinator s (HEAD, no body)'] = peer.wallMs / 1000;
      }
      if (found.linkchecker) {
        const peer = await runLinkchecker(found.linkchecker, listUrl, { expected: urls, threads: concurrency });
        row['linkchecker s'] = peer.wallMs / 1000;
      }
      return row;
    }, found.notices);
  } finally {
    sites.stop();
  }
}

/** Full checks: CPU per page against the bare GET + streaming-parse loop over the same URLs. */
async function full({ urls, latencyMs }) {
  const sites = await startSites({ hosts: 1, latencyMs });
  const concurrency = 64;
  try {
    return await repeat(async () => {
      // Side by side in every repetition: on a shared machine the CPU a page costs drifts with what
      // else runs, and a ratio is only fair between figures taken together.
      const floor = bareLoop(sites, urls, { concurrency, perOrigin: concurrency, parse: true });
      const ours = await audit(sites.urls(urls), { per_host_rate: 1000, per_host_concurrency: concurrency, concurrency });
      const perPage = ours.cpuMs / urls;
      const floorPerPage = floor.cpuMs / urls;
      return {
        'CPU ms per page': perPage,
        'bare GET + parse loop: CPU ms per page': floorPerPage,
        'CPU per page ÷ floor': perPage / floorPerPage,
        'of the floor, the parse alone ms': parseAloneMs(),
        'URLs/s': urls / (ours.wallMs / 1000),
        'bare loop URLs/s': urls / (floor.wallMs / 1000),
      };
    });
  } finally {
    sites.stop();
  }
}

async function scale({ hosts, small, large, latencyMs }) {
  const sites = await startSites({ hosts, latencyMs });
  const settings = { per_host_rate: 1000, per_host_concurrency: 2, concurrency: 64 };
  try {
    return await repeat(async () => {
      const few = await audit(sites.urls(small), settings);
      const many = await audit(sites.urls(large), settings);
      // What reading and parsing these pages costs with nothing kept, at the same concurrency.
      const bare = bareLoop(sites, small, { concurrency: settings.concurrency, perOrigin: settings.per_host_concurrency, parse: true });
      return {
        [`peak RSS MB at ${small}`]: few.peakRssMb,
        [`peak RSS MB at ${large}`]: many.peakRssMb,
        'RSS growth': many.peakRssMb / few.peakRssMb,
        'growth per link, bytes': ((many.peakRssMb - few.peakRssMb) * 2 ** 20) / (large - small),
        [`wall s at ${large}`]: many.wallMs / 1000,
        [`bare GET + parse loop: peak RSS MB at ${small}`]: bare.peakRssMb,
      };
    });
  } finally {
    sites.stop();
  }
}

/** Runs a scenario `runs` times and keeps the median of every figure, and its range. */
async function repeat(once, notices = []) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  const figures = {};
  const spread = {};
  for (const key of Object.keys(samples[0])) {
    const values = samples.map((s) => s[key]).filter((v) => v !== undefined);
    figures[key] = median(values);
    if (values.length > 1) spread[key] = [Math.min(...values), Math.max(...values)];
  }
  return { figures, spread, notices };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// ---------------------------------------------------------------- report

function machine() {
  let commit = 'unknown';
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here }).toString().trim(); } catch {}
  const dirty = (() => { try { return execFileSync('git', ['status', '--porcelain', '--', '../src', '../bench', '../bin'], { cwd: here }).toString().trim() !== ''; } catch { return false; } })();
  return { date: NOW.toISOString().slice(0, 16).replace('T', ' ') + ' UTC', commit: commit + (dirty ? ' (with uncommitted changes)' : ''), cpu: `${cpus()[0]?.model ?? '?'} × ${cpus().length}`, memory: `${Math.round(totalmem() / 2 ** 30)} GiB`, node: process.version, kernel: release() };
}

const TITLES = { startup: '1. Start-up', politeness: '2. Politeness', status: '3. Status only', full: '4. Full checks', scale: '5. Scale' };

function format(value) {
  return typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1)) : String(value);
}

/** The median, with the range over the runs when there were several. */
function withSpread(value, range) {
  if (value === undefined) return 'not run';
  return range && format(range[0]) !== format(range[1]) ? `${format(value)} (${format(range[0])}–${format(range[1])})` : format(value);
}

/** The issue's targets, each judged from the medians of this run, beside the floor it is a ratio to. */
function targets(results) {
  const f = (name) => results[name]?.figures;
  const s = (name) => results[name]?.spread ?? {};
  const rows = [];
  const add = (target, [name, key], met, floor = '') => {
    const value = f(name)?.[key];
    rows.push({ target, value: withSpread(value, s(name)[key]), floor, met: value === undefined ? '–' : met(value) ? 'met' : '**missed**' });
  };
  const p = f('politeness');
  add('politeness: wall ÷ ideal ≤ 1.05', ['politeness', 'wall ÷ ideal'], (v) => v <= 1.05, p ? `ideal ${format(p['ideal s (requests ÷ rate + one response)'])} s (${p['requests to the busiest host']} requests), wall ${format(p['wall s (spawn to exit)'])} s` : '');
  add('politeness: fixed cost ≤ 0.25 s (start → first request + last answer → exit)', ['politeness', 'fixed cost s'], (v) => v <= 0.25, p ? `${format(p['start to first request s'])} + ${format(p['last answer to exit s'])} s` : '');
  add('politeness: 0 rate violations (server\'s count)', ['politeness', 'rate violations (server)'], (v) => v === 0, p ? `most in any 1 s: ${p['most requests to a host in any 1 s (server)']} at rate ${SCENARIOS.politeness.rate}` : '');
  const u = f('startup');
  add('start-up: audit --version ≤ 1.5 × node -e 0', ['startup', 'audit --version ÷ node -e 0'], (v) => v <= 1.5, u ? `${format(u['audit --version ms'])} against ${format(u['node -e 0 ms'])} ms` : '');
  add('start-up: audit validate (bundled table) ≤ 2.5 × node -e 0', ['startup', 'audit validate ÷ node -e 0'], (v) => v <= 2.5, u ? `${format(u['audit validate ms'])} against ${format(u['node -e 0 ms'])} ms` : '');
  const st = f('status');
  add('status only: wall ≤ 2 × the bare GET loop', ['status', 'ours ÷ bare GET loop'], (v) => v <= 2, st ? `${format(st['ours s'])} against ${format(st['bare GET loop s'])} s` : '');
  const fu = f('full');
  add('full checks: CPU per page ≤ 1.3 × bare GET + streaming parse', ['full', 'CPU per page ÷ floor'], (v) => v <= 1.3, fu ? `${format(fu['CPU ms per page'])} against ${format(fu['bare GET + parse loop: CPU ms per page'])} ms` : '');
  const sc = f('scale');
  const { small, large, hosts } = SCENARIOS.scale;
  add(`scale: peak RSS at ${large} links ≤ 1.3 × at ${small} (${hosts} hosts)`, ['scale', 'RSS growth'], (v) => v <= 1.3, sc ? `${format(sc[`peak RSS MB at ${large}`])} against ${format(sc[`peak RSS MB at ${small}`])} MB; ${format(sc['growth per link, bytes'])} bytes a link` : '');
  add(`scale: peak RSS at ${large} links < 250 MB`, ['scale', `peak RSS MB at ${large}`], (v) => v < 250);
  return rows;
}

function markdown(results) {
  const lines = ['### Targets', '', '| target | measured (median, range) | beside it, same run | |', '|---|---|---|---|'];
  for (const row of targets(results)) lines.push(`| ${row.target} | ${row.value} | ${row.floor} | ${row.met} |`);
  lines.push('');
  for (const [name, { figures, spread = {}, notices, info }] of Object.entries(results)) {
    lines.push(`### ${TITLES[name]}`, '', `Measured ${info.date} at ${info.commit}; ${info.cpu}, ${info.memory}, Node ${info.node}, Linux ${info.kernel}; load average ${info.load} when it started; medians of ${info.runs} run(s).`, '');
    lines.push('| figure | value |', '|---|---|');
    for (const [key, value] of Object.entries(figures)) lines.push(`| ${key} | ${withSpread(value, spread[key])} |`);
    for (const notice of notices) lines.push('', `> ${notice}`);
    lines.push('');
  }
  return lines.join('\n');
}

const info = { ...machine(), runs, bench: BENCH_VERSION };
console.error(`bench: ${info.cpu}, Node ${info.node}, ${runs} run(s)${smoke ? ', smoke' : ''}`);
// Each scenario keeps its own figures and when they were taken, so `--only` re-measures one
// scenario without discarding the others.
const store = join(here, 'results.json');
const stored = smoke ? {} : JSON.parse(await readFile(store, 'utf8').catch(() => '{}'));
const results = Object.fromEntries(Object.entries(stored).filter(([name, r]) => name in SCENARIOS && r.info?.bench === BENCH_VERSION));
for (const [name, run] of Object.entries({ startup, politeness, status, full, scale })) {
  if (only && !only.includes(name)) continue;
  console.error(`bench: ${name}…`);
  const startedInfo = { ...info, load: loadavg().map((l) => l.toFixed(1)).join(' ') };
  const startedAt = performance.now();
  results[name] = { ...(await run(SCENARIOS[name])), info: startedInfo };
  console.error(Object.entries(results[name].figures).map(([k, v]) => `  ${k}: ${withSpread(v, results[name].spread?.[k])}`).join('\n'));
  console.error(`bench: ${name} took ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
}
// In the order of the scenarios, whichever were re-measured.
const ordered = Object.fromEntries(Object.keys(SCENARIOS).filter((name) => results[name]).map((name) => [name, results[name]]));
const table = markdown(ordered);
process.stdout.write(`\n${table}\n`);
// The figures in RESULTS.md are rewritten; the notes below them (what changed the figures) stay.
if (!smoke) {
  await writeFile(store, JSON.stringify(ordered, null, 2) + '\n');
  const path = join(here, 'RESULTS.md');
  const previous = await readFile(path, 'utf8').catch(() => '');
  const notes = previous.includes(NOTES_MARK) ? previous.slice(previous.indexOf(NOTES_MARK)) : `${NOTES_MARK}\n`;
  await writeFile(path, `# Benchmark results\n\nWritten by \`npm run bench\`; see bench/README.md for what each scenario does.\n\n${table}\n${notes}`);
  console.error(`bench: written to ${path}`);
}
