import type { Read } from '../providers/fault.js';
import { describeFault } from '../providers/fault.js';
import type { TwilioMessage } from '../providers/twilio.js';
import type { LinkPayments } from '../providers/stripe.js';
import { channelState, type Attempt, type SendHistory } from './history.js';
import type { DeliveryChannel } from './events.js';
import { smsErrorCode } from './sms-errors.js';

/**
 * What became of an invoice's last sends, channel by channel: the journal says what was handed to
 * whom and when; Twilio says whether the SMS arrived (and why not); Stripe says whether the link was
 * paid. Shared by `status` and the `delivery.last-attempt` check, so both tell the same story.
 */
export interface ChannelDelivery {
  channel: DeliveryChannel;
  /**
   * never: nothing sent · accepted: the provider took it (email: the server's 250; SMS: queued/sent)
   * · delivered: the handset got it · undelivered: Twilio reports it lost · failed: the last try was
   * refused · unconfirmed: a try whose outcome is unknown · unknown: the status could not be read now
   * (with SMS_MESSAGE_NOT_FOUND, a definite `fail`: the configured Twilio account has no such message)
   */
  state: 'never' | 'accepted' | 'delivered' | 'undelivered' | 'failed' | 'unconfirmed' | 'unknown';
  /** tries recorded in the journal */
  attempts: number;
  to?: string;
  at?: string;
  messageId?: string;
  response?: string;
  sid?: string;
  file?: string;
  /** Twilio's status now and its error, when asked */
  smsStatus?: string;
  twilioError?: { code: number | string; message?: string | null; meaning: string };
  /** the outcome a person recorded with `settle`, when the channel's state rests on it */
  settled?: { as: 'sent' | 'not-sent'; by: 'person'; user?: string; note?: string; at: string; attempt: string };
  /** our result code for anything short of accepted/delivered */
  code?: string;
  severity?: 'fail' | 'warn' | 'error';
  message: string;
}

export interface PaymentState {
  link?: { id: string; url: string; amount: number; currency: string; createdAt: string };
  paid?: boolean;
  paidAt?: string;
  /** why payment could not be read now */
  unavailable?: string;
}

export interface DeliveryLookups {
  /** undefined: do not ask (offline) */
  twilioMessage?: (sid: string) => Promise<Read<TwilioMessage>>;
  linkPayments?: (linkId: string) => Promise<Read<LinkPayments>>;
}

const DELIVERED = new Set(['delivered', 'read']);
const LOST = new Set(['undelivered', 'failed']);

export async function channelDelivery(channel: DeliveryChannel, history: SendHistory, lookups: DeliveryLookups): Promise<ChannelDelivery> {
  const attempts = history.attempts[channel];
  const state = channelState(attempts);
  const base = { channel, attempts: attempts.length };
  if (state.kind === 'never') return { ...base, state: 'never', message: `No ${channel === 'email' ? 'email' : 'SMS'} was ever sent for this invoice.` };
  const facts = (a: Attempt) => ({
    to: a.intent.to,
    at: a.result?.at ?? a.intent.at,
    messageId: a.result?.messageId ?? a.intent.messageId,
    response: a.result?.response,
    sid: a.result?.sid,
    file: a.result?.file ?? a.intent.file,
  });
  const label = channel === 'email' ? 'email' : 'SMS';

  if (state.kind === 'dangling') {
    const a = state.attempt;
    const uncertain = channel === 'email' && state.committed && a.intent.transport !== 'file';
    return {
      ...base,
      ...facts(a),
      state: 'unconfirmed',
      code: uncertain ? 'EMAIL_UNCONFIRMED' : 'SEND_INTERRUPTED',
      severity: 'warn',
      message: uncertain
        ? `The last email to ${a.intent.to} (${a.intent.at}, Message-ID ${a.intent.messageId}) was interrupted while the server was taking it: it may or may not have been delivered.`
        : `The last ${label} to ${a.intent.to} (${a.intent.at}) was interrupted before its outcome was recorded; the next send settles it${channel === 'sms' ? ' by asking Twilio' : ''}.`,
    };
  }

  const settledBy = (a: Attempt) => {
    const s = a.result?.settled;
    return s ? { settled: { ...s, at: a.result!.at, attempt: a.id } } : {};
  };
  const who = (a: Attempt) => `${a.result!.settled!.user ?? 'a person'} on ${a.result!.at}${a.result!.settled!.note ? ` ("${a.result!.settled!.note}")` : ''}`;

  if (state.kind === 'failed') {
    const a = state.attempt;
    const r = a.result!;
    if (r.settled) {
      return { ...base, ...facts(a), ...settledBy(a), state: 'failed', code: channel === 'email' ? 'EMAIL_SEND_FAILED' : 'SMS_SEND_FAILED', severity: 'fail', message: `The last ${label} to ${a.intent.to} (${a.intent.at}) was recorded as not sent by ${who(a)} (invoice-doctor settle); the next send sends it.` };
    }
    // Only a refusal carries Twilio's verdict; a try settled as not sent says nothing about the recipient.
    const twilioCode = channel === 'sms' && r.outcome === 'failed' && r.error?.code !== undefined && /^\d+$/.test(String(r.error.code)) ? r.error.code : undefined;
    if (twilioCode !== undefined) {
      const mapped = smsErrorCode(twilioCode);
      return { ...base, ...facts(a), state: 'failed', code: mapped.code, severity: 'fail', twilioError: { code: twilioCode, message: r.error?.message, meaning: mapped.meaning }, message: `The last SMS to ${a.intent.to} (${r.at}) was refused by Twilio with error ${twilioCode}: ${mapped.meaning}.` };
    }
    // not_sent with an error: the answer proved nothing and the provider was asked (Twilio had no such message).
    const why = r.outcome === 'not_sent' ? (r.error ? `got an answer that proved nothing (${r.error.message}), and ${r.reconciled ?? 'it was settled as not sent'}` : 'was interrupted before it went out') : `failed: ${r.error?.message ?? 'no reason recorded'}`;
    return { ...base, ...facts(a), state: 'failed', code: channel === 'email' ? 'EMAIL_SEND_FAILED' : 'SMS_SEND_FAILED', severity: 'fail', message: `The last ${label} to ${a.intent.to} (${r.at}) ${why}. Nothing was delivered by that try.` };
  }

  // Sent: an email's journey ends at the server's 250 (SMTP cannot be asked later); an SMS can be followed.
  const a = state.attempt;
  const f = facts(a);
  // Recorded by a person: no provider answer to quote, and nothing to follow at Twilio.
  if (a.result?.settled) return { ...base, ...f, ...settledBy(a), state: 'accepted', message: `The ${label} to ${f.to} (${a.intent.at}) was recorded as sent by ${who(a)} (invoice-doctor settle).` };
  if (channel === 'email' || a.intent.transport === 'file' || !f.sid) {
    const where = f.file ? `written to ${f.file}` : `accepted by the mail server${f.response ? ` ("${f.response}")` : ''}`;
    return { ...base, ...f, state: 'accepted', message: `The ${label} to ${f.to} was ${where} on ${f.at}.` };
  }
  if (!lookups.twilioMessage) return { ...base, ...f, state: 'accepted', smsStatus: a.result?.status, message: `The SMS to ${f.to} was accepted by Twilio (${f.sid}) on ${f.at}; its delivery status was not checked (offline).` };
  const read = await lookups.twilioMessage(f.sid);
  // A 404 is a definite answer, not an outage: these credentials see no such message (another account or
  // subaccount, rotated or replaced credentials, or the message was deleted). Asking again will not change it.
  if (!read.ok && read.fault.kind === 'not_found') return { ...base, ...f, state: 'unknown', code: 'SMS_MESSAGE_NOT_FOUND', severity: 'fail', message: `The SMS to ${f.to} (${f.sid}) was accepted by Twilio on ${f.at}, but Twilio now answers that the account configured has no such message (${describeFault(read.fault)}), so its delivery cannot be followed.` };
  if (!read.ok) return { ...base, ...f, state: 'unknown', code: 'SMS_STATUS_UNAVAILABLE', severity: 'error', message: `The SMS to ${f.to} (${f.sid}) was accepted by Twilio on ${f.at}, but its delivery status could not be read: ${describeFault(read.fault)}.` };
  const m = read.value;
  if (DELIVERED.has(m.status)) return { ...base, ...f, state: 'delivered', smsStatus: m.status, message: `The SMS to ${f.to} was delivered (${f.sid}, ${m.dateUpdated ?? f.at}).` };
  if (LOST.has(m.status)) {
    const mapped = smsErrorCode(m.errorCode);
    return {
      ...base,
      ...f,
      state: 'undelivered',
      smsStatus: m.status,
      code: mapped.code,
      severity: 'fail',
      twilioError: m.errorCode !== null ? { code: m.errorCode, message: m.errorMessage, meaning: mapped.meaning } : undefined,
      message: `The SMS to ${f.to} (${f.sid}, ${f.at}) was not delivered: Twilio reports "${m.status}"${m.errorCode !== null ? ` with error ${m.errorCode} (${mapped.meaning})` : ''}.`,
    };
  }
  return { ...base, ...f, state: 'accepted', smsStatus: m.status, message: `The SMS to ${f.to} (${f.sid}) was accepted by Twilio on ${f.at}; its status is "${m.status}" (no delivery report yet).` };
}

export async function paymentState(history: SendHistory, lookups: DeliveryLookups): Promise<PaymentState> {
  const last = history.links[history.links.length - 1];
  if (!last?.link) return {};
  const link = { id: last.link.id, url: last.link.url, amount: last.amount, currency: last.currency, createdAt: last.at };
  if (!lookups.linkPayments) return { link };
  const read = await lookups.linkPayments(link.id);
  if (!read.ok) return { link, unavailable: describeFault(read.fault) };
  return { link, paid: read.value.paid, paidAt: read.value.paidAt };
}
