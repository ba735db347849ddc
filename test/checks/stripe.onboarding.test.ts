import type { StripeAccount } from '../../src/providers/stripe.js';
import { checkTester, fault, ok, type Row } from '../support/check-tester.js';

// The Stripe account as Stripe describes it → what onboarding still needs. The same scenarios through the
// real SDK and the Stripe fake: test/live/stripe.test.ts.
const keyed = { payments: { provider: 'stripe' as const, stripe: { secret_key: 'sk_test_fake_good', api_base: 'http://127.0.0.1:12111' } } };
const healthy = {
  id: 'acct_x', details_submitted: true, charges_enabled: true, payouts_enabled: true,
  requirements: { currently_due: [], past_due: [], eventually_due: [], disabled_reason: null, current_deadline: null, errors: [] },
  capabilities: { card_payments: 'active' },
};
type Shape = Omit<typeof healthy, 'requirements' | 'capabilities'> & { requirements: Record<string, unknown>; capabilities: Record<string, unknown> };
const withAccount = (change: (a: Shape) => Partial<Shape>): Partial<Row> => {
  const a = { ...healthy, ...change(healthy as Shape) };
  return { account: keyed, facts: { stripeAccount: ok(a as unknown as StripeAccount) } };
};
const req = (r: Record<string, unknown>) => ({ requirements: { ...healthy.requirements, ...r } });

checkTester('stripe.onboarding', [
  {
    name: 'complete: the account facts as data',
    ...withAccount(() => ({})),
    expect: { status: 'pass', message: 'acct_x: onboarding complete, charges and payouts enabled, card payments active.', data: { account: 'acct_x', detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true, disabledReason: null, currentlyDue: [], pastDue: [], eventuallyDue: [], cardPayments: 'active', errors: [] } },
  },
  {
    name: 'never finished (with the card capability inactive too)',
    ...withAccount(() => ({ details_submitted: false, charges_enabled: false, payouts_enabled: false, capabilities: { card_payments: 'inactive' }, ...req({ currently_due: ['external_account', 'tos_acceptance.date'], past_due: ['external_account'], disabled_reason: 'requirements.past_due' }) })),
    expect: { status: 'fail', code: 'STRIPE_ONBOARDING_INCOMPLETE', message: 'Stripe onboarding for acct_x was never completed (details_submitted is false); still needed: external_account, tos_acceptance.date.', findings: ['STRIPE_ONBOARDING_INCOMPLETE', 'STRIPE_CARD_PAYMENTS_INACTIVE'] },
  },
  {
    name: 'information due now, by its deadline',
    ...withAccount(() => req({ currently_due: ['individual.verification.document', 'external_account'], current_deadline: 1893456000 })),
    expect: { status: 'fail', code: 'STRIPE_REQUIREMENTS_DUE', message: 'Stripe needs more information for acct_x, due now by 2030-01-01: individual.verification.document, external_account.', data: { currentDeadline: '2030-01-01' }, findings: ['STRIPE_REQUIREMENTS_DUE'] },
  },
  {
    name: 'past due, with what Stripe says about it',
    ...withAccount(() => ({ charges_enabled: false, ...req({ past_due: ['individual.verification.document'], disabled_reason: 'requirements.past_due', errors: [{ requirement: 'individual.verification.document', code: 'verification_failed', reason: 'The document is blurry.' }] }) })),
    expect: { status: 'fail', code: 'STRIPE_REQUIREMENTS_DUE', message: ['past due (payments are blocked until provided): individual.verification.document (disabled_reason requirements.past_due).', 'Stripe says: individual.verification.document: The document is blurry.'] },
  },
  {
    name: 'disabled by Stripe, the reason in words',
    ...withAccount(() => ({ charges_enabled: false, payouts_enabled: false, ...req({ disabled_reason: 'rejected.fraud' }) })),
    expect: { status: 'fail', code: 'STRIPE_ACCOUNT_DISABLED', message: 'Stripe has disabled acct_x: Stripe rejected the account for suspected fraud (disabled_reason rejected.fraud).', data: { disabledReason: 'rejected.fraud' } },
  },
  { name: 'disabled for a reason this version does not know', ...withAccount(() => ({ charges_enabled: false, ...req({ disabled_reason: 'something.new' }) })), expect: { status: 'fail', code: 'STRIPE_ACCOUNT_DISABLED', message: 'for a reason this version of invoice-doctor does not know (disabled_reason something.new)' } },
  { name: 'charges off with nothing due', ...withAccount(() => ({ charges_enabled: false })), expect: { status: 'fail', code: 'STRIPE_CHARGES_DISABLED', message: 'acct_x cannot take charges (charges_enabled is false), though nothing is listed as due.', findings: ['STRIPE_CHARGES_DISABLED'] } },
  { name: 'the card_payments capability inactive', ...withAccount(() => ({ capabilities: { card_payments: 'inactive' } })), expect: { status: 'fail', code: 'STRIPE_CARD_PAYMENTS_INACTIVE', message: 'The card_payments capability of acct_x is inactive, so a payment link cannot take cards.' } },
  { name: 'the card_payments capability pending', ...withAccount(() => ({ capabilities: { card_payments: 'pending' } })), expect: { status: 'fail', code: 'STRIPE_CARD_PAYMENTS_INACTIVE', message: 'is pending', data: { cardPayments: 'pending' } } },
  { name: 'information needed later (not what is due now)', ...withAccount(() => req({ eventually_due: ['company.tax_id'] })), expect: { status: 'warn', code: 'STRIPE_REQUIREMENTS_EVENTUALLY_DUE', message: 'Stripe will need more information for acct_x later: company.tax_id.', data: { eventuallyDue: ['company.tax_id'] } } },
  {
    name: 'long lists are cut after six, with the count',
    ...withAccount(() => req({ eventually_due: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] })),
    expect: { status: 'warn', code: 'STRIPE_REQUIREMENTS_EVENTUALLY_DUE', message: 'later: a, b, c, d, e, f and 2 more.' },
  },
  { name: 'payouts off while charges work', ...withAccount(() => ({ payouts_enabled: false })), expect: { status: 'warn', code: 'STRIPE_PAYOUTS_DISABLED', message: 'acct_x can take payments but payouts are disabled: money collected stays in the Stripe balance.' } },
  { name: 'blocked when stripe.credentials fails (revoked key)', account: keyed, facts: { stripeAccount: fault('auth', { status: 401 }) }, expect: { status: 'skip', message: 'Blocked: stripe.credentials failed.', blockedBy: ['stripe.credentials'], data: { reason: 'blocked' } } },
  { name: 'blocked when stripe.credentials could not be determined', account: keyed, facts: { stripeAccount: fault('rate_limited', { status: 429 }) }, expect: { status: 'skip', message: 'Blocked: stripe.credentials could not be determined.', blockedBy: ['stripe.credentials'] } },
  { name: 'blocked when no key is configured', expect: { status: 'skip', message: 'Blocked: stripe.credentials failed.', blockedBy: ['stripe.credentials'] } },
  { name: 'runs after a credentials warning (a restricted key)', account: { payments: { provider: 'stripe', stripe: { secret_key: 'rk_test_fake_restricted', api_base: 'http://127.0.0.1:12111' } } }, facts: { stripeAccount: ok(healthy as unknown as StripeAccount) }, expect: { status: 'pass', blockedBy: [] } },
  { name: 'offline: skipped (reason offline), not blocked', offline: true, account: keyed, expect: { status: 'skip', data: { reason: 'offline' }, blockedBy: [] } },
  { name: 'not applicable when payments are off', account: { payments: { provider: 'none' } }, expect: { status: 'skip', data: { reason: 'not_applicable' } } },
]);
