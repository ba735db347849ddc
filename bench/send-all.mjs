// Batch send benchmark (`send --all`), against the local peers (SMTP STARTTLS + AUTH, Stripe, Twilio, DNS):
// 4. `send --all --channel email --yes --json` of generated invoices (one YAML file each, one account), the
//    default SMTP pool next to "one connection per message" (the naive loop: `email.pool: { max_connections: 1,
//    max_messages: 1 }` and `--concurrency 1`): messages per second of the whole process, median of several
//    runs, modes interleaved, and the ratio (target: pooled ≥ 10× naive). Rate limits are lifted for email and
//    Stripe so that they are not what is measured. Every run starts from an empty journal/state folder and
//    reset peers, and is checked at the SMTP peer: one message per invoice, and the connections it accepted.
// 5. a rate-limited SMS batch: `send --all --channel sms --yes` through the Twilio peer with
//    `sms.twilio.rate_per_second` set (one sender): the rate achieved, from the Twilio peer's own arrival times
//    of the message POSTs ((n − 1) / (last − first)), must be within 5 % of the configured one.
//    The pooled send runs on each outbox of OUTBOXES (SQLite; a Postgres entry adds its row), next to the
//    figure of the JSONL journal the outbox replaced (target: SQLite ≥ 2× that).
// `node bench/send-all.mjs --runs N` runs this part alone (exit 1 when a target is missed).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPeers } from '../scripts/load-peers.mjs';
import { runIfMain } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/invoice-doctor.js');

/** Item 4: invoices per run for each mode. The naive loop runs at ~7 messages/s against the peer (each new
 *  connection waits for smtp-server's 100 ms greeting delay, then STARTTLS and AUTH), so 1,000 would take
 *  ~2.5 minutes a run: it is measured on fewer invoices and compared in messages per second. */
const POOLED_INVOICES = 1_000;
const NAIVE_INVOICES = 200;
const WARMUP_INVOICES = 100;
const TARGET_RATIO = 10;
/** Rate limits lifted in item 4 (the defaults, 10 emails/s per account and 20 links/s per test key, would cap both modes). */
const UNLIMITED_RATE = 10_000;
const NAIVE_POOL = { max_connections: 1, max_messages: 1 };
const NAIVE_CONCURRENCY = 1;
/** Item 5. */
const SMS_INVOICES = 50;
const SMS_RATE = 10;
const SMS_TOLERANCE = 0.05;
/** A rebuild of dist/ by someone else while a run starts: the run is discarded and done again. */
const REBUILD_RETRIES = 5;

/**
 * The pooled send on the JSONL journal (fsync'd lines, hand-made index, link() locks), on this machine: docs/
 * development.md at commit 8f6bf5c (node 20.20.2, 2026-11-21), the last before the outbox moved to SQLite.
 */
const JSONL_POOLED_PER_SECOND = 127.1;
const OUTBOX_TARGET = 2;
/**
 * The outboxes the pooled send is measured on (`journal:` of the workspace; each run starts empty). To add
 * Postgres: `{ name: 'Postgres', journal: 'postgres://…/db', fresh: async () => { truncate its tables } }`.
 */
const OUTBOXES = [
  { name: 'SQLite', journal: './state/outbox.db' },
  // Each send waits for its records to be durable (an fsync per group commit): more invoices in flight share each one.
  { name: 'SQLite, --concurrency 16', journal: './state/outbox.db', args: ['--concurrency', '16'] },
];

const TWILIO_ACCOUNT = 'ACfa4e0000000000000000000000000001';
const TWILIO_SERVICE = 'MGfa4e0000000000000000000000000001';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n) => n.toLocaleString('en-US');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One account against the peers, `count` invoices (one YAML file each) for `channel`, an empty state/ folder. */
export function workspace(peers, name, count, { channel, email = {}, sms = {}, outbox = OUTBOXES[0] }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `invoice-doctor-bench-send-all-${name}-`));
  const account = {
    name: 'Bench Plumbing',
    country: 'US',
    channels: [channel],
    payments: { provider: 'stripe', stripe: { secret_key: 'sk_test_fake_good', api_base: peers.stripe.url, rate_per_second: UNLIMITED_RATE } },
    ...(channel === 'email'
      ? {
          email: {
            from: 'Bench Plumbing <billing@scenario-shop.com>',
            transport: 'smtp',
            smtp: { host: '127.0.0.1', port: peers.smtp.starttls.port, secure: false, require_tls: true, user: 'billing@acme.test', pass: '${SMTP_PASS}', ca_file: path.join(root, 'test/fixtures/tls/ca.pem') },
            ...email,
          },
        }
      : {
          sms: { transport: 'twilio', twilio: { account_sid: TWILIO_ACCOUNT, auth_token: '${TWILIO_AUTH_TOKEN}', messaging_service_sid: TWILIO_SERVICE, api_base: peers.twilio.url, ...sms } },
        }),
  };
  const config = {
    version: 1,
    data: { invoices: './invoices' },
    journal: outbox.journal,
    dns: { servers: [peers.env.DNS_SERVER], timeout_ms: 1500 },
    accounts: { shop: account },
  };
  writeFileSync(path.join(dir, 'invoice-doctor.yaml'), JSON.stringify(config, null, 2));
  mkdirSync(path.join(dir, 'invoices'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const id = `B-${String(i).padStart(5, '0')}`;
    writeFileSync(
      path.join(dir, 'invoices', `${id}.yaml`),
      [
        `id: ${id}`,
        'account: shop',
        'status: validated',
        'currency: USD',
        'customer:',
        `  name: Customer ${i}`,
        ...(channel === 'email' ? ['  email: dana@northwind-traders.com'] : ['  phone: "+14155552671"']),
        'lines:',
        `  - { description: Boiler service ${i}, quantity: 1, unit_amount: ${10_000 + (i % 500)} }`,
        'issued_on: 2026-11-01',
        'due_on: 2026-12-01',
        '',
      ].join('\n'),
    );
  }
  const state = path.join(dir, 'state');
  return {
    dir,
    count,
    config: path.join(dir, 'invoice-doctor.yaml'),
    /** A fresh, empty outbox (otherwise every invoice is "already sent"). */
    freshState: async () => {
      rmSync(state, { recursive: true, force: true });
      mkdirSync(state, { recursive: true });
      await outbox.fresh?.();
    },
  };
}

function runCli(args, env) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
  });
}

/**
 * One `send --all --yes --json` of a workspace from a fresh state and reset peers, with the SMTP peer's and the
 * Twilio peer's arrival times of each message. Throws unless every invoice was sent and reached its peer once.
 */
export async function sendAll(ws, { channel, extraArgs = [], peers, reset, env }) {
  for (let attempt = 0; ; attempt++) {
    await ws.freshState();
    reset();
    const smtpTimes = [];
    const twilioTimes = [];
    peers.smtp.starttls.intercept = () => {
      smtpTimes.push(performance.now());
    };
    peers.twilio.intercept = (req) => {
      if (req.method === 'POST' && req.path.endsWith('/Messages.json')) twilioTimes.push(performance.now());
    };
    const r = await runCli(['send', '--all', '--channel', channel, '--yes', '--json', '--config', ws.config, ...extraArgs], env);
    if (r.code !== 0 && r.stderr.includes('ERR_MODULE_NOT_FOUND') && attempt < REBUILD_RETRIES) {
      await sleep(3000); // dist/ is being rebuilt by someone else: discard this run and do it again
      continue;
    }
    const what = `send --all --channel ${channel} ${extraArgs.join(' ')} (${ws.count} invoices)`;
    let summary;
    try {
      summary = JSON.parse(r.stdout).summary;
    } catch {
      throw new Error(`${what} exited ${r.code} without its JSON:\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`);
    }
    if (r.code !== 0 || summary.sent !== ws.count) throw new Error(`${what} exited ${r.code}: ${JSON.stringify(summary)}\n${r.stderr.slice(0, 2000)}`);
    const messages = peers.smtp.starttls.messages;
    const twilioPosts = peers.twilio.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/Messages.json')).length;
    if (channel === 'email') {
      const invoices = new Set(messages.map((m) => m.headers['x-invoice-id']));
      if (messages.length !== ws.count || invoices.size !== ws.count) {
        throw new Error(`${what}: the SMTP peer received ${messages.length} messages for ${invoices.size} invoices, expected ${ws.count}`);
      }
    } else if (twilioPosts !== ws.count || twilioTimes.length !== ws.count) {
      throw new Error(`${what}: the Twilio peer received ${twilioPosts} message POSTs, expected ${ws.count}`);
    }
    return { ms: r.ms, delivered: channel === 'email' ? messages.length : twilioPosts, connections: peers.smtp.starttls.connections, smtpTimes, twilioTimes };
  }
}

/** (n − 1) / (last − first), per second, from arrival times in ms. */
const arrivalRate = (times) => (times.length < 2 ? NaN : ((times.length - 1) / (times.at(-1) - times[0])) * 1000);

/** Runs the benchmark; returns the printed lines and whether every target was met. */
export async function benchSendAll(runs = 3) {
  const { startPeers, resetPeers } = await loadPeers();
  const peers = await startPeers();
  // Fresh worlds each run: the payment links' idempotency keys derive from the invoice, so a kept world would replay them.
  const reset = () => resetPeers(peers);
  const env = { ...process.env, ...peers.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const common = { peers, reset, env };
  const emailRates = { rate_per_second: UNLIMITED_RATE };
  const spaces = {
    warmup: workspace(peers, 'warmup', WARMUP_INVOICES, { channel: 'email', email: emailRates }),
    pooled: workspace(peers, 'pooled', POOLED_INVOICES, { channel: 'email', email: emailRates }),
    ...Object.fromEntries(OUTBOXES.slice(1).map((outbox) => [`pooled ${outbox.name}`, workspace(peers, `pooled-${outbox.name}`, POOLED_INVOICES, { channel: 'email', email: emailRates, outbox })])),
    naive: workspace(peers, 'naive', NAIVE_INVOICES, { channel: 'email', email: { ...emailRates, pool: NAIVE_POOL } }),
    sms: workspace(peers, 'sms', SMS_INVOICES, { channel: 'sms', sms: { rate_per_second: SMS_RATE } }),
  };
  const naiveArgs = ['--concurrency', String(NAIVE_CONCURRENCY)];
  const lines = [];
  let ok = true;
  // The pooled mode is bound by the CLI's CPU, the naive one by connection latency: a busy machine narrows the ratio.
  const load = os.loadavg()[0];
  try {
    // Warm-up (file cache, SDK files), then the modes take turns, run after run, so machine load affects both alike.
    await sendAll(spaces.warmup, { channel: 'email', ...common });
    const results = { pooled: [], naive: [], sms: [], ...Object.fromEntries(OUTBOXES.slice(1).map((o) => [`pooled ${o.name}`, []])) };
    for (let i = 0; i < runs; i++) {
      results.pooled.push(await sendAll(spaces.pooled, { channel: 'email', ...common }));
      for (const o of OUTBOXES.slice(1)) results[`pooled ${o.name}`].push(await sendAll(spaces[`pooled ${o.name}`], { channel: 'email', extraArgs: o.args ?? [], ...common }));
      results.naive.push(await sendAll(spaces.naive, { channel: 'email', extraArgs: naiveArgs, ...common }));
      results.sms.push(await sendAll(spaces.sms, { channel: 'sms', ...common }));
    }

    // Item 4.
    const perSecond = (mode) => median(results[mode].map((r) => (spaces[mode].count / r.ms) * 1000));
    const atPeer = (mode) => median(results[mode].map((r) => arrivalRate(r.smtpTimes)));
    const wall = (mode) => median(results[mode].map((r) => r.ms));
    const ratio = perSecond('pooled') / perSecond('naive');
    const met = ratio >= TARGET_RATIO;
    if (!met) ok = false;
    const W = 56;
    const row = (name, naive, pooled, r = '', target = '', missed = false) =>
      lines.push(`${name.padEnd(W)} ${String(naive).padStart(18)} ${String(pooled).padStart(18)} ${String(r).padStart(8)} ${String(target).padStart(8)}${missed ? '  MISSED' : ''}`);
    lines.push(`send --all --channel email --yes --json: one account, local SMTP peer (STARTTLS + AUTH), a Stripe payment link per invoice, the SQLite outbox · median of ${runs} runs, modes interleaved`);
    lines.push(`  pooled: the default pool (email.pool { max_connections: 3, max_messages: 100 }) and the default --concurrency 4`);
    lines.push(`  naive, one connection per message: email.pool { max_connections: ${NAIVE_POOL.max_connections}, max_messages: ${NAIVE_POOL.max_messages} } and --concurrency ${NAIVE_CONCURRENCY}`);
    lines.push(`  rate limits lifted in both modes: email.rate_per_second ${fmt(UNLIMITED_RATE)} and payments.stripe.rate_per_second ${fmt(UNLIMITED_RATE)} (defaults 10 and 20/s would cap both)`);
    lines.push(`  naive measured on ${fmt(NAIVE_INVOICES)} invoices, pooled on ${fmt(POOLED_INVOICES)} (1,000 naive sends take minutes): compared in messages per second`);
    lines.push(`  every run: an empty outbox (SQLite: a new state/outbox.db), peers reset; messages counted at the SMTP peer (one per invoice, checked)`);
    lines.push(`  load average (1 min) at the start: ${load.toFixed(2)} on ${os.cpus().length} CPUs (pooled is CPU-bound, naive latency-bound: load narrows the ratio)`);
    lines.push('');
    row('measure', 'naive', 'pooled', 'ratio', 'target');
    row('invoices per run', fmt(NAIVE_INVOICES), fmt(POOLED_INVOICES));
    row('wall time (whole process: start-up, gate, sends, output)', `${(wall('naive') / 1000).toFixed(2)} s`, `${(wall('pooled') / 1000).toFixed(2)} s`);
    row('messages per second (invoices / wall time)', perSecond('naive').toFixed(1), perSecond('pooled').toFixed(1), `${ratio.toFixed(2)}×`, `≥ ${TARGET_RATIO}×`, !met);
    row('  at the SMTP peer, first → last message (n − 1) / Δt', atPeer('naive').toFixed(1), atPeer('pooled').toFixed(1), `${(atPeer('pooled') / atPeer('naive')).toFixed(2)}×`);
    row('messages received by the SMTP peer, each run', results.naive.map((r) => fmt(r.delivered)).join('/'), results.pooled.map((r) => fmt(r.delivered)).join('/'));
    row('SMTP connections accepted by the peer, each run (*)', results.naive.map((r) => r.connections).join('/'), results.pooled.map((r) => r.connections).join('/'));
    lines.push('  (*) including the gate\'s one SMTP check (connect + STARTTLS + AUTH) per run');

    // Item 4, the outbox: the pooled send on each store, next to the JSONL journal's figure.
    lines.push('');
    lines.push(`the pooled send by outbox (${fmt(POOLED_INVOICES)} invoices, default pool; --concurrency 4 unless shown), next to the JSONL journal the outbox replaced`);
    lines.push(`  JSONL journal: ${JSONL_POOLED_PER_SECOND}/s on this machine (docs/development.md at 8f6bf5c, node 20.20.2, 2026-11-21); each store's target: ≥ ${OUTBOX_TARGET}× that`);
    lines.push('');
    row('outbox', 'JSONL journal', 'messages/s', 'ratio', 'target');
    for (const o of OUTBOXES) {
      const mode = o === OUTBOXES[0] ? 'pooled' : `pooled ${o.name}`;
      const rate = perSecond(mode);
      const r = rate / JSONL_POOLED_PER_SECOND;
      const hit = r >= OUTBOX_TARGET;
      if (!hit && o === OUTBOXES[0]) ok = false; // the target is the default's; other rows show what settings change
      row(`  ${o.name}`, JSONL_POOLED_PER_SECOND.toFixed(1), rate.toFixed(1), `${r.toFixed(2)}×`, `≥ ${OUTBOX_TARGET}×`, !hit);
    }

    // Item 5.
    const rates = results.sms.map((r) => arrivalRate(r.twilioTimes));
    const achieved = median(rates);
    const deviation = achieved / SMS_RATE - 1;
    const worst = rates.reduce((w, r) => (Math.abs(r / SMS_RATE - 1) > Math.abs(w) ? r / SMS_RATE - 1 : w), 0);
    const within = Math.abs(deviation) <= SMS_TOLERANCE;
    if (!within) ok = false;
    const pct = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`;
    lines.push('');
    lines.push(`send --all --channel sms --yes: ${SMS_INVOICES} invoices, one sender (messaging service), sms.twilio.rate_per_second ${SMS_RATE}, stripe ${fmt(UNLIMITED_RATE)}/s, --concurrency 4 · median of ${runs} runs`);
    lines.push(`  achieved rate: (n − 1) / (last − first) over the arrival times of the message POSTs at the Twilio peer`);
    lines.push('');
    const srow = (name, value, target = '', missed = false) => lines.push(`${name.padEnd(W)} ${String(value).padStart(18)} ${String(target).padStart(14)}${missed ? '  MISSED' : ''}`);
    srow('measure', 'value', 'target');
    srow('configured rate', `${SMS_RATE.toFixed(2)}/s`);
    srow('achieved rate (median)', `${achieved.toFixed(2)}/s`, `${(SMS_RATE * (1 - SMS_TOLERANCE)).toFixed(2)}–${(SMS_RATE * (1 + SMS_TOLERANCE)).toFixed(2)}/s`, !within);
    srow('deviation (median)', pct(deviation), `± ${SMS_TOLERANCE * 100} %`, !within);
    srow('  each run', rates.map((r) => r.toFixed(2)).join(' / '));
    srow('  largest deviation of a run', pct(worst));
    srow('message POSTs at the Twilio peer, each run', results.sms.map((r) => r.delivered).join('/'));
    srow('wall time (whole process, median)', `${(median(results.sms.map((r) => r.ms)) / 1000).toFixed(2)} s`);
  } finally {
    await peers.close();
    for (const ws of Object.values(spaces)) rmSync(ws.dir, { recursive: true, force: true });
  }
  return { lines, ok };
}

await runIfMain(import.meta.url, benchSendAll);
