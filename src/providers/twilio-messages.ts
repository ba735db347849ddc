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
 * `certain` says whether the failure proves nothing was sent: Twilio answered with an error. A timeout
 * or a dropped connection after the request left proves nothing either way (Twilio has no
 * idempotency key for messages), so the caller must look the message up before trying again.
 */
export type SmsOutcome = { ok: true; message: TwilioMessage } | { ok: false; fault: Fault; certain: boolean };

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
    const fault = twilioFault(error, 'the message', 'sending');
    return { ok: false, fault, certain: typeof (error as { status?: unknown }).status === 'number' };
  }
}
