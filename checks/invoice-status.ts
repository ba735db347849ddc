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
    INVOICE_DRAFT: {
      severity: 'fail',
      summary: 'the invoice is still a draft',
      remediation: {
        cause: 'The invoice is still a Draft. Only validated (finalised) invoices can be sent, and only they can carry a payment link.',
        steps: [
          'Open the invoice and review the lines, amounts and customer.',
          'Click "Mark as validated" (in Stripe-backed workspaces: "Finalise invoice").',
          'Send again: Send → Send Email (or Send payment link). A validated, sent invoice moves to the outbox.',
          'If the invoice data is a file, set `status: validated` in it once the invoice is final.',
        ],
      },
    },
    INVOICE_VOID: {
      severity: 'fail',
      summary: 'the invoice was voided',
      remediation: {
        cause: 'The invoice was voided, so it must not be sent or paid.',
        steps: [
          'Check with the account owner whether the void was intended.',
          'If the customer still owes the amount, create a new invoice (duplicate the voided one) and validate it.',
          'Send the new invoice instead of the voided one.',
        ],
      },
    },
    INVOICE_PAID: {
      severity: 'fail',
      summary: 'the invoice is already paid',
      remediation: {
        cause: 'The invoice is already marked Paid; sending it again would ask the customer to pay twice.',
        steps: [
          'Check the payment on the invoice (Payments → the invoice) and in the "Paid this month" total.',
          'If the customer only needs a copy, send a receipt instead of a payment request.',
          'If the payment was recorded by mistake, remove the payment so the invoice has an outstanding balance, then send it.',
        ],
      },
    },
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
