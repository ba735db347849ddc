import { describe, expect, it } from 'vitest';
import { SAMPLE_PAYMENT_LINK } from '../../../src/engine/facts.js';
import { declaredCodes, makeAccount, makeInvoice, runOne } from '../../helpers/factories.js';

const ID = 'message.email';
const invoice = makeInvoice();

const findingCodes = (data: Record<string, unknown>) => (data.findings as Array<{ code: string }>).map((f) => f.code);

describe('message.email', () => {
  it('declares exactly the codes exercised here', () => {
    expect(declaredCodes(ID)).toEqual(['EMAIL_TEMPLATE_MISSING', 'PAYMENT_LINK_MISSING', 'PLACEHOLDER_UNRESOLVED', 'SENDER_INVALID', 'SENDER_MISSING', 'SUBJECT_INVALID']);
  });

  describe('passes', () => {
    it('the default templates with payments on, payment link included', async () => {
      const r = await runOne(ID, invoice, makeAccount());
      expect(r.status).toBe('pass');
      expect(r.message).toBe('"Invoice INV-1001 from Acme Plumbing" renders completely, payment link included; from Acme <billing@acmeplumbing.com>.');
      expect(r.data).toMatchObject({ subject: 'Invoice INV-1001 from Acme Plumbing', customTemplates: { subject: false, text: false, html: false } });
      expect(r.remediation).toEqual([]);
    });

    it('the default templates with payments off (no link needed)', async () => {
      const r = await runOne(ID, invoice, makeAccount({ payments: { provider: 'none' } }));
      expect(r.status).toBe('pass');
      expect(r.message).not.toContain('payment link');
    });

    it('custom templates that use every placeholder correctly, with a bare sender address', async () => {
      const account = makeAccount({
        email: { from: 'billing@acmeplumbing.com', transport: 'file', file: { dir: '/tmp/x' } },
        templates: {
          email_subject: '{{ invoice_number }}: {{amount_due}} due {{due_date}}',
          email_text: 'Dear {{customer_name}}, pay {{amount_due}} at {{payment_link}}. {{message}}',
          email_html: '<p>Dear {{customer_name}}, <a href="{{payment_link}}">pay {{amount_due}}</a></p>',
        },
      });
      const r = await runOne(ID, invoice, account);
      expect(r.status).toBe('pass');
      expect(r.data).toMatchObject({ subject: 'INV-1001: $125.00 due Jul 15, 2025', customTemplates: { subject: true, text: true, html: true } });
    });
  });

  it('passes an HTML template with a responsive <style> block (minified media query)', async () => {
    const html = '<html><head><style>@media only screen and (max-width:600px){.pay{width:100%!important}}</style></head><body><p>Dear {{customer_name}},</p><a class="pay" href="{{payment_link}}">Pay {{amount_due}}</a></body></html>';
    const r = await runOne(ID, invoice, makeAccount({ templates: { email_html: html } }));
    expect(r.message).not.toContain('unresolved');
    expect(r.status).toBe('pass');
  });

  it('EMAIL_TEMPLATE_MISSING when a template is set but empty', async () => {
    const r = await runOne(ID, invoice, makeAccount({ templates: { email_text: '   ' } }));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('EMAIL_TEMPLATE_MISSING');
    expect(r.message).toMatch(/^templates\.email_text is empty\./);
    expect(r.data).toMatchObject({ template: 'email_text' });
    expect(r.remediation.length).toBeGreaterThan(0);
    expect(r.remediation.join(' ')).toContain('accounts.acme.templates');
  });

  describe('PLACEHOLDER_UNRESOLVED', () => {
    it('for a misspelt placeholder in the subject', async () => {
      const r = await runOne(ID, invoice, makeAccount({ templates: { email_subject: 'Invoice {{invoice_numbr}} from {{account_name}}' } }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('PLACEHOLDER_UNRESOLVED');
      expect(r.message).toBe('The subject has unresolved placeholder {{invoice_numbr}}.');
      expect(r.data).toMatchObject({ part: 'subject', unresolved: ['invoice_numbr'] });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('for a placeholder with no value (a customer without a name), reported once when the HTML is derived from the text', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { name: undefined } }), makeAccount());
      expect(r.code).toBe('PLACEHOLDER_UNRESOLVED');
      expect(r.message).toBe('The text has unresolved placeholder {{customer_name}}.');
      expect(r.data).toMatchObject({ part: 'text', unresolved: ['customer_name'] });
    });

    it('in an HTML template of its own, reported for the HTML part too', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { name: undefined } }), makeAccount({ templates: { email_html: '<p>Dear {{customer_name}}, pay {{payment_link}}</p>' } }));
      expect(r.code).toBe('PLACEHOLDER_UNRESOLVED');
      expect(r.message).toContain('The text has unresolved placeholder {{customer_name}}.');
      expect(r.message).toContain('The HTML has unresolved placeholder {{customer_name}}.');
    });

    it('for a malformed placeholder ("{{customer_name}")', async () => {
      const r = await runOne(ID, invoice, makeAccount({ templates: { email_text: 'Dear {{customer_name}, pay {{payment_link}}' } }));
      expect(r.code).toBe('PLACEHOLDER_UNRESOLVED');
      expect(r.message).toContain('{{customer_name}');
      expect(r.data).toMatchObject({ part: 'text', unresolved: ['{{customer_name}'] });
    });
  });

  describe('SUBJECT_INVALID', () => {
    it('when the subject has a line break', async () => {
      const r = await runOne(ID, invoice, makeAccount({ templates: { email_subject: 'Invoice {{invoice_number}}\nBcc: everyone@northwind-traders.com' } }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('SUBJECT_INVALID');
      expect(r.message).toBe('The subject contains a line break.');
      expect(r.data).toMatchObject({ subject: 'Invoice INV-1001\nBcc: everyone@northwind-traders.com' });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('when a value brings a line break into the subject (header injection through the customer name)', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { name: 'Jane\r\nBcc: x@northwind-traders.com' } }), makeAccount({ templates: { email_subject: 'Invoice for {{customer_name}}' } }));
      expect(r.code).toBe('SUBJECT_INVALID');
    });

    it('when the subject renders empty', async () => {
      const r = await runOne(ID, invoice, makeAccount({ templates: { email_subject: '{{message}}' } }));
      expect(r.code).toBe('SUBJECT_INVALID');
      expect(r.message).toBe('The subject is empty.');
    });

    it('when the subject is too long', async () => {
      const r = await runOne(ID, invoice, makeAccount({ templates: { email_subject: `Invoice {{invoice_number}} ${'x'.repeat(300)}` } }));
      expect(r.code).toBe('SUBJECT_INVALID');
      expect(r.message).toMatch(/^The subject is 317 characters long \(at most \d+\)\.$/);
    });

    it("tells the user the same length limit the check enforces", async () => {
      const r = await runOne(ID, invoice, makeAccount({ templates: { email_subject: 'x'.repeat(400) } }));
      const limit = /\(at most (\d+)\)/.exec(r.message)?.[1];
      expect(limit).toBeDefined();
      expect(r.remediation.join(' ')).toContain(`at most ${limit} characters`);
    });
  });

  describe('PAYMENT_LINK_MISSING', () => {
    it('when payments are on and the text template (also used for HTML) has no link: reported once', async () => {
      const r = await runOne(ID, invoice, makeAccount({ templates: { email_text: 'Dear {{customer_name}}, {{amount_due}} is due.' } }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('PAYMENT_LINK_MISSING');
      expect(r.message).toBe('Payments are on, but the text part has no {{payment_link}}.');
      expect(r.data).toMatchObject({ parts: ['text'] });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('when only the HTML template lacks it', async () => {
      const r = await runOne(ID, invoice, makeAccount({ templates: { email_html: '<p>Dear {{customer_name}}</p>' } }));
      expect(r.code).toBe('PAYMENT_LINK_MISSING');
      expect(r.data).toMatchObject({ parts: ['HTML'] });
    });

    it('is not required when payments are off', async () => {
      const r = await runOne(ID, invoice, makeAccount({ payments: { provider: 'none' }, templates: { email_text: 'Dear {{customer_name}}, {{amount_due}} is due.' } }));
      expect(r.status).toBe('pass');
    });

    it('the default template carries the sample link in both parts', async () => {
      const r = await runOne(ID, invoice, makeAccount());
      expect(r.status).toBe('pass');
      expect(SAMPLE_PAYMENT_LINK).toMatch(/^https:\/\/buy\.stripe\.com\//);
    });
  });

  describe('SENDER_MISSING', () => {
    it('when email.from is not set', async () => {
      const r = await runOne(ID, invoice, makeAccount({ email: { transport: 'file', file: { dir: '/tmp/x' } } }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('SENDER_MISSING');
      expect(r.message).toBe('No sender: accounts.acme.email.from is not set.');
      expect(r.remediation.length).toBeGreaterThan(0);
      expect(r.remediation.join(' ')).toContain('accounts.acme.email.from');
    });

    it('when there is no email section at all', async () => {
      const r = await runOne(ID, invoice, makeAccount({ email: undefined }));
      expect(r.code).toBe('SENDER_MISSING');
    });

    it('naming the environment variable that was not set', async () => {
      const account = makeAccount({ email: { from: '', transport: 'file', file: { dir: '/tmp/x' } }, unsetEnv: { 'email.from': 'ACME_MAIL_FROM' } });
      const r = await runOne(ID, invoice, account);
      expect(r.code).toBe('SENDER_MISSING');
      expect(r.message).toBe('email.from needs the environment variable ACME_MAIL_FROM, which is not set.');
      expect(r.data).toMatchObject({ variable: 'ACME_MAIL_FROM' });
    });
  });

  describe('SENDER_INVALID', () => {
    it.each([
      ['Acme <billing@>', 'address is not of the form name@domain'],
      ['billing at acmeplumbing.com', 'is not "Name <address@domain>"'],
      ['Acme <billing@acmeplumbing.com>\r\nBcc: x@acmeplumbing.com', 'contains a line break'],
    ])('for %j', async (from, reason) => {
      const r = await runOne(ID, invoice, makeAccount({ email: { from, transport: 'file', file: { dir: '/tmp/x' } } }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('SENDER_INVALID');
      expect(r.message).toContain(JSON.stringify(from));
      expect(r.message).toContain(reason);
      expect(r.data).toMatchObject({ from });
      expect(r.remediation.length).toBeGreaterThan(0);
    });
  });

  it('reports every problem found, leading with the first failure', async () => {
    const account = makeAccount({ email: undefined, templates: { email_subject: 'Invoice {{numbr}}', email_text: 'Hello {{customer_name}}.' } });
    const r = await runOne(ID, invoice, account);
    expect(r.code).toBe('PLACEHOLDER_UNRESOLVED');
    expect(findingCodes(r.data)).toEqual(['PLACEHOLDER_UNRESOLVED', 'PAYMENT_LINK_MISSING', 'SENDER_MISSING']);
    expect(r.message).toContain('(SENDER_MISSING)');
  });
});
