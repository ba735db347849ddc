/**
 * `status` (and `check`'s delivery.last-attempt) end to end, as a process against the real peers: what was
 * sent, whether Twilio delivered it (each delivery error mapped to its code and remediation), whether the link
 * was paid, what happens when Twilio or Stripe cannot be asked, --offline, and a torn journal line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPeers, type Peers } from '../fakes/peers.js';
import { TWILIO_TOKEN } from '../fakes/twilio.js';
import { SMTP_PASS } from '../fakes/smtp.js';
import { builtinRemediation as REMEDIATION } from '../helpers/factories.js';
import { runCli, type CliResult } from '../support/cli.js';
import { allSmtpMessages, closedPort, makeWorkspace, resetPeers, rewriteConfig, STRIPE_KEYS, toLegacyJournal, TWILIO_SIDS, type SendWorkspace } from './workspace.js';

/** The catalogue's steps as a result shows them: `<invoice>` is the invoice at hand (INV-1 in these tests). */
const stepsFor = (steps: readonly string[], invoice = 'INV-1') => steps.map((step) => step.replaceAll('<invoice>', invoice));

let peers: Peers;

beforeAll(async () => {
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
});
// Request logs only: the worlds (the message Twilio holds, the link Stripe holds) live as long as a describe.
afterEach(() => {
  peers.stripe.reset();
  peers.twilio.reset();
});

const send = (w: SendWorkspace, args: string[]) => runCli(['send', 'INV-1', ...args, '--config', w.config], { env: w.env });
const status = (w: SendWorkspace, args: string[] = []) => runCli(['status', 'INV-1', ...args, '--config', w.config], { env: w.env });
const check = (w: SendWorkspace, args: string[] = []) => runCli(['check', 'INV-1', ...args, '--config', w.config], { env: w.env });
const json = (r: CliResult) => JSON.parse(r.stdout) as Record<string, any>;
const lastAttempt = (r: CliResult) => (json(r).results[0].checks as Record<string, any>[]).find((c) => c.id === 'delivery.last-attempt')!;

describe('status of an invoice never sent', () => {
  let ws: SendWorkspace;
  beforeAll(() => {
    resetPeers(peers);
    ws = makeWorkspace(peers);
  });
  afterAll(() => ws.cleanup());

  it('exit 0, "never sent" on both channels, no payment link, and nobody is asked', async () => {
    const human = await status(ws);
    expect(human.code).toBe(0);
    expect(human.stderr).toBe('');
    expect(human.stdout).toMatch(/^INV-1 · no\. 2026-INV-1 · Northwind Plumbing \(shop\) · \$125\.00 due · no payment link sent$/m);
    expect(human.stdout).toMatch(/^ {2}Email {2}never sent$/m);
    expect(human.stdout).toMatch(/^ {2}SMS {4}never sent$/m);
    expect(human.stdout).not.toContain('History');

    const out = json(await status(ws, ['--json']));
    expect(out).toMatchObject({ schemaVersion: 1, command: 'status', exitCode: 0, paid: null, attempts: [], offline: false });
    expect(out.payment).toEqual({ link: null, paid: null, paidAt: null, unavailable: null });
    expect(out.channels.email).toMatchObject({ state: 'never', attempts: 0, to: null, code: null, remediation: [] });
    expect(out.channels.sms).toMatchObject({ state: 'never', attempts: 0, to: null, code: null, remediation: [] });
    expect(out.journal.problems).toEqual([]);
    expect(peers.stripe.requests).toHaveLength(0);
    expect(peers.twilio.requests).toHaveLength(0);
    expect(peers.smtp.starttls.connections).toBe(0);
  });
});

describe('status after a send (email + SMS through Twilio, with a payment link)', () => {
  let ws: SendWorkspace;
  let sid: string;
  let link: { id: string; url: string };
  const setSms = (state: string, code?: number | null) => peers.twilio.setMessageStatus(sid, state, code);

  beforeAll(async () => {
    resetPeers(peers);
    ws = makeWorkspace(peers);
    const r = await send(ws, ['--yes', '--json']);
    expect(r.code).toBe(0);
    const out = json(r);
    sid = out.results.find((x: any) => x.channel === 'sms').sid;
    link = out.paymentLink;
    expect(sid).toMatch(/^SM/);
    peers.stripe.reset();
    peers.twilio.reset();
  });
  afterAll(() => ws.cleanup());

  it('right after sending: email accepted by the server, SMS accepted by Twilio, not paid yet (exit 0), with the full JSON', async () => {
    const human = await status(ws);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/· not paid yet$/m);
    expect(human.stdout).toContain(`Payment link  ${link.url}  $125.00, created `);
    expect(human.stdout).toMatch(/^ {2}Email {2}sent$/m);
    expect(human.stdout).toMatch(/The email to dana@northwind-traders\.com was accepted by the mail server \("250 /);
    expect(human.stdout).toMatch(/^ {2}SMS {4}sent$/m);
    expect(human.stdout).toContain(`its status is "accepted" (no delivery report yet)`);
    expect(human.stdout).toMatch(/^ {2}History$/m);
    expect(human.stdout).toMatch(/email to dana@northwind-traders\.com {2}sent/);
    expect(human.stdout).toMatch(/sms {3}to \+14155552671 {2}sent/);

    const r = await status(ws, ['--json']);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(Object.keys(out)).toEqual(['schemaVersion', 'command', 'exitCode', 'invoice', 'paid', 'payment', 'channels', 'attempts', 'offline', 'journal']);
    expect(out).toMatchObject({ schemaVersion: 1, command: 'status', exitCode: 0, paid: false, offline: false });
    expect(out.invoice).toEqual({ id: 'INV-1', number: '2026-INV-1', account: 'shop', status: 'validated', amountDue: 12500, currency: 'USD' });
    expect(out.payment).toMatchObject({ link: { id: link.id, url: link.url, amount: 12500, currency: 'USD' }, paid: false, paidAt: null, unavailable: null });
    expect(Object.keys(out.channels)).toEqual(['email', 'sms']);
    const fields = ['state', 'attempts', 'to', 'at', 'messageId', 'response', 'sid', 'smsStatus', 'file', 'twilioError', 'code', 'settled', 'message', 'remediation', 'docs'];
    expect(Object.keys(out.channels.email)).toEqual(fields);
    expect(Object.keys(out.channels.sms)).toEqual(fields);
    expect(out.channels.email).toMatchObject({ state: 'accepted', attempts: 1, to: 'dana@northwind-traders.com', sid: null, code: null });
    expect(out.channels.email.messageId).toMatch(/^<invoice\.INV-1\.[0-9a-f]+@northwind-plumbing\.com>$/);
    expect(out.channels.email.messageId).toBe(allSmtpMessages(peers)[0]!.headers['message-id']);
    expect(out.channels.email.response).toMatch(/^250 /);
    expect(out.channels.sms).toMatchObject({ state: 'accepted', attempts: 1, to: '+14155552671', sid, smsStatus: 'accepted', code: null, twilioError: null });
    expect(out.attempts).toHaveLength(2);
    for (const a of out.attempts) expect(Object.keys(a)).toEqual(['channel', 'attempt', 'to', 'startedAt', 'outcome', 'finishedAt', 'reconciled', 'settled', 'error']);
    expect(out.attempts.map((a: any) => [a.channel, a.to, a.outcome])).toEqual([['email', 'dana@northwind-traders.com', 'sent'], ['sms', '+14155552671', 'sent']]);
    expect(out.journal).toEqual({ file: ws.journal, problems: [] });
    // Twilio was asked about this message, Stripe about this link's sessions: reads only.
    expect(peers.twilio.count(`/2010-04-01/Accounts/${TWILIO_SIDS.active}/Messages/${sid}.json`, 'GET')).toBe(2);
    expect(peers.stripe.requests.every((q) => q.method === 'GET' && q.path === '/v1/checkout/sessions' && q.query.get('payment_link') === link.id)).toBe(true);
    expect(peers.stripe.writes()).toHaveLength(0);
    expect(peers.twilio.writes()).toHaveLength(0);
  });

  it('delivered: exit 0, "delivered"', async () => {
    setSms('delivered');
    const human = await status(ws);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ {2}SMS {4}delivered$/m);
    expect(human.stdout).toContain(`The SMS to +14155552671 was delivered (${sid}, `);
    const out = json(await status(ws, ['--json']));
    expect(out.channels.sms).toMatchObject({ state: 'delivered', smsStatus: 'delivered', code: null });
  });

  it.each([
    { state: 'undelivered', twilio: 30034, code: 'SMS_A2P_UNREGISTERED' },
    { state: 'undelivered', twilio: 30032, code: 'SMS_TOLLFREE_UNVERIFIED' },
    { state: 'undelivered', twilio: 30007, code: 'SMS_CARRIER_FILTERED' },
    { state: 'failed', twilio: 21610, code: 'SMS_RECIPIENT_OPTED_OUT' },
    { state: 'failed', twilio: 21614, code: 'SMS_NOT_MOBILE' },
    { state: 'undelivered', twilio: 30999, code: 'SMS_UNDELIVERED' },
  ])('$state with Twilio error $twilio → exit 1, $code with its remediation', async ({ state, twilio, code }) => {
    setSms(state, twilio);
    const r = await status(ws, ['--json']);
    expect(r.code).toBe(1);
    const out = json(r);
    expect(out.exitCode).toBe(1);
    const entry = REMEDIATION[code]!;
    expect(out.channels.sms).toMatchObject({ state: 'undelivered', smsStatus: state, code, remediation: stepsFor(entry.steps), docs: entry.docs ?? null });
    expect(out.channels.sms.twilioError.code).toBe(twilio);
    expect(out.channels.sms.message).toContain(`Twilio reports "${state}" with error ${twilio}`);
    // The email is not affected.
    expect(out.channels.email).toMatchObject({ state: 'accepted', code: null });
  });

  it('undelivered 30034 in words: NOT delivered, the code, why, and the numbered fix', async () => {
    setSms('undelivered', 30034);
    const r = await status(ws);
    expect(r.code).toBe(1);
    const entry = REMEDIATION.SMS_A2P_UNREGISTERED!;
    expect(r.stdout).toMatch(/^ {2}SMS {4}NOT delivered {2}\[SMS_A2P_UNREGISTERED\]$/m);
    expect(r.stdout).toContain('with error 30034 (message from an unregistered US 10DLC number (A2P registration missing))');
    expect(r.stdout).toContain(`Why: ${entry.cause}`);
    expect(r.stdout).toContain(`Fix: 1. ${stepsFor(entry.steps)[0]}`);
    expect(r.stdout).toContain(`2. ${stepsFor(entry.steps)[1]}`);
    expect(r.stdout).toContain(`Docs: ${entry.docs}`);
    expect(r.stdout).toMatch(/^ {2}Email {2}sent$/m);
  });

  it('check: delivery.last-attempt fails with the mapped code and only SMS is not ready', async () => {
    setSms('undelivered', 30034);
    const r = await check(ws, ['--json']);
    expect(r.code).toBe(1);
    const report = json(r).results[0];
    expect(report.channels).toEqual({ email: 'ready', sms: 'not_ready' });
    const last = lastAttempt(r);
    expect(last).toMatchObject({ status: 'fail', code: 'SMS_A2P_UNREGISTERED', remediation: stepsFor(REMEDIATION.SMS_A2P_UNREGISTERED!.steps) });
    expect(last.data.twilioError).toMatchObject({ code: 30034 });
    // Every other check passes: the only reason SMS is not ready is the undelivered message.
    expect(report.checks.filter((c: any) => c.status !== 'pass').map((c: any) => c.id)).toEqual(['delivery.last-attempt']);

    const human = await check(ws);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✗ fail {2}Last send arrived {2}\[SMS_A2P_UNREGISTERED\]/);
    expect(human.stdout).toMatch(/NOT READY {2}email: ready · sms: not ready/);

    // Narrowed to the channel that was asked about: with --channel email, nothing is wrong.
    const emailOnly = await check(ws, ['--channel', 'email', '--json']);
    expect(emailOnly.code).toBe(0);
    expect(lastAttempt(emailOnly).status).toBe('pass');
  });

  it('--offline asks nobody: the journal says accepted, whatever Twilio now says; payment unknown', async () => {
    setSms('undelivered', 30034);
    const connections = peers.smtp.starttls.connections;
    const r = await status(ws, ['--offline', '--json']);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.offline).toBe(true);
    expect(out.paid).toBeNull();
    expect(out.payment.link.url).toBe(link.url);
    expect(out.channels.sms).toMatchObject({ state: 'accepted', smsStatus: 'accepted', code: null });
    expect(out.channels.sms.message).toContain('its delivery status was not checked (offline)');
    const human = await status(ws, ['--offline']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('(offline: Twilio and Stripe were not asked)');

    // check --offline: delivery.last-attempt from the journal only.
    const c = await check(ws, ['--offline', '--json']);
    expect(c.code).toBe(0);
    expect(lastAttempt(c)).toMatchObject({ status: 'pass', code: null });
    expect(lastAttempt(c).message).toContain('not checked (offline)');

    expect(peers.stripe.requests).toHaveLength(0);
    expect(peers.twilio.requests).toHaveLength(0);
    expect(peers.smtp.starttls.connections).toBe(connections);
  });

  it('Twilio unreachable (refused port, or hanging past --timeout) → exit 3, SMS_STATUS_UNAVAILABLE; no secret printed', async () => {
    setSms('delivered');
    const port = await closedPort();
    rewriteConfig(ws, (c) => (c.accounts.shop.sms.twilio.api_base = `http://127.0.0.1:${port}`));
    try {
      const r = await status(ws, ['--json', '--verbose']);
      expect(r.code).toBe(3);
      const out = json(r);
      expect(out.channels.sms).toMatchObject({ state: 'unknown', code: 'SMS_STATUS_UNAVAILABLE', sid, remediation: stepsFor(REMEDIATION.SMS_STATUS_UNAVAILABLE!.steps) });
      expect(out.channels.email.state).toBe('accepted');
      expect(out.paid).toBe(false);
      const human = await status(ws, ['--verbose']);
      expect(human.code).toBe(3);
      expect(human.stdout).toMatch(/^ {2}SMS {4}status unknown {2}\[SMS_STATUS_UNAVAILABLE\]$/m);
      expect(human.stdout).toContain('its delivery status could not be read');
      for (const x of [r, human]) for (const secret of [TWILIO_TOKEN, SMTP_PASS, STRIPE_KEYS.good]) expect(x.stdout + x.stderr).not.toContain(secret);
    } finally {
      rewriteConfig(ws, (c) => (c.accounts.shop.sms.twilio.api_base = peers.twilio.url));
    }

    const account = peers.twilio.world.accounts[TWILIO_SIDS.active]!;
    account.behavior = 'hang';
    try {
      // Twilio never answers: the SDK's own timeout (below --timeout) makes it this channel's unknown, not a hang.
      const r = await status(ws, ['--json', '--timeout', '3000']);
      expect(r.code).toBe(3);
      expect(json(r).channels.sms).toMatchObject({ state: 'unknown', code: 'SMS_STATUS_UNAVAILABLE' });
    } finally {
      account.behavior = 'normal';
    }
  });

  it('Stripe unreachable: the payment is "unknown" and the exit code 3', async () => {
    setSms('delivered');
    const port = await closedPort();
    rewriteConfig(ws, (c) => (c.accounts.shop.payments.stripe.api_base = `http://127.0.0.1:${port}`));
    try {
      const r = await status(ws, ['--json', '--timeout', '3000']);
      expect(r.code).toBe(3);
      const out = json(r);
      expect(out.paid).toBeNull();
      expect(out.payment.unavailable).toBeTruthy();
      expect(out.channels.sms.state).toBe('delivered');
      const human = await status(ws, ['--timeout', '3000']);
      expect(human.code).toBe(3);
      expect(human.stdout).toMatch(/· payment status unknown$/m);
      expect(human.stdout).toContain('Could not ask Stripe:');
    } finally {
      rewriteConfig(ws, (c) => (c.accounts.shop.payments.stripe.api_base = peers.stripe.url));
    }
  });

  it('a JSONL journal (imported) with a torn last line: reported, everything else read, the exit code unchanged', async () => {
    setSms('undelivered', 30007);
    // The same history as a JSONL journal of invoice-doctor 0.1, cut by a crash in its last line.
    toLegacyJournal(ws, '{"v":1,"at":"2026-11-21T09:00:00.000Z","invoice":"INV-1","step":"email","pha');
    const r = await status(ws, ['--json']);
    expect(r.code).toBe(1);
    const out = json(r);
    expect(out.journal.problems).toHaveLength(1);
    expect(out.journal.problems[0]).toMatchObject({ text: expect.stringContaining('"step":"email","pha') });
    expect(out.channels.sms.code).toBe('SMS_CARRIER_FILTERED');
    expect(out.channels.email.state).toBe('accepted');
    const human = await status(ws);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/! .*journal\.jsonl:\d+ \(byte \d+\): an unreadable journal line was skipped — /);
    // The JSON check output carries the problem too.
    const c = await check(ws, ['--json']);
    expect(c.code).toBe(1);
    expect(lastAttempt(c).data.journalProblems).toHaveLength(1);
  });

  it('after fixing the cause, --resend sends a new SMS; status follows the newest try (2 tries, exit 0)', async () => {
    setSms('undelivered', 30034);
    expect((await status(ws)).code).toBe(1);
    const r = await send(ws, ['--channel', 'sms', '--resend', '--yes', '--json']);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.paymentLink).toMatchObject({ url: link.url, reused: true });
    const newSid = out.results[0].sid as string;
    expect(newSid).not.toBe(sid);
    const human = await status(ws);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ {2}SMS {4}sent \(2 tries\)$/m);
    const st = json(await status(ws, ['--json']));
    expect(st.channels.sms).toMatchObject({ state: 'accepted', attempts: 2, sid: newSid, code: null });
    expect(st.attempts.filter((a: any) => a.channel === 'sms')).toHaveLength(2);
    sid = newSid;
  });

  it('paid: "Paid" in words, paid: true with the time in JSON', async () => {
    setSms('delivered');
    const session = peers.stripe.payLink(link.id);
    const human = await status(ws);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/· Paid$/m);
    const paidAt = new Date(session.created * 1000).toISOString();
    expect(human.stdout).toContain(`Paid on ${paidAt}: the invoice can be marked Paid.`);
    const out = json(await status(ws, ['--json']));
    expect(out.paid).toBe(true);
    expect(out.payment).toMatchObject({ paid: true, paidAt });
    const c = await check(ws, ['--json']);
    expect(lastAttempt(c).message).toContain(`The payment link was paid on ${paidAt}.`);
  });
});

describe('status after a failed email', () => {
  let ws: SendWorkspace;
  beforeAll(() => {
    resetPeers(peers);
    ws = makeWorkspace(peers);
  });
  afterAll(() => {
    peers.smtp.starttls.rejectRecipients = [];
    ws.cleanup();
  });

  it('the server refuses the recipient: send exits 1; status reports EMAIL_SEND_FAILED (exit 1) with the server reply', async () => {
    peers.smtp.starttls.rejectRecipients = ['dana@northwind-traders.com'];
    const r = await send(ws, ['--channel', 'email', '--yes', '--json']);
    expect(r.code).toBe(1);
    expect(json(r).results[0]).toMatchObject({ channel: 'email', status: 'failed' });
    const st = await status(ws, ['--json']);
    expect(st.code).toBe(1);
    const email = json(st).channels.email;
    expect(email).toMatchObject({ state: 'failed', code: 'EMAIL_SEND_FAILED', remediation: stepsFor(REMEDIATION.EMAIL_SEND_FAILED!.steps) });
    expect(email.message).toContain('dana@northwind-traders.com');
    expect(json(st).channels.sms.state).toBe('never');
    const human = await status(ws);
    expect(human.stdout).toMatch(/^ {2}Email {2}last try failed {2}\[EMAIL_SEND_FAILED\]$/m);
  });
});
