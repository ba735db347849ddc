/**
 * `send --all`: the gate per invoice (failing invoices skipped and listed), sends exactly once per channel,
 * re-runs that send nothing, SMTP connection pooling, the Twilio rate limit, 429 retries, and a batch killed
 * mid-way (SIGKILL) then re-run: every invoice's channels delivered exactly once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPeers, type Peers } from '../fakes/peers.js';
import { runCli } from '../support/cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { accountFor, allSmtpMessages, CUSTOMER, invoice, makeWorkspace, readJournal, resetPeers, TWILIO_SIDS, type SendWorkspace } from './workspace.js';

let peers: Peers;
let ws: SendWorkspace | undefined;

beforeAll(async () => {
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
});
afterEach(() => {
  ws?.cleanup();
  ws = undefined;
  resetPeers(peers);
});

const send = (w: SendWorkspace, args: string[]) => runCli(['send', ...args, '--config', w.config], { env: w.env });
const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;
const twilioMessages = () => peers.twilio.world.accounts[TWILIO_SIDS.active]!.messages;
const smsPosts = () => peers.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
const emailsFor = (id: string) => allSmtpMessages(peers).filter((m) => m.headers['x-invoice-id'] === id);
const smsFor = (id: string) => twilioMessages().filter((m) => m.body.includes(`2026-${id}`));

/** An account on the local peers, with a Twilio rate high enough not to slow the tests down. */
function account(name: string, extra: { twilioRate?: number; email?: Record<string, unknown>; channels?: string[] } = {}): Record<string, unknown> {
  const base = accountFor(peers, { name });
  const sms = base.sms as { twilio: Record<string, unknown> };
  sms.twilio.rate_per_second = extra.twilioRate ?? 200;
  if (extra.email) Object.assign(base.email as Record<string, unknown>, extra.email);
  if (extra.channels) base.channels = extra.channels;
  return base;
}

describe('send --all', () => {
  it('sends every validated invoice of two accounts once, skips and lists the one failing the gate; a re-run sends nothing', async () => {
    ws = makeWorkspace(peers, {
      accounts: { shop: account('Northwind Plumbing'), shop2: account('Contoso Heating') },
      invoices: [
        invoice('INV-1'),
        invoice('INV-2'),
        invoice('INV-3', { account: 'shop2' }),
        invoice('INV-4', { account: 'shop2' }),
        // the recipient's domain takes no mail (null MX): the gate refuses this one
        invoice('INV-5', { account: 'shop2', customer: { ...CUSTOMER, email: 'ap@nomail-corp.com' } }),
        // not validated: not selected at all
        invoice('INV-6', { status: 'draft' }),
      ],
    });
    const r = await send(ws, ['--all', '--status', 'validated', '--yes', '--json']);
    expect(r.stderr).toBe('');
    const out = json(r.stdout);
    expect(out).toMatchObject({ schemaVersion: 1, command: 'send', batch: true });
    expect(out.summary).toEqual({ invoices: 5, sent: 4, already_sent: 0, skipped: 1, failed: 0, unknown: 0 });
    // a refused invoice makes the exit 1, as `send <id>` refused by its gate does
    expect(r.code).toBe(1);
    const byId = new Map<string, any>(out.results.map((x: any) => [x.invoice.id, x]));
    expect([...byId.keys()].sort()).toEqual(['INV-1', 'INV-2', 'INV-3', 'INV-4', 'INV-5']);
    expect(byId.get('INV-5').outcome).toBe('refused');
    expect(byId.get('INV-5').reason).toMatch(/[A-Z_]{4,}/);
    expect(byId.get('INV-5').gate.ready).toBe(false);
    for (const id of ['INV-1', 'INV-2', 'INV-3', 'INV-4']) {
      expect(byId.get(id).outcome).toBe('sent');
      expect(byId.get(id).results.map((x: any) => [x.channel, x.status])).toEqual([['email', 'sent'], ['sms', 'sent']]);
      expect(emailsFor(id)).toHaveLength(1);
      expect(smsFor(id)).toHaveLength(1);
    }
    expect(emailsFor('INV-5')).toHaveLength(0);
    expect(smsFor('INV-5')).toHaveLength(0);
    expect(emailsFor('INV-6')).toHaveLength(0);
    // each email committed before its final dot, pooled or not
    const journal = readJournal(ws);
    for (const id of ['INV-1', 'INV-2', 'INV-3', 'INV-4']) {
      expect(journal.filter((l) => l.invoice === id).map((l) => `${l.step}.${l.phase}`)).toEqual(['link.intent', 'link.result', 'email.intent', 'email.commit', 'email.result', 'sms.intent', 'sms.result']);
    }

    const again = await send(ws, ['--all', '--yes', '--json']);
    const second = json(again.stdout);
    expect(second.summary).toEqual({ invoices: 5, sent: 0, already_sent: 4, skipped: 1, failed: 0, unknown: 0 });
    expect(again.code).toBe(1);
    expect(allSmtpMessages(peers)).toHaveLength(4);
    expect(twilioMessages()).toHaveLength(4);

    // The human summary lists the skipped invoice with its reason.
    const human = await send(ws, ['--all', '--yes']);
    expect(human.stdout).toMatch(/Batch send: 5 invoices · 0 sent · 4 already sent · 1 skipped/);
    expect(human.stdout).toMatch(/INV-5\s+shop2\s+skipped\s+[A-Z_]+/);
  }, 60_000);

  it('refuses without --yes when not interactive (exit 2); --dry-run sends nothing', async () => {
    ws = makeWorkspace(peers, { accounts: { shop: account('Northwind Plumbing') }, invoices: [invoice('INV-1'), invoice('INV-2')] });
    const refused = await send(ws, ['--all', '--json']);
    expect(refused.code).toBe(2);
    const dry = await send(ws, ['--all', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const out = json(dry.stdout);
    expect(out.results.map((x: any) => x.outcome)).toEqual(['dry_run', 'dry_run']);
    expect(allSmtpMessages(peers)).toHaveLength(0);
    expect(smsPosts()).toHaveLength(0);
    expect(readJournal(ws)).toHaveLength(0);
    const both = await send(ws, ['INV-1', '--all', '--yes']);
    expect(both.code).toBe(2);
    const neither = await send(ws, ['--yes']);
    expect(neither.code).toBe(2);
  }, 60_000);

  it('pools SMTP connections: 12 emails over at most max_connections connections (plus the gate\'s one probe)', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `INV-${i + 1}`);
    ws = makeWorkspace(peers, {
      accounts: { shop: account('Northwind Plumbing', { channels: ['email'], email: { pool: { max_connections: 2, max_messages: 100 }, rate_per_second: 1000 } }) },
      invoices: ids.map((id) => invoice(id)),
    });
    const r = await send(ws, ['--all', '--yes', '--json', '--concurrency', '6']);
    expect(r.code).toBe(0);
    expect(json(r.stdout).summary.sent).toBe(12);
    for (const id of ids) expect(emailsFor(id)).toHaveLength(1);
    // the gate verifies the account's SMTP login once; the sends then share at most 2 connections
    expect(peers.smtp.starttls.connections).toBeLessThanOrEqual(3);
    expect(peers.smtp.starttls.connections).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('spaces SMS at the configured Twilio rate (5/s: 10 SMS span at least ~1.8 s)', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `INV-${i + 1}`);
    ws = makeWorkspace(peers, { accounts: { shop: account('Northwind Plumbing', { channels: ['sms'], twilioRate: 5 }) }, invoices: ids.map((id) => invoice(id)) });
    const times: number[] = [];
    peers.twilio.intercept = (req) => {
      if (req.method === 'POST' && req.path.endsWith('/Messages.json')) times.push(Date.now());
    };
    const r = await send(ws, ['--all', '--yes', '--json', '--concurrency', '8']);
    expect(r.code).toBe(0);
    expect(times).toHaveLength(10);
    expect(times[9]! - times[0]!).toBeGreaterThanOrEqual(1_700);
  }, 60_000);

  it('retries a Twilio 429 (20429) after a backoff; nothing is sent twice', async () => {
    ws = makeWorkspace(peers, { accounts: { shop: account('Northwind Plumbing', { channels: ['sms'] }) }, invoices: [invoice('INV-1'), invoice('INV-2')] });
    peers.twilio.world.accounts[TWILIO_SIDS.active]!.rateLimitNextPosts = 2;
    const r = await send(ws, ['--all', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(json(r.stdout).summary.sent).toBe(2);
    expect(smsPosts()).toHaveLength(4);
    expect(smsFor('INV-1')).toHaveLength(1);
    expect(smsFor('INV-2')).toHaveLength(1);
  }, 60_000);

  it('a batch killed mid-way (SIGKILL, while Twilio holds an answer) and re-run delivers every channel exactly once', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `INV-${i + 1}`);
    ws = makeWorkspace(peers, { accounts: { shop: account('Northwind Plumbing') }, invoices: ids.map((id) => invoice(id)) });
    const cli = spawnCli(['send', '--all', '--yes', '--json', '--concurrency', '1', '--config', ws.config], { env: ws.env });
    let posts = 0;
    peers.twilio.intercept = async (req) => {
      if (req.method === 'POST' && req.path.endsWith('/Messages.json') && ++posts === 3) await cli.kill();
    };
    const first = await cli.exited;
    expect(first.signal).toBe('SIGKILL');
    peers.twilio.intercept = undefined;
    const sentBefore = ids.filter((id) => smsFor(id).length > 0).length;
    expect(sentBefore).toBe(3);

    const r = await send(ws, ['--all', '--yes', '--json']);
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    expect(out.summary.failed + out.summary.unknown + out.summary.skipped).toBe(0);
    expect(out.summary.sent + out.summary.already_sent).toBe(6);
    for (const id of ids) {
      expect(emailsFor(id), id).toHaveLength(1);
      expect(smsFor(id), id).toHaveLength(1);
    }
    // and once more: nothing left to send
    const again = await send(ws, ['--all', '--yes', '--json']);
    expect(json(again.stdout).summary.already_sent).toBe(6);
    expect(allSmtpMessages(peers)).toHaveLength(6);
    expect(twilioMessages()).toHaveLength(6);
  }, 60_000);
});
