// Batch check benchmark: `check --all --format ndjson` over generated invoices (one YAML file each) in
// 50 accounts, every account pointing at the local peers (Stripe, SMTP STARTTLS, Twilio, DNS).
// Measured per size (1,000 and 10,000 invoices), median of several runs, sizes interleaved:
//   - wall time of the whole process (start-up, data loading, checks, output);
//   - peak RSS, reported by the process itself on exit (process.resourceUsage().maxRSS, a --require hook);
//   - requests received by each peer in one run: they must be O(accounts), not O(invoices).
// Targets at 10,000: under 5 s and under 300 MB; the 10,000/1,000 wall-time ratio shows the growth.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPeers } from '../scripts/load-peers.mjs';
import { runIfMain } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/invoice-doctor.js');
const ACCOUNTS = 50;
const SIZES = [1_000, 10_000];
const TARGET_WALL_MS = 5_000;
const TARGET_RSS_MB = 300;
/** Requests a peer may receive per account in one run (Twilio: account, service, numbers, brands, campaigns). */
const PER_ACCOUNT = { stripe: 1, smtp: 1, twilio: 6, dns: 2 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A config of `accounts` accounts and `count` invoices, one YAML file each, spread round-robin. */
export function generateWorkspace(peers, count, accounts = ACCOUNTS, dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-bench-all-'))) {
  const account = (i) => ({
    name: `Bench Account ${i}`,
    country: 'US',
    channels: ['email', 'sms'],
    payments: { provider: 'stripe', stripe: { secret_key: 'sk_test_fake_good', api_base: peers.stripe.url } },
    email: {
      from: `Bench ${i} <billing@scenario-shop.com>`,
      transport: 'smtp',
      smtp: { host: '127.0.0.1', port: peers.smtp.starttls.port, secure: false, require_tls: true, user: 'billing@acme.test', pass: '${SMTP_PASS}', ca_file: path.join(root, 'test/fixtures/tls/ca.pem') },
    },
    sms: { transport: 'twilio', twilio: { account_sid: 'ACfa4e0000000000000000000000000001', auth_token: '${TWILIO_AUTH_TOKEN}', messaging_service_sid: 'MGfa4e0000000000000000000000000001', api_base: peers.twilio.url } },
  });
  const config = {
    version: 1,
    data: { invoices: './invoices' },
    journal: './state/outbox.db',
    dns: { servers: [peers.env.DNS_SERVER], timeout_ms: 1500 },
    accounts: Object.fromEntries(Array.from({ length: accounts }, (_, i) => [`acct-${String(i).padStart(2, '0')}`, account(i)])),
  };
  writeFileSync(path.join(dir, 'invoice-doctor.yaml'), JSON.stringify(config, null, 2));
  mkdirSync(path.join(dir, 'invoices'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const id = `B-${String(i).padStart(5, '0')}`;
    const acct = `acct-${String(i % accounts).padStart(2, '0')}`;
    writeFileSync(
      path.join(dir, 'invoices', `${id}.yaml`),
      [
        `id: ${id}`,
        `account: ${acct}`,
        'status: validated',
        'currency: USD',
        'customer:',
        `  name: Customer ${i}`,
        '  email: dana@northwind-traders.com',
        '  phone: "+14155552671"',
        'lines:',
        `  - { description: Boiler service ${i}, quantity: 1, unit_amount: ${10_000 + (i % 500)} }`,
        'issued_on: 2026-11-01',
        'due_on: 2026-12-01',
        '',
      ].join('\n'),
    );
  }
  mkdirSync(path.join(dir, 'state'), { recursive: true });
  return { dir, config: path.join(dir, 'invoice-doctor.yaml') };
}

/** Runs the CLI with a hook that writes its own peak RSS (kB) to a file on exit; counts NDJSON lines. */
function run(args, env, rssFile) {
  const hook = path.join(root, 'bench/maxrss-hook.cjs');
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', hook, bin, ...args], { env: { ...env, BENCH_MAXRSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let last = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      for (const ch of d) if (ch === '\n') lines++;
      last = (last + d).slice(-4096);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      let rssKb = NaN;
      try {
        rssKb = Number(readFileSync(rssFile, 'utf8'));
      } catch {
        // no RSS recorded (the hook did not run): reported as NaN
      }
      const summary = last.trimEnd().split('\n').pop();
      resolve({ code, ms, rssKb, lines, summary, stderr });
    });
  });
}

/** Runs the benchmark; returns the printed lines and whether every target was met. */
export async function benchCheckAll(runs = 3) {
  const { startPeers } = await loadPeers();
  const peers = await startPeers();
  const env = { ...process.env, ...peers.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const lines = [];
  let ok = true;
  const spaces = SIZES.map((n) => ({ n, ws: generateWorkspace(peers, n) }));
  try {
    const rssFile = path.join(spaces[0].ws.dir, 'maxrss');
    const once = async ({ n, ws }) => {
      const r = await run(['check', '--all', '--format', 'ndjson', '--config', ws.config], env, rssFile);
      if (r.code !== 0) throw new Error(`check --all (${n} invoices) exited ${r.code}:\n${r.summary}\n${r.stderr.slice(0, 2000)}`);
      if (r.lines !== n + 1) throw new Error(`check --all (${n} invoices) wrote ${r.lines} NDJSON lines, expected ${n + 1}`);
      return r;
    };
    // Warm-up (file cache, SDK files), then one run per size counted at the peers.
    await once(spaces[0]);
    const counts = new Map();
    for (const s of spaces) {
      peers.stripe.reset();
      peers.twilio.reset();
      peers.dns.queries.length = 0;
      const smtpBefore = peers.smtp.starttls.connections;
      await once(s);
      counts.set(s.n, {
        stripe: peers.stripe.requests.length,
        smtp: peers.smtp.starttls.connections - smtpBefore,
        twilio: peers.twilio.requests.length,
        dns: peers.dns.queries.length,
        writes: peers.stripe.writes().length + peers.twilio.writes().length,
      });
    }
    const times = new Map(SIZES.map((n) => [n, []]));
    const rss = new Map(SIZES.map((n) => [n, []]));
    for (let i = 0; i < runs; i++) {
      for (const s of spaces) {
        const r = await once(s);
        times.get(s.n).push(r.ms);
        rss.get(s.n).push(r.rssKb / 1024);
      }
    }
    const [small, big] = SIZES;
    const wall = (n) => median(times.get(n));
    const peak = (n) => Math.max(...rss.get(n));
    const fmt = (n) => n.toLocaleString('en-US');
    lines.push(`check --all --format ndjson, ${ACCOUNTS} accounts (Stripe + SMTP + Twilio + DNS each), local peers · median of ${runs} runs, sizes interleaved`);
    lines.push('');
    lines.push(`${'measure'.padEnd(50)} ${fmt(small).padStart(10)} ${fmt(big).padStart(10)} ${'ratio'.padStart(7)} ${'target'.padStart(10)}`);
    const row = (name, a, b, unit, target, good) => {
      const missed = target !== undefined && !good;
      if (missed) ok = false;
      lines.push(`${name.padEnd(50)} ${`${a.toFixed(unit === 'MB' ? 0 : 0)} ${unit}`.padStart(10)} ${`${b.toFixed(0)} ${unit}`.padStart(10)} ${(b / a).toFixed(2).padStart(7)} ${(target ?? '').padStart(10)}${missed ? '  MISSED' : ''}`);
    };
    row('wall time (whole process)', wall(small), wall(big), 'ms', `< ${TARGET_WALL_MS} ms`, wall(big) < TARGET_WALL_MS);
    row('  per invoice', (wall(small) / small) * 1000, (wall(big) / big) * 1000, 'µs');
    row('peak RSS (max over runs)', peak(small), peak(big), 'MB', `< ${TARGET_RSS_MB} MB`, peak(big) < TARGET_RSS_MB);
    const growth = (wall(big) - wall(small)) / (big - small);
    lines.push(`${'  marginal cost per invoice (10k − 1k) / 9k'.padEnd(50)} ${`${(growth * 1000).toFixed(0)} µs`.padStart(21)}`);
    lines.push('');
    lines.push(`requests received by each peer in one run (target: ≤ k × ${ACCOUNTS} accounts, independent of the invoice count)`);
    for (const [peer, k] of Object.entries(PER_ACCOUNT)) {
      const a = counts.get(small)[peer];
      const b = counts.get(big)[peer];
      const limit = k * ACCOUNTS;
      const good = a <= limit && b <= limit;
      if (!good) ok = false;
      lines.push(`  ${peer.padEnd(48)} ${String(a).padStart(10)} ${String(b).padStart(10)} ${`≤ ${limit}`.padStart(18)}${good ? '' : '  MISSED'}`);
    }
    const writes = counts.get(small).writes + counts.get(big).writes;
    if (writes > 0) ok = false;
    lines.push(`  ${'writes (POST/DELETE) at Stripe and Twilio'.padEnd(48)} ${String(counts.get(small).writes).padStart(10)} ${String(counts.get(big).writes).padStart(10)} ${'0'.padStart(18)}${writes === 0 ? '' : '  MISSED'}`);
  } finally {
    await peers.close();
    for (const s of spaces) rmSync(s.ws.dir, { recursive: true, force: true });
  }
  return { lines, ok };
}

await runIfMain(import.meta.url, benchCheckAll);
