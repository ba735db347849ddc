import { InputError } from '../errors.js';
import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import { createAccountFacts, SAMPLE_PAYMENT_LINK } from '../engine/facts.js';
import type { InvoiceReport } from '../engine/types.js';
import { describeFault } from '../providers/fault.js';
import { parseStripeKey } from '../providers/stripe-key.js';
import type { SmtpPool } from '../providers/smtp-pool.js';
import type { SendView } from '../report/send.js';
import type { DeliveryChannel } from '../send/events.js';
import { channelState, reusableLink, settledNote, type SendHistory } from '../send/history.js';
import type { readHistory } from '../send/read-history.js';
import { Limiters } from '../send/rate-limit.js';
import { renderEmail, renderSms, paymentsEnabled } from '../send/render.js';
import type { BatchResources } from '../send/send-context.js';
import { analyzeSms } from '../send/sms-encoding.js';

/** The parts of the send workflow (src/app/send.ts) that decide one invoice's answer, one step each. */

/** What the journal says about one invoice before anything is sent. */
export type Before = Awaited<ReturnType<typeof readHistory>>;

/** Documented defaults of the batch's rate limits and SMTP pool (docs/configuration.md). */
export const BATCH_DEFAULTS = {
  concurrency: 4,
  emailPerSecond: 10,
  smsPerSecondPerSender: 1,
  stripePerSecondTest: 20,
  stripePerSecondLive: 80,
} as const;

/** The channels to send: those asked for (email, sms, both), else the account's; sorted, without repeats. */
export function parseChannels(requested: readonly string[] | undefined, account: Account, overrides: { toEmail?: string; toPhone?: string }): DeliveryChannel[] {
  const list = requested?.length ? requested : account.channels;
  const channels: DeliveryChannel[] = [];
  for (const c of list) {
    const name = c === 'both' ? ['email', 'sms'] : [c];
    for (const n of name) {
      if (n !== 'email' && n !== 'sms') throw new InputError('USAGE', `--channel ${c}: expected email, sms, or both (comma-separated: email,sms).`);
      if (!channels.includes(n)) channels.push(n);
    }
  }
  if (overrides.toEmail !== undefined && !channels.includes('email')) throw new InputError('USAGE', '--to-email was given, but email is not among the channels to send.', { hint: 'Add --channel email (or email,sms).' });
  if (overrides.toPhone !== undefined && !channels.includes('sms')) throw new InputError('USAGE', '--to-phone was given, but sms is not among the channels to send.', { hint: 'Add --channel sms (or email,sms).' });
  return channels.sort();
}

/** The article's step 5: the recipient overridden for this send only; the checks validate the override. */
export function withRecipients(invoice: Invoice, overrides: { toEmail?: string; toPhone?: string }): Invoice {
  if (overrides.toEmail === undefined && overrides.toPhone === undefined) return invoice;
  return { ...invoice, sendTo: { ...invoice.sendTo, ...(overrides.toEmail !== undefined ? { email: overrides.toEmail.trim() } : {}), ...(overrides.toPhone !== undefined ? { phone: overrides.toPhone.trim() } : {}) } };
}

/** The channels the journal says were sent, as they are reported: when, to whom, with which id. */
export function alreadyResults(channels: readonly DeliveryChannel[], before: Before): SendView['results'] {
  return channels.map((c) => {
    const s = channelState(before.history.attempts[c]);
    const a = s.kind === 'sent' ? s.attempt : undefined;
    return { channel: c, status: 'already_sent' as const, to: a?.intent.to ?? '', at: a?.result?.at, messageId: a?.result?.messageId ?? a?.intent.messageId, sid: a?.result?.sid, file: a?.result?.file, response: a?.result?.response, note: settledNote(a) };
  });
}

/** The reusable link for the amount due, when Stripe says a customer paid it. A failed read is left to the gate. */
export async function paidLink(account: Account, history: SendHistory, invoice: Invoice, timeoutMs: number, log?: (line: string) => void): Promise<SendView['paid']> {
  if (account.payments.provider !== 'stripe' || !account.payments.stripe?.secret_key?.trim()) return undefined;
  const link = reusableLink(history, invoice.amountDue, invoice.currency)?.link;
  if (!link) return undefined;
  const read = await createAccountFacts(account, { timeoutMs, prefetch: false }).linkPayments(link.id);
  if (!read.ok) {
    log?.(`could not ask Stripe whether ${link.url} was paid (${describeFault(read.fault)}); the gate decides`);
    return undefined;
  }
  return read.value.paid ? { url: link.url, paidAt: read.value.paidAt } : undefined;
}

/** The codes that refused an invoice (failures first, then checks that could not complete). */
export function gateReason(report: InvoiceReport): string {
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.code ?? c.id);
  const errored = report.checks.filter((c) => c.status === 'error').map((c) => c.code ?? c.id);
  const codes = [...new Set([...failed, ...errored])];
  return codes.length > 0 ? codes.join(', ') : 'not ready';
}

export function isLive(account: Account): boolean {
  const key = account.payments.provider === 'stripe' ? account.payments.stripe?.secret_key : undefined;
  return key !== undefined && parseStripeKey(key)?.mode === 'live';
}

/** What a send would do: the link (reused or created), each message as it will go out, by which way. */
export function previewPlan(invoice: Invoice, account: Account, channels: DeliveryChannel[], to: { email?: string; phone?: string }, note: string | undefined, before: Before): NonNullable<SendView['plan']> {
  const existing = [...before.history.links].reverse().find((l) => l.amount === invoice.amountDue && l.currency.toUpperCase() === invoice.currency.toUpperCase());
  const link = paymentsEnabled(account) ? existing?.link?.url ?? SAMPLE_PAYMENT_LINK : undefined;
  const email = channels.includes('email') ? renderEmail({ account, invoice, paymentLink: link, note }) : undefined;
  const sms = channels.includes('sms') ? renderSms({ account, invoice, paymentLink: link, note }) : undefined;
  const smsTransport = account.sms?.transport === 'file' ? `file (${account.sms.file?.dir})` : account.sms?.twilio?.messaging_service_sid ? `Twilio messaging service ${account.sms.twilio.messaging_service_sid}` : `Twilio from ${account.sms?.twilio?.from}`;
  return {
    link: paymentsEnabled(account) ? { action: existing ? 'reuse' : 'create', url: existing?.link?.url, amount: invoice.amountDue, currency: invoice.currency, connectedAccount: account.payments.stripe?.account } : undefined,
    email: email && { from: account.email?.from ?? '', to: to.email!, via: account.email?.transport === 'file' ? `file (${account.email.file?.dir})` : account.email?.transport ?? '', subject: email.subject.output, text: email.text.output },
    sms: sms && { to: to.phone!, via: smsTransport, body: sms.output, segments: analyzeSms(sms.output).segments },
  };
}

/** Per account of a batch: an SMTP pool (smtp / oauth2 transports) and the rate limiters of its providers. */
export async function batchResources(items: readonly { account: Account; pending: readonly DeliveryChannel[] }[], timeoutMs: number, log?: (line: string) => void): Promise<Map<string, BatchResources>> {
  const limiters = new Limiters();
  const out = new Map<string, BatchResources>();
  for (const item of items) {
    const account = item.account;
    if (out.has(account.id)) continue;
    let smtpPool: SmtpPool | undefined;
    const email = account.email;
    if (email && email.transport !== 'file' && items.some((i) => i.account.id === account.id && i.pending.includes('email'))) {
      const [{ SmtpPool }, { smtpTarget }] = await Promise.all([import('../providers/smtp-pool.js'), import('../providers/email.js')]);
      smtpPool = new SmtpPool(smtpTarget(account, timeoutMs), { maxConnections: email.pool?.max_connections, maxMessages: email.pool?.max_messages });
    }
    const twilio = account.sms?.transport === 'twilio' ? account.sms.twilio : undefined;
    const sender = twilio?.messaging_service_sid?.trim() || twilio?.from?.trim() || '';
    const stripe = account.payments.provider === 'stripe' ? account.payments.stripe : undefined;
    const stripeMode = stripe?.secret_key ? parseStripeKey(stripe.secret_key)?.mode : undefined;
    const stripeRate = stripe?.rate_per_second ?? (stripeMode === 'live' ? BATCH_DEFAULTS.stripePerSecondLive : BATCH_DEFAULTS.stripePerSecondTest);
    out.set(account.id, {
      smtpPool,
      log,
      limits: {
        email: email && email.transport !== 'file' ? limiters.get(`email:${account.id}`, email.rate_per_second ?? BATCH_DEFAULTS.emailPerSecond) : undefined,
        // Twilio's limit is per sender (a number, or a messaging service), whichever account uses it.
        sms: twilio ? limiters.get(`twilio:${twilio.account_sid?.trim() ?? ''}:${sender}`, twilio.rate_per_second ?? BATCH_DEFAULTS.smsPerSecondPerSender) : undefined,
        // Stripe's limit is per secret key (and so per platform account).
        stripe: stripe ? limiters.get(`stripe:${stripe.secret_key?.trim() ?? account.id}`, stripeRate) : undefined,
      },
    });
  }
  return out;
}
