import { expect } from 'vitest';
import { SAMPLE_PAYMENT_LINK } from '../../src/engine/facts.js';
import { checkTester } from '../support/check-tester.js';

const sms = (template: string) => ({ templates: { sms: template } });
const defaultSms = `Acme Plumbing: invoice INV-1001 for $125.00 is due Jul 15, 2025. Pay here: ${SAMPLE_PAYMENT_LINK}`;
const tooLong = 1600 + 1 + SAMPLE_PAYMENT_LINK.length;

checkTester('message.sms', [
  {
    name: 'the default template: one GSM-7 segment, payment link included',
    expect: { status: 'pass', message: `${defaultSms.length} characters, GSM-7, 1 segment.`, data: { characters: defaultSms.length, encoding: 'GSM-7', segments: 1, units: defaultSms.length, preview: defaultSms } },
  },
  { name: 'the default template without a link when payments are off', account: { payments: { provider: 'none' } }, expect: { status: 'pass', data: { preview: 'Acme Plumbing: invoice INV-1001 for $125.00 is due Jul 15, 2025.', segments: 1 } } },
  { name: 'a branded short link is not a public shortener', account: sms('Pay {{amount_due}}: {{payment_link}} or https://pay.acmeplumbing.com/x'), expect: { status: 'pass' } },
  {
    name: 'a misspelt placeholder',
    account: sms('{{account_name}}: hi {{custmer_name}}, pay {{payment_link}}'),
    expect: { status: 'fail', code: 'PLACEHOLDER_UNRESOLVED', message: 'Unresolved placeholder {{custmer_name}}.', data: { unresolved: ['custmer_name'] } },
    also: (r) => expect(r.data.preview).toContain('{{custmer_name}}'),
  },
  { name: 'a malformed placeholder ("{{customer_name}")', account: sms('Hi {{customer_name}, pay {{payment_link}}'), expect: { status: 'fail', code: 'PLACEHOLDER_UNRESOLVED', data: { unresolved: ['{{customer_name}'] } } },
  {
    name: 'payments on and the template has no link',
    account: sms('{{account_name}}: invoice {{invoice_number}} for {{amount_due}} is due.'),
    expect: { status: 'fail', code: 'PAYMENT_LINK_MISSING', message: 'Payments are on, but the SMS template has no {{payment_link}}.' },
  },
  {
    name: 'beyond 1,600 characters',
    account: sms(`${'a'.repeat(1600)} {{payment_link}}`),
    expect: { status: 'fail', code: 'SMS_TOO_LONG', message: new RegExp(`^The SMS is ${tooLong} characters; Twilio accepts at most 1600\\.`), data: { characters: tooLong, encoding: 'GSM-7' }, findings: ['SMS_TOO_LONG', 'SMS_MULTI_SEGMENT'] },
  },
  {
    name: 'exactly 1,600 characters is not too long (only multi-segment)',
    account: sms(`${'a'.repeat(1600 - 1 - SAMPLE_PAYMENT_LINK.length)} {{payment_link}}`),
    expect: { status: 'warn', code: 'SMS_MULTI_SEGMENT', data: { characters: 1600, segments: 11 } },
  },
  {
    name: 'a public shortener link',
    account: sms('Pay {{amount_due}} at {{payment_link}} - details: https://bit.ly/3abcXYZ'),
    expect: { status: 'warn', code: 'SMS_URL_SHORTENER', message: 'It contains a bit.ly link (https://bit.ly/3abcXYZ), which carriers filter as spam.', data: { link: 'https://bit.ly/3abcXYZ' } },
  },
  { name: 'characters outside GSM-7, named', account: sms('Pay {{amount_due}} ✓ {{payment_link}}'), expect: { status: 'warn', code: 'SMS_UNICODE', message: ['"✓"', '70 characters per segment'] } },
  {
    name: 'UCS-2 from a value too (a curly apostrophe in the account name), which also splits the default message',
    account: { name: 'Zoë’s Plumbing' },
    expect: { status: 'warn', code: 'SMS_UNICODE', message: '"ë" "’"', data: { encoding: 'UCS-2' }, findings: ['SMS_UNICODE', 'SMS_MULTI_SEGMENT'] },
  },
  {
    name: 'past 160 GSM-7 characters',
    account: sms(`{{payment_link}} ${'b'.repeat(160 - SAMPLE_PAYMENT_LINK.length)}`),
    expect: { status: 'warn', code: 'SMS_MULTI_SEGMENT', message: '161 characters in GSM-7 are sent as 2 segments (billed as 2 messages).', data: { characters: 161, segments: 2, encoding: 'GSM-7' } },
  },
  { name: '160 GSM-7 characters are still one segment', account: sms(`{{payment_link}} ${'b'.repeat(159 - SAMPLE_PAYMENT_LINK.length)}`), expect: { status: 'pass', message: '160 characters, GSM-7, 1 segment.' } },
  { name: 'the optional message counts as empty, and what it leaves is trimmed', account: sms('Pay: {{payment_link}} {{message}}'), expect: { status: 'pass', data: { preview: `Pay: ${SAMPLE_PAYMENT_LINK}` } } },
  {
    name: 'a failure leads over warnings',
    account: sms('✓ https://bit.ly/x {{custmer}}'),
    expect: { status: 'fail', code: 'PLACEHOLDER_UNRESOLVED', findings: ['PLACEHOLDER_UNRESOLVED', 'PAYMENT_LINK_MISSING', 'SMS_URL_SHORTENER', 'SMS_UNICODE'] },
  },
  { name: 'not applicable when only email is requested', account: sms('{{nope}}'), channels: ['email'], expect: { status: 'skip', data: { reason: 'channel_not_requested' } } },
]);
