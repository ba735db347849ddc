import { describe, expect, it } from 'vitest';
import { escapeHtml, messageVariables, paymentsEnabled, renderEmail, renderSms, renderTemplate } from '../../../src/send/render.js';
import { TEMPLATE_VARIABLES } from '../../../src/send/templates.js';
import { makeAccount, makeInvoice } from '../../helpers/factories.js';

const LINK = 'https://buy.stripe.com/test_abc123';
const account = makeAccount();
const invoice = makeInvoice({
  number: 'A-77',
  lines: [
    { description: 'Boiler service', unitAmount: 12500 },
    { description: 'Valve', quantity: 2, unitAmount: 1999 },
  ],
  amountPaid: 2500,
});
const vars = messageVariables({ account, invoice, paymentLink: LINK });

describe('messageVariables', () => {
  it('provides a value for every documented placeholder', () => {
    expect(Object.keys(vars).sort()).toEqual(Object.keys(TEMPLATE_VARIABLES).sort());
  });

  it('formats amounts, dates and lines for the account country', () => {
    expect(vars).toMatchObject({
      invoice_id: 'INV-1001',
      invoice_number: 'A-77',
      customer_name: 'Jane Doe',
      account_name: 'Acme Plumbing',
      currency: 'USD',
      total: '$164.98',
      amount_paid: '$25.00',
      amount_due: '$139.98',
      issued_date: 'Jun 15, 2025',
      due_date: 'Jul 15, 2025',
      lines: '- Boiler service x 1: $125.00\n- Valve x 2: $39.98',
      payment_link: LINK,
      message: '',
    });
  });

  it('leaves payment_link and missing fields undefined, and trims the note', () => {
    const v = messageVariables({ account, invoice: makeInvoice({ dueOn: undefined, customer: { name: undefined } }), note: '  Thanks!  ' });
    expect(v.payment_link).toBeUndefined();
    expect(v.due_date).toBeUndefined();
    expect(v.customer_name).toBeUndefined();
    expect(v.message).toBe('Thanks!');
  });
});

describe('renderTemplate', () => {
  it('resolves placeholders, with or without inner spaces', () => {
    const r = renderTemplate('Hello {{customer_name}}, {{ amount_due }} is due {{due_date}}: {{payment_link}}', vars);
    expect(r.output).toBe(`Hello Jane Doe, $139.98 is due Jul 15, 2025: ${LINK}`);
    expect(r.unresolved).toEqual([]);
    expect(r.used).toEqual(['customer_name', 'amount_due', 'due_date', 'payment_link']);
  });

  it('reports an unknown or misspelt placeholder as unresolved and leaves it visible', () => {
    const r = renderTemplate('Hello {{custmer_name}}, pay {{amount_due}} by {{due}}', vars);
    expect(r.unresolved).toEqual(['custmer_name', 'due']);
    expect(r.output).toBe('Hello {{custmer_name}}, pay $139.98 by {{due}}');
  });

  it('reports a known placeholder without a value as unresolved', () => {
    const r = renderTemplate('Pay here: {{payment_link}}', { ...vars, payment_link: undefined });
    expect(r.unresolved).toEqual(['payment_link']);
  });

  it('reports a placeholder whose value is empty (other than message) as unresolved', () => {
    expect(renderTemplate('Hello {{customer_name}}', { ...vars, customer_name: '' }).unresolved).toEqual(['customer_name']);
  });

  it('lets the optional {{message}} be empty, without leaving blank lines behind', () => {
    const r = renderTemplate('Hello\n\n{{message}}\n\nThanks', { ...vars, message: '' });
    expect(r.unresolved).toEqual([]);
    expect(r.output).toBe('Hello\n\nThanks');
    expect(renderTemplate('Pay {{payment_link}} {{message}}', vars).output).toBe(`Pay ${LINK}`);
  });

  it('includes the optional {{message}} when given', () => {
    expect(renderTemplate('Note: {{message}}', { ...vars, message: 'Gate code 1234' }).output).toBe('Note: Gate code 1234');
  });

  it.each([
    ['Dear {{customer_name}, pay {{amount_due}}', '{{customer_name}'],
    ['Dear {customer_name}}, pay {{amount_due}}', '{customer_name}}'],
  ])('reports the malformed placeholder in %j', (template, stray) => {
    const r = renderTemplate(template, vars);
    expect(r.unresolved).toEqual([stray]);
    expect(r.output).toContain('$139.98');
  });

  it('reports a placeholder with spaces in its name whole, both closing braces included', () => {
    expect(renderTemplate('Dear {{ customer name }}', vars).unresolved).toEqual(['{{ customer name }}']);
  });

  it('does not take CSS braces in an HTML template for a placeholder (a minified media query)', () => {
    const r = renderTemplate('<style>@media (max-width:600px){.btn{width:100%!important}}</style><p>{{amount_due}}</p>', vars, { html: true });
    expect(r.unresolved).toEqual([]);
    expect(r.output).toBe('<style>@media (max-width:600px){.btn{width:100%!important}}</style><p>$139.98</p>');
  });

  it('does not take single braces for a placeholder', () => {
    const r = renderTemplate('<style>p{color:red}</style>{{amount_due}}', vars, { html: true });
    expect(r).toMatchObject({ output: '<style>p{color:red}</style>$139.98', unresolved: [] });
  });

  it('reports an empty placeholder {{}}', () => {
    expect(renderTemplate('Hi {{}}', vars).unresolved).toEqual(['{{}}']);
  });

  it('lists each unresolved placeholder once', () => {
    expect(renderTemplate('{{nope}} {{nope}}', vars).unresolved).toEqual(['nope']);
  });

  it('does not re-expand placeholders found inside values', () => {
    const r = renderTemplate('Hello {{customer_name}}', { ...vars, customer_name: '{{total}} $& $1' });
    expect(r.output).toBe('Hello {{total}} $& $1');
    expect(r.unresolved).toEqual([]);
  });

  describe('HTML', () => {
    it('escapes values such as a customer name <b>&"', () => {
      const r = renderTemplate('<p>Hello {{customer_name}}</p>', { ...vars, customer_name: `<b>&"'` }, { html: true });
      expect(r.output).toBe('<p>Hello &lt;b&gt;&amp;&quot;&#39;</p>');
    });

    it('leaves the values unescaped in plain text', () => {
      expect(renderTemplate('Hello {{customer_name}}', { ...vars, customer_name: '<b>&"' }).output).toBe('Hello <b>&"');
    });

    it('turns line breaks in lines and message into <br>', () => {
      const r = renderTemplate('{{lines}}|{{message}}', { ...vars, message: 'a\nb' }, { html: true });
      expect(r.output).toBe('- Boiler service x 1: $125.00<br>\n- Valve x 2: $39.98|a<br>\nb');
    });

    it('escapeHtml escapes the five special characters', () => {
      expect(escapeHtml(`&<>"'x`)).toBe('&amp;&lt;&gt;&quot;&#39;x');
    });
  });
});

describe('renderEmail', () => {
  it('renders the default templates, escaping values only in the HTML part', () => {
    const inv = makeInvoice({ customer: { name: '<b>&"' } });
    const e = renderEmail({ account, invoice: inv, paymentLink: LINK });
    expect(e.subject.output).toBe('Invoice INV-1001 from Acme Plumbing');
    expect(e.text.output).toContain('Hello <b>&",');
    expect(e.text.output).toContain(`Pay securely online: ${LINK}`);
    expect(e.html.output).toContain('Hello &lt;b&gt;&amp;&quot;,');
    expect(e.html.output).not.toContain('<b>&"');
    expect(e.html.output).toMatch(/^<!doctype html>/);
    expect([e.subject.unresolved, e.text.unresolved, e.html.unresolved]).toEqual([[], [], []]);
    expect(e.custom).toEqual({ subject: false, text: false, html: false });
  });

  it('uses the template without a link when payments are off', () => {
    const none = makeAccount({ payments: { provider: 'none' } });
    expect(paymentsEnabled(none)).toBe(false);
    const e = renderEmail({ account: none, invoice });
    expect(e.text.used).not.toContain('payment_link');
    expect(e.text.unresolved).toEqual([]);
  });

  it('reports an unresolved placeholder in a custom HTML template', () => {
    const e = renderEmail({ account: makeAccount({ templates: { email_html: '<p>{{amount_due}} {{amout}}</p>' } }), invoice, paymentLink: LINK });
    expect(e.html.unresolved).toEqual(['amout']);
    expect(e.custom).toEqual({ subject: false, text: false, html: true });
  });
});

describe('renderSms', () => {
  it('renders the default SMS with the link', () => {
    const r = renderSms({ account, invoice, paymentLink: LINK });
    expect(r.output).toBe(`Acme Plumbing: invoice A-77 for $139.98 is due Jul 15, 2025. Pay here: ${LINK}`);
    expect(r.unresolved).toEqual([]);
    expect(r.custom).toBe(false);
  });

  it('appends the optional note', () => {
    const r = renderSms({ account, invoice, paymentLink: LINK, note: 'Thanks!' });
    expect(r.output).toMatch(/ Thanks!$/);
  });

  it('uses the custom template', () => {
    const r = renderSms({ account: makeAccount({ templates: { sms: 'Pay {{amount_due}}: {{payment_link}}' } }), invoice, paymentLink: LINK });
    expect(r).toMatchObject({ output: `Pay $139.98: ${LINK}`, custom: true });
  });
});

describe('renderTemplate: a brace too many', () => {
  it('flags "{{{name}}}" and "{{name}}}", which would put braces around the value', () => {
    const vars = { customer_name: 'Dana', payment_link: 'https://buy.stripe.com/x' };
    expect(renderTemplate('<a href="{{{payment_link}}}">Pay</a>', vars, { html: true }).unresolved).toEqual(['{{{payment_link}}}']);
    expect(renderTemplate('Hi {{customer_name}}}', vars).unresolved).toEqual(['{{customer_name}}}']);
    expect(renderTemplate('Hi {{customer_name}}', vars).unresolved).toEqual([]);
  });
});
