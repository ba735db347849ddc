// Start-up: median wall time of each command, measured interleaved in one run (so machine load affects
// all of them alike), printed side by side with its ratio to a bare `node -e ""`.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIfMain } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/invoice-doctor.js');
const demo = path.join(root, 'fixtures/demo/invoice-doctor.yaml');

const cases = [
  { name: 'node -e ""', args: ['-e', ''], baseline: true },
  { name: 'invoice-doctor --help', args: [bin, '--help'], target: 1.6 },
  { name: 'invoice-doctor checks', args: [bin, 'checks'], target: 1.6 },
  { name: 'invoice-doctor check INV-1001 --offline (demo)', args: [bin, 'check', 'INV-1001', '--offline', '--config', demo], target: 3 },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchStartup(runs) {
  // The README's quick start: a placeholder key of the right form, so INV-1001 is ready offline as documented.
  const env = { ...process.env, NO_COLOR: '1', STRIPE_SECRET_KEY: 'sk_test_offline_demo_key' };
  delete env.FORCE_COLOR;
  const times = new Map(cases.map((c) => [c.name, []]));
  // One warm-up round fills the OS file cache; then the cases take turns, round after round.
  for (let round = -1; round < runs; round++) {
    for (const c of cases) {
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, c.args, { cwd: os.tmpdir(), env, stdio: ['ignore', 'ignore', 'pipe'] });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.status !== 0 && !(c.name.includes('check') && r.status === 1)) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
      if (round >= 0) times.get(c.name).push(ms);
    }
  }
  const base = median(times.get(cases[0].name));
  let ok = true;
  const lines = [
    `start-up · ${runs} runs each, interleaved`,
    '',
    `${'command'.padEnd(50)} ${'median'.padStart(9)} ${'× node'.padStart(8)} ${'target'.padStart(8)}`,
  ];
  for (const c of cases) {
    const m = median(times.get(c.name));
    const ratio = m / base;
    const met = c.target === undefined || ratio <= c.target;
    if (!met) ok = false;
    lines.push(`${c.name.padEnd(50)} ${`${m.toFixed(1)} ms`.padStart(9)} ${ratio.toFixed(2).padStart(8)} ${(c.target ? `≤ ${c.target}` : '').padStart(8)}${met ? '' : '  MISSED'}`);
  }
  return { lines, ok };
}

await runIfMain(import.meta.url, benchStartup, 21);
