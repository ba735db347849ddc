// The outbox on Postgres: `send --all --channel email --yes --json` of 1,000 invoices to the local SMTP peer
// (STARTTLS + AUTH, a Stripe payment link each), default pool and concurrency, rate limits lifted, with
// `journal:` a postgres:// URL — a real PostgreSQL server started for the run from the machine's binaries
// (test/support/postgres-server.ts; or the server named by INVOICE_DOCTOR_BENCH_POSTGRES, a maintenance-database
// URL such as postgres://postgres:pw@127.0.0.1:5432/postgres). Messages per second of the whole process, median
// of several runs, each from a new, empty database (created, migrated by the tool, dropped) and reset peers,
// checked at the SMTP peer (one message per invoice). Next to it, interleaved run by run so that machine load
// weighs on both alike, the same batch on the default file outbox (`journal:` a file in the workspace), and the
// JSONL journal's figure from docs/development.md (127/s on the 2-core machine) for scale. No target: the
// shared store is measured.
// Note the test server runs with fsync=off (it is thrown away); a production server flushes each commit.
// `node bench/postgres.mjs --runs N` runs this part alone; bench/run.mjs can call benchPostgres(runs).
import { build } from 'esbuild';
import os from 'node:os';
import path from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadPeers } from '../scripts/load-peers.mjs';
import { runIfMain } from './report.mjs';
import { sendAll, workspace } from './send-all.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INVOICES = 1_000;
const WARMUP_INVOICES = 100;
const UNLIMITED_RATE = 10_000;
/** The JSONL journal's pooled figure on the 2-core machine (docs/development.md), for scale. */
const JSONL_REFERENCE = 127.1;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The test server module (TypeScript) bundled for plain Node, next to the peers' bundle (not committed). */
async function startServer() {
  if (process.env.INVOICE_DOCTOR_BENCH_POSTGRES) {
    const url = new URL(process.env.INVOICE_DOCTOR_BENCH_POSTGRES);
    return { adminUrl: url.href, stop: () => undefined, label: `${url.hostname}:${url.port || 5432} (INVOICE_DOCTOR_BENCH_POSTGRES)` };
  }
  const outfile = path.join(root, 'test/.peers-bundle/postgres-server.mjs');
  await build({ entryPoints: [path.join(root, 'test/support/postgres-server.ts')], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
  const { startPostgresServer } = await import(pathToFileURL(outfile).href);
  const server = await startPostgresServer();
  return { ...server, label: `a PostgreSQL server started for the run on 127.0.0.1:${server.port} (fsync off)` };
}

async function admin(adminUrl, sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the server of `adminUrl`. */
const databaseUrl = (adminUrl, name) => {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
};

/** Runs the benchmark; returns the printed lines and whether every target was met (there is none: true). */
export async function benchPostgres(runs = 3) {
  const server = await startServer();
  const { startPeers, resetPeers } = await loadPeers();
  const peers = await startPeers();
  const env = { ...process.env, ...peers.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const common = { peers, reset: () => resetPeers(peers), env };
  const spaces = [];
  /** A workspace whose outbox is database `name`, made new and empty before each run. */
  const onPostgres = (name, count) => {
    const outbox = {
      name: 'Postgres',
      journal: databaseUrl(server.adminUrl, name),
      fresh: async () => {
        await admin(server.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin(server.adminUrl, `CREATE DATABASE ${name}`);
      },
    };
    const ws = workspace(peers, `postgres-${name}`, count, { channel: 'email', email: { rate_per_second: UNLIMITED_RATE }, outbox });
    spaces.push({ ws, name });
    return ws;
  };
  const load = os.loadavg()[0];
  const lines = [];
  try {
    await sendAll(onPostgres('bench_warmup', WARMUP_INVOICES), { channel: 'email', ...common });
    const ws = onPostgres('bench_outbox', INVOICES);
    // The default outbox's file name (a SQLite database since the outbox moved to real databases).
    const file = workspace(peers, 'file-outbox', INVOICES, { channel: 'email', email: { rate_per_second: UNLIMITED_RATE }, outbox: { name: 'SQLite', journal: './state/outbox.db' } });
    spaces.push({ ws: file });
    const fileJournal = JSON.parse(readFileSync(file.config, 'utf8')).journal;
    const results = [];
    const fileResults = [];
    for (let i = 0; i < runs; i++) {
      results.push(await sendAll(ws, { channel: 'email', ...common }));
      fileResults.push(await sendAll(file, { channel: 'email', ...common }));
    }
    const perSecond = results.map((r) => (INVOICES / r.ms) * 1000);
    const filePerSecond = fileResults.map((r) => (INVOICES / r.ms) * 1000);
    const rate = median(perSecond);
    const fileRate = median(filePerSecond);
    const W = 68;
    const row = (name, value, note = '') => lines.push(`${name.padEnd(W)} ${String(value).padStart(18)}${note ? `  ${note}` : ''}`);
    lines.push(`send --all --channel email --yes --json, journal: postgres://… · ${INVOICES.toLocaleString('en-US')} invoices, one account, local SMTP peer (STARTTLS + AUTH), a Stripe payment link each · median of ${runs} runs`);
    lines.push(`  the outbox: ${server.label}; each run from a new, empty database (the tool creates its schema)`);
    lines.push('  the default pool (email.pool { max_connections: 3, max_messages: 100 }), --concurrency 4, outbox: defaults (pool_max 10)');
    lines.push(`  rate limits lifted: email.rate_per_second and payments.stripe.rate_per_second ${UNLIMITED_RATE.toLocaleString('en-US')}`);
    lines.push(`  load average (1 min) at the start: ${load.toFixed(2)} on ${os.cpus().length} CPUs`);
    lines.push('');
    row('measure', 'value');
    row('wall time, Postgres (whole process: start-up, gate, sends, output)', `${(median(results.map((r) => r.ms)) / 1000).toFixed(2)} s`);
    row('messages per second, Postgres (invoices / wall time)', rate.toFixed(1), `each run: ${perSecond.map((x) => x.toFixed(1)).join(' / ')}`);
    row(`  the same run on the file outbox (journal: ${fileJournal})`, fileRate.toFixed(1), `each run: ${filePerSecond.map((x) => x.toFixed(1)).join(' / ')}; Postgres/file ${(rate / fileRate).toFixed(2)}×`);
    row('  the JSONL journal on an idle machine (docs/development.md)', JSONL_REFERENCE.toFixed(1), `Postgres/that ${(rate / JSONL_REFERENCE).toFixed(2)}×`);
    row('messages received by the SMTP peer, each run', [...results, ...fileResults].map((r) => r.delivered.toLocaleString('en-US')).join('/'));
  } finally {
    await peers.close();
    for (const { ws, name } of spaces) {
      rmSync(ws.dir, { recursive: true, force: true });
      if (name) await admin(server.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    }
    server.stop();
  }
  return { lines, ok: true };
}

await runIfMain(import.meta.url, benchPostgres);
