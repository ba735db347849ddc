import { defineCheck, formatMoney, isKnownCurrency, stripeMinimumCharge } from '../src/index.js';

export default defineCheck({
  id: 'invoice.balance',
  title: 'Outstanding balance can be paid by link',
  description: 'The amount due (sum of the lines minus what was paid) is positive and consistent, the currency is an ISO 4217 currency, and the amount is at least Stripe\'s minimum charge for that currency.',
  category: 'invoice',
  channels: ['email', 'sms'],
  scope: 'invoice',
  appliesTo: (ctx) => ctx.account.payments.provider !== 'none' || 'Not applicable: payments are off for this account (payments.provider: none), so no payment link is sent.',
  article: 'servinix/send-a-payment-link#before',
  codes: {
    CURRENCY_UNKNOWN: {
      severity: 'fail',
      summary: 'the currency is not an ISO 4217 currency',
      remediation: {
        cause: 'The invoice currency is not an ISO 4217 currency in circulation, so no payment link can be created for it.',
        steps: [
          'Open the invoice and set its currency to a three-letter ISO 4217 code (USD, EUR, GBP, …).',
          "Use the currency your Stripe account settles in (Settings → Payments shows it) unless you have enabled others.",
        ],
        docs: 'https://docs.stripe.com/currencies',
      },
    },
    TOTALS_INCONSISTENT: {
      severity: 'fail',
      summary: 'total, lines and payments do not add up',
      remediation: {
        cause: "The invoice's amounts do not add up: the stated total differs from the sum of its lines, the total is not positive, or more has been paid than the total.",
        steps: [
          'Open the invoice and compare each line (quantity × unit price) with the total shown.',
          'Correct the wrong line, the stated total, or the recorded payment so that total = Σ lines and paid ≤ total.',
          'Remember that amounts in invoice files are integers in minor units: 125.00 USD is 12500.',
        ],
      },
    },
    BALANCE_ZERO: {
      severity: 'fail',
      summary: 'nothing is outstanding',
      remediation: {
        cause: 'Nothing is outstanding on the invoice: the amount paid equals the total, so there is nothing for a payment link to collect.',
        steps: [
          'Check the payments recorded against the invoice (Payments → the invoice).',
          'If it is settled, mark it Paid instead of sending it.',
          'If a payment was recorded twice or by mistake, remove it; the outstanding balance then reappears.',
        ],
      },
    },
    BELOW_MINIMUM_CHARGE: {
      severity: 'fail',
      summary: "the amount due is below Stripe's minimum charge",
      remediation: {
        cause: 'The outstanding amount is below the minimum Stripe will charge in this currency, so the payment link would be rejected.',
        steps: [
          'Collect this small balance another way (cash, check, or add it to the next invoice).',
          'Or record it as written off, so the invoice can be closed.',
        ],
        docs: 'https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts',
      },
    },
  },
  run(ctx) {
    const { currency, total, declaredTotal, amountPaid, amountDue, lines } = ctx.invoice;
    if (!isKnownCurrency(currency)) {
      return ctx.fail('CURRENCY_UNKNOWN', { message: `Currency "${currency}" is not an ISO 4217 currency in circulation.`, data: { currency } });
    }
    const money = (minor: number) => formatMoney(minor, currency, ctx.account.country);
    const data = { currency, total, amountPaid, amountDue, lines: lines.length };
    if (declaredTotal !== undefined && declaredTotal !== total) {
      return ctx.fail('TOTALS_INCONSISTENT', { message: `The stated total ${money(declaredTotal)} differs from the sum of the lines, ${money(total)} (by ${money(declaredTotal - total)}).`, data: { ...data, declaredTotal } });
    }
    if (total <= 0) {
      return ctx.fail('TOTALS_INCONSISTENT', { message: `The lines add up to ${money(total)}; an invoice to be paid must total more than zero.`, data });
    }
    if (amountPaid > total) {
      return ctx.fail('TOTALS_INCONSISTENT', { message: `${money(amountPaid)} has been paid on a total of ${money(total)}: overpaid by ${money(amountPaid - total)}.`, data });
    }
    if (amountDue === 0) {
      return ctx.fail('BALANCE_ZERO', { message: `Nothing is outstanding: ${money(amountPaid)} paid of ${money(total)}.`, data });
    }
    const minimum = stripeMinimumCharge(currency);
    if (minimum !== undefined && amountDue < minimum) {
      return ctx.fail('BELOW_MINIMUM_CHARGE', { message: `${money(amountDue)} is due, below Stripe's minimum charge of ${money(minimum)} in ${currency}.`, data: { ...data, minimum } });
    }
    return ctx.pass(`${money(amountDue)} due${amountPaid > 0 ? ` (${money(amountPaid)} of ${money(total)} paid)` : ''}.`, data);
  },
});
