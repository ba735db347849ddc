// Conformance: the REAL stripe SDK against the fake, so the fake answers the way the SDK expects.
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STRIPE_ACCOUNTS, STRIPE_KEYS, parseStripeForm, startStripeFake, type StripeFake } from './stripe.js';

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
    timeout: 2000,
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
    const err = await failure(client(STRIPE_KEYS.slow).accounts.retrieveCurrent());
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(err.message).toBe('Request aborted due to timeout being reached (2000ms)');
    expect(fake.requests).toHaveLength(2);
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

/** The params `send` uses: one line item with inline price_data, the invoice id in metadata, one payment only. */
function linkParams(overrides: { unit_amount?: number; currency?: string; invoice?: string } = {}): Stripe.PaymentLinkCreateParams {
  return {
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: overrides.currency ?? 'usd',
          unit_amount: overrides.unit_amount ?? 12500,
          product_data: { name: `Invoice ${overrides.invoice ?? 'INV-1001'}` },
        },
      },
    ],
    metadata: { invoice_id: overrides.invoice ?? 'INV-1001' },
    restrictions: { completed_sessions: { limit: 1 } },
  };
}

describe('stripe fake: payment links and Checkout Sessions, driven by the real SDK', () => {
  beforeEach(() => {
    fake.intercept = undefined;
    fake.world.paymentLinks = {};
    fake.world.checkoutSessions = {};
    fake.world.idempotency = {};
  });

  it('parses Stripe bracket forms', () => {
    expect(
      parseStripeForm(
        'line_items[0][price_data][currency]=usd&line_items[0][quantity]=1&line_items[1][quantity]=2&metadata[invoice_id]=INV%201&expand[]=a&expand[]=b&line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=12500',
      ),
    ).toEqual({
      line_items: [{ price_data: { currency: 'usd', unit_amount: '12500' }, quantity: '1' }, { quantity: '2' }],
      metadata: { invoice_id: 'INV 1' },
      expand: ['a', 'b'],
    });
  });

  it('creates a full PaymentLink; the same Idempotency-Key and params replay it (same id, one link)', async () => {
    const stripe = client(STRIPE_KEYS.good);
    const first = await stripe.paymentLinks.create(linkParams(), { idempotencyKey: 'send-INV-1001' });
    expect(first).toMatchObject({
      object: 'payment_link',
      active: true,
      livemode: false,
      currency: 'usd',
      metadata: { invoice_id: 'INV-1001' },
      restrictions: { completed_sessions: { count: 0, limit: 1 } },
    });
    expect(first.id).toMatch(/^plink_fake[0-9a-z]+$/);
    expect(first.url).toMatch(/^https:\/\/buy\.stripe\.com\/test_[0-9a-z]+$/);
    expect(first.line_items).toBeUndefined();
    // fake-only fields never reach the client
    expect(Object.keys(first)).not.toContain('account');
    expect(Object.keys(first)).not.toContain('amount');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(first.lastResponse.idempotencyKey).toBe('send-INV-1001');

    const body = new URLSearchParams(fake.writes()[0]!.body);
    expect(body.get('line_items[0][price_data][unit_amount]')).toBe('12500');
    expect(body.get('restrictions[completed_sessions][limit]')).toBe('1');

    const again = await stripe.paymentLinks.create(linkParams(), { idempotencyKey: 'send-INV-1001' });
    expect(again).toEqual(first);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(again.lastResponse.headers['original-request']).toBe(first.lastResponse.requestId);
    expect(again.lastResponse.requestId).not.toBe(first.lastResponse.requestId);
    expect(fake.paymentLinks()).toHaveLength(1);
    expect(fake.paymentLinks()[0]).toMatchObject({ id: first.id, account: STRIPE_ACCOUNTS.complete, amount: 12500 });
    expect(fake.count('/v1/payment_links', 'POST')).toBe(2);

    // retrieve and list it back
    expect(await stripe.paymentLinks.retrieve(first.id)).toEqual(first);
    const listed = await stripe.paymentLinks.list({ active: true, limit: 5 });
    expect(listed).toMatchObject({ object: 'list', has_more: false, url: '/v1/payment_links' });
    expect(listed.data.map((l) => l.id)).toEqual([first.id]);
    expect((await stripe.paymentLinks.list({ active: false })).data).toEqual([]);
  });

  it('the same key with other params → StripeIdempotencyError; with another endpoint too; nothing is created', async () => {
    const stripe = client(STRIPE_KEYS.good);
    await stripe.paymentLinks.create(linkParams(), { idempotencyKey: 'k-1' });
    const err = await failure(stripe.paymentLinks.create(linkParams({ unit_amount: 9900 }), { idempotencyKey: 'k-1' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err).toMatchObject({
      statusCode: 400,
      rawType: 'idempotency_error',
      message:
        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'k-1' if you meant to execute a different request.",
    });
    expect(fake.paymentLinks()).toHaveLength(1);

    const otherEndpoint = await fetch(`${fake.url}/v1/payment_links/x`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STRIPE_KEYS.good}`, 'idempotency-key': 'k-1', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'active=false',
    });
    expect(otherEndpoint.status).toBe(400);
    expect(((await otherEndpoint.json()) as { error: { message: string } }).error.message).toBe(
      "Keys for idempotent requests can only be used for the same endpoint they were first used for ('/v1/payment_links/x' vs '/v1/payment_links'). Try using a key other than 'k-1' if you meant to execute a different request.",
    );

    // keys are scoped to the account: the same key on a connected account is a new request
    const connected = await stripe.paymentLinks.create(linkParams({ unit_amount: 9900 }), { idempotencyKey: 'k-1', stripeAccount: STRIPE_ACCOUNTS.eventuallyDue });
    expect(connected.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(fake.paymentLinks()).toHaveLength(2);
  });

  it('stripe-node keys every POST itself; a response lost after the link was created is replayed on its retry', async () => {
    const stripe = new Stripe(STRIPE_KEYS.good, {
      host: '127.0.0.1',
      port: fake.port,
      protocol: 'http',
      apiVersion: Stripe.API_VERSION,
      maxNetworkRetries: 1,
      timeout: 2000,
      telemetry: false,
    });
    const seen: string[] = [];
    fake.intercept = async (req, action) => {
      // called after the handler: the link already exists
      seen.push(`${req.method} ${Object.keys(fake.world.paymentLinks).length} ${'status' in action ? action.status : '-'}`);
      if (seen.length === 1) await new Promise((resolve) => setTimeout(resolve, 2500)); // past the client's timeout
    };
    const link = await stripe.paymentLinks.create(linkParams());
    expect(seen).toEqual(['POST 1 200', 'POST 1 200']);
    const keys = fake.writes().map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^stripe-node-retry-[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(link.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(fake.paymentLinks().map((l) => l.id)).toEqual([link.id]);

    // without an explicit key, two calls are two links (each call gets its own generated key)
    fake.intercept = undefined;
    await client(STRIPE_KEYS.good).paymentLinks.create(linkParams());
    expect(fake.paymentLinks()).toHaveLength(2);
  });

  it('a link made on a connected account (Stripe-Account) belongs to it; live keys make live links', async () => {
    const stripe = client(STRIPE_KEYS.good);
    const onConnected = await stripe.paymentLinks.create(linkParams(), { stripeAccount: STRIPE_ACCOUNTS.eventuallyDue });
    expect(fake.world.paymentLinks[onConnected.id]?.account).toBe(STRIPE_ACCOUNTS.eventuallyDue);
    expect(onConnected.lastResponse.stripeAccount).toBe(STRIPE_ACCOUNTS.eventuallyDue);
    expect((await stripe.paymentLinks.retrieve(onConnected.id, {}, { stripeAccount: STRIPE_ACCOUNTS.eventuallyDue })).id).toBe(onConnected.id);
    const elsewhere = await failure(stripe.paymentLinks.retrieve(onConnected.id));
    expect(elsewhere).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(elsewhere).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id', message: `No such payment_link: '${onConnected.id}'` });
    expect((await stripe.paymentLinks.list()).data).toEqual([]);

    const live = await client(STRIPE_KEYS.live).paymentLinks.create(linkParams());
    expect(live.livemode).toBe(true);
    expect(live.url).toMatch(/^https:\/\/buy\.stripe\.com\/[0-9a-z]+$/);
    expect(live.url).not.toContain('test_');
    expect(await failure(stripe.paymentLinks.retrieve(live.id))).toMatchObject({ statusCode: 404 });
  });

  it('validates like Stripe: missing line_items, unknown params, minimum charge per currency', async () => {
    const stripe = client(STRIPE_KEYS.good);
    const noItems = await failure(stripe.paymentLinks.create({ metadata: { invoice_id: 'x' } } as unknown as Stripe.PaymentLinkCreateParams));
    expect(noItems).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(noItems).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'line_items', message: 'Missing required param: line_items.' });

    const unknown = await failure(stripe.paymentLinks.create({ ...linkParams(), colour: 'red' } as unknown as Stripe.PaymentLinkCreateParams));
    expect(unknown).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'colour', message: 'Received unknown parameter: colour' });

    for (const [currency, amount, message] of [
      ['usd', 49, 'Amount must be at least $0.50 usd'],
      ['eur', 10, 'Amount must be at least €0.50 eur'],
      ['gbp', 29, 'Amount must be at least £0.30 gbp'],
      ['jpy', 49, 'Amount must be at least ¥50 jpy'],
    ] as const) {
      const err = await failure(stripe.paymentLinks.create(linkParams({ currency, unit_amount: amount })));
      expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(err).toMatchObject({ statusCode: 400, code: 'amount_too_small', message });
    }
    // a validation failure is not saved under its key: the corrected request with the same key goes through
    await failure(stripe.paymentLinks.create(linkParams({ unit_amount: 10 }), { idempotencyKey: 'fix-me' }));
    const fixed = await stripe.paymentLinks.create(linkParams({ currency: 'gbp', unit_amount: 30 }), { idempotencyKey: 'fix-me' });
    expect(fixed.currency).toBe('gbp');
    expect(fake.paymentLinks()).toHaveLength(1);
  });

  it('card_payments not active → 400, own account or connected; that result is saved under its key', async () => {
    const message = 'You cannot create a charge on a connected account without the `card_payments` capability enabled.';
    const own = await failure(client(STRIPE_KEYS.cardInactive).paymentLinks.create(linkParams(), { idempotencyKey: 'cap-1' }));
    expect(own).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(own).toMatchObject({ statusCode: 400, message });
    const connected = await failure(client(STRIPE_KEYS.good).paymentLinks.create(linkParams(), { stripeAccount: STRIPE_ACCOUNTS.cardPending }));
    expect(connected).toMatchObject({ statusCode: 400, message });
    expect(fake.paymentLinks()).toEqual([]);

    // Stripe saves results once the endpoint ran: fixing the account does not change the answer for that key
    const account = fake.world.accounts[STRIPE_ACCOUNTS.cardInactive]!;
    account.capabilities = { ...account.capabilities, card_payments: 'active' };
    try {
      const replay = await failure(client(STRIPE_KEYS.cardInactive).paymentLinks.create(linkParams(), { idempotencyKey: 'cap-1' }));
      expect(replay).toMatchObject({ statusCode: 400, message });
      expect(replay.headers?.['idempotent-replayed']).toBe('true');
      expect((await client(STRIPE_KEYS.cardInactive).paymentLinks.create(linkParams(), { idempotencyKey: 'cap-2' })).active).toBe(true);
    } finally {
      account.capabilities = { ...account.capabilities, card_payments: 'inactive' };
    }
  });

  it('lists Checkout Sessions by payment_link: newest first, status filter, limit', async () => {
    const stripe = client(STRIPE_KEYS.good);
    const link = await stripe.paymentLinks.create(linkParams());
    const other = await stripe.paymentLinks.create(linkParams({ invoice: 'INV-2' }));
    expect((await stripe.checkout.sessions.list({ payment_link: link.id })).data).toEqual([]);

    const open = fake.openSession(link.id, { created: 1_800_000_000 });
    const expired = fake.openSession(link.id, { created: 1_800_000_100 });
    fake.expireSession(expired.id);
    const paid = fake.payLink(link.id, { created: 1_800_000_200, email: 'ap@customer.test' });
    fake.payLink(other.id);
    expect(() => fake.payLink(link.id)).toThrow(/limit/);
    expect(fake.world.paymentLinks[link.id]?.restrictions?.completed_sessions.count).toBe(1);

    const all = await stripe.checkout.sessions.list({ payment_link: link.id });
    expect(all).toMatchObject({ object: 'list', has_more: false, url: '/v1/checkout/sessions' });
    expect(all.data.map((s) => [s.id, s.status, s.payment_status])).toEqual([
      [paid.id, 'complete', 'paid'],
      [expired.id, 'expired', 'unpaid'],
      [open.id, 'open', 'unpaid'],
    ]);
    expect(all.data[0]).toMatchObject({
      object: 'checkout.session',
      amount_total: 12500,
      currency: 'usd',
      mode: 'payment',
      payment_link: link.id,
      metadata: { invoice_id: 'INV-1001' },
      customer_details: { email: 'ap@customer.test' },
      livemode: false,
    });
    expect(all.data[0]!.id).toMatch(/^cs_test_/);
    expect(all.data[0]!.payment_intent).toMatch(/^pi_/);
    expect(Object.keys(all.data[0]!)).not.toContain('account');

    const complete = await stripe.checkout.sessions.list({ payment_link: link.id, status: 'complete' });
    expect(complete.data.map((s) => s.id)).toEqual([paid.id]);
    const one = await stripe.checkout.sessions.list({ payment_link: link.id, limit: 1 });
    expect(one.data.map((s) => s.id)).toEqual([paid.id]);
    expect(one.has_more).toBe(true);
    const last = fake.requests.at(-1)!;
    expect(last.query.get('payment_link')).toBe(link.id);
    expect(last.query.get('limit')).toBe('1');
    // auto-pagination follows starting_after
    const ids: string[] = [];
    for await (const s of stripe.checkout.sessions.list({ payment_link: link.id, limit: 1 })) ids.push(s.id);
    expect(ids).toEqual([paid.id, expired.id, open.id]);
    expect((await stripe.checkout.sessions.retrieve(paid.id)).payment_status).toBe('paid');
    // reads write nothing
    expect(fake.writes().filter((r) => r.path !== '/v1/payment_links')).toEqual([]);
  });

  it('faults apply to the new routes: 401, 403 naming the permission, 429, 500 retried with the same key, hang, reset', async () => {
    expect(await failure(client(STRIPE_KEYS.revoked).paymentLinks.create(linkParams()))).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);

    const denied = await failure(client(STRIPE_KEYS.noAccess).paymentLinks.create(linkParams()));
    expect(denied).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(denied.message).toContain("'rak_payment_link_write'");
    const readOnly = client(STRIPE_KEYS.readOnly);
    expect((await readOnly.paymentLinks.list()).data).toEqual([]);
    expect((await readOnly.accounts.retrieveCurrent()).id).toBe(STRIPE_ACCOUNTS.complete);
    const readOnlyWrite = await failure(readOnly.paymentLinks.create(linkParams()));
    expect(readOnlyWrite).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(readOnlyWrite.message).toContain("'rak_payment_link_write'");

    const limited = await failure(client(STRIPE_KEYS.rateLimited).checkout.sessions.list({ payment_link: 'plink_x' }));
    expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);

    fake.reset();
    const broken = await failure(client(STRIPE_KEYS.serverError).paymentLinks.create(linkParams()));
    expect(broken).toBeInstanceOf(Stripe.errors.StripeAPIError);
    const keys = fake.writes().map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);

    fake.reset();
    expect(await failure(client(STRIPE_KEYS.slow).paymentLinks.create(linkParams()))).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(fake.requests).toHaveLength(2);
    fake.reset();
    expect(await failure(client(STRIPE_KEYS.reset).checkout.sessions.list({ payment_link: 'plink_x' }))).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(fake.requests).toHaveLength(2);
    expect(fake.paymentLinks()).toEqual([]);
  });
});
