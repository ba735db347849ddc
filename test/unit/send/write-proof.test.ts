/**
 * The one rule for what a failed write proves (src/providers/fault.ts), applied to what the real SDKs throw:
 * the product's own writers (sendSms, createPaymentLink) against the stateful Twilio and Stripe fakes. A definite
 * refusal before the side effect proves `not_created`; everything else proves `nothing`, whatever the fake did.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { sendSms } from '../../../src/providers/twilio-messages.js';
import { createPaymentLink, findPaymentLink, keySpent, paymentLinkIdempotencyKey, type PaymentLinkRequest } from '../../../src/providers/stripe-payment-links.js';
import { proofOf } from '../../../src/providers/fault.js';
import { defaultTwilioWorld, startTwilioFake, TWILIO_SERVICES, TWILIO_SIDS, TWILIO_TOKEN, type TwilioFake, type TwilioMessageFault } from '../../fakes/twilio.js';
import { defaultStripeWorld, startStripeFake, STRIPE_ACCOUNTS, STRIPE_KEYS, type StripeFake } from '../../fakes/stripe.js';

let twilio: TwilioFake;
let stripe: StripeFake;
let closed: string;

beforeAll(async () => {
  [twilio, stripe] = await Promise.all([startTwilioFake(), startStripeFake()]);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closed = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await Promise.all([twilio.close(), stripe.close()]);
});
beforeEach(() => {
  twilio.reset();
  twilio.world = defaultTwilioWorld();
  stripe.reset();
  stripe.world = defaultStripeWorld();
});

describe('proofOf', () => {
  it('not_created only when the request never left or the service refused it', () => {
    expect(proofOf({ sent: false, refused: false })).toBe('not_created');
    expect(proofOf({ sent: true, refused: true })).toBe('not_created');
    expect(proofOf({ sent: true, refused: false })).toBe('nothing');
  });
});

describe('Twilio messages.create', () => {
  const account = () => twilio.world.accounts[TWILIO_SIDS.active]!;
  const sms = (to = '+14155552671', apiBase = twilio.url, timeoutMs = 2000) =>
    sendSms({ accountSid: TWILIO_SIDS.active, authToken: TWILIO_TOKEN, apiBase, timeoutMs }, { to, body: 'Invoice 42', messagingServiceSid: TWILIO_SERVICES.good });

  for (const answer of [500, 502, 503, 504, 'html-201', 'reset'] as TwilioMessageFault['answer'][]) {
    it(`${answer} after creating proves nothing (the message exists)`, async () => {
      account().messageFaults = [{ create: true, answer }];
      const r = await sms();
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.fault.proves).toBe('nothing');
      expect(account().messages).toHaveLength(1);
    });
  }

  it("Twilio's own 4xx (21211 invalid To, 429 20429) and a refused connection prove not_created", async () => {
    const invalid = await sms('+15005550001');
    expect(!invalid.ok && invalid.fault).toMatchObject({ status: 400, code: 21211, proves: 'not_created' });
    account().rateLimitNextPosts = 1;
    const limited = await sms();
    expect(!limited.ok && limited.fault).toMatchObject({ status: 429, kind: 'rate_limited', proves: 'not_created' });
    const refused = await sms(undefined, closed);
    expect(!refused.ok && refused.fault).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', proves: 'not_created' });
    expect(account().messages).toHaveLength(0);
  });

  it('a timeout after the request left proves nothing', async () => {
    account().behavior = 'hang';
    const r = await sms(undefined, twilio.url, 300);
    expect(!r.ok && r.fault).toMatchObject({ kind: 'timeout', proves: 'nothing' });
  });
});

describe('Stripe paymentLinks.create', () => {
  const request = (over: Partial<PaymentLinkRequest> = {}): PaymentLinkRequest => ({ account: 'shop', invoiceId: 'INV-9', invoiceNumber: '2026-9', amount: 12500, currency: 'USD', productName: 'Invoice 2026-9', ...over });
  const options = (secretKey: string = STRIPE_KEYS.good, apiBase = stripe.url) => ({ secretKey, apiBase, timeoutMs: 2000, maxNetworkRetries: 1 });

  it('a 500 saved under the key (link made first) is replayed: proves nothing, the key is spent, the link is found by its metadata', async () => {
    stripe.world.linkFaults = [{ create: true }];
    const key = paymentLinkIdempotencyKey(request());
    const r = await createPaymentLink(options(), request(), key);
    expect(!r.ok && r.fault).toMatchObject({ status: 500, kind: 'server', proves: 'nothing', replayed: true });
    expect(!r.ok && keySpent(r.fault)).toBe(true);
    const again = await createPaymentLink(options(), request(), key);
    expect(!again.ok && again.fault).toMatchObject({ status: 500, replayed: true });
    const found = await findPaymentLink(options(), request());
    expect(found.ok && found.value?.id).toBe(stripe.paymentLinks()[0]!.id);
    // Another amount is another link: not this one.
    const other = await findPaymentLink(options(), request({ amount: 5000 }));
    expect(other.ok && other.value).toBeUndefined();
  });

  it('a refusal Stripe saves (card payments inactive) proves not_created and spends the key; a 429 and a refused connection do not spend it', async () => {
    const inactive = await createPaymentLink(options(STRIPE_KEYS.cardInactive), request(), 'k-inactive');
    expect(!inactive.ok && inactive.fault).toMatchObject({ status: 400, proves: 'not_created' });
    expect(!inactive.ok && keySpent(inactive.fault)).toBe(true);
    const limited = await createPaymentLink(options(STRIPE_KEYS.rateLimited), request(), 'k-limited');
    expect(!limited.ok && limited.fault).toMatchObject({ kind: 'rate_limited', proves: 'not_created' });
    expect(!limited.ok && keySpent(limited.fault)).toBe(false);
    const refused = await createPaymentLink({ ...options(STRIPE_KEYS.good, closed), maxNetworkRetries: 0 }, request(), 'k-refused');
    expect(!refused.ok && refused.fault).toMatchObject({ kind: 'network', proves: 'not_created' });
    expect(!refused.ok && keySpent(refused.fault)).toBe(false);
    // Retried by the SDK: an earlier try may have reached Stripe, so the last refusal proves nothing.
    const retried = await createPaymentLink(options(STRIPE_KEYS.good, closed), request(), 'k-refused-2');
    expect(!retried.ok && retried.fault).toMatchObject({ kind: 'network', proves: 'nothing' });
    expect(stripe.paymentLinks()).toHaveLength(0);
    expect(STRIPE_ACCOUNTS.cardInactive).toBeTruthy();
  });

  it('a reset after the request left proves nothing and leaves the key as it was', async () => {
    const r = await createPaymentLink(options(STRIPE_KEYS.reset), request(), 'k-reset');
    expect(!r.ok && r.fault).toMatchObject({ kind: 'network', proves: 'nothing' });
    expect(!r.ok && keySpent(r.fault)).toBe(false);
  });
});
