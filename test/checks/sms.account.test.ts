import { checkTester, fault, ok } from '../support/check-tester.js';
import { SID, twilio } from './sms-fixtures.js';

// The configuration and Twilio's answer about the account; the real SDK against the Twilio fake is
// test/live/sms.test.ts.
const account = (status: string, type = 'Full') => ({ twilioAccount: ok({ sid: SID, status, type, friendlyName: 'Acme' }) });

checkTester('sms.account', [
  { name: 'an active full account', account: twilio(), facts: account('active'), expect: { status: 'pass', message: `Twilio account ${SID} (Acme) is active.`, data: { accountSid: SID, status: 'active', type: 'Full' } } },
  { name: 'a trial account', account: twilio(), facts: account('active', 'Trial'), expect: { status: 'warn', code: 'TWILIO_TRIAL', message: ['is a trial account', '(21608)'] } },
  { name: 'a suspended account', account: twilio(), facts: account('suspended'), expect: { status: 'fail', code: 'TWILIO_ACCOUNT_SUSPENDED', message: 'is suspended: messages are refused (30002).' } },
  { name: 'an account in another state than active', account: twilio(), facts: account('pending'), expect: { status: 'fail', code: 'TWILIO_ACCOUNT_SUSPENDED', message: 'is pending, not active.' } },
  { name: 'a closed account Twilio still returns', account: twilio(), facts: account('closed'), expect: { status: 'fail', code: 'TWILIO_ACCOUNT_CLOSED', message: `Twilio account ${SID} (Acme) is closed.` } },
  {
    name: 'Twilio refuses the SID and token (wrong, rotated, or a closed account), never echoing the token',
    account: twilio(),
    facts: { twilioAccount: fault('auth', { status: 401, code: 20003, message: 'Authenticate' }) },
    expect: { status: 'fail', code: 'TWILIO_AUTH_FAILED', message: ['Twilio refused accounts.acme.sms.twilio.account_sid', 'also for a suspended or closed account'], notInMessage: 'tok_secret', data: { accountSid: SID, status: 401, code: 20003 } },
  },
  { name: 'a 404 for the account is the same refusal', account: twilio(), facts: { twilioAccount: fault('not_found', { status: 404 }) }, expect: { status: 'fail', code: 'TWILIO_AUTH_FAILED' } },
  { name: 'no sms section', account: { sms: undefined }, expect: { status: 'fail', code: 'TWILIO_NOT_CONFIGURED', message: 'Account acme has no SMS settings (accounts.acme.sms), so no Twilio account is connected.' } },
  { name: 'the Account SID missing', account: twilio({ account_sid: undefined }), expect: { status: 'fail', code: 'TWILIO_NOT_CONFIGURED', message: 'Twilio is not fully configured: accounts.acme.sms.twilio.account_sid is empty.', data: { missing: ['sms.twilio.account_sid'] } } },
  {
    name: 'the auth token read from an unset variable, named',
    account: { ...twilio({ auth_token: '' }), unsetEnv: { 'sms.twilio.auth_token': 'TWILIO_AUTH_TOKEN' } },
    expect: { status: 'fail', code: 'TWILIO_NOT_CONFIGURED', message: '${TWILIO_AUTH_TOKEN}', data: { missing: ['sms.twilio.auth_token'], variables: ['TWILIO_AUTH_TOKEN'] } },
  },
  { name: 'an API key SID (SK…) instead of the Account SID', account: twilio({ account_sid: 'SKfa4e0000000000000000000000000001' }), expect: { status: 'fail', code: 'TWILIO_NOT_CONFIGURED', message: 'is an API key SID (SK…); use the Account SID (AC…) with its auth token.', data: { field: 'sms.twilio.account_sid' } } },
  { name: 'a malformed Account SID, offline too', offline: true, account: twilio({ account_sid: 'AC123' }), expect: { status: 'fail', code: 'TWILIO_NOT_CONFIGURED', message: 'is not an Account SID (AC followed by 32 hex digits).', data: { field: 'sms.twilio.account_sid' } } },
  { name: 'rate limited: could not be determined', account: twilio(), facts: { twilioAccount: fault('rate_limited', { status: 429 }) }, expect: { status: 'error', code: 'TWILIO_UNAVAILABLE', message: `Could not read account ${SID} from Twilio`, data: { accountSid: SID, fault: 'rate_limited', status: 429 } } },
  { name: 'Twilio never answers', account: twilio(), facts: { twilioAccount: fault('timeout') }, expect: { status: 'error', code: 'TWILIO_UNAVAILABLE', data: { fault: 'timeout' } } },
  { name: 'offline: skipped before asking Twilio', offline: true, account: twilio(), expect: { status: 'skip', message: 'needs Twilio, and --offline was given', data: { reason: 'offline', service: 'Twilio' } } },
  { name: 'not applicable when SMS goes to the file transport', account: { sms: { transport: 'file' } }, expect: { status: 'skip', message: 'Not applicable: SMS goes to the file transport (sms.transport: file), not through Twilio.', data: { reason: 'not_applicable' } } },
]);
