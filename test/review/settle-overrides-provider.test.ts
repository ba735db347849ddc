/**
 * Review of issue 11 (`settle … --as sent|not-sent` "records a verified outcome"; settle.ts: "a person never
 * overrides what the journal or the provider can prove"): an SMS try interrupted after Twilio took the message
 * is one the tool can prove itself — Twilio answers, and the next `send` finds the message there. Yet
 * `settle --as not-sent` does not ask Twilio: it records `not_sent` (exit 0), and the next `send` delivers
 * the SMS a second time. Twilio was never "not asked because it could not be": it was reachable all along.
 */
import { describe, expect, it } from 'vitest';
import { runCli, runCliProcess } from '../support/cli.js';
import { makeWorkspace, TWILIO_SIDS, type SendWorkspace, usePeers } from '../send/workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

const twilioMessages = () => peers.twilio.world.accounts[TWILIO_SIDS.active]!.messages;

describe('settle on an SMS that Twilio can answer for', () => {
  it('--as not-sent after Twilio took the SMS: the SMS is not delivered twice (settle refuses, or asks Twilio)', async () => {
    ws = makeWorkspace(peers);
    // Killed (SIGKILL) while writing the SMS's result line (link intent, link result, SMS intent, SMS result): Twilio has the message.
    const killed = await runCliProcess(['send', 'INV-1', '--yes', '--channel', 'sms', '--config', ws.config], { env: { ...ws.env, INVOICE_DOCTOR_FAILPOINTS: 'torn-append-4' } });
    expect(killed.code).not.toBe(0);
    expect(twilioMessages()).toHaveLength(1);

    const settled = await runCli(['settle', 'INV-1', '--channel', 'sms', '--as', 'not-sent', '--note', 'nothing in the console', '--config', ws.config], { env: ws.env });
    const again = await runCli(['send', 'INV-1', '--yes', '--channel', 'sms', '--json', '--config', ws.config], { env: ws.env });
    expect(twilioMessages(), `settle: exit ${settled.code} ${settled.stdout}${settled.stderr}\nsend: ${again.stdout}`).toHaveLength(1);
  });
});
