// The benchmark's government sites, run in a child process of their own so that serving pages never
// shares an event loop or a CPU meter with the auditor being measured. Each loopback address is one
// "host"; the server records, per host, when every request arrived and how many were open at once.
import { createServer } from 'node:http';
import { pageSet, NOT_FOUND_PAGE } from './pages.mjs';
import { mostInOneSecond, overRate } from './windows.mjs';

const config = JSON.parse(process.argv[2]);
const pages = pageSet(new Date(config.newest));
const hosts = new Map(); // "127.0.0.2:port" → stats

function statsFor(host) {
  let stats = hosts.get(host);
  if (!stats) {
    stats = { arrivals: [], inFlight: 0, maxInFlight: 0, sockets: 0, maxSockets: 0 };
    hosts.set(host, stats);
  }
  return stats;
}

function handle(host) {
  return (req, res) => {
    const stats = statsFor(host);
    stats.arrivals.push(performance.now());
    if (process.env.BENCH_TRACE) console.error(`${host} ${performance.now().toFixed(2)} ${req.url}`);
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.on('close', () => stats.inFlight--);
    setTimeout(() => respond(req, res), config.latencyMs);
  };
}

function respond(req, res) {
  const path = req.url ?? '/';
  // LinkChecker paces every host with random 0.1–0.6 s waits until the host answers with this
  // header; only then does its own requests-per-second setting apply. Sent so it runs at its best.
  res.setHeader('linkchecker', 'bench');
  const page = /^\/p\/(\d+)\.html/.exec(path);
  if (page) {
    const { body, charset } = pages[Number(page[1]) % pages.length];
    res.writeHead(200, { 'content-type': `text/html; charset=${charset}`, 'content-length': body.length });
    return res.end(body);
  }
  if (path.startsWith('/links.html')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(linksPage(new URL(path, 'http://x').searchParams));
  }
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'content-length': NOT_FOUND_PAGE.length });
  res.end(NOT_FOUND_PAGE);
}

/** The URL list as one page of links, for peers that check the links on a page. */
function linksPage(params) {
  const count = Number(params.get('count'));
  const links = urlList(count).map((u) => `<a href="${u}">${u}</a>`).join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>links</title></head><body>\n${links}\n</body></html>`;
}

/** The same list the orchestrator builds: URL i lives on host i mod N. */
function urlList(count) {
  const origins = [...listening.values()];
  return Array.from({ length: count }, (_, i) => `${origins[i % origins.length]}/p/${i}.html`);
}

const listening = new Map();
for (const address of config.addresses) {
  const server = createServer({ keepAliveTimeout: 30_000 });
  await new Promise((resolve) => server.listen(0, address, resolve));
  const host = `${address}:${server.address().port}`;
  server.on('request', handle(host));
  server.on('connection', (socket) => {
    const stats = statsFor(host);
    stats.sockets++;
    stats.maxSockets = Math.max(stats.maxSockets, stats.sockets);
    socket.on('close', () => stats.sockets--);
  });
  listening.set(host, `http://${host}`);
}

process.on('message', (message) => {
  if (message === 'stats') process.send({ stats: summary() });
  if (message === 'reset') {
    hosts.clear();
    process.send({ reset: true });
  }
});
process.send({ origins: [...listening.values()] });

/**
 * Per host: the most requests in any 1-second window (sliding), the most open at once, and (when
 * the run has a rate) how many requests came one too many for it: the rate violations.
 */
function summary() {
  const out = {};
  for (const [host, s] of hosts) {
    out[host] = { requests: s.arrivals.length, maxPerSecond: mostInOneSecond(s.arrivals), maxInFlight: s.maxInFlight, maxSockets: s.maxSockets, ...(config.rate ? { overRate: overRate(s.arrivals, config.rate) } : {}) };
  }
  return out;
}
