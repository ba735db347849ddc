import { checkTester, fault, ok, type Row } from '../support/check-tester.js';
import { healthy, LONG_CODE, number, SERVICE, TOLL_FREE, twilio } from './sms-fixtures.js';

// Who sends to whom, and what Twilio says of the registrations. sms.a2p runs after sms.sender (and so sms.account)
// and recipient.phone: every row gives a healthy sender. The same against the Twilio fake: test/live/sms.test.ts.
const BRAND = 'BNfa4e0000000000000000000000000001';
const CAMPAIGN = 'QEfa4e0000000000000000000000000001';
const brand = (status: string, more: Record<string, unknown> = {}) => ({ sid: BRAND, status, brandType: 'STANDARD', errors: [], ...more });
const campaign = (campaignStatus: string, more: Record<string, unknown> = {}) => ({ sid: CAMPAIGN, campaignStatus, usecase: 'ACCOUNT_NOTIFICATION', brandRegistrationSid: BRAND, errors: [], ...more });
const registered = { ...healthy, twilioBrands: ok([brand('APPROVED')]), twilioCampaigns: ok([campaign('VERIFIED')]) };
const tollFree = { ...healthy, twilioServiceNumbers: ok([number(TOLL_FREE)]) };
const row = (name: string, facts: Row['facts'], expect: Row['expect'], more: Partial<Row> = {}): Row => ({ name, account: twilio(), ...more, facts: { ...registered, ...facts }, expect });

checkTester('sms.a2p', [
  row('a US recipient, through a service with an approved brand and a verified campaign', {}, { status: 'pass', message: `A2P 10DLC: brand ${BRAND} approved, campaign ${CAMPAIGN} verified on ${SERVICE}.`, data: { recipientCountry: 'US', senders: [{ phoneNumber: LONG_CODE, kind: 'us_long_code' }] } }),
  row('a campaign in progress', { twilioCampaigns: ok([campaign('IN_PROGRESS')]) }, { status: 'fail', code: 'A2P_CAMPAIGN_NOT_VERIFIED', message: `The A2P campaign ${CAMPAIGN} of messaging service ${SERVICE} is IN_PROGRESS, not VERIFIED.` }),
  row("a failed campaign, with Twilio's error text", { twilioCampaigns: ok([campaign('FAILED', { errors: ['The campaign description is too vague.'] })]) }, { status: 'fail', code: 'A2P_CAMPAIGN_NOT_VERIFIED', message: 'is FAILED, not VERIFIED: The campaign description is too vague.' }),
  row('the service has no campaign', { twilioCampaigns: ok([]) }, { status: 'fail', code: 'A2P_NOT_REGISTERED', message: `Brand ${BRAND} is approved, but messaging service ${SERVICE} has no A2P campaign, so texts to US numbers are blocked (30034).` }),
  row('no brand registered', { twilioBrands: ok([]) }, { status: 'fail', code: 'A2P_NOT_REGISTERED', message: `No A2P 10DLC brand is registered on the Twilio account, so US carriers block texts from ${LONG_CODE} to US numbers (30034).` }),
  row('a US long code used without a messaging service', {}, { status: 'fail', code: 'A2P_NOT_REGISTERED', message: `${LONG_CODE} is used without a messaging service (only accounts.acme.sms.twilio.from is set)` }, { account: twilio({ messaging_service_sid: undefined, from: LONG_CODE }) }),
  ...['PENDING', 'IN_REVIEW', 'SUSPENDED', 'DELETION_PENDING'].map((status) => row(`a brand ${status}`, { twilioBrands: ok([brand(status)]), twilioCampaigns: ok([]) }, { status: 'fail', code: 'A2P_BRAND_NOT_APPROVED', message: `A2P brand ${BRAND} is ${status}, not APPROVED.` })),
  row('a failed brand, with the failure reason and errors', { twilioBrands: ok([brand('FAILED', { failureReason: 'Tax ID mismatch.', errors: ['EIN not found.'] })]), twilioCampaigns: ok([]) }, { status: 'fail', code: 'A2P_BRAND_NOT_APPROVED', message: `A2P brand ${BRAND} is FAILED, not APPROVED: Tax ID mismatch; EIN not found.` }),
  row('an approved toll-free number', { ...tollFree, twilioTollfreeVerifications: ok([{ sid: 'HH1', status: 'TWILIO_APPROVED', phoneNumberSid: 'PN1' }]) }, { status: 'pass', message: `Toll-free verification approved for ${TOLL_FREE}.`, data: { tollfree: { phoneNumber: TOLL_FREE, status: 'TWILIO_APPROVED' } } }),
  row('a toll-free verification pending', { ...tollFree, twilioTollfreeVerifications: ok([{ sid: 'HH1', status: 'PENDING_REVIEW', phoneNumberSid: 'PN1' }]) }, { status: 'fail', code: 'TOLLFREE_NOT_VERIFIED', message: `The toll-free verification of ${TOLL_FREE} is PENDING_REVIEW, not TWILIO_APPROVED: messages to US numbers are blocked (30032).` }),
  row('a rejected toll-free verification, with the reason', { ...tollFree, twilioTollfreeVerifications: ok([{ sid: 'HH1', status: 'TWILIO_REJECTED', rejectionReason: 'Opt-in not shown', phoneNumberSid: 'PN1' }]) }, { status: 'fail', code: 'TOLLFREE_NOT_VERIFIED', message: 'Reason: Opt-in not shown.' }),
  row('a toll-free number without any verification', { ...tollFree, twilioTollfreeVerifications: ok([]) }, { status: 'fail', code: 'TOLLFREE_NOT_VERIFIED', message: `Toll-free number ${TOLL_FREE} has no toll-free verification: messages to US numbers are blocked (30032).` }),
  row('toll-free applies to Canadian recipients too', { ...tollFree, twilioTollfreeVerifications: ok([]) }, { status: 'fail', code: 'TOLLFREE_NOT_VERIFIED', message: 'messages to CA numbers are blocked' }, { invoice: { customer: { phone: '+1 604 555 0134' } } }),
  row('an Irish recipient from a US number', {}, { status: 'skip', message: 'needs neither A2P 10DLC nor toll-free verification', data: { reason: 'not_applicable', recipientCountry: 'IE' } }, { invoice: { customer: { phone: '+353 85 123 4567' } } }),
  row('a Canadian recipient from a US long code (10DLC is US only)', {}, { status: 'skip', data: { reason: 'not_applicable', recipientCountry: 'CA' } }, { invoice: { customer: { phone: '+1 604 555 0134' } } }),
  row('a national Irish number for an Irish account', {}, { status: 'skip', data: { recipientCountry: 'IE' } }, { account: { ...twilio(), country: 'IE' }, invoice: { customer: { phone: '085 123 4567' } } }),
  row('the same national number for a US account is invalid: blocked by recipient.phone', {}, { status: 'skip', message: 'Blocked: recipient.phone failed.', blockedBy: ['recipient.phone'] }, { invoice: { customer: { phone: '085 123 4567' } } }),
  row('Twilio fails on the brands read', { twilioBrands: fault('server', { status: 503 }) }, { status: 'error', code: 'TWILIO_UNAVAILABLE', message: 'Could not read the registration from Twilio', data: { fault: 'server', status: 503 } }),
  row('Twilio fails on the campaigns read', { twilioCampaigns: fault('rate_limited', { status: 429 }) }, { status: 'error', code: 'TWILIO_UNAVAILABLE' }),
  row('Twilio fails on the toll-free verifications read', { ...tollFree, twilioTollfreeVerifications: fault('timeout') }, { status: 'error', code: 'TWILIO_UNAVAILABLE' }),
  row('blocked when the sender fails', { twilioServiceNumbers: ok([]) }, { status: 'skip', message: 'Blocked: sms.sender failed.', blockedBy: ['sms.sender'] }),
  { name: 'not applicable with the file transport', account: { sms: { transport: 'file' } }, expect: { status: 'skip', data: { reason: 'not_applicable' } } },
  { name: 'offline: skipped', offline: true, account: twilio(), expect: { status: 'skip', data: { reason: 'offline' } } },
]);
