// Conformance: the REAL stripe SDK against the fake, so the fake answers the way the SDK expects.
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STRIPE_ACCOUNTS, STRIPE_KEYS, startStripeFake, type StripeFake } from './stripe.js';

let fake: StripeFake;
beforeAll(async () => {
  fake = await startStripeFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function client(key: string): Stripe {
  return new Stripe(key, {
    host: '127.0.0.1',
    port: fake.port,
    protocol: 'http',
    apiVersion: Stripe.API_VERSION,
    maxNetworkRetries: 1,
    timeout: 500,
    telemetry: false,
  });
}

async function failure(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

describe('stripe fake, driven by the real SDK', () => {
  it('retrieves the own account and connected accounts', async () => {
    const own = await client(STRIPE_KEYS.good).accounts.retrieveCurrent();
    expect(own.id).toBe(STRIPE_ACCOUNTS.complete);
    expect(own.lastResponse.requestId).toMatch(/^req_fake/);

    const pastDue = await client(STRIPE_KEYS.good).accounts.retrieve(STRIPE_ACCOUNTS.pastDue);
    expect(pastDue.requirements?.disabled_reason).toBe('requirements.past_due');
    expect(pastDue.charges_enabled).toBe(false);

    const viaHeader = await client(STRIPE_KEYS.good).accounts.retrieve(null, {}, { stripeAccount: STRIPE_ACCOUNTS.cardPending });
    expect(viaHeader.capabilities?.card_payments).toBe('pending');

    const ownScenario = await client(STRIPE_KEYS.notSubmitted).accounts.retrieveCurrent();
    expect(ownScenario.details_submitted).toBe(false);

    expect(fake.count('/v1/account', 'GET')).toBe(3);
    expect(fake.count(`/v1/accounts/${STRIPE_ACCOUNTS.pastDue}`)).toBe(1);
    expect(fake.stripeVersions()).toEqual(Array(4).fill(Stripe.API_VERSION));
    expect(fake.writes()).toEqual([]);
  });

  it('401 → StripeAuthenticationError, without echoing the key', async () => {
    const err = await failure(client(STRIPE_KEYS.revoked).accounts.retrieveCurrent());
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(err.statusCode).toBe(401);
    expect(err.message).toBe('Invalid API Key provided: sk_test_********oked');
    expect(err.requestId).toMatch(/^req_fake/);
    expect(fake.requests).toHaveLength(1);
  });

  it('403 → StripePermissionError', async () => {
    const err = await failure(client(STRIPE_KEYS.noAccess).accounts.retrieve(STRIPE_ACCOUNTS.complete));
    expect(err).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(err.statusCode).toBe(403);
    expect(err.message).not.toContain(STRIPE_KEYS.noAccess);
  });

  it('404 → StripeInvalidRequestError resource_missing', async () => {
    const err = await failure(client(STRIPE_KEYS.good).accounts.retrieve(STRIPE_ACCOUNTS.missing));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'account', message: `No such account: '${STRIPE_ACCOUNTS.missing}'` });
  });

  it('429 → StripeRateLimitError with Retry-After, not retried', async () => {
    const err = await failure(client(STRIPE_KEYS.rateLimited).accounts.retrieveCurrent());
    expect(err).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(err.statusCode).toBe(429);
    expect(err.code).toBe('rate_limit');
    expect(err.headers?.['retry-after']).toBe('1');
    expect(fake.requests).toHaveLength(1);
  });

  it('500 → StripeAPIError after one retry', async () => {
    const err = await failure(client(STRIPE_KEYS.serverError).accounts.retrieveCurrent());
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(err.statusCode).toBe(500);
    expect(fake.count('/v1/account')).toBe(2);
  });

  it('a hang → StripeConnectionError (timeout), after one retry', async () => {
    const started = Date.now();
    const err = await failure(client(STRIPE_KEYS.slow).accounts.retrieveCurrent());
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(err.message).toBe('Request aborted due to timeout being reached (500ms)');
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a reset → StripeConnectionError, after one retry', async () => {
    const err = await failure(client(STRIPE_KEYS.reset).accounts.retrieveCurrent());
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(err.message).toMatch(/^An error occurred with our connection to Stripe\. Request was retried 1 times\./);
    expect(fake.requests).toHaveLength(2);
  });

  it('answers raw HTTP like Stripe: missing key 401, unknown path 404, request-id everywhere', async () => {
    const noKey = await fetch(`${fake.url}/v1/account`);
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('request-id')).toMatch(/^req_fake/);
    expect(((await noKey.json()) as { error: { message: string } }).error.message).toMatch(/^You did not provide an API key/);

    const unknown = await fetch(`${fake.url}/v1/xyz`, { headers: { authorization: `Bearer ${STRIPE_KEYS.good}` } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/xyz\)/);
    expect(fake.stripeVersions()).toEqual([undefined, undefined]);
    expect(fake.writes()).toEqual([]);
  });
});
