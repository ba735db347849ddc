/**
 * `settle`: a person records the outcome of a try the tool cannot know — an email whose final dot may
 * have reached the server (a crash right after the commit line), an SMS Twilio cannot be asked about —
 * and `send` / `send --all` continue from it: `--as sent` is never sent again, `--as not-sent` is sent
 * exactly once. Everything through the CLI as a process, against the real SMTP server and the Twilio /
 * Stripe fakes; the crash is the existing failpoint (SIGKILL at that point).
 */
import { describe, expect, it } from 'vitest';
import { TWILIO_TOKEN } from '../fakes/twilio.js';
import { SMTP_PASS } from '../fakes/smtp.js';
import { runCli } from '../support/cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { accountFor, allSmtpMessages, invoice, makeWorkspace, readJournal, STRIPE_KEYS, TWILIO_SIDS, type SendWorkspace, usePeers } from './workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

const SECRETS = [SMTP_PASS, TWILIO_TOKEN, STRIPE_KEYS.good];
const cli = (w: SendWorkspace, args: string[]) => runCli([...args, '--config', w.config], { env: w.env });
const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;
const emailsFor = (id: string) => allSmtpMessages(peers).filter((m) => m.headers['x-invoice-id'] === id);
const smsPosts = () => peers.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
const smsAtTwilio = (id: string) => peers.twilio.world.accounts[TWILIO_SIDS.active]!.messages.filter((m) => m.body.includes(`2026-${id}`));

/** One account, one channel: the crash leaves exactly one open try, on that channel. */
function workspace(channel: 'email' | 'sms', ids: string[]): SendWorkspace {
  return makeWorkspace(peers, { accounts: { shop: accountFor(peers, { channels: [channel] }) }, invoices: ids.map((id) => invoice(id)) });
}

/** `send` killed by SIGKILL at a failpoint, as a power cut would. */
async function crash(w: SendWorkspace, id: string, failpoint: string): Promise<void> {
  const died = await spawnCli(['send', id, '--yes', '--json', '--config', w.config], { env: { ...w.env, INVOICE_DOCTOR_FAILPOINTS: failpoint } }).exited;
  expect(died.signal, `${died.stdout}${died.stderr}`).toBe('SIGKILL');
}

function expectNoSecrets(...texts: string[]): void {
  for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('settle an email whose final dot may have reached the server', () => {
  /** Crash right after the commit line: the re-run cannot know, and says so (exit 3). */
  async function unknownEmail(id: string): Promise<void> {
    await crash(ws!, id, 'email-after-commit');
    const rerun = await cli(ws!, ['send', id, '--yes', '--json']);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(3);
    expect(json(rerun.stdout).results).toMatchObject([{ channel: 'email', status: 'unknown' }]);
    expect(json(rerun.stdout).results[0].note).toContain(`invoice-doctor settle ${id} --channel email`);
    const status = await cli(ws!, ['status', id, '--json', '--offline']);
    expect(json(status.stdout).channels.email).toMatchObject({ state: 'unconfirmed', code: 'EMAIL_UNCONFIRMED', settled: null });
  }

  it('--as sent: send says already sent with no new message at the server, send --all skips it, status shows who/when', async () => {
    ws = workspace('email', ['INV-S1', 'INV-S2']);
    await unknownEmail('INV-S1');
    const before = emailsFor('INV-S1').length; // the server discarded the message whose dot never left: 0

    const settled = await cli(ws, ['settle', 'INV-S1', '--channel', 'email', '--as', 'sent', '--note', 'customer confirmed by phone, ticket 4711', '--json']);
    expect(settled.code, settled.stdout + settled.stderr).toBe(0);
    const out = json(settled.stdout);
    expect(out).toMatchObject({ command: 'settle', exitCode: 0, channel: 'email', as: 'sent', outcome: 'sent', settled: { by: 'person', note: 'customer confirmed by phone, ticket 4711' } });
    expect(Date.parse(out.settled.at)).not.toBeNaN();
    expect(out.attempt.committed).toBe(true);

    // The journal: one result line closing the open try, through send's writer (its envelope), saying who and why.
    const line = readJournal(ws).filter((l) => l.invoice === 'INV-S1').at(-1)!;
    expect(line).toMatchObject({ v: 1, invoice: 'INV-S1', account: 'shop', step: 'email', phase: 'result', outcome: 'sent', attempt: out.attempt.id, settled: { by: 'person', as: 'sent', note: 'customer confirmed by phone, ticket 4711' } });
    expect(typeof line.run).toBe('string');
    expect(line.at).toBe(out.settled.at);

    const again = await cli(ws, ['send', 'INV-S1', '--yes', '--json']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(json(again.stdout)).toMatchObject({ outcome: 'already_sent', results: [{ channel: 'email', status: 'already_sent' }] });
    expect(json(again.stdout).results[0].note).toMatch(/^Recorded as sent by .* \(invoice-doctor settle\): customer confirmed by phone, ticket 4711\.$/);

    const batch = await cli(ws, ['send', '--all', '--yes', '--json']);
    expect(batch.code, batch.stdout + batch.stderr).toBe(0);
    const byId = Object.fromEntries((json(batch.stdout).results as any[]).map((r) => [r.invoice.id, r.outcome]));
    expect(byId).toEqual({ 'INV-S1': 'already_sent', 'INV-S2': 'sent' });
    expect(emailsFor('INV-S1')).toHaveLength(before);
    expect(emailsFor('INV-S2')).toHaveLength(1);

    const status = await cli(ws, ['status', 'INV-S1', '--json', '--offline']);
    expect(status.code).toBe(0);
    const s = json(status.stdout);
    expect(s.channels.email).toMatchObject({ state: 'accepted', settled: { as: 'sent', by: 'person', at: out.settled.at, note: 'customer confirmed by phone, ticket 4711' } });
    expect(s.channels.email.message).toContain('recorded as sent by');
    expect(s.attempts.at(-1)).toMatchObject({ outcome: 'sent', settled: { as: 'sent', by: 'person' } });
    const human = await cli(ws, ['status', 'INV-S1', '--offline']);
    expect(human.stdout).toMatch(/recorded as sent by .* \(invoice-doctor settle\) on \d{4}-/);
    expect(human.stdout).toContain('note: customer confirmed by phone, ticket 4711');
    expectNoSecrets(settled.stdout, settled.stderr, again.stdout, batch.stdout, status.stdout, human.stdout, JSON.stringify(readJournal(ws)));
  });

  it('--as not-sent: the next send sends exactly one new message, and a re-run sends nothing more', async () => {
    ws = workspace('email', ['INV-N1']);
    await unknownEmail('INV-N1');
    expect(emailsFor('INV-N1')).toHaveLength(0);

    const settled = await cli(ws, ['settle', 'INV-N1', '--channel', 'email', '--as', 'not-sent']);
    expect(settled.code, settled.stdout + settled.stderr).toBe(0);
    expect(settled.stdout).toContain('recorded as not sent');
    expect(settled.stdout).toContain('sends the email once');

    const status = await cli(ws, ['status', 'INV-N1', '--json', '--offline']);
    expect(json(status.stdout).channels.email).toMatchObject({ state: 'failed', settled: { as: 'not-sent', by: 'person', note: null } });

    const sent = await cli(ws, ['send', 'INV-N1', '--yes', '--json']);
    expect(sent.code, sent.stdout + sent.stderr).toBe(0);
    expect(json(sent.stdout)).toMatchObject({ outcome: 'sent', results: [{ channel: 'email', status: 'sent' }] });
    expect(emailsFor('INV-N1')).toHaveLength(1);

    const rerun = await cli(ws, ['send', 'INV-N1', '--yes', '--json']);
    expect(json(rerun.stdout).outcome).toBe('already_sent');
    const batch = await cli(ws, ['send', '--all', '--yes', '--json']);
    expect(json(batch.stdout).results[0].outcome).toBe('already_sent');
    expect(emailsFor('INV-N1')).toHaveLength(1);
  });

  it('--as not-sent then send --all: the batch sends it exactly once', async () => {
    ws = workspace('email', ['INV-B1']);
    await unknownEmail('INV-B1');
    expect((await cli(ws, ['settle', 'INV-B1', '--channel', 'email', '--as', 'not-sent'])).code).toBe(0);
    const batch = await cli(ws, ['send', '--all', '--yes', '--json']);
    expect(batch.code, batch.stdout + batch.stderr).toBe(0);
    expect(json(batch.stdout).results[0]).toMatchObject({ outcome: 'sent', results: [{ channel: 'email', status: 'sent' }] });
    expect(emailsFor('INV-B1')).toHaveLength(1);
  });
});

describe('settle an SMS whose outcome Twilio cannot tell', () => {
  /** The crash left an SMS try open; Twilio's message list then fails, so the re-run cannot settle it itself. */
  async function unknownSms(id: string): Promise<void> {
    await crash(ws!, id, 'after-sms-intent');
    peers.twilio.intercept = (req) => {
      if (req.method === 'GET' && req.path.endsWith('/Messages.json')) throw new Error('Twilio is having a bad day');
    };
    const rerun = await cli(ws!, ['send', id, '--yes', '--json']);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(3);
    expect(json(rerun.stdout).results).toMatchObject([{ channel: 'sms', status: 'unknown' }]);
    expect(json(rerun.stdout).results[0].note).toContain(`invoice-doctor settle ${id} --channel sms`);
    expect(smsPosts()).toHaveLength(0);
  }

  it('--as sent: send says already sent and never creates the SMS; send --all skips it', async () => {
    ws = workspace('sms', ['INV-T1']);
    await unknownSms('INV-T1');
    const settled = await cli(ws, ['settle', 'INV-T1', '--channel', 'sms', '--as', 'sent', '--json']);
    expect(settled.code, settled.stdout + settled.stderr).toBe(0);
    expect(json(settled.stdout)).toMatchObject({ channel: 'sms', as: 'sent', outcome: 'sent' });

    const again = await cli(ws, ['send', 'INV-T1', '--yes', '--json']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(json(again.stdout)).toMatchObject({ outcome: 'already_sent', results: [{ channel: 'sms', status: 'already_sent' }] });
    const batch = await cli(ws, ['send', '--all', '--yes', '--json']);
    expect(json(batch.stdout).results[0].outcome).toBe('already_sent');
    expect(smsPosts()).toHaveLength(0);

    // status does not ask Twilio about an SMS it has no SID for: the person's record is the story.
    const status = await cli(ws, ['status', 'INV-T1', '--json']);
    expect(json(status.stdout).channels.sms).toMatchObject({ state: 'accepted', settled: { as: 'sent', by: 'person' } });
    expect(json(status.stdout).channels.sms.message).toContain('recorded as sent by');
  });

  it('--as not-sent: the next send creates exactly one SMS', async () => {
    ws = workspace('sms', ['INV-T2']);
    await unknownSms('INV-T2');
    expect((await cli(ws, ['settle', 'INV-T2', '--channel', 'sms', '--as', 'not-sent'])).code).toBe(0);
    const sent = await cli(ws, ['send', 'INV-T2', '--yes', '--json']);
    expect(sent.code, sent.stdout + sent.stderr).toBe(0);
    expect(json(sent.stdout).results).toMatchObject([{ channel: 'sms', status: 'sent' }]);
    const rerun = await cli(ws, ['send', 'INV-T2', '--yes', '--json']);
    expect(json(rerun.stdout).outcome).toBe('already_sent');
    expect(smsPosts()).toHaveLength(1);
    expect(smsAtTwilio('INV-T2')).toHaveLength(1);
  });
});

describe('settle refuses when there is nothing unknown to settle (exit 2, says why, writes nothing)', () => {
  const journalLength = () => readJournal(ws!).length;

  it('never sent, then already sent by the provider\'s answer', async () => {
    ws = workspace('email', ['INV-R1']);
    let r = await cli(ws, ['settle', 'INV-R1', '--channel', 'email', '--as', 'sent', '--json']);
    expect(r.code).toBe(2);
    expect(json(r.stdout).error).toMatchObject({ code: 'NOTHING_TO_SETTLE' });
    expect(json(r.stdout).error.message).toContain('no email was ever sent');
    expect(journalLength()).toBe(0);

    expect((await cli(ws, ['send', 'INV-R1', '--yes'])).code).toBe(0);
    const lines = journalLength();
    r = await cli(ws, ['settle', 'INV-R1', '--channel', 'email', '--as', 'not-sent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Nothing to settle: the email to .* was sent on /);
    expect(r.stderr).toContain('--resend');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(journalLength()).toBe(lines);
  });

  it('already settled; the other channel never sent; usage errors', { timeout: 60_000 }, async () => {
    ws = workspace('email', ['INV-R2']);
    await crash(ws, 'INV-R2', 'email-after-commit');
    expect((await cli(ws, ['settle', 'INV-R2', '--channel', 'email', '--as', 'not-sent', '--note', 'bounced'])).code).toBe(0);
    const settledLines = journalLength();
    let r = await cli(ws, ['settle', 'INV-R2', '--channel', 'email', '--as', 'sent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already settled as not-sent by .* \("bounced"\)/);
    expect(journalLength()).toBe(settledLines);

    r = await cli(ws, ['settle', 'INV-R2', '--channel', 'sms', '--as', 'sent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no SMS was ever sent');
    for (const args of [['--channel', 'email'], ['--as', 'sent'], ['--channel', 'both', '--as', 'sent'], ['--channel', 'email', '--as', 'maybe']]) {
      r = await cli(ws, ['settle', 'INV-R2', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--channel|--as/);
    }
    r = await cli(ws, ['settle', 'INV-NOPE', '--channel', 'email', '--as', 'sent']);
    expect(r.code).toBe(2);
    expect(journalLength()).toBe(settledLines);
  });

  it('a try interrupted before its commit line is provably unsent: left for send, which settles it by itself', async () => {
    ws = workspace('email', ['INV-R3']);
    await crash(ws, 'INV-R3', 'email-before-commit');
    const lines = journalLength(); // link intent and result, email intent
    const r = await cli(ws, ['settle', 'INV-R3', '--channel', 'email', '--as', 'sent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('its outcome is not unknown');
    expect(journalLength()).toBe(lines);
    const sent = await cli(ws, ['send', 'INV-R3', '--yes', '--json']);
    expect(json(sent.stdout).outcome).toBe('sent');
    expect(emailsFor('INV-R3')).toHaveLength(1);
  });
});

describe('settle takes the invoice\'s lock', () => {
  it('while a send of the invoice is in flight it refuses (exit 3, INVOICE_LOCKED, nothing written); afterwards there is nothing left to settle', async () => {
    ws = workspace('email', ['INV-L1']);
    await crash(ws, 'INV-L1', 'email-after-commit');
    // `send --resend` closes the unknown try and sends again; the server holds its answer, so that send holds the lock.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      peers.smtp.starttls.intercept = () => {
        resolve();
        return new Promise<void>((r) => (release = r));
      };
    });
    const resend = spawnCli(['send', 'INV-L1', '--yes', '--json', '--resend', '--config', ws.config], { env: ws.env });
    try {
      await held;
      const lines = readJournal(ws).length;
      const r = await cli(ws, ['settle', 'INV-L1', '--channel', 'email', '--as', 'not-sent', '--json']);
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(json(r.stdout)).toMatchObject({ command: 'settle', exitCode: 3, error: { code: 'INVOICE_LOCKED' } });
      expect(json(r.stdout).error.message).toContain('is being sent by another invoice-doctor');
      expect(readJournal(ws)).toHaveLength(lines);
    } finally {
      release?.();
    }
    const done = await resend.exited;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    const after = await cli(ws, ['settle', 'INV-L1', '--channel', 'email', '--as', 'not-sent', '--json']);
    expect(after.code).toBe(2);
    expect(json(after.stdout).error.code).toBe('NOTHING_TO_SETTLE');
    expect(emailsFor('INV-L1')).toHaveLength(1);
  });
});
