// Prints the functions and files that took the most CPU in a .cpuprofile (node --cpu-prof),
// by self time: enough to see where an audit spends its time without opening DevTools.
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const top = Number(process.argv[3] ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const gaps = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (gaps[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function tally(keyOf) {
  const sums = new Map();
  for (const [id, us] of self) {
    const key = keyOf(byId.get(id).callFrame);
    sums.set(key, (sums.get(key) ?? 0) + us);
  }
  return [...sums].sort((a, b) => b[1] - a[1]).slice(0, top);
}

const shortUrl = (url) => url.replace(/^file:\/\/.*?\/(node_modules|dist|bench)\//, '$1/') || '(native)';
for (const [title, keyOf] of [['by function', (f) => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`], ['by file', (f) => shortUrl(f.url)]]) {
  console.log(`\n${title} (of ${(total / 1000).toFixed(0)} ms)`);
  for (const [key, us] of tally(keyOf)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
