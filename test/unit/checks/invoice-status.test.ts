import { describe, expect, it } from 'vitest';
import { declaredCodes, makeAccount, makeInvoice, runOne } from '../../helpers/factories.js';

const ID = 'invoice.status';
const account = makeAccount();

describe('invoice.status', () => {
  it('declares exactly the codes exercised here', () => {
    expect(declaredCodes(ID)).toEqual(['INVOICE_DRAFT', 'INVOICE_PAID', 'INVOICE_VOID']);
  });

  it.each([
    ['draft', 'INVOICE_DRAFT', 'is still a draft'],
    ['void', 'INVOICE_VOID', 'is void'],
    ['paid', 'INVOICE_PAID', 'is already paid'],
  ] as const)('fails a %s invoice with %s', async (status, code, words) => {
    const r = await runOne(ID, makeInvoice({ number: 'A-77', statusRaw: status }), account);
    expect(r.status).toBe('fail');
    expect(r.code).toBe(code);
    expect(r.message).toContain('Invoice A-77');
    expect(r.message).toContain(words);
    expect(r.data).toMatchObject({ status, statusAsWritten: status });
    expect(r.remediation.length).toBeGreaterThan(0);
    expect(r.cause).toBeTruthy();
  });

  it('keeps the status as written (Draft) next to the normalised one', async () => {
    const r = await runOne(ID, makeInvoice({ statusRaw: 'Draft' }), account);
    expect(r.code).toBe('INVOICE_DRAFT');
    expect(r.data).toEqual({ status: 'draft', statusAsWritten: 'Draft' });
  });

  it('passes a validated invoice', async () => {
    const r = await runOne(ID, makeInvoice({ statusRaw: 'validated' }), account);
    expect(r.status).toBe('pass');
    expect(r.code).toBeUndefined();
    expect(r.message).toBe('Validated.');
    expect(r.remediation).toEqual([]);
  });

  it('passes an invoice already sent (it can be sent again)', async () => {
    const r = await runOne(ID, makeInvoice({ statusRaw: 'sent' }), account);
    expect(r.status).toBe('pass');
    expect(r.message).toContain('already sent');
    expect(r.data).toEqual({ status: 'sent', statusAsWritten: 'sent' });
  });

  it.each(['finalised', 'finalized', 'open'])('passes the alias "%s" as validated, naming the status as written', async (alias) => {
    const invoice = makeInvoice({ statusRaw: alias });
    expect(invoice.status).toBe('validated');
    const r = await runOne(ID, invoice, account);
    expect(r.status).toBe('pass');
    expect(r.message).toBe(`Validated (status "${alias}").`);
    expect(r.data).toEqual({ status: 'validated', statusAsWritten: alias });
  });

  it('runs whatever the account payments setting (no appliesTo)', async () => {
    const r = await runOne(ID, makeInvoice({ statusRaw: 'draft' }), makeAccount({ payments: { provider: 'none' } }));
    expect(r.code).toBe('INVOICE_DRAFT');
  });

  it('runs when only the sms channel is requested (it gates both channels)', async () => {
    const r = await runOne(ID, makeInvoice({ statusRaw: 'draft' }), account, { channels: ['sms'] });
    expect(r.status).toBe('fail');
  });
});
