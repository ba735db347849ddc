import { defineCheck, recipientPhone } from '../src/index.js';

// Number types that can receive SMS. FIXED_LINE_OR_MOBILE is how regions like the US label every
// number (their plans don't tell them apart), so it passes; a pure FIXED_LINE does not.
const TEXTABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'VOIP', 'PERSONAL_NUMBER']);

export default defineCheck({
  id: 'recipient.phone',
  title: 'Recipient mobile number',
  description: "A phone number exists for the invoice (its send-to phone over the customer record), parses to E.164 with the account's country as the default region, and is mobile-capable: a landline or a toll-free, premium-rate or shared-cost number cannot receive SMS.",
  category: 'recipient',
  channels: ['sms'],
  scope: 'invoice',
  article: ['servinix/invoice-not-sending#2', 'servinix/send-a-payment-link#4', 'servinix/send-a-payment-link#5'],
  codes: {
    PHONE_MISSING: {
      severity: 'fail',
      summary: 'no phone number on the invoice or the customer',
      remediation: {
        cause: 'SMS was requested but neither the invoice nor the customer record has a phone number.',
        steps: [
          'Open the customer record and add a mobile phone number, in international form (+1 415 555 0123) if the customer is abroad, then save.',
          'Or send by email only: choose Email in the send dialog (`--channel email`).',
        ],
      },
    },
    PHONE_INVALID: {
      severity: 'fail',
      summary: 'the phone number is not a valid number',
      remediation: {
        cause: "The phone number on file is not a valid number for its country (too short or long, wrong prefix, or a missing country code for a number abroad).",
        steps: [
          'Open the customer record and correct the phone number; write numbers abroad with their country code (+44 7700 900123).',
          "Numbers without a country code are read as numbers of the account's country (accounts.<id>.country).",
          'Save and send again.',
        ],
      },
    },
    PHONE_NOT_MOBILE: {
      severity: 'fail',
      summary: 'the number is a landline or service number and cannot receive SMS',
      remediation: {
        cause: 'The number on file is a landline or a service number (toll-free, premium-rate), which cannot receive text messages.',
        steps: [
          "Ask the customer for a mobile number and save it on the customer record (or the invoice's send-to phone).",
          'Or send this invoice by email instead (`--channel email`).',
        ],
      },
    },
  },
  async run(ctx) {
    const { invoice, account } = ctx;
    const raw = recipientPhone(invoice);
    if (raw === undefined || raw.trim() === '') {
      return ctx.fail('PHONE_MISSING', { message: `No phone number: the invoice has no send-to phone and ${invoice.customer.id ? `customer ${invoice.customer.id}` : 'its customer'} has none on record.`, data: { customer: invoice.customer.id } });
    }
    const phone = (await ctx.facts.recipientPhone())!;
    const data = { input: raw, e164: phone.e164, country: phone.country, type: phone.type ?? 'UNKNOWN', defaultRegion: account.country };
    if (!phone.valid) {
      const hint = raw.trim().startsWith('+') ? '' : ` (read as a ${account.country} number because it has no country code)`;
      return ctx.fail('PHONE_INVALID', { message: `${JSON.stringify(raw)} is not a valid phone number${hint}.`, data });
    }
    if (phone.type && !TEXTABLE.has(phone.type)) {
      const kind = phone.type.toLowerCase().replace(/_/g, ' ').replace('fixed line', 'landline');
      return ctx.fail('PHONE_NOT_MOBILE', { message: `${phone.e164} is a ${kind} number (${phone.country ?? 'unknown region'}); it cannot receive text messages.`, data });
    }
    const note = phone.type === undefined ? '; its type (mobile or landline) is not known for this region' : phone.type === 'FIXED_LINE_OR_MOBILE' ? '; this region does not distinguish mobile numbers' : '';
    return ctx.pass(`${phone.e164} (${phone.country ?? 'unknown region'}, ${(phone.type ?? 'type unknown').toLowerCase().replace(/_/g, ' ')})${note}.`, data);
  },
});
