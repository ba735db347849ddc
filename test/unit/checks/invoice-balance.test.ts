import { describe, expect, it } from 'vitest';
import { declaredCodes, makeAccount, makeInvoice, runOne } from '../../helpers/factories.js';

const ID = 'invoice.balance';
const account = makeAccount();

describe('invoice.balance', () => {
  it('declares exactly the codes exercised here', () => {
    expect(declaredCodes(ID)).toEqual(['BALANCE_ZERO', 'BELOW_MINIMUM_CHARGE', 'CURRENCY_UNKNOWN', 'TOTALS_INCONSISTENT']);
  });

  describe('fails', () => {
    it('CURRENCY_UNKNOWN for a currency that is not ISO 4217 (UKP)', async () => {
      const r = await runOne(ID, makeInvoice({ currency: 'UKP' }), account);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('CURRENCY_UNKNOWN');
      expect(r.message).toContain('"UKP"');
      expect(r.data).toEqual({ currency: 'UKP' });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('TOTALS_INCONSISTENT when the stated total differs from the sum of the lines', async () => {
      const invoice = makeInvoice({ lines: [{ unitAmount: 10000 }, { quantity: 2, unitAmount: 2500 }], declaredTotal: 16000 });
      expect(invoice.total).toBe(15000);
      const r = await runOne(ID, invoice, account);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('TOTALS_INCONSISTENT');
      expect(r.message).toContain('$160.00');
      expect(r.message).toContain('$150.00');
      expect(r.message).toContain('by $10.00');
      expect(r.data).toMatchObject({ declaredTotal: 16000, total: 15000, lines: 2 });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('TOTALS_INCONSISTENT when the lines add up to zero or less (a credit larger than the charges)', async () => {
      const invoice = makeInvoice({ lines: [{ unitAmount: 5000 }, { description: 'Credit', unitAmount: -7000 }] });
      const r = await runOne(ID, invoice, account);
      expect(r.code).toBe('TOTALS_INCONSISTENT');
      expect(r.status).toBe('fail');
      expect(r.message).toContain('-$20.00');
      expect(r.data).toMatchObject({ total: -2000 });
    });

    it('TOTALS_INCONSISTENT when more was paid than the total', async () => {
      const invoice = makeInvoice({ lines: [{ unitAmount: 12500 }], amountPaid: 13000 });
      const r = await runOne(ID, invoice, account);
      expect(r.code).toBe('TOTALS_INCONSISTENT');
      expect(r.message).toContain('overpaid by $5.00');
      expect(r.data).toMatchObject({ total: 12500, amountPaid: 13000, amountDue: -500 });
    });

    it('BALANCE_ZERO when everything has been paid', async () => {
      const r = await runOne(ID, makeInvoice({ lines: [{ unitAmount: 12500 }], amountPaid: 12500 }), account);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('BALANCE_ZERO');
      expect(r.message).toBe('Nothing is outstanding: $125.00 paid of $125.00.');
      expect(r.data).toMatchObject({ amountDue: 0 });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it.each([
      ['USD', 49, 50],
      ['GBP', 29, 30],
      ['JPY', 49, 50],
      ['HKD', 399, 400],
    ])('BELOW_MINIMUM_CHARGE for %s %i minor units (minimum %i)', async (currency, due, minimum) => {
      const r = await runOne(ID, makeInvoice({ currency, lines: [{ unitAmount: due }] }), account);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('BELOW_MINIMUM_CHARGE');
      expect(r.message).toContain(`in ${currency}`);
      expect(r.data).toMatchObject({ currency, amountDue: due, minimum });
      expect(r.remediation.length).toBeGreaterThan(0);
    });

    it('BELOW_MINIMUM_CHARGE judges the amount due, not the total', async () => {
      const r = await runOne(ID, makeInvoice({ lines: [{ unitAmount: 10000 }], amountPaid: 9960 }), account);
      expect(r.code).toBe('BELOW_MINIMUM_CHARGE');
      expect(r.message).toBe("$0.40 is due, below Stripe's minimum charge of $0.50 in USD.");
    });
  });

  describe('passes', () => {
    it('an unpaid invoice, with the amount due formatted', async () => {
      const r = await runOne(ID, makeInvoice({ lines: [{ unitAmount: 100000 }, { quantity: 2, unitAmount: 12500 }] }), account);
      expect(r.status).toBe('pass');
      expect(r.message).toBe('$1,250.00 due.');
      expect(r.data).toEqual({ currency: 'USD', total: 125000, amountPaid: 0, amountDue: 125000, lines: 2 });
      expect(r.remediation).toEqual([]);
    });

    it('a partly paid invoice, naming what was paid', async () => {
      const r = await runOne(ID, makeInvoice({ lines: [{ unitAmount: 12500 }], amountPaid: 2500 }), account);
      expect(r.status).toBe('pass');
      expect(r.message).toBe('$100.00 due ($25.00 of $125.00 paid).');
    });

    it('a stated total equal to the sum of the lines', async () => {
      const r = await runOne(ID, makeInvoice({ lines: [{ unitAmount: 12500 }], declaredTotal: 12500 }), account);
      expect(r.status).toBe('pass');
    });

    it('exactly the minimum charge', async () => {
      const r = await runOne(ID, makeInvoice({ lines: [{ unitAmount: 50 }] }), account);
      expect(r.status).toBe('pass');
      expect(r.message).toBe('$0.50 due.');
    });

    it('a three-decimal currency Stripe documents no minimum for (KWD)', async () => {
      const r = await runOne(ID, makeInvoice({ currency: 'KWD', lines: [{ unitAmount: 1 }] }), account);
      expect(r.status).toBe('pass');
      expect(r.message).toContain('0.001');
    });
  });

  it('is skipped when the account takes no payments', async () => {
    const r = await runOne(ID, makeInvoice({ currency: 'UKP' }), makeAccount({ payments: { provider: 'none' } }));
    expect(r.status).toBe('skip');
    expect(r.code).toBeUndefined();
    expect(r.message).toContain('payments.provider: none');
    expect(r.data).toEqual({ reason: 'not_applicable' });
  });
});
