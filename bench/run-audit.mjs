// Runs one audit in this process, exactly as the CLI would, and prints what it cost: wall time
// around the run, CPU time of this process alone, and its peak resident memory. A process of its
// own per run, so no run inherits another's heap or warmed-up JIT.
import { subscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { main } from '../dist/cli.js';
import { mostInOneSecond } from './windows.mjs';

const argv = JSON.parse(process.argv[2]);
const sink = { write: () => true, isTTY: false };
const io = { stdout: sink, stderr: { write: (t) => process.stderr.write(t), isTTY: false }, env: { ...process.env, NO_COLOR: '1' }, cwd: process.cwd() };

let peakRss = 0;
const timeline = [];
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss();
  peakRss = Math.max(peakRss, rss);
  if (process.env.BENCH_MEMORY_TIMELINE) {
    const m = process.memoryUsage();
    timeline.push([Math.round(performance.now() - t0), ...[rss, m.heapUsed, m.heapTotal, m.external, m.arrayBuffers].map((n) => Math.round(n / 2 ** 20))]);
  }
}, 50);
// When undici writes each request's headers, per origin: the auditor's own view of its pacing,
// free of the delay with which a busy server gets round to noticing a request.
const sends = new Map();
subscribe('undici:client:sendHeaders', ({ request }) => {
  const list = sends.get(request.origin) ?? [];
  list.push(performance.now());
  sends.set(request.origin, list);
});
// When the last answer was complete (or failed): from there to the process's exit is the run's
// tail, one of the two fixed costs the politeness target bounds.
let lastAnswer = 0;
for (const channel of ['undici:request:trailers', 'undici:request:error']) subscribe(channel, () => (lastAnswer = performance.now()));
/** A time in this process as milliseconds since the epoch, comparable with the parent's clock. */
const epoch = (ms) => performance.timeOrigin + ms;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const exitCode = await main(argv, io);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
// BENCH_MEMORY_TIMELINE=1: every 500 ms, [ms, RSS, heap used, heap total, external, array buffers] in MB on
// stderr, to see which stage grows.
if (timeline.length) process.stderr.write(`memory timeline ${JSON.stringify(timeline.filter((_, i) => i % 10 === 0))}\n`);
process.stdout.write(JSON.stringify({
  exitCode,
  wallMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  // How late timers fire: the event loop busy with parsing delays every host's next start.
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  loopDelayMaxMs: loopDelay.max / 1e6,
  mostSentInOneSecond: Math.max(0, ...[...sends.values()].map(mostInOneSecond)),
  // Where a polite run's time goes: before the first request (loading the criteria), between the
  // first and the last, and after the last (its answer, checking it, writing the reports).
  ...(sends.size > 0 ? { firstSendMs: Math.min(...[...sends.values()].map((l) => l[0])) - t0, lastSendMs: Math.max(...[...sends.values()].map((l) => l.at(-1))) - t0 } : {}),
  // The same two ends as epoch times, for the parent to hold against when it spawned this process
  // and when it exited: start-up and exit are then counted whole.
  ...(sends.size > 0 ? { firstSendAt: epoch(Math.min(...[...sends.values()].map((l) => l[0]))), lastAnswerAt: epoch(lastAnswer) } : {}),
  // When main() was called: Node's start and the CLI's import are before it, the command's own
  // modules and the criteria after it.
  mainAt: epoch(t0),
  // The kernel's high-water mark, so a spike between samples is not missed.
  peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20,
}) + '\n', () => process.exit(0)); // as bin/audit.js ends: once stdout is drained, whatever is still open
