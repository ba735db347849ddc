/**
 * `send --all`: the gate per invoice (failing invoices skipped and listed), sends exactly once per channel,
 * re-runs that send nothing, SMTP connection pooling, the Twilio rate limit, 429 retries, and a batch killed
 * mid-way (SIGKILL) then re-run: every invoice's channels delivered exactly once. Also: Stripe 429s on payment-link
 * creation, the OAuth2 (XOAUTH2) transport through the pool, pooled connections the server closes (idle timeout,
 * per-connection message cap), `max_messages` rollover, and the one batch question on a terminal.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OAUTH_ACCESS_TOKEN, OAUTH_CLIENT_ID, OAUTH_REFRESH_GOOD } from '../fakes/oauth2.js';
import { SMTP_USER, type SmtpMessage } from '../fakes/smtp.js';
import { BIN, runCli } from '../support/cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { accountFor, allSmtpMessages, CA, CUSTOMER, invoice, makeWorkspace, readJournal, STRIPE_KEYS, TWILIO_SIDS, type SendWorkspace, usePeers } from './workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

const send = (w: SendWorkspace, args: string[]) => runCli(['send', ...args, '--config', w.config], { env: w.env });
const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;
const twilioMessages = () => peers.twilio.world.accounts[TWILIO_SIDS.active]!.messages;
const smsPosts = () => peers.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
const emailsFor = (id: string) => allSmtpMessages(peers).filter((m) => m.headers['x-invoice-id'] === id);
const smsFor = (id: string) => twilioMessages().filter((m) => m.body.includes(`2026-${id}`));
const linkPosts = () => peers.stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_links');
const ids = (n: number) => Array.from({ length: n }, (_, i) => `INV-${i + 1}`);
/** How many messages each connection carried (by the peer's session id), in the order the connections first appear. */
const perConnection = (messages: SmtpMessage[]) => [...groupBy(messages, (m) => m.connectionId).values()].map((ms) => ms.map((m) => m.headers['x-invoice-id']));
/** Map.groupBy (not in Node 20): groups in first-seen order. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
/** Every invoice's email journalled exactly once, as a committed-then-sent attempt after its payment link. */
const EMAIL_ONLY_STEPS = ['link.intent', 'link.result', 'email.intent', 'email.commit', 'email.result'];
function expectJournalledOnce(w: SendWorkspace, invoiceIds: string[]) {
  const journal = readJournal(w);
  expect(journal.filter((l) => 'unparsed' in l)).toEqual([]);
  for (const id of invoiceIds) {
    const lines = journal.filter((l) => l.invoice === id);
    expect(lines.map((l) => `${l.step}.${l.phase}`), id).toEqual(EMAIL_ONLY_STEPS);
    expect(lines.find((l) => l.step === 'email' && l.phase === 'result')!.outcome, id).toBe('sent');
  }
}
/** Each invoice's batch result: sent, its one channel email sent. */
function expectAllSent(out: Record<string, any>, invoiceIds: string[]) {
  expect(out.summary).toEqual({ invoices: invoiceIds.length, sent: invoiceIds.length, already_sent: 0, skipped: 0, failed: 0, unknown: 0 });
  expect(out.results.map((x: any) => x.invoice.id)).toEqual(invoiceIds);
  for (const x of out.results) {
    expect(x.outcome, x.invoice.id).toBe('sent');
    expect(x.results.map((c: any) => [c.channel, c.status]), x.invoice.id).toEqual([['email', 'sent']]);
  }
}

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

  it('Stripe answers 429 to payment-link creation: the batch waits Retry-After and asks again under the same idempotency key; one link and one email per invoice', async () => {
    const invoices = ids(3);
    ws = makeWorkspace(peers, { accounts: { shop: account('Northwind Plumbing', { channels: ['email'] }) }, invoices: invoices.map((id) => invoice(id)) });
    // the first two link creations are refused (Retry-After: 1, stripe-should-retry: false, so the SDK does not retry)
    peers.stripe.world.rateLimitNextPosts = 2;
    const answers: { invoice: string; key: string; status: number; at: number }[] = [];
    peers.stripe.intercept = (req, action) => {
      if (req.method !== 'POST' || req.path !== '/v1/payment_links') return;
      answers.push({ invoice: new URLSearchParams(req.body).get('metadata[invoice_id]')!, key: String(req.headers['idempotency-key']), status: 'status' in action ? action.status : 0, at: Date.now() });
    };
    const r = await send(ws, ['--all', '--yes', '--json', '--verbose']);
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    expectAllSent(out, invoices);
    // --verbose says why it waits
    expect(r.stderr.match(/Stripe rate-limited the payment link for INV-\d \(429\); retry 1 of 4 in 1000 ms/g)).toHaveLength(2);

    // Stripe: 5 POSTs, 2 refused then repeated once each with the key they were refused under; 3 links.
    expect(linkPosts()).toHaveLength(5);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429]);
    const byInvoice = groupBy(answers, (a) => a.invoice);
    expect([...byInvoice.keys()].sort()).toEqual(invoices);
    expect([...byInvoice.values()].map((a) => a.length).sort()).toEqual([1, 2, 2]);
    for (const [id, tries] of byInvoice) {
      expect(tries.map((a) => a.status).slice(-1), id).toEqual([200]);
      expect(new Set(tries.map((a) => a.key)).size, id).toBe(1);
      expect(tries[0]!.key, id).toMatch(/^invoice-doctor-link-[0-9a-f]{48}$/);
      // Retry-After: 1 honoured
      if (tries.length === 2) expect(tries[1]!.at - tries[0]!.at, id).toBeGreaterThanOrEqual(950);
    }
    expect(new Set(answers.map((a) => a.key)).size).toBe(3);
    const links = peers.stripe.paymentLinks();
    expect(links.map((l) => l.metadata.invoice_id).sort()).toEqual(invoices);

    // Each invoice: its one link in the JSON, the journal and its one email; the retries left no extra link lines.
    const journal = readJournal(ws);
    expectJournalledOnce(ws, invoices);
    for (const x of out.results) {
      const id = x.invoice.id as string;
      const link = links.find((l) => l.metadata.invoice_id === id)!;
      expect(x.paymentLink).toMatchObject({ id: link.id, url: link.url, reused: false });
      expect(journal.find((l) => l.invoice === id && l.step === 'link' && l.phase === 'intent')!.idempotencyKey).toBe(byInvoice.get(id)![0]!.key);
      expect(journal.find((l) => l.invoice === id && l.step === 'link' && l.phase === 'result')).toMatchObject({ outcome: 'created', link: { id: link.id, url: link.url } });
      expect(emailsFor(id), id).toHaveLength(1);
      expect(emailsFor(id)[0]!.raw.replace(/=\r\n/g, ''), id).toContain(link.url);
    }
    expect(allSmtpMessages(peers)).toHaveLength(3);
  }, 60_000);

  it('OAuth2 (XOAUTH2) through the batch pool: 6 emails over at most max_connections connections, each logged in once with the access token', async () => {
    const invoices = ids(6);
    const oauth = accountFor(peers, {
      channels: ['email'],
      email: {
        from: 'Northwind Plumbing <billing@acme.test>',
        transport: 'oauth2',
        oauth2: { user: SMTP_USER, client_id: OAUTH_CLIENT_ID, client_secret: '${OAUTH_CLIENT_SECRET}', refresh_token: '${OAUTH_REFRESH_TOKEN}', token_url: peers.oauth.tokenUrl, host: '127.0.0.1', port: peers.smtp.xoauth2.port, secure: false, ca_file: CA },
        pool: { max_connections: 2 },
        rate_per_second: 1000,
      },
    });
    ws = makeWorkspace(peers, { accounts: { shop: oauth }, invoices: invoices.map((id) => invoice(id)) });
    const tokenRequestsBefore = peers.oauth.requests.length;
    const r = await send(ws, ['--all', '--yes', '--json', '--concurrency', '4']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectAllSent(json(r.stdout), invoices);
    const xoauth2 = peers.smtp.xoauth2;
    for (const id of invoices) expect(xoauth2.messages.filter((m) => m.headers['x-invoice-id'] === id), id).toHaveLength(1);
    expect(xoauth2.messages).toHaveLength(6);
    expect(peers.smtp.starttls.messages).toHaveLength(0);
    // The peer takes MAIL FROM only after AUTH, and AUTH XOAUTH2 only with SMTP_ACCESS_TOKEN: every message went
    // over a session logged in with the access token. The sends share at most 2 connections (plus the gate's probe),
    // each logged in once, not once per message.
    const connections = perConnection(xoauth2.messages);
    expect(connections.length).toBeGreaterThanOrEqual(1);
    expect(connections.length).toBeLessThanOrEqual(2);
    expect(xoauth2.connections).toBeLessThanOrEqual(3);
    expect(xoauth2.authAttempts).toHaveLength(xoauth2.connections);
    expect(xoauth2.authAttempts.every((a) => a.method === 'XOAUTH2' && a.username === SMTP_USER)).toBe(true);
    // the access token came from the refresh-token grant, at most once per connection
    const tokenRequests = peers.oauth.requests.slice(tokenRequestsBefore);
    expect(tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(tokenRequests.length).toBeLessThanOrEqual(xoauth2.connections);
    for (const t of tokenRequests) expect([t.body.get('grant_type'), t.body.get('refresh_token')]).toEqual(['refresh_token', OAUTH_REFRESH_GOOD]);
    expectJournalledOnce(ws, invoices);
    const everything = r.stdout + r.stderr + readFileSync(ws.journal, 'utf8');
    for (const secret of [peers.env.OAUTH_CLIENT_SECRET!, OAUTH_REFRESH_GOOD, OAUTH_ACCESS_TOKEN]) expect(everything).not.toContain(secret);
  }, 60_000);

  it('a pooled connection the server closes while idle (421 timeout) mid-batch: the pool opens a new one, the rest go out once', async () => {
    const invoices = ids(5);
    ws = makeWorkspace(peers, {
      accounts: { shop: account('Northwind Plumbing', { channels: ['email'], email: { pool: { max_connections: 1 }, rate_per_second: 1000 } }) },
      invoices: invoices.map((id) => invoice(id)),
    });
    // One worker, one connection: when INV-3's link is being created, INV-1 and INV-2 went over the connection,
    // which now sits idle in the pool; the server's idle timeout closes it right then.
    let posts = 0;
    let closed: number | undefined;
    peers.stripe.intercept = (req) => {
      if (req.method === 'POST' && req.path === '/v1/payment_links' && ++posts === 3) closed = peers.smtp.starttls.closeIdleConnections();
    };
    const r = await send(ws, ['--all', '--yes', '--json', '--concurrency', '1']);
    expect(closed).toBe(1);
    expect(r.code).toBe(0);
    expectAllSent(json(r.stdout), invoices);
    for (const id of invoices) expect(emailsFor(id), id).toHaveLength(1);
    expect(allSmtpMessages(peers)).toHaveLength(5);
    expect(perConnection(peers.smtp.starttls.messages)).toEqual([['INV-1', 'INV-2'], ['INV-3', 'INV-4', 'INV-5']]);
    // the gate's probe, the first pooled connection, its replacement
    expect(peers.smtp.starttls.connections).toBe(3);
    expectJournalledOnce(ws, invoices);
  }, 60_000);

  it('a server that closes a connection after N messages (421 to the next MAIL FROM): the pool moves the message to a new connection, each sent once', async () => {
    const invoices = ids(6);
    ws = makeWorkspace(peers, {
      accounts: { shop: account('Northwind Plumbing', { channels: ['email'], email: { pool: { max_connections: 1, max_messages: 100 }, rate_per_second: 1000 } }) },
      invoices: invoices.map((id) => invoice(id)),
    });
    peers.smtp.starttls.maxMessagesPerConnection = 2;
    const r = await send(ws, ['--all', '--yes', '--json', '--concurrency', '1']);
    expect(r.code).toBe(0);
    expectAllSent(json(r.stdout), invoices);
    for (const id of invoices) expect(emailsFor(id), id).toHaveLength(1);
    expect(allSmtpMessages(peers)).toHaveLength(6);
    expect(perConnection(peers.smtp.starttls.messages)).toEqual([['INV-1', 'INV-2'], ['INV-3', 'INV-4'], ['INV-5', 'INV-6']]);
    // the gate's probe and three pooled connections (the 421s came before anything was handed over)
    expect(peers.smtp.starttls.connections).toBe(4);
    expectJournalledOnce(ws, invoices);
  }, 60_000);

  it('max_messages rollover: max_messages 2 and max_connections 2, 7 emails: each connection retired after 2 messages, 4 connections in all', async () => {
    const invoices = ids(7);
    ws = makeWorkspace(peers, {
      accounts: { shop: account('Northwind Plumbing', { channels: ['email'], email: { pool: { max_connections: 2, max_messages: 2 }, rate_per_second: 1000 } }) },
      invoices: invoices.map((id) => invoice(id)),
    });
    const r = await send(ws, ['--all', '--yes', '--json', '--concurrency', '4']);
    expect(r.code).toBe(0);
    expectAllSent(json(r.stdout), invoices);
    for (const id of invoices) expect(emailsFor(id), id).toHaveLength(1);
    expect(allSmtpMessages(peers)).toHaveLength(7);
    // A connection carries at most 2 messages and is only retired (QUIT) after its 2nd; at the end at most 2 are
    // still open, each with 1 message (a 2nd would have retired it). 7 = 2 × retired + open with open ≤ 2 and odd:
    // 3 retired with 2 messages, 1 left with 1, so exactly 4 connections, plus the gate's probe.
    expect(perConnection(peers.smtp.starttls.messages).map((c) => c.length).sort()).toEqual([1, 2, 2, 2]);
    expect(peers.smtp.starttls.connections).toBe(5);
    expectJournalledOnce(ws, invoices);
  }, 60_000);

  it('on a terminal, lists the batch and asks once: "n" sends nothing and writes no journal (exit 1), "y" sends it; with no terminal and no --yes it refuses (exit 2)', async () => {
    const invoices = ids(2);
    const live = { ...account('Northwind Plumbing', { channels: ['email'] }), payments: { provider: 'stripe', stripe: { secret_key: STRIPE_KEYS.live, api_base: peers.stripe.url } } };
    ws = makeWorkspace(peers, { accounts: { shop: live }, invoices: [...invoices.map((id) => invoice(id)), invoice('INV-9', { status: 'draft' })] });
    const nothingWritten = () => {
      expect(peers.stripe.writes()).toHaveLength(0);
      expect(allSmtpMessages(peers)).toHaveLength(0);
      expect(existsSync(ws!.journal)).toBe(false);
    };

    // No terminal, no --yes: refused before anything is read or sent.
    const scripted = await send(ws, ['--all']);
    expect(scripted.code).toBe(2);
    expect(scripted.stderr).toMatch(/without confirmation: not running in an interactive terminal/);
    expect(scripted.stderr).toMatch(/--yes/);
    expect(scripted.stdout).toBe('');
    nothingWritten();

    // util-linux `script` gives the CLI a pseudo-terminal, sized like a real one (with 0 columns the progress line is
    // off); the answer is typed on its stdin once the question shows. coreutils `timeout` (in the foreground, so the
    // CLI keeps the terminal) makes sure a hung CLI never outlives the test.
    const onTty = (answer: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const command = ['timeout', '--foreground', '-s', 'KILL', '20', process.execPath, BIN, 'send', '--all', '--config', ws!.config].map((a) => `'${a}'`).join(' ');
        const child = spawn('script', ['-qec', `stty cols 100 rows 30; ${command}`, '/dev/null'], { env: { ...process.env, ...ws!.env, CI: '', NO_COLOR: '1' } });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (/\[y\/N\]/.test(out) && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`);
        });
        child.on('exit', (code) => resolve({ code, out }));
      });
    const no = await onTty('n');
    expect(no.out).toMatch(/2 invoices to send:\s+INV-1\s+shop\s+email\s+INV-2\s+shop\s+email\s/);
    expect(no.out).not.toContain('INV-9');
    expect(no.out).toMatch(/LIVE Stripe key: this creates real payment links customers can pay\. Send now\? \[y\/N\]/);
    expect(no.out.match(/\[y\/N\]/g)).toHaveLength(1);
    expect(no.out).toContain('Cancelled: nothing was sent.');
    expect(no.code).toBe(1);
    nothingWritten();

    const yes = await onTty('y');
    expect(yes.code).toBe(0);
    expect(yes.out.match(/\[y\/N\]/g)).toHaveLength(1);
    expect(yes.out).toMatch(/Batch send: 2 invoices · 2 sent · 0 already sent · 0 skipped · 0 failed · 0 unknown/);
    expect(linkPosts()).toHaveLength(2);
    for (const id of invoices) expect(emailsFor(id), id).toHaveLength(1);
    expect(emailsFor('INV-9')).toHaveLength(0);
    expectJournalledOnce(ws, invoices);
  }, 60_000);
});
