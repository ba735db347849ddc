/**
 * Answers that do not prove a message was NOT created (issue 11, "never twice"), end to end through the CLI
 * against the stateful peers: Twilio creating the SMS and then answering 500/502/503, an HTML page, or dropping
 * the connection; Twilio refusing before creating (the converse); Stripe saving a 500 under the link's
 * Idempotency-Key (with and without having created the link); an SMTP server refusing the message in its reply
 * to the final dot; and `status` when Twilio answers 404 for the message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPeers, type Peers } from '../fakes/peers.js';
import { REMEDIATION } from '../../src/remediation/entries.js';
import type { TwilioMessageFault } from '../fakes/twilio.js';
import { runCli, type CliResult } from '../support/cli.js';
import { accountFor, allSmtpMessages, makeWorkspace, readJournal, resetPeers, rewriteConfig, TWILIO_SIDS, type SendWorkspace } from './workspace.js';

let peers: Peers;
const workspaces: SendWorkspace[] = [];

beforeAll(async () => {
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
});
afterEach(() => {
  for (const w of workspaces.splice(0)) w.cleanup();
  resetPeers(peers);
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
