#!/usr/bin/env node
// Start-up benchmark: median wall time of each command, measured interleaved in one run (so machine
// load affects all of them alike), printed side by side with its ratio to a bare `node -e ""`.
// Exits 1 when a target is missed, so a regression is visible. Run: npm run bench [-- --runs 31]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/invoice-doctor.js');
const demo = path.join(root, 'fixtures/demo/invoice-doctor.yaml');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 21;

if (!existsSync(path.join(root, 'dist/bundle/cli.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const cases = [
  { name: 'node -e ""', args: ['-e', ''], baseline: true },
  { name: 'invoice-doctor --help', args: [bin, '--help'], target: 1.6 },
  { name: 'invoice-doctor checks', args: [bin, 'checks'], target: 1.6 },
  { name: 'invoice-doctor check INV-1001 --offline (demo)', args: [bin, 'check', 'INV-1001', '--offline', '--config', demo], target: 3 },
];

const env = { ...process.env, NO_COLOR: '1' };
delete env.FORCE_COLOR;
const times = new Map(cases.map((c) => [c.name, []]));
// One warm-up round fills the OS file cache; then the cases take turns, round after round.
for (let round = -1; round < runs; round++) {
  for (const c of cases) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, c.args, { cwd: os.tmpdir(), env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0 && !(c.name.includes('check') && r.status === 1)) {
      console.error(`${c.name} exited ${r.status}: ${r.stderr}`);
      process.exit(2);
    }
    if (round >= 0) times.get(c.name).push(ms);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const base = median(times.get(cases[0].name));
let missed = 0;
console.log(`invoice-doctor start-up benchmark · ${new Date().toISOString().slice(0, 10)} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${runs} runs each, interleaved`);
console.log('');
console.log(`${'command'.padEnd(50)} ${'median'.padStart(9)} ${'× node'.padStart(8)} ${'target'.padStart(8)}`);
for (const c of cases) {
  const m = median(times.get(c.name));
  const ratio = m / base;
  const ok = c.target === undefined || ratio <= c.target;
  if (!ok) missed++;
  console.log(`${c.name.padEnd(50)} ${`${m.toFixed(1)} ms`.padStart(9)} ${ratio.toFixed(2).padStart(8)} ${(c.target ? `≤ ${c.target}` : '').padStart(8)}${ok ? '' : '  MISSED'}`);
}

// Live checks against local peers answering after 50 ms: concurrency, and one read per account fact.
const { benchLiveChecks } = await import('./live-checks.mjs');
const live = await benchLiveChecks(Math.max(5, Math.min(runs, 11)));
console.log('');
for (const line of live.lines) console.log(line);
if (!live.ok) missed++;

// One full send, and the journal as it grows.
const { benchSend } = await import('./send.mjs');
const send = await benchSend(Math.max(5, Math.min(runs, 11)));
console.log('');
for (const line of send.lines) console.log(line);
if (!send.ok) missed++;

// check --all over 1,000 and 10,000 invoices in 50 accounts: wall time, peak RSS, requests per peer.
const { benchCheckAll } = await import('./check-all.mjs');
const all = await benchCheckAll(3);
console.log('');
for (const line of all.lines) console.log(line);
if (!all.ok) missed++;

if (missed) {
  console.error(`\n${missed} target${missed > 1 ? 's' : ''} missed.`);
  process.exit(1);
}
