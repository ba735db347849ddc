import { describeFault, type BaseOutcomeBuilder, type Fault, type Outcome } from '../src/index.js';

/** The Twilio checks apply when SMS goes through Twilio (or is not configured at all: sms.account says so). */
export function sendsThroughTwilio(ctx: { account: { sms?: { transport: string } } }): true | string {
  return !ctx.account.sms || ctx.account.sms.transport === 'twilio' || 'Not applicable: SMS goes to the file transport (sms.transport: file), not through Twilio.';
}

/**
 * A fault that proves nothing about the account: could not be determined, with the cause in one line. The code
 * TWILIO_UNAVAILABLE is sms.account's; sms.sender and sms.a2p report it from that definition (codeOf).
 */
export function twilioUnavailable(ctx: BaseOutcomeBuilder, what: string, fault: Fault, data: Record<string, unknown> = {}): Outcome {
  return ctx.error('TWILIO_UNAVAILABLE', { message: `Could not read ${what} from Twilio: ${describeFault(fault)}.`, data: { ...data, fault: fault.kind, status: fault.status, code: fault.code } });
}
