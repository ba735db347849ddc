import { describe, expect, it } from 'vitest';
import { declaredCodes, makeAccount, makeInvoice, runOne } from '../../helpers/factories.js';

const ID = 'recipient.phone';
const us = makeAccount();
const gb = makeAccount({ id: 'brit', country: 'GB' });

describe('recipient.phone', () => {
  it('declares exactly the codes exercised here', () => {
    expect(declaredCodes(ID)).toEqual(['PHONE_INVALID', 'PHONE_MISSING', 'PHONE_NOT_MOBILE']);
  });

  describe('PHONE_MISSING', () => {
    it('when neither the invoice nor the customer has a number', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { id: 'cus_42', phone: undefined } }), us);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('PHONE_MISSING');
      expect(r.message).toContain('customer cus_42 has none on record');
      expect(r.data).toEqual({ customer: 'cus_42' });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('when the number is blank', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: '  ' } }), us);
      expect(r.code).toBe('PHONE_MISSING');
    });
  });

  describe('PHONE_INVALID', () => {
    it('for a seven-digit local number (555-0123) read with the account country', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: '555-0123' } }), us);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('PHONE_INVALID');
      expect(r.message).toContain('"555-0123" is not a valid phone number');
      expect(r.message).toContain('read as a US number because it has no country code');
      expect(r.data).toMatchObject({ input: '555-0123', defaultRegion: 'US' });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('for text that is not a number at all', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: 'call the office' } }), us);
      expect(r.code).toBe('PHONE_INVALID');
      expect(r.data).toMatchObject({ input: 'call the office', type: 'UNKNOWN' });
    });

    it('without the country hint when the number has a country code', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: '+1 555 0123' } }), us);
      expect(r.code).toBe('PHONE_INVALID');
      expect(r.message).not.toContain('read as a');
    });
  });

  describe('PHONE_NOT_MOBILE', () => {
    it('for a GB landline (+44 20 7946 0958)', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: '+44 20 7946 0958' } }), us);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('PHONE_NOT_MOBILE');
      expect(r.message).toBe('+442079460958 is a landline number (GB); it cannot receive text messages.');
      expect(r.data).toMatchObject({ e164: '+442079460958', country: 'GB', type: 'FIXED_LINE' });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('for a GB landline written nationally, with a GB account', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: '020 7946 0958' } }), gb);
      expect(r.code).toBe('PHONE_NOT_MOBILE');
      expect(r.data).toMatchObject({ e164: '+442079460958', defaultRegion: 'GB' });
    });

    it('for a US toll-free number (1-800-555-0199)', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: '1-800-555-0199' } }), us);
      expect(r.code).toBe('PHONE_NOT_MOBILE');
      expect(r.message).toContain('+18005550199 is a toll free number');
      expect(r.data).toMatchObject({ e164: '+18005550199', type: 'TOLL_FREE' });
    });
  });

  describe('passes', () => {
    it('an Irish mobile (+353 85 123 4567)', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: '+353 85 123 4567' } }), us);
      expect(r.status).toBe('pass');
      expect(r.message).toBe('+353851234567 (IE, mobile).');
      expect(r.data).toEqual({ input: '+353 85 123 4567', e164: '+353851234567', country: 'IE', type: 'MOBILE', defaultRegion: 'US' });
      expect(r.remediation).toEqual([]);
    });

    it('a US number that may be mobile ((415) 555-0134, FIXED_LINE_OR_MOBILE)', async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: '(415) 555-0134' } }), us);
      expect(r.status).toBe('pass');
      expect(r.message).toContain('+14155550134 (US, fixed line or mobile)');
      expect(r.message).toContain('does not distinguish mobile numbers');
      expect(r.data).toMatchObject({ e164: '+14155550134', country: 'US', type: 'FIXED_LINE_OR_MOBILE' });
    });

    it("the invoice's send-to phone over the customer record", async () => {
      const r = await runOne(ID, makeInvoice({ customer: { phone: '+44 20 7946 0958' }, sendTo: { phone: '+353 85 123 4567' } }), us);
      expect(r.status).toBe('pass');
      expect(r.data).toMatchObject({ e164: '+353851234567' });
    });

    it("a blank send-to phone on the invoice does not hide the customer's number", async () => {
      const r = await runOne(ID, makeInvoice({ sendTo: { phone: '' } }), us);
      expect(r.message).not.toContain('customer cus_jane has none on record');
      expect(r.status).toBe('pass');
      expect(r.data).toMatchObject({ e164: '+14155550134' });
    });
  });

  it('is skipped when only email is requested', async () => {
    const r = await runOne(ID, makeInvoice({ customer: { phone: undefined } }), us, { channels: ['email'] });
    expect(r.status).toBe('skip');
  });
});
