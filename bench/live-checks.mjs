// Live-checks benchmark: one invoice that needs Stripe, SMTP, Twilio and DNS, against local peers that
// each answer after 50 ms. The same run with --sequential (one check at a time) is the sum of the
// sequential latencies; both are measured interleaved, from the CLI's own "checks run" phase timing
// (start-up excluded, SDK loading included). Then one run's requests are counted at the peers: each
// account fact must be fetched once, however many checks read it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPeers } from '../scripts/load-peers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/invoice-doctor.js');
const config = path.join(root, 'fixtures/scenarios/invoice-doctor.yaml');
const INVOICE = 'SC-all-services';
const DELAY_MS = 50;

function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs the benchmark; returns the printed lines and whether every target was met. */
export async function benchLiveChecks(runs) {
  const { startPeers } = await loadPeers();
  const peers = await startPeers({ delayMs: DELAY_MS });
  const env = { ...process.env, ...peers.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const lines = [];
  let ok = true;
  try {
    const phase = async (extra) => {
      const r = await run(['check', INVOICE, '--json', '--verbose', ...extra, '--config', config], env);
      if (r.code !== 0) throw new Error(`check ${INVOICE} ${extra.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      const m = /checks run \(1 invoice\) in (\d+) ms/.exec(r.stderr);
      if (!m) throw new Error(`no phase timing in --verbose output:\n${r.stderr}`);
      return Number(m[1]);
    };
    const concurrent = [];
    const sequential = [];
    await phase([]); // warm-up: file cache, TLS session setup
    for (let i = 0; i < runs; i++) {
      concurrent.push(await phase([]));
      sequential.push(await phase(['--sequential']));
    }
    const wall = median(concurrent);
    const sum = median(sequential);
    const ratio = wall / sum;
    const target = 0.5;
    if (ratio > target) ok = false;
    lines.push(`live checks, one invoice (Stripe + SMTP + Twilio + DNS), peers answering after ${DELAY_MS} ms · ${runs} runs each, interleaved`);
    lines.push('');
    lines.push(`${'measure'.padEnd(50)} ${'median'.padStart(9)} ${'ratio'.padStart(8)} ${'target'.padStart(8)}`);
    lines.push(`${'sum of sequential latencies (--sequential)'.padEnd(50)} ${`${sum} ms`.padStart(9)} ${'1.00'.padStart(8)}`);
    lines.push(`${'wall time, concurrent (default)'.padEnd(50)} ${`${wall} ms`.padStart(9)} ${ratio.toFixed(2).padStart(8)} ${`≤ ${target}`.padStart(8)}${ratio > target ? '  MISSED' : ''}`);

    // Requests per account fact, counted at the peers during one concurrent run.
    peers.stripe.reset();
    peers.twilio.reset();
    peers.dns.queries.length = 0;
    const smtpBefore = peers.smtp.starttls.connections;
    await phase([]);
    const twilioPaths = peers.twilio.requests.map((q) => `${q.host}${q.path}`);
    const counts = [
      ['Stripe GET /v1/account', peers.stripe.requests.length],
      ['SMTP connections (verify)', peers.smtp.starttls.connections - smtpBefore],
      ['DNS queries (MX of the recipient)', peers.dns.queries.length],
      ...[...new Set(twilioPaths)].map((p) => [`Twilio ${p.replace(/[A-Z]{2}fa4e0+/g, (m) => `${m.slice(0, 2)}…`)}`, twilioPaths.filter((x) => x === p).length]),
    ];
    lines.push('');
    lines.push('requests per account fact in one run (target: 1 each; no writes)');
    for (const [what, n] of counts) {
      if (n !== 1) ok = false;
      lines.push(`  ${what.padEnd(56)} ${String(n).padStart(3)}${n === 1 ? '' : '  MISSED'}`);
    }
    const writes = peers.stripe.writes().length + peers.twilio.writes().length;
    if (writes > 0) ok = false;
    lines.push(`  ${'writes (POST/DELETE) at Stripe and Twilio'.padEnd(56)} ${String(writes).padStart(3)}${writes === 0 ? '' : '  MISSED'}`);
  } finally {
    await peers.close();
  }
  return { lines, ok };
}
