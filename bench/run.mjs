#!/usr/bin/env node
// Every benchmark, one part after the other in one run, each printing its measures side by side with
// their ratios and targets; the results are written to BENCHMARKS.md with the machine and the date.
// Exits 1 when a target is missed, so a regression is visible. Not part of `npm test`.
// Run: npm run bench [-- --runs 31] [--no-write]
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchmarks } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 21;
const few = Math.max(5, Math.min(runs, 11));

if (!existsSync(path.join(root, 'dist/bundle/cli.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const parts = [
  {
    title: '1. Start-up',
    module: './startup.mjs', fn: 'benchStartup', runs,
    about: 'Median wall time of `--help`, `checks` and `check <demo id> --offline` as processes, next to a bare `node -e ""` (targets: `--help` and `checks` ≤ 1.6×, `check` ≤ 3×).',
  },
  {
    title: '2. Live checks: concurrency',
    module: './live-checks.mjs', fn: 'benchLiveChecks', runs: few,
    about: 'One invoice needing Stripe, SMTP, Twilio and DNS, the local peers answering after 50 ms each: the default concurrent run next to `--sequential` (the sum of the sequential latencies; target ≤ 0.5×), and the requests each peer received (one per account fact, no writes).',
  },
  {
    title: '2b. One send, and the outbox as it grows',
    module: './send.mjs', fn: 'benchSend', runs: few,
    about: 'One full send (gate, payment link, SMTP email, Twilio SMS) against the local peers, then the same with a SQLite outbox of 100,000 records against a small one (targets: a full send ≤ 2×, an "already sent" re-run ≤ 1.2×).',
  },
  {
    title: '3. check --all over 1,000 and 10,000 invoices',
    module: './check-all.mjs', fn: 'benchCheckAll', runs: 3,
    about: '`check --all --format ndjson` over generated one-file invoices in 50 accounts, every account against the local peers (Stripe, SMTP STARTTLS, Twilio, DNS): wall time of the whole process and peak RSS (targets at 10,000: < 5 s and < 300 MB), the 10k/1k ratios, and the requests each peer received (≤ k × 50 accounts at both sizes, no writes).',
  },
  {
    title: '4–5. send --all: SMTP pool, and a rate-limited SMS batch',
    module: './send-all.mjs', fn: 'benchSendAll', runs: 3,
    about: '4: `send --all --channel email` of 1,000 invoices to the local SMTP peer (STARTTLS + AUTH) with the default pool, next to one connection per message (`email.pool: { max_connections: 1, max_messages: 1 }`, `--concurrency 1`, measured on 200), in messages per second (target: pooled ≥ 10×); the pooled send by outbox next to the JSONL journal figure, 127.1/s (target: SQLite ≥ 2×). 5: `send --all --channel sms` of 50 invoices at `sms.twilio.rate_per_second: 10`; the rate achieved at the Twilio peer must be within 5 % of it.',
  },
  {
    title: '4b. send --all on the Postgres outbox',
    module: './postgres.mjs', fn: 'benchPostgres', runs: 3,
    about: '`send --all --channel email` of 1,000 invoices (default pool and concurrency) with `journal:` a postgres:// URL — a real PostgreSQL server started for the run (fsync off: it is thrown away; a production server flushes each commit) — interleaved run by run with the same batch on the default SQLite outbox, next to the JSONL journal figure (127.1/s). No target: the shared store is measured.',
  },
];

const sections = [];
console.log(`invoice-doctor benchmarks · ${new Date().toISOString().slice(0, 10)} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
for (const part of parts) {
  const bench = (await import(part.module))[part.fn];
  const result = await bench(part.runs);
  console.log('');
  for (const line of result.lines) console.log(line);
  sections.push({ title: part.title, about: part.about, lines: result.lines, ok: result.ok });
}

if (!process.argv.includes('--no-write')) {
  writeBenchmarks(path.join(root, 'BENCHMARKS.md'), { command: `npm run bench -- --runs ${runs}`, sections });
  console.log('\nWritten to BENCHMARKS.md.');
}
const missed = sections.filter((s) => !s.ok);
if (missed.length > 0) {
  console.error(`\nTargets missed in: ${missed.map((s) => s.title).join('; ')}.`);
  process.exit(1);
}
