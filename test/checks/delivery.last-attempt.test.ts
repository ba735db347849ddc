import { StateError } from '../../src/errors.js';
import { foldHistory } from '../../src/send/history.js';
import type { JournalRecord } from '../../src/store/types.js';
import { TWILIO_ERROR_CODES } from '../../src/send/sms-errors.js';
import type { TwilioMessage } from '../../src/providers/twilio.js';
import { checkTester, fault, ok, type Row } from '../support/check-tester.js';

// The invoice's sends as the journal has them, and what Twilio and Stripe say of them now. Sending for real and
// then reading the journal back (and asking the Twilio and Stripe fakes): test/send/status.test.ts and the send tests.
const SID = 'SMfa4e0000000000000000000000000001';
const TO = '+14155550134';
const base = { v: 1, invoice: 'INV-1001', account: 'acme', run: 'run-1' };
const at = (minute: number) => `2025-06-20T10:${String(minute).padStart(2, '0')}:00.000Z`;
const intent = (step: 'email' | 'sms', attempt: string, more: Record<string, unknown> = {}) => ({ ...base, at: at(0), step, phase: 'intent', attempt, to: step === 'sms' ? TO : 'jane.doe@northwind-traders.com', transport: step === 'sms' ? 'twilio' : 'smtp', messageId: step === 'email' ? '<m1@acmeplumbing.com>' : undefined, ...more });
const commit = (attempt: string) => ({ ...base, at: at(1), step: 'email', phase: 'commit', attempt });
const result = (step: 'email' | 'sms', attempt: string, outcome: string, more: Record<string, unknown> = {}) => ({ ...base, at: at(2), step, phase: 'result', attempt, outcome, ...more });
const link = { ...base, at: at(0), step: 'link', phase: 'result', outcome: 'created', amount: 12500, currency: 'usd', link: { id: 'plink_1', url: 'https://buy.stripe.com/test_1', livemode: false } };

/** The sendHistory fact for these journal lines. */
const journal = (...records: object[]) => ({ sendHistory: () => Promise.resolve({ journal: '/ws/journal.jsonl', history: foldHistory(records as JournalRecord[]), problems: [] }) });
const smsSent = [intent('sms', 's1'), result('sms', 's1', 'sent', { sid: SID, status: 'queued' })];
const emailSent = [intent('email', 'e1'), commit('e1'), result('email', 'e1', 'sent', { response: '250 2.0.0 OK queued' })];
const twilioSays = (status: string, errorCode: number | null = null): Partial<TwilioMessage> => ({ sid: SID, to: TO, status, errorCode, errorMessage: errorCode ? `Twilio error ${errorCode}` : null, dateUpdated: at(5) });
const smsRow = (name: string, message: Partial<TwilioMessage> | Parameters<typeof fault>, expect: Row['expect']): Row => ({
  name,
  channels: ['sms'],
  facts: { ...journal(...smsSent), twilioMessage: Array.isArray(message) ? fault(...message) : ok(message as TwilioMessage) },
  expect,
});

// Each of our codes for an undelivered SMS, from the first Twilio error that maps to it.
const byCode = new Map<string, number>();
for (const [twilioCode, { code }] of Object.entries(TWILIO_ERROR_CODES)) if (!byCode.has(code)) byCode.set(code, Number(twilioCode));

checkTester('delivery.last-attempt', [
  { name: 'never sent: nothing to check', expect: { status: 'skip', message: 'Never sent on email or sms: there is no delivery to check.', data: { reason: 'never_sent' } } },
  { name: 'the email accepted by the server', channels: ['email'], facts: journal(...emailSent), expect: { status: 'pass', message: 'The email to jane.doe@northwind-traders.com was accepted by the mail server ("250 2.0.0 OK queued")' } },
  ...[...byCode].map(([code, twilioCode]) =>
    smsRow(`undelivered with Twilio error ${twilioCode}`, twilioSays('undelivered', twilioCode), { status: 'fail', code, message: `with error ${twilioCode} (${TWILIO_ERROR_CODES[twilioCode]!.meaning})`, data: { twilioError: { code: twilioCode } }, channels: ['sms'] }),
  ),
  smsRow('undelivered with an error no entry maps', twilioSays('failed', 30008), { status: 'fail', code: 'SMS_UNDELIVERED', message: 'Twilio reports "failed" with error 30008 (Twilio error 30008)' }),
  smsRow('delivered', twilioSays('delivered'), { status: 'pass', message: `The SMS to ${TO} was delivered (${SID}, ${at(5)}).` }),
  smsRow('no delivery report yet', twilioSays('sent'), { status: 'pass', message: 'its status is "sent" (no delivery report yet)' }),
  smsRow('Twilio has no such message (another account, rotated credentials, deleted)', ['not_found', { status: 404 }], { status: 'fail', code: 'SMS_MESSAGE_NOT_FOUND', message: 'Twilio now answers that the account configured has no such message' }),
  smsRow('Twilio cannot be asked', ['timeout'], { status: 'error', code: 'SMS_STATUS_UNAVAILABLE', message: 'but its delivery status could not be read' }),
  { name: 'offline: the SMS is not followed at Twilio', offline: true, channels: ['sms'], facts: journal(...smsSent), expect: { status: 'pass', message: 'its delivery status was not checked (offline)' } },
  {
    name: 'Twilio refused the last SMS when it was sent',
    channels: ['sms'],
    facts: journal(intent('sms', 's1'), result('sms', 's1', 'failed', { error: { message: 'not a mobile number', code: 21614, status: 400 } })),
    expect: { status: 'fail', code: 'SMS_NOT_MOBILE', message: 'was refused by Twilio with error 21614' },
  },
  { name: 'the last SMS try failed before Twilio took it', channels: ['sms'], facts: journal(intent('sms', 's1'), result('sms', 's1', 'failed', { error: { message: 'connect ECONNREFUSED' } })), expect: { status: 'fail', code: 'SMS_SEND_FAILED', message: 'failed: connect ECONNREFUSED. Nothing was delivered by that try.' } },
  {
    name: 'the mail server refused the last email',
    channels: ['email'],
    facts: journal(intent('email', 'e1'), result('email', 'e1', 'failed', { error: { message: '550 5.1.1 mailbox unavailable', responseCode: 550 } })),
    expect: { status: 'fail', code: 'EMAIL_SEND_FAILED', message: 'failed: 550 5.1.1 mailbox unavailable' },
  },
  { name: 'a try recorded as not sent by a person', channels: ['email'], facts: journal(intent('email', 'e1'), result('email', 'e1', 'not_sent', { settled: { by: 'person', as: 'not-sent', user: 'ops', note: 'T-42' } })), expect: { status: 'fail', code: 'EMAIL_SEND_FAILED', message: 'was recorded as not sent by ops' } },
  { name: 'an email interrupted while the server was taking it', channels: ['email'], facts: journal(intent('email', 'e1'), commit('e1')), expect: { status: 'warn', code: 'EMAIL_UNCONFIRMED', message: 'was interrupted while the server was taking it: it may or may not have been delivered.' } },
  { name: 'an SMS interrupted before its outcome was recorded', channels: ['sms'], facts: journal(intent('sms', 's1')), expect: { status: 'warn', code: 'SEND_INTERRUPTED', message: 'the next send settles it by asking Twilio' } },
  {
    name: 'an undelivered SMS marks SMS only; the delivered email is in the message',
    facts: { ...journal(...emailSent, ...smsSent), twilioMessage: ok(twilioSays('undelivered', 30007) as TwilioMessage) },
    expect: { status: 'fail', code: 'SMS_CARRIER_FILTERED', message: ['filtered by the carrier as spam', 'The email to jane.doe@northwind-traders.com was accepted'], channels: ['sms'] },
  },
  {
    name: 'the payment link was paid',
    channels: ['email'],
    facts: { ...journal(link, ...emailSent), linkPayments: ok({ paid: true, paidAt: '2025-06-21T09:00:00.000Z', sessions: 1 }) },
    expect: { status: 'pass', message: 'The payment link was paid on 2025-06-21T09:00:00.000Z.', data: { payment: { paid: true, link: { id: 'plink_1' } } } },
  },
  {
    name: 'a damaged journal is the run-level JOURNAL_DAMAGED, not a crash',
    facts: { sendHistory: () => Promise.reject(new StateError('JOURNAL_DAMAGED', 'The journal /ws/journal.jsonl is damaged at line 3.', '/ws/journal.jsonl', 'Restore it.')) },
    expect: { status: 'error', code: 'JOURNAL_DAMAGED', message: 'is damaged at line 3.', data: { file: '/ws/journal.jsonl' } },
  },
]);
