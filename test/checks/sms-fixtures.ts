/**
 * What the three Twilio checks' tables share: an account texting through Twilio, and Twilio's answers for a
 * healthy one (sms.sender runs after sms.account, sms.a2p after sms.sender, so their rows give those too).
 */
import type { Account } from '../../src/config/load.js';
import type { Facts } from '../../src/engine/facts.js';
import type { TwilioNumber } from '../../src/providers/twilio.js';
import { ok } from '../support/check-tester.js';

export const SID = 'ACfa4e0000000000000000000000000001';
export const SERVICE = 'MGfa4e0000000000000000000000000001';
export const LONG_CODE = '+14155550100';
export const TOLL_FREE = '+18885550100';

type Twilio = NonNullable<NonNullable<Account['sms']>['twilio']>;
export const twilio = (t: Partial<Twilio> = {}): Partial<Account> => ({ sms: { transport: 'twilio', twilio: { account_sid: SID, auth_token: 'tok_secret', messaging_service_sid: SERVICE, ...t } } });

export const number = (phoneNumber: string, more: Partial<TwilioNumber> = {}): TwilioNumber => ({ sid: `PN${phoneNumber.slice(1).padEnd(32, '0')}`, phoneNumber, sms: true, mms: false, voice: true, ...more });

/** A full, active account whose messaging service sends from one US long code. */
export const healthy: Partial<Facts> = {
  twilioAccount: ok({ sid: SID, status: 'active', type: 'Full', friendlyName: 'Acme' }),
  twilioService: ok({ sid: SERVICE, friendlyName: 'Invoices', usAppToPersonRegistered: true }),
  twilioServiceNumbers: ok([number(LONG_CODE)]),
  twilioNumber: ok(number(LONG_CODE)),
};
