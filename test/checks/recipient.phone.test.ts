import { checkTester } from '../support/check-tester.js';

const gb = { id: 'brit', country: 'GB' };

checkTester('recipient.phone', [
  { name: 'neither the invoice nor the customer has a number', invoice: { customer: { id: 'cus_42', phone: undefined } }, expect: { status: 'fail', code: 'PHONE_MISSING', message: 'customer cus_42 has none on record', data: { customer: 'cus_42' } } },
  { name: 'the number is blank', invoice: { customer: { phone: '  ' } }, expect: { status: 'fail', code: 'PHONE_MISSING' } },
  {
    name: 'a seven-digit local number (555-0123) read with the account country',
    invoice: { customer: { phone: '555-0123' } },
    expect: { status: 'fail', code: 'PHONE_INVALID', message: ['"555-0123" is not a valid phone number', 'read as a US number because it has no country code'], data: { input: '555-0123', defaultRegion: 'US' } },
  },
  { name: 'text that is not a number at all', invoice: { customer: { phone: 'call the office' } }, expect: { status: 'fail', code: 'PHONE_INVALID', data: { input: 'call the office', type: 'UNKNOWN' } } },
  { name: 'no country hint when the number has a country code', invoice: { customer: { phone: '+1 555 0123' } }, expect: { status: 'fail', code: 'PHONE_INVALID', notInMessage: 'read as a' } },
  {
    name: 'a GB landline (+44 20 7946 0958)',
    invoice: { customer: { phone: '+44 20 7946 0958' } },
    expect: { status: 'fail', code: 'PHONE_NOT_MOBILE', message: '+442079460958 is a landline number (GB); it cannot receive text messages.', data: { e164: '+442079460958', country: 'GB', type: 'FIXED_LINE' } },
  },
  { name: 'a GB landline written nationally, with a GB account', account: gb, invoice: { customer: { phone: '020 7946 0958' } }, expect: { status: 'fail', code: 'PHONE_NOT_MOBILE', data: { e164: '+442079460958', defaultRegion: 'GB' } } },
  { name: 'a US toll-free number (1-800-555-0199)', invoice: { customer: { phone: '1-800-555-0199' } }, expect: { status: 'fail', code: 'PHONE_NOT_MOBILE', message: '+18005550199 is a toll free number', data: { e164: '+18005550199', type: 'TOLL_FREE' } } },
  {
    name: 'an Irish mobile (+353 85 123 4567)',
    invoice: { customer: { phone: '+353 85 123 4567' } },
    expect: { status: 'pass', message: '+353851234567 (IE, mobile).', data: { input: '+353 85 123 4567', e164: '+353851234567', country: 'IE', type: 'MOBILE', defaultRegion: 'US' } },
  },
  {
    name: 'a US number that may be mobile ((415) 555-0134, FIXED_LINE_OR_MOBILE)',
    invoice: { customer: { phone: '(415) 555-0134' } },
    expect: { status: 'pass', message: ['+14155550134 (US, fixed line or mobile)', 'does not distinguish mobile numbers'], data: { e164: '+14155550134', country: 'US', type: 'FIXED_LINE_OR_MOBILE' } },
  },
  { name: "the invoice's send-to phone over the customer record", invoice: { customer: { phone: '+44 20 7946 0958' }, sendTo: { phone: '+353 85 123 4567' } }, expect: { status: 'pass', data: { e164: '+353851234567' } } },
  { name: "a blank send-to phone does not hide the customer's number", invoice: { sendTo: { phone: '' } }, expect: { status: 'pass', notInMessage: 'has none on record', data: { e164: '+14155550134' } } },
  { name: 'not applicable when only email is requested', invoice: { customer: { phone: undefined } }, channels: ['email'], expect: { status: 'skip', data: { reason: 'channel_not_requested' } } },
]);
