/**
 * Answers that do not prove a message was NOT created (issue 11, "never twice"), end to end through the CLI
 * against the stateful peers: Twilio creating the SMS and then answering 500/502/503, an HTML page, or dropping
 * the connection; Twilio refusing before creating (the converse); Stripe saving a 500 under the link's
 * Idempotency-Key (with and without having created the link); an SMTP server refusing the message in its reply
 * to the final dot; and `status` when Twilio answers 404 for the message.
 */
import { describe, expect, it } from 'vitest';
import { builtinRemediation as REMEDIATION } from '../helpers/factories.js';
import type { TwilioMessageFault } from '../fakes/twilio.js';
import { runCli, type CliResult } from '../support/cli.js';
import { accountFor, allSmtpMessages, makeWorkspace, readJournal, rewriteConfig, rewriteJournal, TWILIO_SIDS, type SendWorkspace, usePeers } from './workspace.js';

const workspaces: SendWorkspace[] = [];
const peers = usePeers(() => {
  for (const w of workspaces.splice(0)) w.cleanup();
});

function workspace(overrides: Record<string, unknown> = {}): SendWorkspace {
  const w = makeWorkspace(peers, { accounts: { shop: accountFor(peers, overrides) } });
  workspaces.push(w);
  return w;
}
const send = (w: SendWorkspace, args: string[]) => runCli(['send', 'INV-1', '--yes', '--json', ...args, '--config', w.config], { env: w.env });
const status = (w: SendWorkspace, args: string[] = []) => runCli(['status', 'INV-1', ...args, '--config', w.config], { env: w.env });
const json = (r: CliResult) => JSON.parse(r.stdout) as Record<string, any>;
const result = (r: CliResult, channel: string) => (json(r).results as Record<string, any>[]).find((x) => x.channel === channel)!;
const account = () => peers.twilio.world.accounts[TWILIO_SIDS.active]!;
/** The messages the Twilio peer holds (what the customer's phone gets). */
const twilioMessages = () => account().messages;
const smsPosts = () => peers.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
const smsLines = (w: SendWorkspace) => readJournal(w).filter((l) => l.step === 'sms').map((l) => `${l.phase}${l.outcome ? `:${l.outcome}` : ''}`);

describe('Twilio creates the SMS, then its answer proves nothing', () => {
  const answers: TwilioMessageFault['answer'][] = [500, 502, 503, 'html-201', 'reset'];
  for (const answer of answers) {
    it(`${answer} after creating: looked up at Twilio, recorded as sent (exit 0); the re-run sends nothing; one message`, async () => {
      const w = workspace();
      account().messageFaults = [{ create: true, answer }];
      const first = await send(w, ['--channel', 'sms']);
      expect(first.code, first.stdout).toBe(0);
      expect(result(first, 'sms')).toMatchObject({ status: 'sent', sid: twilioMessages()[0]!.sid });
      expect(smsLines(w)).toEqual(['intent', 'result:sent']);
      expect(readJournal(w).find((l) => l.step === 'sms' && l.phase === 'result')!.reconciled).toMatch(/found at Twilio/);

      const again = await send(w, ['--channel', 'sms']);
      expect(again.code).toBe(0);
      expect(result(again, 'sms').status).toBe('already_sent');
      expect(twilioMessages()).toHaveLength(1);
      expect(smsPosts()).toHaveLength(1);
    });
  }

  it('500 after creating and the lookup fails too: unknown (exit 3), the try left open; the re-run finds it and sends nothing', async () => {
    const w = workspace();
    account().messageFaults = [{ create: true, answer: 500 }];
    // The list of messages (the lookup) fails while the first run is in it.
    peers.twilio.intercept = (req) => {
      if (req.method === 'GET' && req.path.endsWith('/Messages.json')) throw new Error('lookup down');
    };
    const first = await send(w, ['--channel', 'sms']);
    expect(first.code, first.stdout).toBe(3);
    expect(result(first, 'sms').status).toBe('unknown');
    expect(smsLines(w)).toEqual(['intent']);

    peers.twilio.intercept = undefined;
    const again = await send(w, ['--channel', 'sms']);
    expect(again.code, again.stdout).toBe(0);
    expect(result(again, 'sms').status).toBe('already_sent');
    expect(smsLines(w)).toEqual(['intent', 'result:sent']);
    expect(twilioMessages()).toHaveLength(1);
    expect(smsPosts()).toHaveLength(1);
  });

  it('the converse: 500 without creating → looked up, not found: not sent (exit 3); the re-run sends it once', async () => {
    const w = workspace();
    account().messageFaults = [{ create: false, answer: 500 }];
    const first = await send(w, ['--channel', 'sms']);
    expect(first.code, first.stdout).toBe(3);
    expect(result(first, 'sms').status).toBe('failed');
    expect(smsLines(w)).toEqual(['intent', 'result:not_sent']);
    expect(twilioMessages()).toHaveLength(0);
    const st = await status(w, ['--json']);
    expect(json(st).channels.sms).toMatchObject({ state: 'failed', code: 'SMS_SEND_FAILED' });
    expect(json(st).channels.sms.message).toContain('got an answer that proved nothing (HTTP 500, code 20500');

    const again = await send(w, ['--channel', 'sms']);
    expect(again.code, again.stdout).toBe(0);
    expect(result(again, 'sms').status).toBe('sent');
    expect(twilioMessages()).toHaveLength(1);
    expect(smsPosts()).toHaveLength(2);
  });
});

describe('status when Twilio answers 404 for the SMS', () => {
  const steps = (invoice = 'INV-1') => REMEDIATION.SMS_MESSAGE_NOT_FOUND!.steps.map((s) => s.replaceAll('<invoice>', invoice).replaceAll('<id>', 'shop'));

  it('a definite answer (exit 1, SMS_MESSAGE_NOT_FOUND with its remediation), not an outage: the message deleted, or another account configured', async () => {
    const w = workspace();
    const sent = await send(w, ['--channel', 'sms']);
    expect(sent.code, sent.stdout).toBe(0);
    const sid = result(sent, 'sms').sid as string;

    // Another account's credentials now: Twilio has no such message there.
    rewriteConfig(w, (c) => (c.accounts.shop.sms.twilio.account_sid = TWILIO_SIDS.trial));
    const other = await status(w, ['--json']);
    expect(other.code, other.stdout).toBe(1);
    expect(json(other).channels.sms).toMatchObject({ state: 'unknown', code: 'SMS_MESSAGE_NOT_FOUND', sid, remediation: steps() });
    rewriteConfig(w, (c) => (c.accounts.shop.sms.twilio.account_sid = TWILIO_SIDS.active));

    // The message deleted at Twilio.
    account().messages.length = 0;
    const human = await status(w);
    expect(human.code, human.stdout).toBe(1);
    expect(human.stdout).toMatch(/^ {2}SMS {4}status unknown {2}\[SMS_MESSAGE_NOT_FOUND\]$/m);
    expect(human.stdout).toContain('has no such message');
    expect(human.stdout).toContain(`Fix: 1. ${steps()[0]}`);
    expect(human.stdout).not.toContain('run the check again in a minute');

    const check = await runCli(['check', 'INV-1', '--channel', 'sms', '--json', '--config', w.config], { env: w.env });
    const last = (json(check).results[0].checks as Record<string, any>[]).find((c) => c.id === 'delivery.last-attempt')!;
    expect(last).toMatchObject({ status: 'fail', code: 'SMS_MESSAGE_NOT_FOUND' });
    expect(check.code).toBe(1);
  });
});

describe('Stripe saves a 500 under the link\'s Idempotency-Key and replays it', () => {
  const linkPosts = () => peers.stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_links');
  const keys = () => [...new Set(linkPosts().map((p) => p.headers['idempotency-key']))];
  /** What the customer got: every link in the email and the SMS, and the links Stripe holds for the invoice. */
  function expectOneLinkDelivered(url: string): void {
    expect(peers.stripe.paymentLinks().filter((l) => l.metadata?.invoice_id === 'INV-1').map((l) => l.url)).toEqual([url]);
    const mails = allSmtpMessages(peers);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw.replace(/=\r\n/g, '').match(/https:\/\/buy\.stripe\.com\/\S+/g)!.map((u) => u.replace(/[^\w/:.-].*$/, ''))).toSatisfy((urls: string[]) => urls.every((u) => u === url));
    expect(twilioMessages()).toHaveLength(1);
    expect(twilioMessages()[0]!.body).toContain(url);
  }
  const linkLines = (w: SendWorkspace) => readJournal(w).filter((l) => l.step === 'link').map((l) => `${l.phase}${l.outcome ? `:${l.outcome}` : ''}${l.retired ? ':retired' : ''}`);

  it('a 500 after the link was created: found by its metadata and used (exit 0), one link; the re-run sends nothing', async () => {
    const w = workspace();
    peers.stripe.world.linkFaults = [{ create: true }];
    const first = await send(w, []);
    expect(first.code, first.stdout).toBe(0);
    const url = json(first).paymentLink.url as string;
    expect(json(first).results.map((x: any) => x.status)).toEqual(['sent', 'sent']);
    expectOneLinkDelivered(url);
    expect(keys()).toHaveLength(1);
    expect(linkLines(w)).toEqual(['intent', 'result:created']);
    expect(readJournal(w).find((l) => l.step === 'link' && l.phase === 'result')!.reconciled).toMatch(/found at Stripe by its metadata/);

    const again = await send(w, []);
    expect(again.code).toBe(0);
    expect(json(again).outcome).toBe('already_sent');
    expectOneLinkDelivered(url);
  });

  it('a 500 without a link, once: the key is spent, the send moves on to a new key (exit 0), one link', async () => {
    const w = workspace();
    peers.stripe.world.linkFaults = [{ create: false }];
    const first = await send(w, []);
    expect(first.code, first.stdout).toBe(0);
    expectOneLinkDelivered(json(first).paymentLink.url);
    expect(keys()).toHaveLength(2);
    expect(linkLines(w)).toEqual(['intent', 'result:failed:retired', 'intent', 'result:created']);
  });

  it('a 500 without a link that lasts: exit 3 and nothing sent; once it clears, the re-run sends exactly one link (exit 0)', async () => {
    const w = workspace();
    peers.stripe.world.linkFaults = [{ create: false }, { create: false }];
    const first = await send(w, []);
    expect(first.code, first.stdout).toBe(3);
    expect(peers.stripe.paymentLinks()).toHaveLength(0);
    expect(allSmtpMessages(peers)).toHaveLength(0);
    expect(twilioMessages()).toHaveLength(0);

    // Today's derived key would replay the saved 500 for a day: the re-run must not be stuck on it.
    const again = await send(w, []);
    expect(again.code, again.stdout).toBe(0);
    expectOneLinkDelivered(json(again).paymentLink.url);
    expect(keys()).toHaveLength(3);
    expect(linkLines(w)).toEqual(['intent', 'result:failed:retired', 'intent', 'result:failed:retired', 'intent', 'result:created']);
  });

  it('a day later, the key pruned: a link an earlier request may have made is looked for before creating, and reused', async () => {
    const w = workspace();
    peers.stripe.world.linkFaults = [{ create: true }];
    // The replayed 500 is seen, but the link cannot be looked for: unknown, nothing sent.
    peers.stripe.intercept = (req) => {
      if (req.method === 'GET' && req.path === '/v1/payment_links') throw new Error('list down');
    };
    const first = await send(w, []);
    expect(first.code, first.stdout).toBe(3);
    expect(allSmtpMessages(peers)).toHaveLength(0);
    // Not recorded as failed: the intent stays open.
    expect(linkLines(w)).toEqual(['intent']);
    peers.stripe.intercept = undefined;

    // A day and more passes: Stripe prunes the key, which would now make a second link.
    const dayAgo = new Date(Date.now() - 26 * 3600_000).toISOString();
    rewriteJournal(w, (records) => records.map((l) => ({ ...l, at: dayAgo })));
    peers.stripe.world.idempotency = {};

    const again = await send(w, []);
    expect(again.code, again.stdout).toBe(0);
    expectOneLinkDelivered(json(again).paymentLink.url);
    expect(keys()).toHaveLength(1);
  });
});

describe('SMTP: a reply to the final dot is an answer', () => {
  const emailLines = (w: SendWorkspace) => readJournal(w).filter((l) => l.step === 'email').map((l) => `${l.phase}${l.outcome ? `:${l.outcome}` : ''}`);

  for (const [responseCode, exit] of [[554, 1], [451, 3]] as const) {
    it(`the server answers ${responseCode} to the message's final dot: refused, provably not delivered (exit ${exit}); the re-run sends it without --resend`, async () => {
      const w = workspace();
      let refuse = true;
      peers.smtp.starttls.intercept = () => {
        if (refuse) throw Object.assign(new Error(responseCode === 554 ? '5.7.1 Message rejected as spam' : '4.3.0 Try again later'), { responseCode });
      };
      const first = await send(w, ['--channel', 'email']);
      expect(first.code, first.stdout).toBe(exit);
      expect(result(first, 'email')).toMatchObject({ status: 'failed', error: { responseCode } });
      expect(emailLines(w)).toEqual(['intent', 'commit', 'result:failed']);

      refuse = false;
      const again = await send(w, ['--channel', 'email']);
      expect(again.code, again.stdout).toBe(0);
      expect(result(again, 'email').status).toBe('sent');
      expect(emailLines(w)).toEqual(['intent', 'commit', 'result:failed', 'intent', 'commit', 'result:sent']);
      // The peer records every message it received, also the one it refused with its reply: two received, one accepted.
      expect(allSmtpMessages(peers)).toHaveLength(2);
    });
  }
});
