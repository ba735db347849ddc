import path from 'node:path';
import { renderEmail } from './render.js';
import { failpoint } from './failpoints.js';
import type { EventError, EventInput } from './events.js';
import { fileSafe, newAttempt, type ChannelReport, type SendRequest, type Write } from './send-context.js';

/**
 * The email, between its intent and its result: SMTP/OAuth2 with a commit line written just before the
 * final dot (the one moment after which the server may have it), or the file transport's .eml.
 */
export async function sendEmail(request: SendRequest, linkUrl: string | undefined, write: Write): Promise<ChannelReport> {
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

  const hooks = {
    beforeCommit: async () => {
      failpoint('email-before-commit');
      await write({ step: 'email', phase: 'commit', attempt });
      failpoint('email-after-commit');
    },
  };
  await request.batch?.limits?.email?.take();
  const pool = request.batch?.smtpPool;
  const { smtpTarget } = await import('../providers/email.js');
  // In a batch, an authenticated connection of the account's pool; each message still commits before its final dot.
  const delivery = pool ? await pool.deliver(composed, hooks) : await deliverSmtp(smtpTarget(account, request.timeoutMs), composed, hooks);
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
  if (delivery.proves === 'nothing') {
    // The reply to the final dot was lost: the server may have the message. Leave the try open so
    // the next run refuses to guess. (A 4xx/5xx reply to the dot is the server refusing it: failed, below.)
    return { channel: 'email', status: 'unknown', to, messageId, error, note: 'The connection failed after the whole message was handed to the server, so it may have been delivered. Re-running send will not send it again without --resend.' };
  }
  await write({ step: 'email', phase: 'result', attempt, outcome: 'failed', messageId, error });
  const transient = f.stage === 'connect' || f.stage === 'greeting' || f.responseCode === undefined || (f.responseCode >= 400 && f.responseCode < 500);
  return { channel: 'email', status: 'failed', to, messageId, error, transient };
}

