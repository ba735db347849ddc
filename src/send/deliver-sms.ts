import path from 'node:path';
import { renderSms } from './render.js';
import { failpoint } from './failpoints.js';
import { findSms } from './settle.js';
import { isTransient } from '../providers/fault.js';
import { backoffMs, RATE_LIMIT_RETRIES, sleep } from './rate-limit.js';
import { faultInfo, fileSafe, newAttempt, runId, twilioOptions, type ChannelReport, type SendRequest, type Write } from './send-context.js';

/**
 * The SMS, between its intent and its result: Twilio `messages.create` (which has no idempotency key,
 * so a lost answer is settled by looking the message up), or the file transport's .sms.txt.
 */
export async function sendSmsChannel(request: SendRequest, linkUrl: string | undefined, write: Write): Promise<ChannelReport> {
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
  // A 429 (20429) is Twilio refusing the request: provably nothing was created, so it is safe to ask again
  // after Retry-After / a backoff, a bounded number of times, within the same journal attempt.
  let sent = await limitedSend();
  for (let retry = 1; !sent.ok && sent.certain && sent.fault.kind === 'rate_limited' && retry <= (request.batch ? RATE_LIMIT_RETRIES : 0); retry++) {
    const wait = backoffMs(retry, sent.fault.retryAfter);
    request.batch?.log?.(`Twilio rate-limited the SMS for ${invoice.id} (429); retry ${retry} of ${RATE_LIMIT_RETRIES} in ${wait} ms`);
    await sleep(wait);
    sent = await limitedSend();
  }
  async function limitedSend() {
    await request.batch?.limits?.sms?.take();
    return sendSms(twilioOptions(request), { to, body, from, messagingServiceSid: service });
  }
  if (sent.ok) {
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'sent', sid: sent.message.sid, status: sent.message.status });
    failpoint('after-sms');
    return { channel: 'sms', status: 'sent', to, at: at(), sid: sent.message.sid, smsStatus: sent.message.status };
  }
  const error = faultInfo(sent.fault);
  if (sent.certain) {
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'failed', error });
    return { channel: 'sms', status: 'failed', to, error, transient: isTransient(sent.fault) };
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

