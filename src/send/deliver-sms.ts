import path from 'node:path';
import { renderSms } from './render.js';
import { failpoint } from './failpoints.js';
import { findSms } from './settle.js';
import { isAmbiguous, isTransient } from '../providers/fault.js';
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
  const intent = { step: 'sms', phase: 'intent', attempt, to, transport: 'twilio', from, service, body, link: linkUrl } as const;
  const intentAt = at();
  await write(intent);
  failpoint('after-sms-intent');
  const { sendSms } = await import('../providers/twilio-messages.js');
  // A 429 (20429) is Twilio refusing the request: provably nothing was created, so it is safe to ask again
  // after Retry-After / a backoff, a bounded number of times, within the same journal attempt.
  let sent = await limitedSend();
  for (let retry = 1; !sent.ok && !isAmbiguous(sent.fault) && sent.fault.kind === 'rate_limited' && retry <= (request.batch ? RATE_LIMIT_RETRIES : 0); retry++) {
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
  if (!isAmbiguous(sent.fault)) {
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'failed', error });
    return { channel: 'sms', status: 'failed', to, error, transient: isTransient(sent.fault) };
  }
  // The answer does not prove Twilio created nothing (a 5xx, a gateway page, a timeout or reset after the
  // request left): ask Twilio before deciding, never record it as failed.
  const found = await findSms(request, { id: attempt, intent: { v: 1, at: intentAt, invoice: invoice.id, account: account.id, run: runId, ...intent } });
  if (found.ok && found.message) {
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'sent', sid: found.message.sid, status: found.message.status, reconciled: `the answer proved nothing (${error.message}); found at Twilio` });
    return { channel: 'sms', status: 'sent', to, at: at(), sid: found.message.sid, smsStatus: found.message.status };
  }
  if (found.ok) {
    await write({ step: 'sms', phase: 'result', attempt, outcome: 'not_sent', error, reconciled: 'the answer proved nothing and Twilio has no such message' });
    return { channel: 'sms', status: 'failed', to, error, transient: true };
  }
  // Left open on purpose (an intent without a result): the next send looks it up before sending again.
  return { channel: 'sms', status: 'unknown', to, error, transient: true, note: `Twilio's answer (${error.message}) does not prove the SMS was not sent, and Twilio could not be asked afterwards; it may have been sent. The next send looks it up before sending again.` };
}
