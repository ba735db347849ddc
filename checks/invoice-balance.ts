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
    CURRENCY_UNKNOWN: { severity: 'fail', summary: 'the currency is not an ISO 4217 currency' },
    TOTALS_INCONSISTENT: { severity: 'fail', summary: 'total, lines and payments do not add up' },
    BALANCE_ZERO: { severity: 'fail', summary: 'nothing is outstanding' },
    BELOW_MINIMUM_CHARGE: { severity: 'fail', summary: "the amount due is below Stripe's minimum charge" },
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
