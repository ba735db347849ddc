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
    EMAIL_MISSING: {
      severity: 'fail',
      summary: 'no email address on the invoice or the customer',
      remediation: {
        cause: 'Neither the invoice ("Send to (email)") nor the customer record has an email address.',
        steps: [
          'Open the customer record for the invoice recipient and add a valid email address, then save.',
          'Or set it for this invoice only: the invoice → Mails tab → "Send to (email)" (possible while the invoice is Draft or Not Sent); in invoice files, `send_to: { email: … }`.',
          'Send the invoice again.',
        ],
      },
    },
    EMAIL_INVALID: {
      severity: 'fail',
      summary: 'the email address is malformed or a placeholder',
      remediation: {
        cause: 'The recipient email address is not one mail can be delivered to (a typo, a name around it, a line break, or a placeholder such as test@example.com).',
        steps: [
          'Open the customer record (or the invoice\'s "Send to (email)" field) and correct the address: just name@domain, no name or angle brackets.',
          'Confirm the address with the customer if you are unsure of the spelling.',
          'Save and send the invoice again.',
        ],
      },
    },
    EMAIL_DOMAIN_NOT_FOUND: {
      severity: 'fail',
      summary: "the address's domain does not exist (a typo?)",
      remediation: {
        cause: "The domain of the customer's email address does not exist in DNS (or has no server that could receive mail), so every message to it bounces. Usually a typo (gmial.com, .con) or a company that changed its domain.",
        steps: [
          'Confirm the address with the customer (by phone, or from a recent email they sent you).',
          'Correct it in the customer record (email) or on the invoice (Send to (email) / send_to.email), then save.',
          'Run the check again.',
        ],
      },
    },
    EMAIL_DOMAIN_NO_MAIL: {
      severity: 'fail',
      summary: 'the domain publishes a null MX: it accepts no email',
      remediation: {
        cause: "The customer's email domain publishes a \"null MX\" (RFC 7505): it declares that it accepts no email at all. The address cannot receive the invoice.",
        steps: [
          'Ask the customer for an address at a domain that receives mail (often their accounts-payable mailbox).',
          'Update the customer record or the invoice (Send to (email)), then save and run the check again.',
          'If the customer cannot receive email, send the payment link by SMS instead.',
        ],
      },
    },
    EMAIL_DOMAIN_NO_MX: {
      severity: 'warn',
      summary: 'the domain has no MX records; mail falls back to its address record',
      remediation: {
        cause: "The customer's email domain has no MX record. Mail may still be delivered to the domain's own address, but many such domains do not run a mail server, so the invoice may never arrive.",
        steps: [
          'Double-check the domain with the customer; a company website domain is not always its mail domain.',
          'If the customer confirms the address, send anyway and watch for a bounce; otherwise correct the address.',
        ],
      },
    },
    DNS_LOOKUP_FAILED: {
      severity: 'error',
      summary: "the domain's mail records could not be looked up (DNS timeout or failure)",
      remediation: {
        cause: 'The mail records of the domain could not be looked up (the DNS server timed out or failed), so whether it receives mail is unknown.',
        steps: [
          'Run the check again; DNS failures are often transient.',
          'If it persists, check the machine\'s DNS settings, or point `dns.servers` in the configuration at a working resolver.',
          'Use --offline to check everything else without DNS.',
        ],
      },
    },
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
