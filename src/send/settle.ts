import type { Attempt, SendHistory } from './history.js';
import { channelState } from './history.js';
import type { DeliveryChannel, DeliveryResult } from './events.js';
import { describeFault } from '../providers/fault.js';
import { faultInfo, twilioOptions, type ChannelReport, type SendRequest, type Write } from './send-context.js';

/**
 * The channel's state in the journal, with an interrupted try settled: an email that never reached the
 * server's final dot, an SMS Twilio has no trace of, a file that was never renamed into place were
 * provably not sent; an SMS Twilio has, or a file that exists, were. Only an email whose last byte may
 * have reached the server stays unknown (refused without --resend).
 */
export async function settleChannel(channel: DeliveryChannel, history: SendHistory, request: SendRequest, write: Write): Promise<{ report?: Omit<ChannelReport, 'to'> & { to?: string } }> {
  const state = channelState(history.attempts[channel]);
  if (state.kind === 'never' || state.kind === 'failed') return {};
  if (state.kind === 'sent') return { report: alreadySent(channel, state.attempt) };

  const { attempt } = state;
  const settle = async (outcome: DeliveryResult['outcome'], reconciled: string, extra: Partial<DeliveryResult> = {}) => {
    const result = { step: channel, phase: 'result' as const, attempt: attempt.id, outcome, reconciled, ...extra };
    await write(result);
    attempt.result = { ...attempt.intent, ...result, at: new Date().toISOString() } as DeliveryResult;
  };
  const since = attempt.intent.at;
  if (attempt.intent.transport === 'file') {
    const { fileDelivered } = await import('../providers/mailer.js');
    if (attempt.intent.file && (await fileDelivered(attempt.intent.file))) {
      await settle('sent', 'an earlier run wrote the file and was interrupted before recording it', { file: attempt.intent.file });
      return { report: { ...alreadySent(channel, attempt), note: `An earlier run (${since}) wrote ${attempt.intent.file} but was interrupted before recording it; it counts as sent.` } };
    }
    await settle('not_sent', 'an earlier run was interrupted before the file was written');
    return state.sentBefore ? { report: alreadySent(channel, state.sentBefore) } : {};
  }
  if (channel === 'email') {
    if (!state.committed) {
      await settle('not_sent', 'an earlier run was interrupted before the server could accept the message');
      return state.sentBefore ? { report: alreadySent(channel, state.sentBefore) } : {};
    }
    if (request.resend) {
      await settle('abandoned', 'fate unknown; closed by --resend before sending again');
      return {};
    }
    return unknown(attempt, {
      messageId: attempt.intent.messageId,
      note: `An earlier run (${since}) was interrupted while the mail server was taking the email (Message-ID ${attempt.intent.messageId ?? 'unknown'}), so it may or may not have been delivered. SMTP cannot be asked afterwards. Ask the customer (or look in the server's log for that Message-ID); to send it again anyway, re-run with --resend.`,
    });
  }
  // SMS through Twilio: Twilio has no idempotency key, but it can be asked what it has.
  const found = await findSms(request, attempt);
  if (found.ok && found.message) {
    await settle('sent', 'found at Twilio after an interrupted run', { sid: found.message.sid, status: found.message.status });
    const r = alreadySent(channel, attempt);
    return { report: { ...r, sid: found.message.sid, smsStatus: found.message.status, note: `An earlier run (${since}) was interrupted after Twilio took the SMS; found it at Twilio (${found.message.sid}), so it was not sent again.` } };
  }
  if (found.ok) {
    await settle('not_sent', 'not found at Twilio after an interrupted run');
    return state.sentBefore ? { report: alreadySent(channel, state.sentBefore) } : {};
  }
  return unknown(attempt, {
    transient: true,
    error: faultInfo(found.fault),
    note: `An earlier run (${since}) was interrupted while sending this SMS, and Twilio could not be asked whether it has it (${describeFault(found.fault)}). Nothing was sent now; run send again once Twilio answers.`,
  });
}

/** An interrupted try whose outcome cannot be settled now: reported, nothing sent, the try left open. */
function unknown(attempt: Attempt, detail: Partial<ChannelReport>): { report: ChannelReport } {
  return { report: { channel: attempt.intent.step, status: 'unknown', to: attempt.intent.to, at: attempt.intent.at, ...detail } };
}

function alreadySent(channel: DeliveryChannel, attempt: Attempt): Omit<ChannelReport, 'to'> & { to: string } {
  return {
    channel,
    status: 'already_sent',
    to: attempt.intent.to,
    at: attempt.result?.at ?? attempt.intent.at,
    messageId: attempt.result?.messageId ?? attempt.intent.messageId,
    response: attempt.result?.response,
    sid: attempt.result?.sid,
    smsStatus: attempt.result?.status,
    file: attempt.result?.file ?? attempt.intent.file,
  };
}

/** The SMS an interrupted try may have created: same recipient and text, created since the intent. */
export async function findSms(request: SendRequest, attempt: Attempt) {
  const { createTwilioProvider } = await import('../providers/twilio.js');
  const twilio = await createTwilioProvider(twilioOptions(request));
  const read = await twilio.messagesTo(attempt.intent.to, 50);
  if (!read.ok) return read;
  // Twilio's clock and ours may differ a little; a minute of slack cannot match an older send of the
  // same text, which the journal would have recorded.
  const since = Date.parse(attempt.intent.at) - 60_000;
  const body = attempt.intent.body ?? '';
  const message = read.value.find(
    (m) =>
      (m.dateCreated === null || Date.parse(m.dateCreated) >= since) &&
      // A trial account prefixes every text ("Sent from your Twilio trial account - …").
      (m.body === body || m.body.endsWith(` - ${body}`)) &&
      (attempt.intent.service ? m.messagingServiceSid === attempt.intent.service : m.from === attempt.intent.from),
  );
  return { ok: true as const, message };
}

