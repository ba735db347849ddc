import { checkTester, fault, ok, type Row } from '../support/check-tester.js';
import { healthy, LONG_CODE, number, SERVICE, SID, twilio } from './sms-fixtures.js';

const KEY = 'accounts.acme.sms.twilio';
const row = (name: string, account: Row['account'], facts: Row['facts'], expect: Row['expect']): Row => ({ name, account, facts: { ...healthy, ...facts }, expect });

checkTester('sms.sender', [
  row('a messaging service with numbers', twilio(), {}, { status: 'pass', message: `Messaging service ${SERVICE} (Invoices) sends from ${LONG_CODE}.`, data: { messagingServiceSid: SERVICE, serviceNumbers: [LONG_CODE] } }),
  row('an owned, SMS-capable from number', twilio({ messaging_service_sid: undefined, from: LONG_CODE }), {}, { status: 'pass', message: `${LONG_CODE} is owned by the account and can send SMS.` }),
  row('both, the number in the service', twilio({ from: LONG_CODE }), {}, { status: 'pass', message: `sends from ${LONG_CODE}.` }),
  {
    name: 'neither a service nor a from number, naming the unset variables',
    account: { ...twilio({ messaging_service_sid: undefined }), unsetEnv: { 'sms.twilio.messaging_service_sid': 'TWILIO_SERVICE', 'sms.twilio.from': 'TWILIO_FROM' } },
    facts: healthy,
    expect: { status: 'fail', code: 'SENDER_NOT_CONFIGURED', message: `No SMS sender: set ${KEY}.messaging_service_sid (MG…) or ${KEY}.from (+1…) (read from \${TWILIO_SERVICE}, \${TWILIO_FROM}, not set in the environment).`, data: { variables: ['TWILIO_SERVICE', 'TWILIO_FROM'] } },
  },
  {
    name: 'one sender set, the other from an unset variable (sending would silently use the one set)',
    account: { ...twilio({ from: '' }), unsetEnv: { 'sms.twilio.from': 'TWILIO_FROM' } },
    facts: healthy,
    expect: { status: 'fail', code: 'SENDER_NOT_CONFIGURED', message: 'The SMS sender is not fully configured:', data: { variables: ['TWILIO_FROM'] } },
  },
  { name: 'a malformed messaging service SID, offline too', offline: true, account: twilio({ messaging_service_sid: 'MG123' }), expect: { status: 'fail', code: 'SENDER_NOT_CONFIGURED', message: `${KEY}.messaging_service_sid "MG123" is not a Messaging Service SID` } },
  row('a from number not in E.164', twilio({ messaging_service_sid: undefined, from: '415-555-0100' }), {}, { status: 'fail', code: 'SENDER_NOT_CONFIGURED', message: `${KEY}.from "415-555-0100" is not a phone number in E.164 form`, data: { from: '415-555-0100' } }),
  row('a number the account does not own', twilio({ messaging_service_sid: undefined, from: '+14155550199' }), { twilioNumber: ok(undefined) }, { status: 'fail', code: 'SENDER_NOT_OWNED', message: `+14155550199 (${KEY}.from) is not a number of Twilio account ${SID}: sending from it fails with 21606.` }),
  row('a messaging service that does not exist', twilio(), { twilioService: fault('not_found', { status: 404 }) }, { status: 'fail', code: 'SENDER_NOT_OWNED', message: `Messaging service ${SERVICE} (${KEY}.messaging_service_sid) does not exist in Twilio account ${SID}.` }),
  row('a voice-only number', twilio({ messaging_service_sid: undefined, from: LONG_CODE }), { twilioNumber: ok(number(LONG_CODE, { sms: false })) }, { status: 'fail', code: 'SENDER_NOT_SMS_CAPABLE', message: `${LONG_CODE} is owned by the account but cannot send SMS (its capabilities: voice).` }),
  row('a service whose numbers cannot send SMS', twilio(), { twilioServiceNumbers: ok([number(LONG_CODE, { sms: false })]) }, { status: 'fail', code: 'SENDER_NOT_SMS_CAPABLE', message: `None of the numbers of messaging service ${SERVICE} can send SMS.` }),
  row('the from number is not in the messaging service', twilio({ from: '+14155550111' }), { twilioNumber: ok(number('+14155550111')) }, { status: 'fail', code: 'SENDER_NOT_IN_SERVICE', message: `+14155550111 is not in messaging service ${SERVICE} (Invoices), whose numbers are ${LONG_CODE}.` }),
  row('a messaging service with no numbers', twilio(), { twilioServiceNumbers: ok([]) }, { status: 'fail', code: 'SENDER_NOT_IN_SERVICE', message: 'has no phone numbers in its sender pool' }),
  row('Twilio fails on the service read after the account check passed', twilio(), { twilioService: fault('server', { status: 500 }) }, { status: 'error', code: 'TWILIO_UNAVAILABLE', message: 'Could not read the SMS sender from Twilio', data: { fault: 'server', status: 500 } }),
  row('Twilio fails on the number read', twilio({ messaging_service_sid: undefined, from: LONG_CODE }), { twilioNumber: fault('timeout') }, { status: 'error', code: 'TWILIO_UNAVAILABLE' }),
  row('blocked when sms.account fails', twilio(), { twilioAccount: fault('auth', { status: 401 }) }, { status: 'skip', message: 'Blocked: sms.account failed.', blockedBy: ['sms.account'] }),
  row('blocked when sms.account could not be determined', twilio(), { twilioAccount: fault('rate_limited', { status: 429 }) }, { status: 'skip', message: 'Blocked: sms.account could not be determined.', blockedBy: ['sms.account'] }),
  { name: 'offline: skipped before asking Twilio', offline: true, account: twilio(), expect: { status: 'skip', data: { reason: 'offline' } } },
  { name: 'not applicable with the file transport', account: { sms: { transport: 'file' } }, expect: { status: 'skip', data: { reason: 'not_applicable' } } },
]);
