import { defineCheck, recipientEmail } from '../src/index.js';
import { checkRecipientAddress } from '../src/data/email-address.js';

export default defineCheck({
  id: 'recipient.email',
  title: 'Recipient email address',
  description: 'An email address exists for the invoice (its "send to" address over the customer record), and it is one valid bare address: no line breaks, no display name, no list, not a placeholder.',
  category: 'recipient',
  channels: ['email'],
  scope: 'invoice',
  article: ['servinix/invoice-not-sending#2', 'ooti/cant-send-an-invoice#2', 'servinix/send-a-payment-link#5'],
  codes: {
    EMAIL_MISSING: { severity: 'fail', summary: 'no email address on the invoice or the customer' },
    EMAIL_INVALID: { severity: 'fail', summary: 'the email address is malformed or a placeholder' },
  },
  run(ctx) {
    const { invoice } = ctx;
    const address = recipientEmail(invoice);
    const source = invoice.sendTo.email?.trim() ? 'the invoice (send_to.email)' : `customer ${invoice.customer.id ?? invoice.customer.name ?? '(inline)'}`;
    if (address === undefined || address.trim() === '') {
      return ctx.fail('EMAIL_MISSING', { message: `No email address: the invoice has no send-to address and ${invoice.customer.id ? `customer ${invoice.customer.id}` : 'its customer'} has none on record.`, data: { customer: invoice.customer.id } });
    }
    const verdict = checkRecipientAddress(address);
    if (!verdict.ok) {
      return ctx.fail('EMAIL_INVALID', { message: `The address from ${source}, ${JSON.stringify(address)}, ${verdict.reason}.`, data: { address, source, placeholder: verdict.placeholder ?? false } });
    }
    return ctx.pass(`${verdict.address} (from ${source}).`, { address: verdict.address, domain: verdict.domain, source });
  },
});
