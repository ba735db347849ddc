import { checkTester, type Row } from '../support/check-tester.js';

const belowMinimum = ([currency, due, minimum]: readonly [string, number, number]): Row => ({
  name: `${currency} ${due} minor units (minimum ${minimum})`,
  invoice: { currency, lines: [{ unitAmount: due }] },
  expect: { status: 'fail', code: 'BELOW_MINIMUM_CHARGE', message: `in ${currency}`, data: { currency, amountDue: due, minimum } },
});

checkTester('invoice.balance', [
  { name: 'a currency that is not ISO 4217 (UKP)', invoice: { currency: 'UKP' }, expect: { status: 'fail', code: 'CURRENCY_UNKNOWN', message: '"UKP"', data: { currency: 'UKP' } } },
  {
    name: 'the stated total differs from the sum of the lines',
    invoice: { lines: [{ unitAmount: 10000 }, { quantity: 2, unitAmount: 2500 }], declaredTotal: 16000 },
    expect: { status: 'fail', code: 'TOTALS_INCONSISTENT', message: ['$160.00', '$150.00', 'by $10.00'], data: { declaredTotal: 16000, total: 15000, lines: 2 } },
  },
  {
    name: 'the lines add up to zero or less (a credit larger than the charges)',
    invoice: { lines: [{ unitAmount: 5000 }, { description: 'Credit', unitAmount: -7000 }] },
    expect: { status: 'fail', code: 'TOTALS_INCONSISTENT', message: '-$20.00', data: { total: -2000 } },
  },
  {
    name: 'more was paid than the total',
    invoice: { lines: [{ unitAmount: 12500 }], amountPaid: 13000 },
    expect: { status: 'fail', code: 'TOTALS_INCONSISTENT', message: 'overpaid by $5.00', data: { total: 12500, amountPaid: 13000, amountDue: -500 } },
  },
  { name: 'everything has been paid', invoice: { lines: [{ unitAmount: 12500 }], amountPaid: 12500 }, expect: { status: 'fail', code: 'BALANCE_ZERO', message: 'Nothing is outstanding: $125.00 paid of $125.00.', data: { amountDue: 0 } } },
  ...([['USD', 49, 50], ['GBP', 29, 30], ['JPY', 49, 50], ['HKD', 399, 400]] as const).map(belowMinimum),
  { name: 'the amount due is judged, not the total', invoice: { lines: [{ unitAmount: 10000 }], amountPaid: 9960 }, expect: { status: 'fail', code: 'BELOW_MINIMUM_CHARGE', message: "$0.40 is due, below Stripe's minimum charge of $0.50 in USD." } },
  {
    name: 'an unpaid invoice, the amount due formatted',
    invoice: { lines: [{ unitAmount: 100000 }, { quantity: 2, unitAmount: 12500 }] },
    expect: { status: 'pass', message: '$1,250.00 due.', data: { currency: 'USD', total: 125000, amountPaid: 0, amountDue: 125000, lines: 2 } },
  },
  { name: 'a partly paid invoice names what was paid', invoice: { lines: [{ unitAmount: 12500 }], amountPaid: 2500 }, expect: { status: 'pass', message: '$100.00 due ($25.00 of $125.00 paid).' } },
  { name: 'a stated total equal to the sum of the lines', invoice: { lines: [{ unitAmount: 12500 }], declaredTotal: 12500 }, expect: { status: 'pass' } },
  { name: 'exactly the minimum charge', invoice: { lines: [{ unitAmount: 50 }] }, expect: { status: 'pass', message: '$0.50 due.' } },
  { name: 'a three-decimal currency Stripe documents no minimum for (KWD)', invoice: { currency: 'KWD', lines: [{ unitAmount: 1 }] }, expect: { status: 'pass', message: '0.001' } },
  {
    name: 'not applicable when the account takes no payments',
    invoice: { currency: 'UKP' },
    account: { payments: { provider: 'none' } },
    expect: { status: 'skip', message: 'payments.provider: none', data: { reason: 'not_applicable' } },
  },
]);
