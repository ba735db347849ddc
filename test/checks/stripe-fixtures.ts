/**
 * Values that are not a usable Stripe secret key, with the reason stripe.credentials gives: its table shows
 * the result, and the peer test (test/live/stripe.test.ts) that none of them is ever sent to Stripe.
 */
export const MALFORMED_STRIPE_KEYS = [
  ['a publishable key', 'pk_test_51HfakePublishable0123456789', 'it is a publishable key (pk_…)'],
  ['a webhook signing secret', 'whsec_fakeSigningSecret0123456789abcdef', 'it is a webhook signing secret (whsec_…), not an API key'],
  ['a truncated key', 'sk_test_abc', 'it is cut short'],
  ['an account id', 'acct_1Nv0Fg2eZvKYlo2C', 'it is an account id (acct_…), not an API key; put it under payments.stripe.account'],
  ['a key with a space inside', 'sk_test_fake good', 'it contains spaces or line breaks'],
  ['something else', 'not-a-stripe-key-at-all', 'it does not start with sk_live_, sk_test_, rk_live_ or rk_test_'],
] as const;
