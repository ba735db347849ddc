import { paymentsEnabled } from './render.js';
import type { OutboxStore } from '../store/types.js';
import { foldHistory } from './history.js';
import type { DeliveryChannel } from './events.js';
import { journalWriter, type SendReport, type SendRequest } from './send-context.js';
import { settleChannel } from './settle.js';
import { ensureLink } from './link-step.js';
import { sendEmail } from './deliver-email.js';
import { sendSmsChannel } from './deliver-sms.js';

export type { ChannelReport, SendReport, SendRequest } from './send-context.js';
export { fileSafe } from './send-context.js';

/**
 * Sends one invoice on the requested channels, at most once each. Under the invoice's claim: read the
 * outbox, settle tries an earlier run left unfinished, create (or reuse) the payment link, then email,
 * then SMS — each side effect between an intent and a result line.
 */
export async function executeSend(request: SendRequest): Promise<SendReport> {
  const claim = await request.store.claim(request.invoice.id, { waitMs: request.lockWaitMs ?? 60_000 });
  try {
    return await sendUnderClaim(request, request.store, claim.reclaimed);
  } finally {
    // Not waited for: everything this invoice needed is durable, and the store applies the release before
    // anything written after it and before it closes. Waiting would hold the next invoice of a batch for a
    // round trip to the disk (a group commit) that protects nothing.
    void claim.release().catch(() => undefined);
  }
}

async function sendUnderClaim(request: SendRequest, store: OutboxStore, reclaimedLock: SendReport['reclaimedLock']): Promise<SendReport> {
  const { invoice, account } = request;
  const lookup = await store.lookup(invoice.id);
  const history = foldHistory(lookup.records);
  const report: SendReport = { channels: [], journalProblems: lookup.problems, reclaimedLock };
  const write = journalWriter(store, invoice.id, account.id);

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
  // Interrupted (Ctrl-C / SIGTERM) before a channel started: it is left for the next run, provably unsent.
  const notStarted = (channel: DeliveryChannel) =>
    report.channels.push({ channel, status: 'failed', to: (channel === 'email' ? request.to.email : request.to.phone) ?? '', transient: true, error: { message: `not started: the run was interrupted (${stopReason(request.stop)}) before this channel; run send again`, kind: 'interrupted' } });
  if (request.stop?.aborted) {
    toSend.forEach(notStarted);
    return report;
  }

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
    if (request.stop?.aborted) {
      notStarted(channel);
      continue;
    }
    const sent = channel === 'email' ? await sendEmail(request, linkUrl, write) : await sendSmsChannel(request, linkUrl, write);
    report.channels.push(sent);
  }
  return report;
}

/** The signal's name, as the abort reason carries it (`SIGINT`, `SIGTERM`). */
function stopReason(stop: AbortSignal | undefined): string {
  return typeof stop?.reason === 'string' ? stop.reason : 'a signal';
}
