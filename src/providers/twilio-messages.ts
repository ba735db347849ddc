import { twilioClient, twilioFault, toMessage, type TwilioMessage, type TwilioOptions } from './twilio.js';
import type { Fault } from './fault.js';

export interface SmsRequest {
  to: string;
  body: string;
  /** a number the account owns, or … */
  from?: string;
  /** … a messaging service that picks one */
  messagingServiceSid?: string;
}

/**
 * A refusal carries `fault.proves`: `not_created` only for a definite refusal (Twilio's own 4xx error, a
 * connection that never opened); anything else — a 5xx, a gateway page, a timeout or a reset after the request
 * left, an unreadable 201 — proves nothing either way (Twilio has no idempotency key for messages), so the
 * caller must look the message up before trying again.
 */
export type SmsOutcome = { ok: true; message: TwilioMessage } | { ok: false; fault: Fault };

/** The one Twilio write `send` makes. Kept apart from the read provider so no check can reach it. */
export async function sendSms(options: TwilioOptions, request: SmsRequest): Promise<SmsOutcome> {
  const client = await twilioClient(options);
  try {
    const created = await client.messages.create({
      to: request.to,
      body: request.body,
      ...(request.messagingServiceSid ? { messagingServiceSid: request.messagingServiceSid } : { from: request.from! }),
    });
    return { ok: true, message: toMessage(created) };
  } catch (error) {
    return { ok: false, fault: twilioFault(error, 'the message', 'sending') };
  }
}
