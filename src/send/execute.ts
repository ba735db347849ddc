import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import { describeFault, isTransient as isTransientFault, type Fault } from '../providers/fault.js';
import { renderEmail, renderSms, paymentsEnabled } from './render.js';
import { Journal } from './journal.js';
import { acquireInvoiceLock } from './lock.js';
import { channelState, foldHistory, reusableLink, type Attempt, type SendHistory } from './history.js';
import type { DeliveryChannel, DeliveryResult, EventError, EventInput } from './events.js';
import { failpoint, tornAppendFailpoint } from './failpoints.js';
import type { JournalProblem } from './journal.js';

/** Everything one send needs, decided by the command before anything is written. */
export interface SendRequest {
  invoice: Invoice;
  account: Account;
  channels: readonly DeliveryChannel[];
  /** the recipients after --to-email / --to-phone; the phone in E.164 */
  to: { email?: string; phone?: string };
  /** the short message from --message */
  note?: string;
  resend: boolean;
  journalFile: string;
  timeoutMs: number;
  /** how long to wait for another process sending the same invoice */
  lockWaitMs?: number;
}

/**
 * How a channel ended: `sent` now, `already_sent` by an earlier run (or found delivered while settling
 * an interrupted one), `failed` (refused, provably not sent), `unknown` (may or may not have gone out).
 */
export interface ChannelReport {
  channel: DeliveryChannel;
  status: 'sent' | 'already_sent' | 'failed' | 'unknown';
  to: string;
  at?: string;
  /** Message-ID / server reply / Twilio SID and status / file */
  messageId?: string;
  response?: string;
  sid?: string;
  smsStatus?: string;
  file?: string;
  error?: EventError;
  /** `failed` because the provider can be retried later (network, 5xx, 429): exit 3, not 1 */
  transient?: boolean;
  /** what happened to an earlier interrupted try, in words */
  note?: string;
}

export interface SendReport {
  link?: { id: string; url: string; amount: number; currency: string; reused: boolean; livemode: boolean };
  linkError?: EventError & { transient: boolean };
  channels: ChannelReport[];
  /** unreadable journal lines that may concern this invoice (reported, never fatal) */
  journalProblems: JournalProblem[];
  /** the lock was left by a process that died; it was taken over */
  reclaimedLock?: { pid: number; host: string; since: string };
}

const runId = randomBytes(6).toString('hex');
const newAttempt = () => randomBytes(8).toString('hex');

/** A file-name-safe form of an invoice id (ids may hold any character). */
export const fileSafe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);

/**
 * Sends one invoice on the requested channels, at most once each. Under the invoice's lock: read the
 * journal, settle tries an earlier run left unfinished, create (or reuse) the payment link, then email,
 * then SMS — each side effect between an intent and a result line.
 */
export async function executeSend(request: SendRequest): Promise<SendReport> {
  const lock = await acquireInvoiceLock(request.journalFile, request.invoice.id, { waitMs: request.lockWaitMs ?? 60_000 });
  const journal = await Journal.open(request.journalFile);
  try {
    return await sendUnderLock(request, journal, lock.reclaimed);
  } finally {
    await journal.close();
    await lock.release();
  }
}

async function sendUnderLock(request: SendRequest, journal: Journal, reclaimedLock: SendReport['reclaimedLock']): Promise<SendReport> {
  const { invoice, account } = request;
  const lookup = await journal.lookup(invoice.id);
  const history = foldHistory(lookup.records);
  const report: SendReport = { channels: [], journalProblems: lookup.problems, reclaimedLock };
  const write = async (event: EventInput): Promise<void> => {
    // `v` and `invoice` first, as Journal.append writes them: a torn-append failpoint then cuts the very bytes the journal writes.
    const record = { v: 1 as const, invoice: invoice.id, at: new Date().toISOString(), account: account.id, run: runId, ...event };
    tornAppendFailpoint(journal.file, `${JSON.stringify(record)}\n`);
    await journal.append(record);
  };

  // 1. Settle what an earlier run left unfinished, and find what is left to send.
  const toSend: DeliveryChannel[] = [];
  for (const channel of request.channels) {
    const to = channel === 'email' ? request.to.email : request.to.phone;
    const settled = await settleChannel(channel, history, request, write);
    if (settled.report && !(request.resend && settled.report.status === 'already_sent')) {
      report.channels.push({ to: to ?? '', ...settled.report });
      continue;
    }
    toSend.push(channel);
  }
  if (toSend.length === 0) return report;

  // 2. The payment link: reused when one exists for this amount, else created (idempotently).
  let linkUrl: string | undefined;
  if (paymentsEnabled(account)) {
    const link = await ensureLink(request, history, write);
    if ('error' in link) {
      report.linkError = link.error;
      for (const channel of toSend) {
        report.channels.push({ channel, status: 'failed', to: (channel === 'email' ? request.to.email : request.to.phone) ?? '', error: { message: `not sent: the payment link could not be created (${link.error.message})` }, transient: link.error.transient });
      }
      return report;
    }
    report.link = link.value;
    linkUrl = link.value.url;
  }

  // 3. The messages, rendered by the same renderer the message checks validate.
  for (const channel of ['email', 'sms'] as const) {
    if (!toSend.includes(channel)) continue;
    const sent = channel === 'email' ? await sendEmail(request, linkUrl, write) : await sendSmsChannel(request, linkUrl, write);
    report.channels.push(sent);
  }
  return report;
}

type Write = (event: EventInput) => Promise<void>;

/**
 * The channel's state in the journal, with an interrupted try settled: an email that never reached the
 * server's final dot, an SMS Twilio has no trace of, a file that was never renamed into place were
 * provably not sent; an SMS Twilio has, or a file that exists, were. Only an email whose last byte may
 * have reached the server stays unknown (refused without --resend).
 */
async function settleChannel(channel: DeliveryChannel, history: SendHistory, request: SendRequest, write: Write): Promise<{ report?: Omit<ChannelReport, 'to'> & { to?: string } }> {
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
    return {
      report: {
        channel,
        status: 'unknown',
        to: attempt.intent.to,
        at: since,
        messageId: attempt.intent.messageId,
        note: `An earlier run (${since}) was interrupted while the mail server was taking the email (Message-ID ${attempt.intent.messageId ?? 'unknown'}), so it may or may not have been delivered. SMTP cannot be asked afterwards. Ask the customer (or look in the server's log for that Message-ID); to send it again anyway, re-run with --resend.`,
      },
    };
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
  return {
    report: {
      channel,
      status: 'unknown',
      to: attempt.intent.to,
      at: since,
      transient: true,
      error: faultInfo(found.fault),
      note: `An earlier run (${since}) was interrupted while sending this SMS, and Twilio could not be asked whether it has it (${describeFault(found.fault)}). Nothing was sent now; run send again once Twilio answers.`,
    },
  };
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
async function findSms(request: SendRequest, attempt: Attempt) {
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

async function ensureLink(request: SendRequest, history: SendHistory, write: Write): Promise<{ value: NonNullable<SendReport['link']> } | { error: NonNullable<SendReport['linkError']> }> {
  const { invoice, account } = request;
  const existing = reusableLink(history, invoice.amountDue, invoice.currency);
  if (existing?.link) return { value: { ...existing.link, amount: existing.amount, currency: existing.currency, reused: true } };
  const { createPaymentLink, paymentLinkIdempotencyKey } = await import('../providers/stripe-payment-links.js');
  const stripe = account.payments.stripe!;
  const linkRequest = {
    account: account.id,
    connectedAccount: stripe.account,
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    amount: invoice.amountDue,
    currency: invoice.currency,
    productName: `Invoice ${invoice.number} — ${account.name}`,
  };
  // Only answers count: after a timeout Stripe may hold the link under the old key, which must replay it.
  const refused = history.linkFailures.filter(
    (l) => l.amount === invoice.amountDue && l.currency.toUpperCase() === invoice.currency.toUpperCase() && !['rate_limited', 'server', 'timeout', 'network'].includes(String(l.error?.kind)),
  ).length;
  const idempotencyKey = paymentLinkIdempotencyKey(linkRequest, refused);
  failpoint('before-link');
  await write({ step: 'link', phase: 'intent', amount: invoice.amountDue, currency: invoice.currency, idempotencyKey });
  failpoint('after-link-intent');
  const created = await createPaymentLink({ secretKey: stripe.secret_key!.trim(), apiBase: stripe.api_base, timeoutMs: request.timeoutMs, maxNetworkRetries: 2 }, linkRequest, idempotencyKey);
  if (!created.ok) {
    const error = faultInfo(created.fault);
    await write({ step: 'link', phase: 'result', outcome: 'failed', amount: invoice.amountDue, currency: invoice.currency, error });
    return { error: { ...error, transient: isTransientFault(created.fault) } };
  }
  const link = { id: created.value.id, url: created.value.url, livemode: created.value.livemode };
  await write({ step: 'link', phase: 'result', outcome: 'created', amount: invoice.amountDue, currency: invoice.currency, link });
  failpoint('after-link');
  return { value: { ...link, amount: invoice.amountDue, currency: invoice.currency, reused: false } };
}

async function sendEmail(request: SendRequest, linkUrl: string | undefined, write: Write): Promise<ChannelReport> {
  const { invoice, account } = request;
  const to = request.to.email!;
  const email = account.email!;
  const rendered = renderEmail({ account, invoice, paymentLink: linkUrl, note: request.note });
  const attempt = newAttempt();
  const { composeEmail, deliverSmtp, deliverToFile } = await import('../providers/mailer.js');
  const domain = /@([^>\s]+)>?\s*$/.exec(email.from ?? '')?.[1] ?? 'invoice-doctor.invalid';
  const messageId = `<invoice.${fileSafe(invoice.id)}.${attempt}@${domain}>`;
  const composed = await composeEmail({
    from: email.from!,
    to,
    subject: rendered.subject.output,
    text: rendered.text.output,
    html: rendered.html.output,
    messageId,
    headers: { 'X-Invoice-Id': invoice.id, 'X-Invoice-Number': invoice.number },
  });
  const file = email.transport === 'file' ? path.join(email.file!.dir, `${fileSafe(invoice.id)}-${attempt}.eml`) : undefined;
  const intent: EventInput = {
    step: 'email', phase: 'intent', attempt, to, transport: email.transport, from: email.from, messageId, subject: rendered.subject.output, file, link: linkUrl,
  };
  await write(intent);
  failpoint('after-email-intent');
  const at = () => new Date().toISOString();

  if (file) {
    const written = await deliverToFile(path.dirname(file), path.basename(file), composed.raw);
    if (!written.ok) {
      const error = { message: written.message, code: written.code };
      await write({ step: 'email', phase: 'result', attempt, outcome: 'failed', error });
      return { channel: 'email', status: 'failed', to, error };
    }
    await write({ step: 'email', phase: 'result', attempt, outcome: 'sent', messageId, file });
    failpoint('after-email');
    return { channel: 'email', status: 'sent', to, at: at(), messageId, file };
  }

  const { smtpTarget } = await import('../providers/email.js');
  const delivery = await deliverSmtp(smtpTarget(account, request.timeoutMs), composed, {
    beforeCommit: async () => {
      failpoint('email-before-commit');
      await write({ step: 'email', phase: 'commit', attempt });
      failpoint('email-after-commit');
    },
  });
  if (delivery.ok && delivery.rejected.length === 0) {
    await write({ step: 'email', phase: 'result', attempt, outcome: 'sent', messageId, response: delivery.response });
    failpoint('after-email');
    return { channel: 'email', status: 'sent', to, at: at(), messageId, response: delivery.response };
  }
  if (delivery.ok) {
    const error = { message: `the server refused ${delivery.rejected.join(', ')}`, code: 'EENVELOPE' };
    await write({ step: 'email', phase: 'result', attempt, outcome: 'failed', messageId, response: delivery.response, error });
    return { channel: 'email', status: 'failed', to, messageId, error };
  }
  const f = delivery.failure;
  const error: EventError = { message: f.response ? `${f.message}` : f.message, code: f.code, responseCode: f.responseCode, kind: f.stage };
  if (!delivery.certain) {
    // The reply to the final dot was lost: the server may have the message. Leave the try open so
    // the next run refuses to guess.
    return { channel: 'email', status: 'unknown', to, messageId, error, note: 'The connection failed after the whole message was handed to the server, so it may have been delivered. Re-running send will not send it again without --resend.' };
  }
  await write({ step: 'email', phase: 'result', attempt, outcome: 'failed', messageId, error });
  const transient = f.stage === 'connect' || f.stage === 'greeting' || f.responseCode === undefined || (f.responseCode >= 400 && f.responseCode < 500);
  return { channel: 'email', status: 'failed', to, messageId, error, transient };
}

async function sendSmsChannel(request: SendRequest, linkUrl: string | undefined, write: Write): Promise<ChannelReport> {
  const { invoice, account } = request;
  const to = request.to.phone!;
  const sms = account.sms!;
  const body = renderSms({ account, invoice, paymentLink: linkUrl, note: request.note }).output;
  const attempt = newAttempt();
  const at = () => new Date().toISOString();
  if (sms.transport === 'file') {
    const file = path.join(sms.file!.dir, `${fileSafe(invoice.id)}-${attempt}.sms.txt`);
    await write({ step: 'sms', phase: 'intent', attempt, to, transport: 'file', body, file, link: linkUrl });
    failpoint('after-sms-intent');
    const { deliverToFile } = await import('../providers/mailer.js');
    const written = await deliverToFile(path.dirname(file), path.basename(file), `To: ${to}\nInvoice: ${invoice.id}\n\n${body}\n`);
    if (!written.ok) {
      const error = { message: written.message, code: written.code };
      await write({ step: 'sms', phase: 'result', attempt, outcome: 'failed', error });
      return { channel: 'sms', status: 'failed', to, error };
    }
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'sent', file });
    failpoint('after-sms');
    return { channel: 'sms', status: 'sent', to, at: at(), file };
  }
  const t = sms.twilio!;
  const service = t.messaging_service_sid?.trim() || undefined;
  const from = service ? undefined : t.from?.trim();
  await write({ step: 'sms', phase: 'intent', attempt, to, transport: 'twilio', from, service, body, link: linkUrl });
  failpoint('after-sms-intent');
  const { sendSms } = await import('../providers/twilio-messages.js');
  const sent = await sendSms(twilioOptions(request), { to, body, from, messagingServiceSid: service });
  if (sent.ok) {
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'sent', sid: sent.message.sid, status: sent.message.status });
    failpoint('after-sms');
    return { channel: 'sms', status: 'sent', to, at: at(), sid: sent.message.sid, smsStatus: sent.message.status };
  }
  const error = faultInfo(sent.fault);
  if (sent.certain) {
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'failed', error });
    return { channel: 'sms', status: 'failed', to, error, transient: isTransientFault(sent.fault) };
  }
  // The request may have reached Twilio: ask before deciding.
  const found = await findSms(request, { id: attempt, intent: { v: 1, at: new Date(Date.now() - 1000).toISOString(), invoice: invoice.id, account: account.id, run: runId, step: 'sms', phase: 'intent', attempt, to, transport: 'twilio', from, service, body } });
  if (found.ok && found.message) {
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'sent', sid: found.message.sid, status: found.message.status, reconciled: 'the answer was lost; found at Twilio' });
    return { channel: 'sms', status: 'sent', to, at: at(), sid: found.message.sid, smsStatus: found.message.status };
  }
  if (found.ok) {
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'not_sent', error, reconciled: 'the request failed and Twilio has no such message' });
    return { channel: 'sms', status: 'failed', to, error, transient: true };
  }
  return { channel: 'sms', status: 'unknown', to, error, transient: true, note: `Twilio did not answer (${error.message}) and could not be asked afterwards; the SMS may have been sent. The next send looks it up before sending again.` };
}

function twilioOptions(request: SendRequest) {
  const t = request.account.sms!.twilio!;
  return { accountSid: t.account_sid!.trim(), authToken: t.auth_token!.trim(), apiBase: t.api_base, timeoutMs: request.timeoutMs };
}

function faultInfo(fault: Fault): EventError {
  return { message: describeFault(fault), kind: fault.kind, code: fault.code, status: fault.status };
}
