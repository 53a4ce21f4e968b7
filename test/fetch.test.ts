import { afterEach, describe, expect, it, vi } from 'vitest';
import { Agent, buildConnector } from 'undici';
import { defaultSettings } from '../src/criteria/settings.js';
import { fetchUrl } from '../src/fetch/fetcher.js';
import { HostScheduler } from '../src/fetch/scheduler.js';
import { expectEvenSpacing, startServer, type TestServer } from './helpers.js';

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

function mostInOneSecond(times: number[]): number {
  let most = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= 1000) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

/** Runs a test on fake timers, and gives the real ones back however it ends. */
async function withFakeTimers(run: () => Promise<void>): Promise<void> {
  vi.useFakeTimers();
  try {
    await run();
  } finally {
    vi.useRealTimers();
  }
}

function context(overrides: Partial<ReturnType<typeof defaultSettings>> = {}) {
  const settings = { ...defaultSettings(), retries: 0, ...overrides };
  return { settings, scheduler: new HostScheduler(settings), dispatcher: new Agent() };
}

describe('politeness', () => {
  // Spacing is checked on the scheduler with fake timers: measured at a server in the same busy
  // process, event-loop delays would bunch arrivals that left on time.
  it('spaces requests to one host evenly at per_host_rate, with no burst', () => withFakeTimers(async () => {
    const scheduler = new HostScheduler({ perHostRate: 10, perHostConcurrency: 4, concurrency: 16 });
    const starts: number[] = [];
    const task = () => { starts.push(Date.now()); return new Promise<void>((r) => setTimeout(r, 5)); };
    const all = Promise.all(Array.from({ length: 8 }, () => scheduler.run('a.example', task)));
    await vi.runAllTimersAsync();
    await all;
    expectEvenSpacing(starts, 100);
    expect(starts).toHaveLength(8);
  }));

  it('keeps its pace when a start is a little late, instead of pushing every later start back', () => withFakeTimers(async () => {
    // Between the 3rd and 4th starts the scheduler's clock jumps 30 ms, as a busy event loop
    // makes a sleeping request wake late.
    let lag = 0;
    const now = () => performance.now() + lag;
    setTimeout(() => (lag = 30), 250);
    const scheduler = new HostScheduler({ perHostRate: 10, perHostConcurrency: 1, concurrency: 4 }, now);
    const starts: number[] = [];
    const task = () => { starts.push(now()); return Promise.resolve(); };
    const all = Promise.all(Array.from({ length: 11 }, () => scheduler.run('a.example', task)));
    await vi.runAllTimersAsync();
    await all;
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    // The late start came 30 ms late; the one after it made up for it.
    expect(gaps[2]).toBeGreaterThanOrEqual(130);
    expect(gaps[3]).toBeLessThanOrEqual(75);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
    // Eleven starts at 10 a second span one 1-second window (1.005 s plus its 15 ms of slack), no more.
    expect(starts.at(-1)! - starts[0]!).toBeLessThanOrEqual(1021);
    expect(mostInOneSecond(starts)).toBe(10);
  }));

  it('keeps a fractional rate too: at 2.5 a second, never 3 requests in one second', () => withFakeTimers(async () => {
    const scheduler = new HostScheduler({ perHostRate: 2.5, perHostConcurrency: 4, concurrency: 8 });
    const starts: number[] = [];
    const task = () => { starts.push(Date.now()); return Promise.resolve(); };
    const all = Promise.all(Array.from({ length: 8 }, () => scheduler.run('a.example', task)));
    await vi.runAllTimersAsync();
    await all;
    expect(starts).toHaveLength(8);
    expect(mostInOneSecond(starts)).toBe(2);
  }));

  it('does not let requests queued behind the global limit leave in a burst', () => withFakeTimers(async () => {
    // Two slow hosts hold both global slots; the third host's queued requests must still be spaced.
    const scheduler = new HostScheduler({ perHostRate: 5, perHostConcurrency: 3, concurrency: 2 });
    const starts: number[] = [];
    const slow = () => new Promise<void>((r) => setTimeout(r, 2000));
    const paced = () => { starts.push(Date.now()); return Promise.resolve(); };
    const all = Promise.all([
      scheduler.run('slow-a', slow), scheduler.run('slow-b', slow),
      ...[1, 2, 3].map(() => scheduler.run('paced', paced)),
    ]);
    await vi.runAllTimersAsync();
    await all;
    expect(starts).toHaveLength(3);
    expectEvenSpacing(starts, 200);
  }));

  it('counts the rate by when requests reach the wire, so a slow first connection cannot crowd a second', { tags: ['slow'] }, async () => {
    const { server, seen } = await recordingServer(0);
    // The first connection takes 300 ms to open, as a distant TLS handshake can; later ones are instant.
    const connect = buildConnector({});
    let first = true;
    const dispatcher = new Agent({
      connect: (options, callback) => {
        if (!first) return connect(options, callback);
        first = false;
        setTimeout(() => connect(options, callback), 300);
      },
    });
    const ctx = { ...context({ perHostRate: 3, perHostConcurrency: 4, concurrency: 8 }), dispatcher };
    await Promise.all(Array.from({ length: 4 }, (_, i) => fetchUrl(`${server.origin}/w${i}`, ctx)));
    const arrivals = seen.map((s) => s.at).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(4);
    // Paced by hand-over time instead, the fourth request would leave at 1 s and land within a
    // second of the first, which arrived at 300 ms: four in one second at a rate of 3.
    expect(mostInOneSecond(arrivals)).toBe(3);
    await dispatcher.close();
  });

  it('never has more than per_host_concurrency requests in flight to one host', async () => {
    const { server, seen } = await recordingServer(150);
    const ctx = context({ perHostRate: 1000, perHostConcurrency: 2, concurrency: 16 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => fetchUrl(`${server.origin}/p${i}`, ctx)));
    expect(Math.max(...seen.map((s) => s.active))).toBe(2);
  });

  it('serves hosts in parallel, so a slow host does not hold a fast one back', { tags: ['slow'] }, async () => {
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

describe('pages in hand', () => {
  /** A request that answers at once; its place in hand is kept until the test releases it. */
  const answer = () => Promise.resolve('answered');

  it('holds at most twice concurrency pages, fetched and not yet checked', async () => {
    const scheduler = new HostScheduler({ perHostRate: 1000, perHostConcurrency: 2, concurrency: 1 });
    const holds = Array.from({ length: 4 }, () => scheduler.pageHold());
    const done: number[] = [];
    const all = holds.map((hold, i) => scheduler.runRequest(`h${i}.example`, (sent) => { sent(); return answer(); }, undefined, hold).then(() => done.push(i)));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toHaveLength(2);
    holds[done[0]!]!.release();
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toHaveLength(3);
    for (const hold of holds) hold.release();
    await Promise.all(all);
    expect(done).toHaveLength(4);
  });

  it('never makes a probe wait behind a page that waits for a place', async () => {
    // Every place is held by pages that wait for their hosts' error-page probes. A further page of
    // one of those hosts queues for a place; the host's probe, which takes none, must still go.
    const scheduler = new HostScheduler({ perHostRate: 1000, perHostConcurrency: 2, concurrency: 1 });
    const inHand = [scheduler.pageHold(), scheduler.pageHold()];
    await Promise.all(inHand.map((hold, i) => scheduler.runRequest(`h${i}.example`, (sent) => { sent(); return answer(); }, undefined, hold)));
    const waiting = scheduler.pageHold();
    let queuedPageSent = false;
    const queued = scheduler.runRequest('h0.example', (sent) => { sent(); queuedPageSent = true; return answer(); }, undefined, waiting);
    const probe = await Promise.race([scheduler.runRequest('h0.example', (sent) => { sent(); return answer(); }), new Promise((r) => setTimeout(() => r('stuck'), 1000))]);
    expect(probe).toBe('answered');
    expect(queuedPageSent).toBe(false);
    inHand[0]!.release();
    await queued;
    expect(queuedPageSent).toBe(true);
    inHand[1]!.release();
    waiting.release();
  });

  it('finishes when redirects from many hosts fan in to one host whose probe the pages wait for', async () => {
    // Every place in hand is held by pages on the portal waiting for the portal's probe, while
    // more hops to the portal queue there: the probe must not be stuck behind them.
    const portal = await startServer((req, res) => {
      if (req.url?.startsWith('/page-')) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body><h1>通知公告</h1></body></html>');
      else res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>页面不存在</body></html>');
    }, '127.0.0.5');
    servers.push(portal);
    const departments = await Promise.all(['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'].map(async (host, i) => {
      const site = await startServer((_req, res) => res.writeHead(302, { location: `${portal.origin}/page-${i}` }).end(), host);
      servers.push(site);
      return site;
    }));
    const { parseCriteria } = await import('../src/criteria/load.js');
    const { runAudit } = await import('../src/audit.js');
    const yaml = `version: 1
settings: { per_host_rate: 1000, per_host_concurrency: 2, concurrency: 1, retries: 0 }
indicators:
  - { title: A, weight: 1, evidence: [${departments.map((d) => `{ url: "${d.origin}/notice" }`).join(', ')}] }
`;
    const { criteria } = parseCriteria(yaml, 'c.yaml');
    const report = await runAudit({ criteria: criteria!, dispatcher: new Agent(), now: new Date() });
    expect(report.indicators[0]!.evidence!.map((e) => [e.httpStatus, e.verdict])).toEqual(Array(4).fill([200, 'pass']));
  }, 10_000);

  it('finishes an audit whose pages all wait for their hosts\' probes at concurrency 1', async () => {
    const sites = await Promise.all(['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((host) => recordingServer(0, host)));
    const { parseCriteria } = await import('../src/criteria/load.js');
    const { runAudit } = await import('../src/audit.js');
    const evidence = sites.flatMap(({ server }) => [1, 2, 3].map((i) => `{ url: "${server.origin}/p${i}" }`));
    const yaml = `version: 1
settings: { per_host_rate: 1000, per_host_concurrency: 2, concurrency: 1, retries: 0 }
indicators:
  - { title: A, weight: 1, evidence: [${evidence.join(', ')}] }
`;
    const { criteria } = parseCriteria(yaml, 'c.yaml');
    const report = await runAudit({ criteria: criteria!, dispatcher: new Agent(), now: new Date() });
    expect(report.indicators[0]!.evidence!.map((e) => e.httpStatus)).toEqual(Array(9).fill(200));
    // Each host got its three pages and two probes; and, since it answers every path alike, one
    // fetch of its root, to tell a soft 404 that shows the home page from the site's error page.
    expect(sites.map(({ seen }) => seen.length)).toEqual([6, 6, 6]);
    expect(sites.map(({ seen }) => seen.filter((s) => s.path === '/').length)).toEqual([1, 1, 1]);
  }, 10_000);
});

describe('interruption', () => {
  it('stops starting requests at once, and gives those in flight a grace period', async () => {
    const quick = await recordingServer(300);
    const stuck = await recordingServer(10_000, '127.0.0.2');
    const { parseCriteria } = await import('../src/criteria/load.js');
    const { runAudit } = await import('../src/audit.js');
    const yaml = `version: 1
settings: { per_host_rate: 1, per_host_concurrency: 1 }
indicators:
  - { title: A, weight: 1, evidence: [{ url: "${quick.server.origin}/first" }, { url: "${quick.server.origin}/queued" }] }
  - { title: B, weight: 1, evidence: [{ url: "${stuck.server.origin}/stuck" }] }
`;
    const { criteria } = parseCriteria(yaml, 'c.yaml');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const report = await runAudit({ criteria: criteria!, dispatcher: new Agent(), now: new Date(), signal: controller.signal, graceMs: 600 });
    const verdicts = report.indicators.flatMap((i) => i.evidence!.map((e) => [e.evidence.url.split('/').pop(), e.fetch.ok ? 'ok' : e.fetch.error.code]));
    // /first was on the wire and finished within the grace period; /queued never started; /stuck outlived the grace.
    expect(verdicts).toEqual([['first', 'ok'], ['queued', 'INTERRUPTED'], ['stuck', 'INTERRUPTED']]);
    expect(quick.seen.map((s) => s.path)).toEqual(['/first']);
    expect(report.complete).toBe(false);
  });

  it('ends in-flight requests as INTERRUPTED when the signal aborts', async () => {
    const { server } = await recordingServer(5000);
    const controller = new AbortController();
    const pending = fetchUrl(`${server.origin}/`, { ...context(), signal: controller.signal, abortInflight: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('INTERRUPTED');
  });
});
