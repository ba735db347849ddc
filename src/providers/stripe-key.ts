/** What a Stripe key's prefix says about it, without sending it anywhere. */
export interface StripeKeyInfo {
  kind: 'secret' | 'restricted';
  mode: 'live' | 'test';
}

const KEY = /^(sk|rk)_(live|test)_[A-Za-z0-9_]{8,}$/;

export function parseStripeKey(key: string): StripeKeyInfo | undefined {
  const m = KEY.exec(key.trim());
  if (!m) return undefined;
  return { kind: m[1] === 'sk' ? 'secret' : 'restricted', mode: m[2] as 'live' | 'test' };
}

/** Why a value is not a usable secret key, in words that never repeat the value. */
export function describeMalformedKey(key: string): string {
  const k = key.trim();
  if (/^pk_(live|test)_/.test(k)) return 'it is a publishable key (pk_…), which cannot read accounts or create payment links; use the secret key (sk_…) or a restricted key (rk_…)';
  if (/^whsec_/.test(k)) return 'it is a webhook signing secret (whsec_…), not an API key';
  if (/^acct_/.test(k)) return 'it is an account id (acct_…), not an API key; put it under payments.stripe.account';
  if (/^(sk|rk)_(live|test)_$/.test(k) || /^(sk|rk)_(live|test)_.{0,7}$/.test(k)) return 'it is cut short';
  if (/\s/.test(key)) return 'it contains spaces or line breaks (a copy-paste accident?)';
  return 'it does not start with sk_live_, sk_test_, rk_live_ or rk_test_';
}
