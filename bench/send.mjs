// Send benchmark, against the local peers (no added delay; the SMTP peer greets after its usual 100 ms):
// 1. one full send (payment link + email + SMS), median wall time next to a bare `node -e ""`;
// 2. the outbox as it grows: the same sends with a SQLite outbox of 100,000 other records (imported once from a
//    JSONL journal, as an upgrade does; the import is timed), against an outbox holding only this workspace's
//    sends. A full send must stay under 2× the small outbox's time, an "already sent" re-run (the lookup path:
//    start-up, config, one indexed query) under 1.2×.
// All cases take turns, round after round, so machine load affects them alike.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPeers } from '../scripts/load-peers.mjs';
import { runIfMain } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/invoice-doctor.js');
const JOURNAL_LINES = 100_000;

function run(args, env) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function workspace(peers, invoices) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-bench-send-'));
  const config = {
    version: 1,
    data: { invoices: './invoices.yaml' },
    journal: './state/outbox.db',
    dns: { servers: [peers.env.DNS_SERVER], timeout_ms: 1500 },
    accounts: {
      shop: {
        name: 'Bench Plumbing',
        country: 'US',
        channels: ['email', 'sms'],
        payments: { provider: 'stripe', stripe: { secret_key: 'sk_test_fake_good', api_base: peers.stripe.url } },
        email: {
          from: 'Bench Plumbing <billing@scenario-shop.com>',
          transport: 'smtp',
          smtp: { host: '127.0.0.1', port: peers.smtp.starttls.port, secure: false, require_tls: true, user: 'billing@acme.test', pass: '${SMTP_PASS}', ca_file: path.join(root, 'test/fixtures/tls/ca.pem') },
        },
        sms: { transport: 'twilio', twilio: { account_sid: 'ACfa4e0000000000000000000000000001', auth_token: '${TWILIO_AUTH_TOKEN}', messaging_service_sid: 'MGfa4e0000000000000000000000000001', api_base: peers.twilio.url } },
      },
    },
  };
  writeFileSync(path.join(dir, 'invoice-doctor.yaml'), JSON.stringify(config));
  const list = invoices.map((id) => ({
    id, account: 'shop', status: 'validated', currency: 'USD',
    customer: { name: 'Dana Whitfield', email: 'dana@northwind-traders.com', phone: '+14155552671' },
    lines: [{ description: 'Boiler service', unit_amount: 12500 }], issued_on: '2026-11-01', due_on: '2026-12-01',
  }));
  writeFileSync(path.join(dir, 'invoices.yaml'), JSON.stringify(list));
  mkdirSync(path.join(dir, 'state'), { recursive: true });
  return { dir, config: path.join(dir, 'invoice-doctor.yaml'), legacy: path.join(dir, 'state/outbox.jsonl') };
}

/** 100,000 lines as `send` writes them: 7 per invoice (link, email, SMS), for 14,286 other invoices. */
async function writeBigJournal(file) {
  const out = createWriteStream(file);
  const at = '2026-10-01T09:00:00.000Z';
  const steps = (i) => {
    const base = { v: 1, invoice: `OLD-${i}`, at, account: 'shop', run: 'bench0000000' };
    const attempt = (i * 7919).toString(16).padStart(16, '0');
    return [
      { ...base, step: 'link', phase: 'intent', amount: 12500, currency: 'USD', idempotencyKey: `invoice-doctor-link-${attempt}` },
      { ...base, step: 'link', phase: 'result', outcome: 'created', amount: 12500, currency: 'USD', link: { id: `plink_${attempt}`, url: `https://buy.stripe.com/test_${attempt}`, livemode: false } },
      { ...base, step: 'email', phase: 'intent', attempt, to: `customer${i}@example.com`, transport: 'smtp', from: 'Bench <billing@scenario-shop.com>', messageId: `<invoice.OLD-${i}.${attempt}@scenario-shop.com>`, subject: `Invoice OLD-${i} from Bench Plumbing` },
      { ...base, step: 'email', phase: 'commit', attempt },
      { ...base, step: 'email', phase: 'result', attempt, outcome: 'sent', messageId: `<invoice.OLD-${i}.${attempt}@scenario-shop.com>`, response: '250 OK: message queued' },
      { ...base, step: 'sms', phase: 'intent', attempt, to: '+14155552671', transport: 'twilio', service: 'MGfa4e0000000000000000000000000001', body: `Bench Plumbing: invoice OLD-${i} for $125.00 is due Dec 1, 2026. Pay here: https://buy.stripe.com/test_${attempt}` },
      { ...base, step: 'sms', phase: 'result', attempt, outcome: 'sent', sid: `SM${attempt}`, status: 'accepted' },
    ];
  };
  let written = 0;
  for (let i = 0; written < JOURNAL_LINES; i++) {
    for (const record of steps(i)) {
      if (written === JOURNAL_LINES) break;
      if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
      written++;
    }
  }
  out.end();
  await once(out, 'finish');
}

/** Runs the benchmark; returns the printed lines and whether every target was met. */
export async function benchSend(runs) {
  const { startPeers } = await loadPeers();
  const peers = await startPeers();
  const env = { ...process.env, ...peers.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const ids = ['SENT', ...Array.from({ length: runs + 1 }, (_, i) => `B-${i}`)];
  const small = workspace(peers, ids);
  const big = workspace(peers, ids);
  const lines = [];
  let ok = true;
  try {
    // The big outbox: a 100,000-line JSONL journal, imported by the first command that opens it (timed).
    await writeBigJournal(big.legacy);
    const setJournal = (ws, journal) => writeFileSync(ws.config, JSON.stringify({ ...JSON.parse(readFileSync(ws.config, 'utf8')), journal }));
    setJournal(big, './state/outbox.jsonl');
    const imported = await run([bin, 'journal', 'export', '--config', big.config], env);
    if (imported.code !== 0 || imported.stdout.split('\n').length !== JOURNAL_LINES + 1) throw new Error(`the import of the big journal failed (exit ${imported.code}):\n${imported.stderr}`);
    setJournal(big, './state/outbox.db');
    const send = async (ws, id) => {
      const r = await run([bin, 'send', id, '--yes', '--json', '--config', ws.config], env);
      if (r.code !== 0) throw new Error(`send ${id} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      return r;
    };
    for (const ws of [small, big]) await send(ws, 'SENT');
    const times = { node: [], sendSmall: [], sendBig: [], againSmall: [], againBig: [] };
    await send(small, 'B-0'); // warm-up: file cache, SDK files
    await send(big, 'B-0');
    for (let i = 1; i <= runs; i++) {
      times.node.push((await run(['-e', ''], env)).ms);
      times.sendSmall.push((await send(small, `B-${i}`)).ms);
      times.sendBig.push((await send(big, `B-${i}`)).ms);
      times.againSmall.push((await send(small, 'SENT')).ms);
      times.againBig.push((await send(big, 'SENT')).ms);
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const row = (name, ms, ratio, target) => {
      const missed = target !== undefined && ratio > target;
      if (missed) ok = false;
      lines.push(`${name.padEnd(58)} ${`${ms.toFixed(1)} ms`.padStart(10)} ${ratio === undefined ? '' : ratio.toFixed(2).padStart(8)} ${(target ? `≤ ${target}` : '').padStart(8)}${missed ? '  MISSED' : ''}`);
    };
    lines.push(`send: one full send (Stripe link + SMTP email + Twilio SMS) against local peers · ${runs} runs each, interleaved`);
    lines.push('');
    lines.push(`${'measure'.padEnd(58)} ${'median'.padStart(10)} ${'ratio'.padStart(8)} ${'target'.padStart(8)}`);
    row('node -e ""', m.node, 1);
    row('send, full (link + email + SMS), small outbox', m.sendSmall, m.sendSmall / m.node);
    lines.push('');
    lines.push(`outbox growth (SQLite): ${JOURNAL_LINES.toLocaleString('en-US')} other records vs this workspace's own (ratio to the small outbox)`);
    row('send, full, small outbox', m.sendSmall, 1);
    row(`send, full, ${JOURNAL_LINES.toLocaleString('en-US')}-record outbox`, m.sendBig, m.sendBig / m.sendSmall, 2);
    row('send, already sent (outbox lookup only), small outbox', m.againSmall, 1);
    row(`send, already sent, ${JOURNAL_LINES.toLocaleString('en-US')}-record outbox`, m.againBig, m.againBig / m.againSmall, 1.2);
    lines.push(`${`one-time import of a ${JOURNAL_LINES.toLocaleString('en-US')}-line JSONL journal (+ export)`.padEnd(58)} ${`${imported.ms.toFixed(1)} ms`.padStart(10)}`);
  } finally {
    await peers.close();
    rmSync(small.dir, { recursive: true, force: true });
    rmSync(big.dir, { recursive: true, force: true });
  }
  return { lines, ok };
}

await runIfMain(import.meta.url, benchSend, 11);
