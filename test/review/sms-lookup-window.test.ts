/**
 * Review of issue 11 ("any answer that does not prove a message was NOT created … is reconciled with the
 * provider before re-sending"): the reconciliation reads only the 50 newest messages to the number
 * (`messagesTo(to, 50)`, no `DateSent` filter, no paging). A customer who gets many invoices (month-end, one
 * accounts-payable phone) has more than 50 newer SMS by the time the open try is looked up, so the message
 * Twilio did create is "not found" and the SMS is sent a second time.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { accountFor, CUSTOMER, invoice, makeWorkspace, TWILIO_SIDS, type SendWorkspace, usePeers } from '../send/workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

const account = () => peers.twilio.world.accounts[TWILIO_SIDS.active]!;
const toCustomer = (body: string) => account().messages.filter((m) => m.to === CUSTOMER.phone && m.body === body);

describe('an open SMS try looked up after more than 50 newer messages to the same number', () => {
  it('the message Twilio created is found: the customer gets that invoice\'s SMS once', async () => {
    const shop = accountFor(peers, { channels: ['sms'], payments: { provider: 'none' } }) as { sms: { twilio: Record<string, unknown> } };
    const busy = { ...shop, sms: { ...shop.sms, twilio: { ...shop.sms.twilio, rate_per_second: 100 } } };
    const others = Array.from({ length: 51 }, (_, i) => invoice(`INV-${i + 2}`, { account: 'busy' }));
    ws = makeWorkspace(peers, { accounts: { shop, busy }, invoices: [invoice('INV-1'), ...others] });

    // INV-1: Twilio creates the SMS, answers 500, and cannot be asked about it: the try stays open (exit 3).
    account().messageFaults = [{ create: true, answer: 500 }];
    peers.twilio.intercept = (req) => {
      if (req.method === 'GET' && req.path.endsWith('/Messages.json')) throw new Error('lookup down');
    };
    const first = await runCli(['send', 'INV-1', '--yes', '--json', '--config', ws.config], { env: ws.env });
    expect(first.code, first.stdout).toBe(3);
    peers.twilio.intercept = undefined;
    const inv1Body = account().messages[0]!.body;

    // The month's other invoices to the same customer go out.
    const batch = await runCli(['send', '--all', '--status', 'validated', '--account', 'busy', '--yes', '--json', '--config', ws.config], { env: ws.env });
    expect(batch.code, batch.stdout.slice(0, 2000)).toBe(0);
    expect(account().messages.filter((m) => m.to === CUSTOMER.phone)).toHaveLength(52);

    // The next run of INV-1 looks its open try up before sending.
    const again = await runCli(['send', 'INV-1', '--yes', '--json', '--config', ws.config], { env: ws.env });
    expect(toCustomer(inv1Body), again.stdout).toHaveLength(1);
    expect(again.code).toBe(0);
  }, 120_000);
});
