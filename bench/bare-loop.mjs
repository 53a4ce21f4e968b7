// A floor to hold the auditor's figures against: the least any tool must do to read these pages.
// GET every URL through one undici Agent with keep-alive, at most `concurrency` in flight and
// `perOrigin` connections to a host, read each body whole, and (with `parse`) decode it and make
// one streaming htmlparser2 pass over it, keeping nothing. No criteria, no checks, no report.
// Prints its own wall time (spawn to exit is timed by the caller) and peak RSS.
import { Parser } from 'htmlparser2';
import iconv from 'iconv-lite';
import pLimit from 'p-limit';
import { Agent, request } from 'undici';

const { origins, count, concurrency, perOrigin, parse } = JSON.parse(process.argv[2]);
const agent = new Agent({ connections: perOrigin });
const limit = pLimit(concurrency);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);

async function read(url) {
  const { headers, body } = await request(url, { dispatcher: agent });
  const chunks = [];
  for await (const chunk of body) chunks.push(chunk);
  if (!parse) return;
  const charset = /charset=([\w-]+)/i.exec(String(headers['content-type']))?.[1] ?? 'utf-8';
  new Parser({ ontext() {} }, { decodeEntities: true }).end(iconv.decode(Buffer.concat(chunks), charset));
}

const t0 = performance.now();
await Promise.all(Array.from({ length: count }, (_, i) => limit(() => read(`${origins[i % origins.length]}/p/${i}.html`))));
const wallMs = performance.now() - t0;
clearInterval(sampler);
await agent.close();
process.stdout.write(JSON.stringify({ wallMs, peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20 }) + '\n');
