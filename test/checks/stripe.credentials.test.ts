import type { Account } from '../../src/config/load.js';
import type { StripeAccount } from '../../src/providers/stripe.js';
import { checkTester, fault, ok, type Row } from '../support/check-tester.js';
import { MALFORMED_STRIPE_KEYS } from './stripe-fixtures.js';

// The key's shape and Stripe's answer; the real SDK against the Stripe fake is test/live/stripe.test.ts.
const FIELD = 'accounts.acme.payments.stripe.secret_key';
const stripe = (s: NonNullable<Account['payments']['stripe']>) => ({ payments: { provider: 'stripe' as const, stripe: s } });
const viaFake = (secret_key: string, more: Partial<NonNullable<Account['payments']['stripe']>> = {}) => stripe({ secret_key, api_base: 'http://127.0.0.1:12111', ...more });
const account = (id: string, name = 'Acme Plumbing') => ok({ id, object: 'account', settings: { dashboard: { display_name: name } } } as unknown as StripeAccount);

const malformed = ([what, key, why]: readonly [string, string, string]): Row => ({
  name: `${what} is never sent to Stripe`,
  account: viaFake(key),
  expect: { status: 'fail', code: 'STRIPE_KEY_MALFORMED', message: [`${FIELD} is not a usable Stripe key: `, why], notInMessage: key, data: { field: 'payments.stripe.secret_key' } },
});

checkTester('stripe.credentials', [
  ...[undefined, {}, { secret_key: '' }, { secret_key: '   ' }].map((s, i): Row => ({
    name: `no secret key (${['no stripe section', 'an empty one', 'an empty key', 'a blank key'][i]})`,
    account: { payments: { provider: 'stripe', stripe: s } },
    expect: { status: 'fail', code: 'STRIPE_NOT_CONFIGURED', message: `No Stripe secret key: ${FIELD} is empty.`, data: { field: 'payments.stripe.secret_key' } },
  })),
  {
    name: 'the key is read from an unset environment variable, named',
    account: { ...stripe({}), unsetEnv: { 'payments.stripe.secret_key': 'STRIPE_SECRET_KEY' } },
    expect: { status: 'fail', code: 'STRIPE_NOT_CONFIGURED', message: `No Stripe secret key: ${FIELD} (read from \${STRIPE_SECRET_KEY}, which is not set in the environment) is empty.`, data: { field: 'payments.stripe.secret_key', variable: 'STRIPE_SECRET_KEY' } },
  },
  { name: 'offline, an unset key is still known', offline: true, account: { ...stripe({}), unsetEnv: { 'payments.stripe.secret_key': 'STRIPE_SECRET_KEY' } }, expect: { status: 'fail', code: 'STRIPE_NOT_CONFIGURED', message: '${STRIPE_SECRET_KEY}' } },
  {
    name: 'offline, a well-formed key: skipped, naming its mode and kind',
    offline: true,
    account: viaFake('rk_test_fake_restricted'),
    expect: { status: 'skip', message: 'Skipped: needs the network, and --offline was given (the key is a well-formed test-mode restricted key; Stripe was not asked whether it accepts it).', data: { reason: 'offline', mode: 'test', keyKind: 'restricted' } },
  },
  ...MALFORMED_STRIPE_KEYS.map(malformed),
  {
    name: 'Stripe rejects the key: the setting is named, never the key',
    account: viaFake('sk_test_fake_revoked'),
    facts: { stripeAccount: fault('auth', { status: 401, message: 'Invalid API Key provided', requestId: 'req_1' }) },
    expect: { status: 'fail', code: 'STRIPE_AUTH_FAILED', message: `Stripe rejected the test-mode secret key in ${FIELD}`, notInMessage: 'sk_test_fake_revoked', data: { status: 401, requestId: 'req_1' } },
  },
  { name: 'a restricted key without the accounts read permission', account: viaFake('rk_test_fake_noaccess'), facts: { stripeAccount: fault('permission', { status: 403 }) }, expect: { status: 'fail', code: 'STRIPE_PERMISSION_DENIED', message: "The restricted key may not read the key's own account", data: { status: 403 } } },
  { name: 'a connected account Stripe does not have', account: viaFake('sk_test_fake_good', { account: 'acct_nope' }), facts: { stripeAccount: fault('not_found', { status: 404 }) }, expect: { status: 'fail', code: 'STRIPE_ACCOUNT_NOT_FOUND', message: 'Stripe has no account acct_nope reachable with this test-mode key' } },
  { name: "a 404 for the key's own account is not a missing connected account: could not be determined", account: viaFake('sk_test_fake_good'), facts: { stripeAccount: fault('not_found', { status: 404 }) }, expect: { status: 'error', code: 'STRIPE_UNAVAILABLE' } },
  {
    name: 'rate limited: could not be determined, with Retry-After',
    account: viaFake('sk_test_fake_ratelimited'),
    facts: { stripeAccount: fault('rate_limited', { status: 429, retryAfter: 1 }) },
    expect: { status: 'error', code: 'STRIPE_UNAVAILABLE', message: "Could not read the key's own account from Stripe (127.0.0.1)", data: { fault: 'rate_limited', status: 429, retryAfter: 1, host: '127.0.0.1' } },
  },
  { name: 'a restricted key that can read the account', account: viaFake('rk_test_fake_restricted'), facts: { stripeAccount: account('acct_fakeComplete') }, expect: { status: 'warn', code: 'STRIPE_RESTRICTED_KEY', message: ['Test-mode restricted key accepted; account acct_fakeComplete (Acme Plumbing).', 'proven only at send'] } },
  { name: 'a live key sent somewhere that is not Stripe', account: viaFake('sk_live_fake_good'), facts: { stripeAccount: account('acct_fakeComplete') }, expect: { status: 'warn', code: 'STRIPE_MODE_MISMATCH', message: 'it is a live key sent to 127.0.0.1, which is not Stripe', data: { mode: 'live', host: '127.0.0.1' } } },
  { name: 'a test key against Stripe itself', account: stripe({ secret_key: 'sk_test_fake_good' }), facts: { stripeAccount: account('acct_fakeComplete') }, expect: { status: 'warn', code: 'STRIPE_MODE_MISMATCH', message: 'it is a test-mode key', data: { mode: 'test', host: 'api.stripe.com' } } },
  {
    name: "a good key, reading its own account",
    account: viaFake('sk_test_fake_good'),
    facts: { stripeAccount: account('acct_fakeComplete') },
    expect: { status: 'pass', message: 'Test-mode secret key accepted; account acct_fakeComplete (Acme Plumbing).', data: { mode: 'test', keyKind: 'secret', accountId: 'acct_fakeComplete', displayName: 'Acme Plumbing' } },
  },
  { name: 'a good key, reading a connected account', account: viaFake('sk_test_fake_good', { account: 'acct_fakeConnected' }), facts: { stripeAccount: account('acct_fakeConnected', 'Northwind') }, expect: { status: 'pass', message: 'connected account acct_fakeConnected (Northwind)' } },
  { name: 'a live key against Stripe itself', account: stripe({ secret_key: 'sk_live_fake_good' }), facts: { stripeAccount: account('acct_live') }, expect: { status: 'pass', message: 'Live-mode secret key accepted' } },
  { name: 'not applicable when payments are off', account: { payments: { provider: 'none', stripe: { secret_key: 'sk_test_fake_revoked' } } }, expect: { status: 'skip', message: 'Not applicable: payments are off for this account (payments.provider: none), so no payment link is sent.', data: { reason: 'not_applicable' } } },
]);
