import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { defaultSettings } from '../src/criteria/settings.js';
import { fetchUrl } from '../src/fetch/fetcher.js';
import { HostScheduler } from '../src/fetch/scheduler.js';
import { startServer, type TestServer } from './helpers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Seen { at: number; active: number; path: string; ua: string | undefined }

/** A server that records when each request arrived and how many were in flight at once. */
async function recordingServer(delayMs: number, host = '127.0.0.1') {
  const seen: Seen[] = [];
  let active = 0;
  const server = await startServer((req, res) => {
    active++;
    seen.push({ at: performance.now(), active, path: req.url ?? '', ua: req.headers['user-agent'] });
    setTimeout(() => {
      active--;
      res.end('<html><body>ok</body></html>');
    }, delayMs);
  }, host);
  servers.push(server);
  return { server, seen };
}

function context(overrides: Partial<ReturnType<typeof defaultSettings>> = {}) {
  const settings = { ...defaultSettings(), retries: 0, ...overrides };
  return { settings, scheduler: new HostScheduler(settings), dispatcher: new Agent() };
}

describe('politeness', () => {
  it('spaces requests to one host evenly at per_host_rate, with no burst', async () => {
    const { server, seen } = await recordingServer(0);
    const ctx = context({ perHostRate: 10, perHostConcurrency: 4, concurrency: 16 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => fetchUrl(`${server.origin}/p${i}`, ctx)));
    const gaps = seen.slice(1).map((s, i) => s.at - seen[i]!.at);
    expect(seen).toHaveLength(8);
    // 10/s means 100 ms apart. Arrival times also carry connection set-up jitter, so allow for it,
    // but a burst (gaps near 0) or a run faster than the rate must fail.
    for (const gap of gaps) expect(gap).toBeGreaterThan(50);
    expect(seen.at(-1)!.at - seen[0]!.at).toBeGreaterThan(650);
  });

  it('never has more than per_host_concurrency requests in flight to one host', async () => {
    const { server, seen } = await recordingServer(150);
    const ctx = context({ perHostRate: 1000, perHostConcurrency: 2, concurrency: 16 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => fetchUrl(`${server.origin}/p${i}`, ctx)));
    expect(Math.max(...seen.map((s) => s.active))).toBe(2);
  });

  it('does not let requests queued behind the global limit leave in a burst', async () => {
    // Two slow hosts hold both global slots; the third host's queued requests must still be spaced.
    const slowA = await recordingServer(400, '127.0.0.3');
    const slowB = await recordingServer(400, '127.0.0.4');
    const paced = await recordingServer(0, '127.0.0.5');
    const ctx = context({ perHostRate: 5, perHostConcurrency: 3, concurrency: 2 });
    await Promise.all([
      fetchUrl(`${slowA.server.origin}/a`, ctx),
      fetchUrl(`${slowB.server.origin}/b`, ctx),
      ...[1, 2, 3].map((i) => fetchUrl(`${paced.server.origin}/p${i}`, ctx)),
    ]);
    const gaps = paced.seen.slice(1).map((s, i) => s.at - paced.seen[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThan(120); // 5/s: 200 ms apart
  });

  it('serves hosts in parallel, so a slow host does not hold a fast one back', async () => {
    const slow = await recordingServer(600, '127.0.0.1');
    const fast = await recordingServer(0, '127.0.0.2');
    const ctx = context({ perHostRate: 1000, perHostConcurrency: 1, concurrency: 4 });
    const started = performance.now();
    const slowDone = Promise.all([1, 2, 3].map((i) => fetchUrl(`${slow.server.origin}/s${i}`, ctx)));
    await Promise.all([1, 2, 3, 4, 5].map((i) => fetchUrl(`${fast.server.origin}/f${i}`, ctx)));
    const fastElapsed = performance.now() - started;
    await slowDone;
    const slowElapsed = performance.now() - started;
    // The fast host finished before the slow host's first response, not after its queue.
    expect(fastElapsed).toBeLessThan(slowElapsed / 3);
  });

  it('sends the configured User-Agent', async () => {
    const { server, seen } = await recordingServer(0);
    await fetchUrl(`${server.origin}/`, context());
    expect(seen[0]!.ua).toMatch(/^evidence-audit\/\d+\.\d+\.\d+ \(\+https?:\/\/\S+\)$/);
  });
});

describe('interruption', () => {
  it('ends in-flight requests as INTERRUPTED when the signal aborts', async () => {
    const { server } = await recordingServer(5000);
    const controller = new AbortController();
    const pending = fetchUrl(`${server.origin}/`, { ...context(), signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('INTERRUPTED');
  });
});
