import { expect } from 'vitest';
import { SAMPLE_PAYMENT_LINK } from '../../src/engine/facts.js';
import { checkTester, type Row } from '../support/check-tester.js';

const file = { transport: 'file' as const, file: { dir: '/tmp/x' } };
const noLinkText = 'Dear {{customer_name}}, {{amount_due}} is due.';

const senderInvalid = ([from, reason]: readonly [string, string]): Row => ({
  name: `the sender ${JSON.stringify(from)}`,
  account: { email: { from, ...file } },
  expect: { status: 'fail', code: 'SENDER_INVALID', message: [JSON.stringify(from), reason], data: { from } },
});

checkTester('message.email', [
  {
    name: 'the default templates with payments on, payment link included',
    expect: { status: 'pass', message: '"Invoice INV-1001 from Acme Plumbing" renders completely, payment link included; from Acme <billing@acmeplumbing.com>.', data: { subject: 'Invoice INV-1001 from Acme Plumbing', customTemplates: { subject: false, text: false, html: false } } },
    also: () => expect(SAMPLE_PAYMENT_LINK).toMatch(/^https:\/\/buy\.stripe\.com\//),
  },
  { name: 'the default templates with payments off (no link needed)', account: { payments: { provider: 'none' } }, expect: { status: 'pass', notInMessage: 'payment link' } },
  {
    name: 'custom templates using every placeholder, with a bare sender address',
    account: {
      email: { from: 'billing@acmeplumbing.com', ...file },
      templates: {
        email_subject: '{{ invoice_number }}: {{amount_due}} due {{due_date}}',
        email_text: 'Dear {{customer_name}}, pay {{amount_due}} at {{payment_link}}. {{message}}',
        email_html: '<p>Dear {{customer_name}}, <a href="{{payment_link}}">pay {{amount_due}}</a></p>',
      },
    },
    expect: { status: 'pass', data: { subject: 'INV-1001: $125.00 due Jul 15, 2025', customTemplates: { subject: true, text: true, html: true } } },
  },
  {
    name: 'an HTML template with a responsive <style> block (minified media query)',
    account: { templates: { email_html: '<html><head><style>@media only screen and (max-width:600px){.pay{width:100%!important}}</style></head><body><p>Dear {{customer_name}},</p><a class="pay" href="{{payment_link}}">Pay {{amount_due}}</a></body></html>' } },
    expect: { status: 'pass', notInMessage: 'unresolved' },
  },
  { name: 'a template set but empty', account: { templates: { email_text: '   ' } }, expect: { status: 'fail', code: 'EMAIL_TEMPLATE_MISSING', message: /^templates\.email_text is empty\./, data: { template: 'email_text' }, remediation: 'accounts.acme.templates' } },
  {
    name: 'a misspelt placeholder in the subject',
    account: { templates: { email_subject: 'Invoice {{invoice_numbr}} from {{account_name}}' } },
    expect: { status: 'fail', code: 'PLACEHOLDER_UNRESOLVED', message: 'The subject has unresolved placeholder {{invoice_numbr}}.', data: { part: 'subject', unresolved: ['invoice_numbr'] } },
  },
  {
    name: 'a placeholder with no value (no customer name), once when the HTML is derived from the text',
    invoice: { customer: { name: undefined } },
    expect: { status: 'fail', code: 'PLACEHOLDER_UNRESOLVED', message: 'The text has unresolved placeholder {{customer_name}}.', notInMessage: 'HTML', data: { part: 'text', unresolved: ['customer_name'] } },
  },
  {
    name: 'in an HTML template of its own, reported for the HTML part too',
    invoice: { customer: { name: undefined } },
    account: { templates: { email_html: '<p>Dear {{customer_name}}, pay {{payment_link}}</p>' } },
    expect: { status: 'fail', code: 'PLACEHOLDER_UNRESOLVED', message: ['The text has unresolved placeholder {{customer_name}}.', 'The HTML has unresolved placeholder {{customer_name}}.'] },
  },
  {
    name: 'a malformed placeholder ("{{customer_name}")',
    account: { templates: { email_text: 'Dear {{customer_name}, pay {{payment_link}}' } },
    expect: { status: 'fail', code: 'PLACEHOLDER_UNRESOLVED', message: '{{customer_name}', data: { part: 'text', unresolved: ['{{customer_name}'] } },
  },
  {
    name: 'a subject with a line break',
    account: { templates: { email_subject: 'Invoice {{invoice_number}}\nBcc: everyone@northwind-traders.com' } },
    expect: { status: 'fail', code: 'SUBJECT_INVALID', message: 'The subject contains a line break.', data: { subject: 'Invoice INV-1001\nBcc: everyone@northwind-traders.com' } },
  },
  {
    name: 'a value brings a line break into the subject (header injection through the customer name)',
    invoice: { customer: { name: 'Jane\r\nBcc: x@northwind-traders.com' } },
    account: { templates: { email_subject: 'Invoice for {{customer_name}}' } },
    expect: { status: 'fail', code: 'SUBJECT_INVALID' },
  },
  { name: 'the subject renders empty', account: { templates: { email_subject: '{{message}}' } }, expect: { status: 'fail', code: 'SUBJECT_INVALID', message: 'The subject is empty.' } },
  { name: 'the subject is too long', account: { templates: { email_subject: `Invoice {{invoice_number}} ${'x'.repeat(300)}` } }, expect: { status: 'fail', code: 'SUBJECT_INVALID', message: /^The subject is 317 characters long \(at most \d+\)\.$/ } },
  {
    name: 'the remediation tells the same length limit the check enforces',
    account: { templates: { email_subject: 'x'.repeat(400) } },
    expect: { status: 'fail', code: 'SUBJECT_INVALID' },
    also: (r) => {
      const limit = /\(at most (\d+)\)/.exec(r.message)?.[1];
      expect(limit).toBeDefined();
      expect(r.remediation.join(' ')).toContain(`at most ${limit} characters`);
    },
  },
  { name: 'payments on and the text template (also the HTML) has no link: reported once', account: { templates: { email_text: noLinkText } }, expect: { status: 'fail', code: 'PAYMENT_LINK_MISSING', message: 'Payments are on, but the text part has no {{payment_link}}.', data: { parts: ['text'] } } },
  { name: 'only the HTML template lacks the link', account: { templates: { email_html: '<p>Dear {{customer_name}}</p>' } }, expect: { status: 'fail', code: 'PAYMENT_LINK_MISSING', data: { parts: ['HTML'] } } },
  { name: 'no link is required when payments are off', account: { payments: { provider: 'none' }, templates: { email_text: noLinkText } }, expect: { status: 'pass' } },
  { name: 'email.from is not set', account: { email: { ...file } }, expect: { status: 'fail', code: 'SENDER_MISSING', message: 'No sender: accounts.acme.email.from is not set.', remediation: 'accounts.acme.email.from' } },
  { name: 'no email section at all', account: { email: undefined }, expect: { status: 'fail', code: 'SENDER_MISSING' } },
  {
    name: 'the sender comes from an unset environment variable, named',
    account: { email: { from: '', ...file }, unsetEnv: { 'email.from': 'ACME_MAIL_FROM' } },
    expect: { status: 'fail', code: 'SENDER_MISSING', message: 'email.from needs the environment variable ACME_MAIL_FROM, which is not set.', data: { variable: 'ACME_MAIL_FROM' } },
  },
  ...([
    ['Acme <billing@>', 'address is not of the form name@domain'],
    ['billing at acmeplumbing.com', 'is not "Name <address@domain>"'],
    ['Acme <billing@acmeplumbing.com>\r\nBcc: x@acmeplumbing.com', 'contains a line break'],
  ] as const).map(senderInvalid),
  {
    name: 'every problem is reported, led by the first failure',
    account: { email: undefined, templates: { email_subject: 'Invoice {{numbr}}', email_text: 'Hello {{customer_name}}.' } },
    expect: { status: 'fail', code: 'PLACEHOLDER_UNRESOLVED', message: '(SENDER_MISSING)', findings: ['PLACEHOLDER_UNRESOLVED', 'PAYMENT_LINK_MISSING', 'SENDER_MISSING'] },
  },
  { name: 'not applicable when only SMS is requested', account: { templates: { email_subject: '{{nope}}' } }, channels: ['sms'], expect: { status: 'skip', data: { reason: 'channel_not_requested' } } },
]);
