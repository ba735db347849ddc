/**
 * `check --all` as a batch: account facts fetched once per account however many invoices, NDJSON with one
 * line per invoice plus the summary, and an invoice whose data does not load reported as that invoice's
 * input error while the batch goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from '../support/cli.js';
import { startPeers, type Peers } from '../fakes/peers.js';

let peers: Peers;
const dirs: string[] = [];

beforeAll(async () => {
  peers = await startPeers();
});

afterAll(async () => {
  await peers?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `count` one-invoice YAML files spread round-robin over `accounts` accounts using every peer. */
function workspace(count: number, accounts: number): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-batch-'));
  dirs.push(dir);
  const account = (i: number) => ({
    name: `Batch ${i}`,
    country: 'US',
    channels: ['email', 'sms'],
    payments: { provider: 'stripe', stripe: { secret_key: 'sk_test_fake_good', api_base: peers.stripe.url } },
    email: {
      from: 'Batch <billing@scenario-shop.com>',
      transport: 'smtp',
      smtp: { host: '127.0.0.1', port: peers.smtp.starttls.port, secure: false, require_tls: true, user: 'billing@acme.test', pass: '${SMTP_PASS}', ca_file: path.join(ROOT, 'test/fixtures/tls/ca.pem') },
    },
    sms: { transport: 'twilio', twilio: { account_sid: 'ACfa4e0000000000000000000000000001', auth_token: '${TWILIO_AUTH_TOKEN}', messaging_service_sid: 'MGfa4e0000000000000000000000000001', api_base: peers.twilio.url } },
  });
  const config = {
    version: 1,
    data: { invoices: './invoices' },
    dns: { servers: [peers.env.DNS_SERVER], timeout_ms: 5000 },
    accounts: Object.fromEntries(Array.from({ length: accounts }, (_, i) => [`acct-${i}`, account(i)])),
  };
  writeFileSync(path.join(dir, 'invoice-doctor.yaml'), JSON.stringify(config, null, 2));
  mkdirSync(path.join(dir, 'invoices'));
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, 'invoices', `B-${String(i).padStart(4, '0')}.yaml`), invoiceYaml(`B-${String(i).padStart(4, '0')}`, `acct-${i % accounts}`));
  return { dir, config: path.join(dir, 'invoice-doctor.yaml') };
}

function invoiceYaml(id: string, account: string, extra: Partial<Record<'status' | 'lines', string>> = {}): string {
  return [
    `id: ${id}`,
    `account: ${account}`,
    `status: ${extra.status ?? 'validated'}`,
    'currency: USD',
    'customer: { name: Dana Whitfield, email: dana@northwind-traders.com, phone: "+14155552671" }',
    `lines: ${extra.lines ?? '[{ description: Service, unit_amount: 12500 }]'}`,
    'issued_on: 2026-11-01',
    'due_on: 2026-12-01',
    '',
  ].join('\n');
}

const lines = (stdout: string) => stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; invoice?: { id: string }; checks?: Array<{ id: string; status: string; code: string | null; message: string }>; summary?: { invoices: number; ready: number; error: number } });

describe('check --all as a batch', () => {
  it('200 invoices over 2 accounts: each account fact read once per account; one NDJSON line per invoice, then the summary', async () => {
    const ws = workspace(200, 2);
    peers.stripe.reset();
    peers.twilio.reset();
    peers.dns.queries.length = 0;
    const smtpBefore = peers.smtp.starttls.connections;
    const r = await runCli(['check', '--all', '--format', 'ndjson', '--config', ws.config], { env: peers.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(201);
    expect(out.slice(0, 200).every((l) => l.type === 'result')).toBe(true);
    expect(new Set(out.slice(0, 200).map((l) => l.invoice!.id)).size).toBe(200);
    expect(out[200]).toMatchObject({ type: 'summary', ready: true, summary: { invoices: 200, ready: 200 } });
    // One Stripe account read, one SMTP verify, one of each Twilio read, one MX lookup: per account.
    expect(peers.stripe.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /v1/account', 'GET /v1/account']);
    expect(peers.smtp.starttls.connections - smtpBefore).toBe(2);
    const twilio = peers.twilio.requests.map((q) => `${q.method} ${q.host}${q.path}`);
    expect(twilio.length).toBeGreaterThanOrEqual(8);
    for (const p of new Set(twilio)) expect(twilio.filter((x) => x === p), p).toHaveLength(2);
    expect(peers.dns.queries.length).toBeLessThanOrEqual(4);
    expect(peers.stripe.writes()).toEqual([]);
    expect(peers.twilio.writes()).toEqual([]);
  });

  it('a broken invoice file is that invoice\'s input error; the batch goes on and exits 2 when nothing else failed', async () => {
    const ws = workspace(20, 2);
    writeFileSync(path.join(ws.dir, 'invoices', 'B-0005.yaml'), invoiceYaml('B-0005', 'acct-1', { lines: '[{ description: Service, unit_amount: "twelve" }]' }));
    writeFileSync(path.join(ws.dir, 'invoices', 'Z-broken.yaml'), 'id: Z-broken\nstatus: [unclosed\n');
    const r = await runCli(['check', '--all', '--offline', '--format', 'ndjson', '--config', ws.config], { env: peers.env });
    expect(r.code).toBe(2);
    const out = lines(r.stdout);
    expect(out).toHaveLength(22); // 19 checked + 2 input errors (B-0005, Z-broken.yaml) + the summary
    const bad = out.find((l) => l.invoice?.id === 'B-0005')!;
    expect(bad.checks).toEqual([expect.objectContaining({ id: 'invoice.data', status: 'error', code: 'DATA_INVALID' })]);
    expect(bad.checks![0]!.message).toMatch(/B-0005\.yaml:6:\d+: lines\[0\]\.unit_amount/);
    const unparsable = out.find((l) => l.invoice?.id?.includes('Z-broken'))!;
    expect(unparsable.checks![0]).toMatchObject({ code: 'DATA_INVALID' });
    expect(unparsable.checks![0]!.message).toMatch(/Z-broken\.yaml:\d+:\d+/);
    expect(out.filter((l) => l.type === 'result' && l.checks!.some((c) => c.id === 'invoice.status'))).toHaveLength(19);
    expect(out.at(-1)).toMatchObject({ type: 'summary', ready: false, summary: { invoices: 21, ready: 19 } });

    // Human output: the same, each block streamed; explicit ids keep today's behaviour (the run stops, exit 2).
    const human = await runCli(['check', '--all', '--offline', '--config', ws.config], { env: peers.env });
    expect(human.code).toBe(2);
    expect(human.stdout).toContain('DATA_INVALID');
    expect(human.stdout).toContain('Checked 21 invoices: 19 ready');
    const one = await runCli(['check', 'B-0005', '--offline', '--json', '--config', ws.config], { env: peers.env });
    expect(one.code).toBe(2);
    expect(JSON.parse(one.stdout).error.code).toBe('DATA_INVALID');

    // A not-ready invoice in the same batch: 1 wins over 2.
    writeFileSync(path.join(ws.dir, 'invoices', 'B-0006.yaml'), invoiceYaml('B-0006', 'acct-0', { status: 'draft' }));
    const failing = await runCli(['check', '--all', '--offline', '--format', 'ndjson', '--config', ws.config], { env: peers.env });
    expect(failing.code).toBe(1);
    expect(lines(failing.stdout)).toHaveLength(22);
  });

  it('--json keeps every result (not streamed) and includes the input errors', async () => {
    const ws = workspace(5, 1);
    writeFileSync(path.join(ws.dir, 'invoices', 'B-0002.yaml'), 'id: B-0002\naccount: acct-0\n');
    const r = await runCli(['check', '--all', '--offline', '--json', '--config', ws.config], { env: peers.env });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { summary: { invoices: number }; results: Array<{ invoice: { id: string }; checks: Array<{ code: string | null }> }> };
    expect(report.summary.invoices).toBe(5);
    expect(report.results.find((x) => x.invoice.id === 'B-0002')!.checks[0]!.code).toBe('DATA_INVALID');
  });
});
