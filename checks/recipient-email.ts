import { defineCheck, recipientEmail, checkRecipientAddress } from '../src/index.js';

export default defineCheck({
  id: 'recipient.email',
  title: 'Recipient email address',
  description: 'An email address exists for the invoice (its "send to" address over the customer record), and it is one valid bare address: no line breaks, no display name, no list, not a placeholder. Online, its domain must accept mail: it exists, has MX records (or at least an address), and does not publish a null MX.',
  category: 'recipient',
  channels: ['email'],
  scope: 'invoice',
  needsNetwork: true, // online it asks DNS (recipient.email) / Twilio and Stripe (delivery.last-attempt) …
  runsOffline: true, // … offline it decides everything else and stops before asking (ctx.offline)
  article: ['servinix/invoice-not-sending#2', 'ooti/cant-send-an-invoice#2', 'servinix/send-a-payment-link#5'],
  codes: {
    EMAIL_MISSING: { severity: 'fail', summary: 'no email address on the invoice or the customer' },
    EMAIL_INVALID: { severity: 'fail', summary: 'the email address is malformed or a placeholder' },
    EMAIL_DOMAIN_NOT_FOUND: { severity: 'fail', summary: "the address's domain does not exist (a typo?)" },
    EMAIL_DOMAIN_NO_MAIL: { severity: 'fail', summary: 'the domain publishes a null MX: it accepts no email' },
    EMAIL_DOMAIN_NO_MX: { severity: 'warn', summary: 'the domain has no MX records; mail falls back to its address record' },
    DNS_LOOKUP_FAILED: { severity: 'error', summary: "the domain's mail records could not be looked up (DNS timeout or failure)" },
  },
  async run(ctx) {
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
    const data = { address: verdict.address, domain: verdict.domain, source };
    if (ctx.offline) return ctx.pass(`${verdict.address} (from ${source}); its domain was not looked up (--offline).`, data);

    const read = await ctx.facts.mailDomain(verdict.domain);
    if (!read.ok) return ctx.error('DNS_LOOKUP_FAILED', { message: `${verdict.address} is well-formed, but ${read.fault.message}.`, data: { ...data, code: read.fault.code } });
    const mail = read.value;
    switch (mail.kind) {
      case 'not_found':
        return ctx.fail('EMAIL_DOMAIN_NOT_FOUND', { message: `${verdict.address} (from ${source}): the domain ${verdict.domain} does not exist (NXDOMAIN), so mail to it bounces. A typo in the domain?`, data: { ...data, dns: 'NXDOMAIN' } });
      case 'no_mail_records':
        return ctx.fail('EMAIL_DOMAIN_NOT_FOUND', { message: `${verdict.address} (from ${source}): the domain ${verdict.domain} has neither MX nor address records, so no server can receive mail for it.`, data: { ...data, dns: 'no MX, no A/AAAA' } });
      case 'null_mx':
        return ctx.fail('EMAIL_DOMAIN_NO_MAIL', { message: `${verdict.address} (from ${source}): ${verdict.domain} publishes a null MX (RFC 7505), declaring that it accepts no email.`, data: { ...data, dns: 'null MX' } });
      case 'address_only':
        return ctx.warn('EMAIL_DOMAIN_NO_MX', { message: `${verdict.address} (from ${source}): ${verdict.domain} has no MX records; mail would go to its address record (${mail.addresses.slice(0, 3).join(', ')}), which many domains do not accept mail on.`, data: { ...data, addresses: mail.addresses } });
      case 'mx':
        return ctx.pass(`${verdict.address} (from ${source}); ${verdict.domain} receives mail at ${mail.exchanges[0]!.exchange}.`, { ...data, mx: mail.exchanges.map((m) => m.exchange) });
    }
  },
});
