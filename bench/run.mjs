#!/usr/bin/env node
// npm run bench [-- --smoke] [-- --runs N] [-- --only politeness,throughput,scale,peers] [-- --profile]
// --profile writes .cpuprofile and .heapprofile files to bench/.profiles (node --cpu-prof/--heap-prof);
// bench/profile-summary.mjs prints where the time went.
// Starts its own sites on loopback (127.0.0.2 and up), runs the auditor against them in separate
// processes, and prints medians. Targets are compared as ratios measured in the same run, never as
// absolute times, because these machines are shared. Nothing here runs in `npm test`.
import { execFileSync, fork } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem, tmpdir, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const runs = Number(valueOf('--runs') ?? (smoke ? 1 : 3));
const only = valueOf('--only')?.split(',');
const NOW = new Date();
const NOTES_MARK = '## What changed the figures';

function valueOf(flag) {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

/** Sizes per scenario; --smoke shrinks them so CI only proves the benchmark still runs. */
const SCENARIOS = {
  politeness: smoke ? { hosts: 3, perHost: 6, rate: 5, latencyMs: 100 } : { hosts: 20, perHost: 50, rate: 5, latencyMs: 100 },
  throughput: smoke ? { urls: 200, latencyMs: 5 } : { urls: 5000, latencyMs: 5 },
  scale: smoke ? { hosts: 10, small: 20, large: 200, floorUrls: 100, latencyMs: 5 } : { hosts: 200, small: 200, large: 20_000, floorUrls: 4000, latencyMs: 5 },
  peers: smoke ? { hosts: 2, urls: 100, latencyMs: 5 } : { hosts: 4, urls: 1000, latencyMs: 5 },
};

// ---------------------------------------------------------------- sites

async function startSites({ hosts, latencyMs }) {
  const addresses = Array.from({ length: hosts }, (_, i) => `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`);
  const child = fork(join(here, 'server.mjs'), [JSON.stringify({ addresses, latencyMs, newest: NOW.toISOString() })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { origins } = await nextMessage(child, 'origins');
  return {
    origins,
    urls: (count) => Array.from({ length: count }, (_, i) => `${origins[i % origins.length]}/p/${i}.html`),
    stats: async () => { child.send('stats'); return (await nextMessage(child, 'stats')).stats; },
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

// ---------------------------------------------------------------- the auditor

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

async function audit(urls, settings, { full = true } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'audit-bench-'));
  try {
    const criteria = join(dir, 'criteria.yaml');
    await writeFile(criteria, criteriaFor(urls, { timeout: '30s', retries: 0, ...settings }, { full }));
    const argv = [criteria, '--quiet', '--now', NOW.toISOString().slice(0, 10), '--output', `json:${join(dir, 'report.json')}`];
    const profile = args.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${join(here, '.profiles')}`, '--heap-prof', `--heap-prof-dir=${join(here, '.profiles')}`] : [];
    const spawnedAt = performance.now();
    const out = execFileSync(process.execPath, [...profile, join(here, 'run-audit.mjs'), JSON.stringify(argv)], { maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    // Spawn to exit, Node's start-up included: how the peers are timed, so the comparison is even.
    const result = { ...JSON.parse(out.toString()), processWallMs: performance.now() - spawnedAt };
    if (result.exitCode > 1) throw new Error(`audit exited ${result.exitCode}`);
    return result;
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

function floorMs() {
  return JSON.parse(execFileSync(process.execPath, [join(here, 'floor.mjs'), smoke ? '20' : '200']).toString()).floorMs;
}

// ---------------------------------------------------------------- scenarios

async function politeness({ hosts, perHost, rate, latencyMs }) {
  const sites = await startSites({ hosts, latencyMs });
  try {
    return await repeat(async () => {
      await sites.reset();
      const { wallMs, loopDelayP99Ms, mostSentInOneSecond, firstSendMs, lastSendMs } = await audit(sites.urls(hosts * perHost), { per_host_rate: rate, per_host_concurrency: 2, concurrency: 32 });
      const stats = Object.values(await sites.stats());
      const idealMs = (perHost / rate) * 1000;
      return {
        'wall s': wallMs / 1000,
        'ideal s': idealMs / 1000,
        'wall ÷ ideal': wallMs / idealMs,
        'most requests to a host in any 1 s, as sent': mostSentInOneSecond,
        'most requests to a host in any 1 s, as the server saw them': Math.max(...stats.map((s) => s.maxPerSecond)),
        'most requests in flight to a host': Math.max(...stats.map((s) => s.maxInFlight)),
        'most connections open to a host': Math.max(...stats.map((s) => s.maxSockets)),
        'event-loop delay p99 ms': loopDelayP99Ms,
        // The breakdown of the wall time; each host's count includes its one error-page probe.
        'most requests to a host': Math.max(...stats.map((s) => s.requests)),
        'before the first request s': firstSendMs / 1000,
        'first to last request s': (lastSendMs - firstSendMs) / 1000,
        'after the last request s': (wallMs - lastSendMs) / 1000,
      };
    });
  } finally {
    sites.stop();
  }
}

async function throughput({ urls, latencyMs }) {
  const sites = await startSites({ hosts: 1, latencyMs });
  try {
    return await repeat(async () => {
      // Measured next to each audit, not once: on a shared machine the CPU a page costs drifts
      // with what else runs, and a ratio is only fair between figures taken side by side.
      const floor = (floorMs() + floorMs()) / 2;
      const { wallMs, cpuMs } = await audit(sites.urls(urls), { per_host_rate: 1000, per_host_concurrency: 64, concurrency: 64 });
      const perPage = cpuMs / urls;
      return { 'URLs/s': urls / (wallMs / 1000), 'CPU ms per page': perPage, 'parse floor ms': floor, 'CPU per page ÷ floor': perPage / floor };
    });
  } finally {
    sites.stop();
  }
}

async function scale({ hosts, small, large, floorUrls, latencyMs }) {
  const sites = await startSites({ hosts, latencyMs });
  const settings = { per_host_rate: 1000, per_host_concurrency: 2, concurrency: 64 };
  try {
    return await repeat(async () => {
      const few = await audit(sites.urls(small), settings);
      const many = await audit(sites.urls(large), settings);
      // What reading and parsing these pages costs with nothing kept: flat in the URL count, so
      // measured on fewer URLs. The auditor's peak can only be judged against it.
      const bare = bareLoop(sites, floorUrls, { concurrency: settings.concurrency, perOrigin: settings.per_host_concurrency, parse: true });
      return { [`peak RSS MB at ${small}`]: few.peakRssMb, [`peak RSS MB at ${large}`]: many.peakRssMb, 'RSS growth': many.peakRssMb / few.peakRssMb, [`wall s at ${large}`]: many.wallMs / 1000, [`bare fetch + parse loop: peak RSS MB at ${floorUrls}`]: bare.peakRssMb };
    });
  } finally {
    sites.stop();
  }
}

async function peers({ hosts, urls, latencyMs }) {
  const { ensurePeers, runLinkchecker, runLinkinator } = await import('./peers.mjs');
  // A smoke run (CI) never installs anything: peers that are absent are skipped with a notice.
  const found = await ensurePeers({ log: (m) => console.error(m), install: !smoke });
  const sites = await startSites({ hosts, latencyMs });
  const concurrency = 64;
  try {
    const listUrl = `${sites.origins[0]}/links.html?count=${urls}`;
    return await repeat(async () => {
      const ours = await audit(sites.urls(urls), { per_host_rate: 1000, per_host_concurrency: concurrency, concurrency }, { full: false });
      const row = { 'ours s': ours.processWallMs / 1000 };
      // GET and read every page and nothing else: what status-only costs before any check.
      row['bare GET loop s'] = bareLoop(sites, urls, { concurrency, perOrigin: concurrency, parse: false }).processWallMs / 1000;
      if (found.linkinator) {
        const peer = await runLinkinator(found.linkinator, listUrl, { expected: urls, concurrency });
        row['linkinator s'] = peer.wallMs / 1000;
        row['linkinator ÷ ours'] = peer.wallMs / ours.processWallMs;
      }
      if (found.linkchecker) {
        const peer = await runLinkchecker(found.linkchecker, listUrl, { expected: urls, threads: concurrency });
        row['linkchecker s'] = peer.wallMs / 1000;
        row['linkchecker ÷ ours'] = peer.wallMs / ours.processWallMs;
      }
      return row;
    }, found.notices);
  } finally {
    sites.stop();
  }
}

/** Runs a scenario `runs` times and keeps the median of every figure. */
async function repeat(once, notices = []) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  const figures = {};
  for (const key of Object.keys(samples[0])) figures[key] = median(samples.map((s) => s[key]));
  return { figures, notices };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// ---------------------------------------------------------------- report

function machine() {
  let commit = 'unknown';
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here }).toString().trim(); } catch {}
  const dirty = (() => { try { return execFileSync('git', ['status', '--porcelain', '--', '../src', '../bench'], { cwd: here }).toString().trim() !== ''; } catch { return false; } })();
  return { date: NOW.toISOString().slice(0, 16).replace('T', ' ') + ' UTC', commit: commit + (dirty ? ' (with uncommitted changes)' : ''), cpu: `${cpus()[0]?.model ?? '?'} × ${cpus().length}`, memory: `${Math.round(totalmem() / 2 ** 30)} GiB`, node: process.version, kernel: release() };
}

const TITLES = { politeness: '1. Politeness', throughput: '2. Throughput', scale: '3. Scale', peers: '4. Peers (status only)' };

function format(value) {
  return typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1)) : String(value);
}

/** The issue's targets, each judged from the medians of this run. */
function targets(results) {
  const f = (name) => results[name]?.figures;
  const rows = [];
  const add = (target, value, met) => rows.push({ target, value: value === undefined ? 'not run' : format(value), met: value === undefined ? '–' : met(value) ? 'met' : '**missed**' });
  const p = f('politeness');
  add('politeness: wall ÷ ideal ≤ 1.05', p?.['wall ÷ ideal'], (v) => v <= 1.05);
  add(`politeness: ≤ ${SCENARIOS.politeness.rate} requests to a host in any 1 s (server's count)`, p?.['most requests to a host in any 1 s, as the server saw them'], (v) => v <= SCENARIOS.politeness.rate);
  add('politeness: ≤ 2 connections to a host (per_host_concurrency)', p?.['most connections open to a host'], (v) => v <= 2);
  add('CPU: full checks ≤ 2.5 × the streaming-parse floor', f('throughput')?.['CPU per page ÷ floor'], (v) => v <= 2.5);
  add('status only: linkinator ÷ ours ≥ 1.5', f('peers')?.['linkinator ÷ ours'], (v) => v >= 1.5);
  const scale = f('scale');
  const peak = scale && Object.entries(scale).find(([k]) => k.startsWith('peak RSS MB at') && k.endsWith(String(SCENARIOS.scale.large)))?.[1];
  add(`scale: peak RSS ≤ 150 MB at ${SCENARIOS.scale.large} URLs`, peak, (v) => v <= 150);
  add(`scale: RSS growth ≤ 1.5× from ${SCENARIOS.scale.small} to ${SCENARIOS.scale.large} URLs`, scale?.['RSS growth'], (v) => v <= 1.5);
  return rows;
}

function markdown(results) {
  const lines = ['### Targets', '', '| target | measured | |', '|---|---|---|'];
  for (const row of targets(results)) lines.push(`| ${row.target} | ${row.value} | ${row.met} |`);
  lines.push('');
  for (const [name, { figures, notices, info }] of Object.entries(results)) {
    lines.push(`### ${TITLES[name]}`, '', `Measured ${info.date} at ${info.commit}; ${info.cpu}, ${info.memory}, Node ${info.node}, Linux ${info.kernel}; medians of ${info.runs} run(s).`, '');
    lines.push('| figure | value |', '|---|---|');
    for (const [key, value] of Object.entries(figures)) lines.push(`| ${key} | ${format(value)} |`);
    for (const notice of notices) lines.push('', `> ${notice}`);
    lines.push('');
  }
  return lines.join('\n');
}

const info = { ...machine(), runs };
console.error(`bench: ${info.cpu}, Node ${info.node}, ${runs} run(s)${smoke ? ', smoke' : ''}`);
// Each scenario keeps its own figures and when they were taken, so `--only` re-measures one
// scenario without discarding the others.
const store = join(here, 'results.json');
const results = smoke ? {} : JSON.parse(await readFile(store, 'utf8').catch(() => '{}'));
for (const [name, run] of Object.entries({ politeness, throughput, scale, peers })) {
  if (only && !only.includes(name)) continue;
  console.error(`bench: ${name}…`);
  results[name] = { ...(await run(SCENARIOS[name])), info };
  console.error(Object.entries(results[name].figures).map(([k, v]) => `  ${k}: ${format(v)}`).join('\n'));
}
const table = markdown(results);
process.stdout.write(`\n${table}\n`);
// The figures in RESULTS.md are rewritten; the notes below them (what changed the figures) stay.
if (!smoke) {
  await writeFile(store, JSON.stringify(results, null, 2) + '\n');
  const path = join(here, 'RESULTS.md');
  const previous = await readFile(path, 'utf8').catch(() => '');
  const notes = previous.includes(NOTES_MARK) ? previous.slice(previous.indexOf(NOTES_MARK)) : `${NOTES_MARK}\n`;
  await writeFile(path, `# Benchmark results\n\nWritten by \`npm run bench\`; see bench/README.md for what each scenario does.\n\n${table}\n${notes}`);
  console.error(`bench: written to ${path}`);
}
