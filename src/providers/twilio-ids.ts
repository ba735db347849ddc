/**
 * What a Twilio identifier or number looks like, without asking Twilio. Shared by the checks (to report
 * a malformed setting) and the facts (to decide which reads to ask ahead).
 */
export const isAccountSid = (value: string): boolean => /^AC[0-9a-fA-F]{32}$/.test(value);
export const isMessagingServiceSid = (value: string): boolean => /^MG[0-9a-fA-F]{32}$/.test(value);
export const isE164 = (value: string): boolean => /^\+[1-9]\d{6,14}$/.test(value);

/** North American toll-free numbers (800, 833, 844, 855, 866, 877, 888): toll-free verification applies. */
export const isNanpTollFree = (e164: string): boolean => /^\+18(00|33|44|55|66|77|88)\d{7}$/.test(e164);

/** +1 and not toll-free: a 10-digit long code of the NANP (US or another NANP country). */
export const isNanpLongCode = (e164: string): boolean => /^\+1\d{10}$/.test(e164) && !isNanpTollFree(e164);
