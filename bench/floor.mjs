// The parse floor from the issue: one streaming htmlparser2 pass that collects the text outside
// script and style, over the decoded body. Measured on the very pages the throughput run serves,
// in a process of its own, so "CPU per page ÷ floor" compares like with like.
import { visibleText } from './visible-text.mjs';
import iconv from 'iconv-lite';
import { pageSet } from './pages.mjs';

const rounds = Number(process.argv[2] ?? 200);
const pages = pageSet(new Date()).map(({ body, charset }) => iconv.decode(body, charset));


for (const html of pages) visibleText(html); // warm the JIT first, as a long audit would be
const cpu0 = process.cpuUsage();
for (let r = 0; r < rounds; r++) for (const html of pages) visibleText(html);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ floorMs: (cpu.user + cpu.system) / 1000 / (rounds * pages.length) }) + '\n');
