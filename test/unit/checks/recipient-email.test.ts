import { describe, expect, it } from 'vitest';
import { declaredCodes, makeAccount, makeInvoice, runOne } from '../../helpers/factories.js';

const ID = 'recipient.email';
const account = makeAccount();

describe('recipient.email', () => {
  it('declares exactly the codes exercised here', () => {
    // The online codes (DNS) are exercised against a real DNS peer in test/live/recipient-email-dns.test.ts.
    expect(declaredCodes(ID)).toEqual(['DNS_LOOKUP_FAILED', 'EMAIL_DOMAIN_NOT_FOUND', 'EMAIL_DOMAIN_NO_MAIL', 'EMAIL_DOMAIN_NO_MX', 'EMAIL_INVALID', 'EMAIL_MISSING']);
  });

  describe('EMAIL_MISSING', () => {
    it('when neither the invoice nor the customer has an address', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { id: 'cus_42', email: undefined } }), account);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('EMAIL_MISSING');
      expect(r.message).toContain('customer cus_42 has none on record');
      expect(r.data).toEqual({ customer: 'cus_42' });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('when the customer address is blank', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { email: '   ' } }), account);
      expect(r.code).toBe('EMAIL_MISSING');
    });

    it('for an inline customer without id', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { id: undefined, email: undefined } }), account);
      expect(r.code).toBe('EMAIL_MISSING');
      expect(r.message).toContain('its customer has none on record');
    });
  });

  describe('EMAIL_INVALID', () => {
    it.each([
      ['a line break (header injection)', 'jane@northwind-traders.com\r\nBcc: all@northwind-traders.com', 'contains a line break', false],
      ['a display name', 'Jane Doe <jane@northwind-traders.com>', 'display name', false],
      ['a list', 'jane@northwind-traders.com, ap@northwind-traders.com', 'more than one address', false],
      ['a semicolon list', 'jane@northwind-traders.com;ap@northwind-traders.com', 'more than one address', false],
      ['no domain', 'jane.doe@', 'not of the form name@domain', false],
      ['no top-level domain', 'jane@northwind', 'not a valid host name', false],
      ['the example.com placeholder', 'test@example.com', 'reserved for examples', true],
      ['a .test domain', 'jane@northwind.test', 'reserved for examples', true],
      ['a placeholder mailbox', 'none@northwind-traders.com', 'placeholder', true],
    ])('for %s', async (_what, address, reason, placeholder) => {
      const r = await runOne(ID, makeInvoice({ customer: { email: address } }), account);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('EMAIL_INVALID');
      expect(r.message).toContain(JSON.stringify(address));
      expect(r.message).toContain(reason);
      expect(r.data).toMatchObject({ address, placeholder, source: 'customer cus_jane' });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it("names the invoice's send-to address as the source when it is the one used", async () => {
      const r = await runOne(ID, makeInvoice({ sendTo: { email: 'test@example.com' } }), account);
      expect(r.code).toBe('EMAIL_INVALID');
      expect(r.data).toMatchObject({ source: 'the invoice (send_to.email)', placeholder: true });
    });
  });

  describe('passes', () => {
    it("a valid address on the customer record", async () => {
      const r = await runOne(ID, makeInvoice(), account);
      expect(r.status).toBe('pass');
      expect(r.message).toBe('jane.doe@northwind-traders.com (from customer cus_jane); its domain was not looked up (--offline).');
      expect(r.data).toEqual({ address: 'jane.doe@northwind-traders.com', domain: 'northwind-traders.com', source: 'customer cus_jane' });
      expect(r.remediation).toEqual([]);
    });

    it("the invoice's send-to address over the customer record", async () => {
      const r = await runOne(ID, makeInvoice({ customer: { email: 'test@example.com' }, sendTo: { email: 'ap@northwind-traders.com' } }), account);
      expect(r.status).toBe('pass');
      expect(r.data).toMatchObject({ address: 'ap@northwind-traders.com', source: 'the invoice (send_to.email)' });
    });

    it("a blank send-to email on the invoice does not hide the customer's address", async () => {
      const r = await runOne(ID, makeInvoice({ sendTo: { email: '' } }), account);
      expect(r.message).not.toContain('customer cus_jane has none on record');
      expect(r.status).toBe('pass');
      expect(r.data).toMatchObject({ address: 'jane.doe@northwind-traders.com', source: 'customer cus_jane' });
    });

    it('an internationalised domain, reported in its ASCII (punycode) form', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { email: 'kontakt@bücher.de' } }), account);
      expect(r.status).toBe('pass');
      expect(r.data).toMatchObject({ address: 'kontakt@xn--bcher-kva.de', domain: 'xn--bcher-kva.de' });
    });
  });

  it('is skipped when only SMS is requested', async () => {
    const r = await runOne(ID, makeInvoice({ customer: { email: undefined } }), account, { channels: ['sms'] });
    expect(r.status).toBe('skip');
    expect(r.data).toEqual({ reason: 'channel_not_requested' });
  });
});
