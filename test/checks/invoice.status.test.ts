import { expect } from 'vitest';
import { checkTester } from '../support/check-tester.js';
import { makeInvoice } from '../helpers/factories.js';

checkTester('invoice.status', [
  ...(['draft', 'void', 'paid'] as const).map((status) => ({
    name: `a ${status} invoice`,
    invoice: { number: 'A-77', statusRaw: status },
    expect: {
      status: 'fail' as const,
      code: `INVOICE_${status.toUpperCase()}`,
      message: ['Invoice A-77', { draft: 'is still a draft', void: 'is void', paid: 'is already paid' }[status]],
      data: { status, statusAsWritten: status },
    },
  })),
  { name: 'the status as written (Draft) is kept next to the normalised one', invoice: { statusRaw: 'Draft' }, expect: { status: 'fail', code: 'INVOICE_DRAFT', data: { status: 'draft', statusAsWritten: 'Draft' } } },
  { name: 'a validated invoice', invoice: { statusRaw: 'validated' }, expect: { status: 'pass', message: 'Validated.', data: { status: 'validated', statusAsWritten: 'validated' } } },
  { name: 'an invoice already sent can be sent again', invoice: { statusRaw: 'sent' }, expect: { status: 'pass', message: 'already sent', data: { status: 'sent', statusAsWritten: 'sent' } } },
  ...['finalised', 'finalized', 'open'].map((alias) => ({
    name: `the alias "${alias}" is validated, named as written`,
    invoice: { statusRaw: alias },
    expect: { status: 'pass' as const, message: `Validated (status "${alias}").`, data: { status: 'validated', statusAsWritten: alias } },
    also: () => expect(makeInvoice({ statusRaw: alias }).status).toBe('validated'),
  })),
  { name: 'whatever the payments setting (no appliesTo)', invoice: { statusRaw: 'draft' }, account: { payments: { provider: 'none' } }, expect: { status: 'fail', code: 'INVOICE_DRAFT' } },
  { name: 'when only SMS is requested (it gates both channels)', invoice: { statusRaw: 'draft' }, channels: ['sms'], expect: { status: 'fail', code: 'INVOICE_DRAFT' } },
]);
