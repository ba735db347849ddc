import type { Attempt, SendHistory } from './history.js';
import { channelState } from './history.js';
import { foldHistory } from './history.js';
import type { DeliveryChannel, DeliveryResult } from './events.js';
import type { JournalProblem } from '../store/types.js';
import { describeFault } from '../providers/fault.js';
import type { TwilioOptions } from '../providers/twilio.js';
import { faultInfo, journalWriter, twilioOptions, type ChannelReport, type SendRequest, type Write } from './send-context.js';

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
      note: `An earlier run (${since}) was interrupted while the mail server was taking the email (Message-ID ${attempt.intent.messageId ?? 'unknown'}), so it may or may not have been delivered. SMTP cannot be asked afterwards. Ask the customer (or look in the server's log for that Message-ID), then record what you found: invoice-doctor settle ${request.invoice.id} --channel email --as sent|not-sent. To send it again anyway, re-run with --resend.`,
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
    note: `An earlier run (${since}) was interrupted while sending this SMS, and Twilio could not be asked whether it has it (${describeFault(found.fault)}). Nothing was sent now; run send again once Twilio answers, or, if you have verified it (Twilio console, the customer), record it: invoice-doctor settle ${request.invoice.id} --channel sms --as sent|not-sent.`,
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
export function findSms(request: SendRequest, attempt: Attempt) {
  return findSmsWith(twilioOptions(request), attempt);
}

export async function findSmsWith(options: TwilioOptions, attempt: Attempt) {
  const { createTwilioProvider } = await import('../providers/twilio.js');
  const twilio = await createTwilioProvider(options);
  // Twilio's clock and ours may differ a little; a minute of slack cannot match an older send of the
  // same text, which the journal would have recorded.
  const since = Date.parse(attempt.intent.at) - 60_000;
  const read = await twilio.messagesToSince(attempt.intent.to, since);
  if (!read.ok) return read;
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


// ── settle by a person ──────────────────────────────────────────────────────────────────────────────

/** `invoice-doctor settle`: what a person verified about an open try, and who they are. */
export interface PersonSettlement {
  journalFile: string;
  /** the config's `outbox:` settings */
  outbox?: import('../store/open.js').OpenStoreOptions['outbox'];
  invoice: string;
  account: string;
  channel: DeliveryChannel;
  as: 'sent' | 'not-sent';
  user?: string;
  note?: string;
  /** how long to wait for a send of the same invoice in progress (default 2 s) */
  lockWaitMs?: number;
  /** the account's Twilio, to ask about an SMS before a person's word is recorded (absent: not asked) */
  twilio?: TwilioOptions;
}

/** Why there is nothing to settle: the state the channel is in, for scripts (`reason`) and people (`message`). */
export type NothingToSettle = 'never_sent' | 'already_sent' | 'already_settled' | 'not_sent' | 'settles_itself';

export type PersonSettleOutcome =
  | { ok: true; attempt: Attempt; result: DeliveryResult; journalProblems: JournalProblem[] }
  | { ok: false; reason: NothingToSettle; message: string; hint: string; journalProblems: JournalProblem[] };

/**
 * Closes the channel's open try with the outcome a person verified: a result line (`outcome` sent or
 * not_sent, `settled` saying who and why) written by the same journal writer as `send`, under the
 * invoice's lock, so it cannot race a send in progress; the journal is read again under the lock. Only
 * a try whose outcome the tool cannot work out is settled this way: anything else is refused and
 * explained, so a person never overrides what the journal or the provider can prove.
 */
export async function settleByPerson(request: PersonSettlement): Promise<PersonSettleOutcome> {
  const { openStore } = await import('../store/open.js');
  const store = await openStore(request.journalFile, { outbox: request.outbox });
  try {
    const claim = await store.claim(request.invoice, { waitMs: request.lockWaitMs ?? 2_000 });
    try {
      const lookup = await store.lookup(request.invoice);
      const attempts = foldHistory(lookup.records).attempts[request.channel];
      const refusal = nothingToSettle(request, attempts);
      if (refusal) return { ok: false, ...refusal, journalProblems: lookup.problems };
      const attempt = attempts[attempts.length - 1]!;
      const { intent } = attempt;
      // An SMS is settled by a person only when Twilio cannot tell: when it can, its answer stands.
      if (request.channel === 'sms' && intent.transport === 'twilio' && request.twilio) {
        const found = await findSmsWith(request.twilio, attempt);
        if (found.ok) {
          const has = found.message !== undefined;
          if (has !== (request.as === 'sent')) {
            return {
              ok: false,
              reason: 'settles_itself',
              message: has
                ? `Not recorded: Twilio has this SMS to ${intent.to} (${found.message!.sid}, ${found.message!.status}), so it was sent; the next \`invoice-doctor send ${request.invoice}\` records it as sent and sends nothing.`
                : `Not recorded: Twilio has no SMS to ${intent.to} with this text since ${intent.at}, so it was not sent; the next \`invoice-doctor send ${request.invoice}\` records that and sends it once.`,
              hint: 'A person settles an SMS only when Twilio cannot be asked (it answered nothing useful); here its answer decides.',
              journalProblems: lookup.problems,
            };
          }
        }
      }
      const who = request.user ?? 'a person';
      const write = journalWriter(store, request.invoice, request.account);
      const result = {
        step: request.channel,
        phase: 'result' as const,
        attempt: attempt.id,
        outcome: request.as === 'sent' ? ('sent' as const) : ('not_sent' as const),
        reconciled: `recorded as ${request.as === 'sent' ? 'sent' : 'not sent'} by ${who} (invoice-doctor settle)`,
        ...(intent.messageId ? { messageId: intent.messageId } : {}),
        settled: { by: 'person' as const, as: request.as, ...(request.user ? { user: request.user } : {}), ...(request.note ? { note: request.note } : {}) },
      };
      const line = (await write(result)) as DeliveryResult;
      return { ok: true, attempt, result: line, journalProblems: lookup.problems };
    } finally {
      await claim.release();
    }
  } finally {
    await store.close();
  }
}

function nothingToSettle(request: PersonSettlement, attempts: readonly Attempt[]): { reason: NothingToSettle; message: string; hint: string } | undefined {
  const label = request.channel === 'email' ? 'email' : 'SMS';
  const send = `invoice-doctor send ${request.invoice}`;
  const state = channelState(attempts);
  if (state.kind === 'never') {
    return { reason: 'never_sent', message: `Nothing to settle: no ${label} was ever sent for invoice ${request.invoice} (the journal has no try on that channel).`, hint: `Check the invoice id and --channel; \`${send}\` sends it.` };
  }
  if (state.kind === 'dangling') {
    const { intent } = state.attempt;
    const provable = intent.transport === 'file' ? 'whether the file was written' : request.channel === 'email' && !state.committed ? 'that the mail server never got the end of the message' : undefined;
    if (provable === undefined) return undefined; // an email past its commit line, an SMS Twilio was not (or could not be) asked about
    return {
      reason: 'settles_itself',
      message: `Nothing to settle: the ${label} try of ${intent.at} to ${intent.to} was interrupted, but its outcome is not unknown — invoice-doctor can tell ${provable}, and the next send records it by itself.`,
      hint: `Run \`${send}\`: it settles that try and sends only if nothing went out.`,
    };
  }
  const last = attempts[attempts.length - 1]!;
  const settled = last.result?.settled;
  if (settled) {
    return {
      reason: 'already_settled',
      message: `Nothing to settle: the ${label} try of ${last.intent.at} to ${last.intent.to} was already settled as ${settled.as} by ${settled.user ?? 'a person'} on ${last.result!.at}${settled.note ? ` ("${settled.note}")` : ''}.`,
      hint: state.kind === 'sent' ? `It counts as sent; \`invoice-doctor status ${request.invoice}\` shows the history.` : `The next \`${send}\` sends it; a settlement is not changed afterwards.`,
    };
  }
  if (state.kind === 'sent') {
    const a = state.attempt;
    return {
      reason: 'already_sent',
      message: `Nothing to settle: the ${label} to ${a.intent.to} was sent on ${a.result!.at}${a.result?.messageId ? ` (Message-ID ${a.result.messageId})` : a.result?.sid ? ` (${a.result.sid})` : ''}; no try of this channel is open.`,
      hint: `\`invoice-doctor status ${request.invoice}\` shows the history; to send it again anyway, \`${send} --resend\`.`,
    };
  }
  const r = last.result!;
  return {
    reason: 'not_sent',
    message: `Nothing to settle: the last ${label} try of ${last.intent.at} to ${last.intent.to} is already closed as ${r.outcome.replace('_', ' ')}${r.error ? ` (${r.error.message})` : ''}; nothing went out by it.`,
    hint: `\`${send}\` sends it.`,
  };
}
