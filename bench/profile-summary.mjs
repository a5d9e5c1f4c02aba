#!/usr/bin/env node
/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per
 * package, so a profile can be read without DevTools.
 *
 *   node bench/profile-summary.mjs <file.cpuprofile> [top=25] [--window=<from>,<to>]
 *
 * --window keeps only the samples taken between <from> and <to> ms after the profile started
 * (the runner logs each scenario's measured window, in ms after the platform's spawn, when
 * BENCH_NODE_ARGS is set), so start-up and other scenarios stay out of the figures.
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const windowArg = args.find((a) => a.startsWith('--window='));
const [file, topArg] = args.filter((a) => !a.startsWith('--'));
const [fromMs, toMs] = windowArg ? windowArg.slice(9).split(',').map(Number) : [0, Infinity];
if (!file) {
  process.stderr.write('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
let at = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  if (at / 1000 < fromMs || at / 1000 > toMs) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function where(url) {
  if (!url) return '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const dist = /\/dist\/(.+)$/.exec(url);
  if (dist) return `dist/${dist[1].split('/').slice(0, 2).join('/')}`;
  return url.replace(/^file:\/\//, '');
}

const fn = new Map();
const pkg = new Map();
for (const [id, us] of selfUs) {
  const { callFrame: c } = byId.get(id);
  const special = ['(garbage collector)', '(idle)', '(program)'].includes(c.functionName);
  const key = special
    ? c.functionName
    : `${c.functionName || '(anonymous)'} ${where(c.url)}${c.url ? `:${c.lineNumber + 1}` : ''}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const p = special ? c.functionName : where(c.url);
  pkg.set(p, (pkg.get(p) ?? 0) + us);
}

const busy = total - (fn.get('(idle)') ?? 0);
const pct = (us, of) => ((100 * us) / of).toFixed(1).padStart(5) + '%';
const print = (title, map) => {
  process.stdout.write(
    `\n${title} (share of busy time, ${(busy / 1e6).toFixed(2)} s busy of ${(total / 1e6).toFixed(2)} s)\n`,
  );
  for (const [k, us] of [...map]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    process.stdout.write(`${pct(us, busy)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`);
  }
};
print('self time by package', pkg);
print('self time by function', fn);
