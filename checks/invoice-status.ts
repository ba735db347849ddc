import { defineCheck } from '../src/index.js';

export default defineCheck({
  id: 'invoice.status',
  title: 'Invoice is validated',
  description: 'The invoice is validated (finalised) or already sent, not a draft, void or already paid. Only validated invoices can be sent, and only they can carry a payment link.',
  category: 'invoice',
  channels: ['email', 'sms'],
  scope: 'invoice',
  article: ['servinix/invoice-not-sending#draft', 'ooti/cant-send-an-invoice#3'],
  codes: {
    INVOICE_DRAFT: { severity: 'fail', summary: 'the invoice is still a draft' },
    INVOICE_VOID: { severity: 'fail', summary: 'the invoice was voided' },
    INVOICE_PAID: { severity: 'fail', summary: 'the invoice is already paid' },
  },
  run(ctx) {
    const { status, statusRaw, number } = ctx.invoice;
    const data = { status, statusAsWritten: statusRaw };
    switch (status) {
      case 'draft':
        return ctx.fail('INVOICE_DRAFT', { message: `Invoice ${number} is still a draft; mark it as validated before sending.`, data });
      case 'void':
        return ctx.fail('INVOICE_VOID', { message: `Invoice ${number} is void and must not be sent.`, data });
      case 'paid':
        return ctx.fail('INVOICE_PAID', { message: `Invoice ${number} is already paid.`, data });
      case 'sent':
        return ctx.pass(`Validated and already sent once; it can be sent again.`, data);
      case 'validated':
        return ctx.pass(statusRaw === 'validated' ? 'Validated.' : `Validated (status "${statusRaw}").`, data);
    }
  },
});
