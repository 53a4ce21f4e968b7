// A floor to hold the auditor's figures against: the least any tool must do to read these pages.
// GET every URL through one undici Agent with keep-alive, at most `concurrency` in flight and
// `perOrigin` connections to a host, read each body whole, and (with `parse`) decode it and make
// one streaming htmlparser2 pass collecting the text outside script and style (what floor.mjs
// times alone), keeping nothing. No criteria, no checks, no report.
// Decoding is the fastest Node has, as the auditor's: Buffer for UTF-8, TextDecoder for GBK.
// Prints its own wall and CPU time around the loop (spawn to exit is timed by the caller), and
// its peak RSS.
import { visibleText } from './visible-text.mjs';
import pLimit from 'p-limit';
import { Agent, request } from 'undici';

const { origins, count, concurrency, perOrigin, parse } = JSON.parse(process.argv[2]);
const agent = new Agent({ connections: perOrigin });
const limit = pLimit(concurrency);
const gbk = new TextDecoder('gbk');

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);


async function read(url) {
  const { headers, body } = await request(url, { dispatcher: agent });
  const chunks = [];
  for await (const chunk of body) chunks.push(chunk);
  if (!parse) return;
  const bytes = Buffer.concat(chunks);
  const charset = /charset=([\w-]+)/i.exec(String(headers['content-type']))?.[1]?.toLowerCase() ?? 'utf-8';
  visibleText(charset === 'utf-8' ? bytes.toString('utf8') : gbk.decode(bytes));
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(Array.from({ length: count }, (_, i) => limit(() => read(`${origins[i % origins.length]}/p/${i}.html`))));
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
await agent.close();
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20 }) + '\n');
