/**
 * Twilio error codes that explain "the customer never got the SMS", mapped to our result codes (each
 * has its cause and remediation in the catalogue). Synchronous codes come back from messages.create;
 * asynchronous ones appear later on the message as `error_code` with status undelivered or failed.
 * Codes not listed here report as SMS_UNDELIVERED with Twilio's own text and a link to its page.
 */
export const TWILIO_ERROR_CODES: Readonly<Record<number, { code: string; meaning: string }>> = {
  30034: { code: 'SMS_A2P_UNREGISTERED', meaning: 'message from an unregistered US 10DLC number (A2P registration missing)' },
  30032: { code: 'SMS_TOLLFREE_UNVERIFIED', meaning: 'toll-free number not verified' },
  30007: { code: 'SMS_CARRIER_FILTERED', meaning: 'filtered by the carrier as spam' },
  21610: { code: 'SMS_RECIPIENT_OPTED_OUT', meaning: 'the customer replied STOP' },
  30004: { code: 'SMS_RECIPIENT_BLOCKED', meaning: 'message blocked (the recipient blocked it, or opted out)' },
  21614: { code: 'SMS_NOT_MOBILE', meaning: 'the number is not a mobile number' },
  30006: { code: 'SMS_NOT_MOBILE', meaning: 'landline or unreachable carrier' },
  21211: { code: 'SMS_INVALID_NUMBER', meaning: "invalid 'To' number" },
  30005: { code: 'SMS_INVALID_NUMBER', meaning: 'unknown destination handset' },
  30003: { code: 'SMS_HANDSET_UNREACHABLE', meaning: 'handset unreachable (switched off or out of coverage)' },
  30024: { code: 'SMS_SENDER_NOT_PROVISIONED', meaning: 'sender not provisioned by the carrier yet' },
  30002: { code: 'SMS_ACCOUNT_SUSPENDED', meaning: 'the Twilio account is suspended' },
  20003: { code: 'SMS_ACCOUNT_SUSPENDED', meaning: 'authentication failed, or the account is suspended or closed' },
  21608: { code: 'SMS_TRIAL_UNVERIFIED_RECIPIENT', meaning: 'a trial account can only text verified numbers' },
  21408: { code: 'SMS_REGION_NOT_ENABLED', meaning: "the recipient's country is not enabled in Geo Permissions" },
  21612: { code: 'SMS_ROUTE_NOT_POSSIBLE', meaning: 'the To/From combination cannot be routed' },
  21606: { code: 'SMS_SENDER_REJECTED', meaning: 'the From number is not an SMS-capable number of this account' },
};

export function smsErrorCode(twilioCode: number | string | null | undefined): { code: string; meaning: string } {
  const n = Number(twilioCode);
  return TWILIO_ERROR_CODES[n] ?? { code: 'SMS_UNDELIVERED', meaning: twilioCode ? `Twilio error ${twilioCode}` : 'no reason given' };
}

export const twilioErrorDocs = (code: number | string) => `https://www.twilio.com/docs/api/errors/${code}`;
