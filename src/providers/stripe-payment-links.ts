import { createHash } from 'node:crypto';
import { stripeClient, stripeFault, type StripeOptions } from './stripe.js';
import { failed, ok, type Fault, type Read } from './fault.js';

/** A payment link for one invoice's outstanding amount. */
export interface PaymentLinkRequest {
  /** our account id (config key), stored in the link's metadata */
  account: string;
  invoiceId: string;
  invoiceNumber: string;
  /** minor units */
  amount: number;
  /** ISO 4217, any case */
  currency: string;
  /** the line the customer sees on the Stripe-hosted page */
  productName: string;
  /** act on this connected account (`Stripe-Account` header) */
  connectedAccount?: string;
}

export interface CreatedLink {
  id: string;
  url: string;
  amount: number;
  currency: string;
  livemode: boolean;
}

/**
 * The key Stripe deduplicates creation by: the same invoice, amount and currency always give the same key,
 * so a run that died after Stripe created the link gets that same link back instead of a second one
 * (Stripe keeps keys about 24 hours; the journal and {@link findPaymentLink} cover the time after that).
 * `generation` moves to a new key once the old one is spent (see {@link keySpent}); generation 0 is the key
 * earlier versions derived, so their journals keep working.
 */
export function paymentLinkIdempotencyKey(request: Pick<PaymentLinkRequest, 'account' | 'connectedAccount' | 'invoiceId' | 'amount' | 'currency'>, generation = 0): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([request.account, request.connectedAccount ?? '', request.invoiceId, request.amount, request.currency.toLowerCase(), generation]))
    .digest('hex');
  return `invoice-doctor-link-${digest.slice(0, 48)}`;
}

/**
 * Whether the key can no longer create a link: Stripe saved a result for it that it will replay for 24 hours
 * (a replayed answer, an idempotency_error, or a refusal of the request itself — e.g. card payments inactive —
 * which Stripe saves once the endpoint ran). A 429 is answered before the endpoint runs and saves nothing, and
 * an answer that proves nothing (a timeout, a reset) leaves the key as it was: asking again under it replays a
 * link Stripe did create.
 */
export function keySpent(fault: Fault): boolean {
  return fault.replayed === true || (fault.proves === 'not_created' && fault.status !== undefined && fault.kind !== 'rate_limited');
}

/** What a link's metadata says: the invoice, our account, the amount and the currency it was made for. */
function linkMetadata(request: PaymentLinkRequest): Record<string, string> {
  return { invoice_id: request.invoiceId, invoice_number: request.invoiceNumber, account: request.account, amount: String(request.amount), currency: request.currency.toLowerCase() };
}

/** The Stripe write `send` makes. Kept apart from the read provider so no check can reach it. */
export async function createPaymentLink(options: StripeOptions, request: PaymentLinkRequest, idempotencyKey: string): Promise<Read<CreatedLink>> {
  const client = await stripeClient(options);
  try {
    const link = await client.paymentLinks.create(
      {
        line_items: [{ quantity: 1, price_data: { currency: request.currency.toLowerCase(), unit_amount: request.amount, product_data: { name: request.productName } } }],
        metadata: linkMetadata(request),
        // A link is reusable by design; one completed payment is all an invoice should take.
        restrictions: { completed_sessions: { limit: 1 } },
      },
      { idempotencyKey, ...(request.connectedAccount ? { stripeAccount: request.connectedAccount } : {}) },
    );
    return ok({ id: link.id, url: link.url, amount: request.amount, currency: request.currency.toUpperCase(), livemode: link.livemode });
  } catch (error) {
    return failed(stripeFault(error));
  }
}

/**
 * An active link an earlier try created for this invoice, account, amount and currency, found by its metadata:
 * Stripe has no search or metadata filter for payment links (`GET /v1/payment_links` takes `active` and paging
 * only), so every active link of the account is paged through, newest first. Only asked after an answer that
 * proved nothing, so a normal send never pays for it.
 */
export async function findPaymentLink(options: StripeOptions, request: PaymentLinkRequest): Promise<Read<CreatedLink | undefined>> {
  const client = await stripeClient(options);
  const wanted = linkMetadata(request);
  try {
    for await (const link of client.paymentLinks.list({ active: true, limit: 100 }, request.connectedAccount ? { stripeAccount: request.connectedAccount } : undefined)) {
      const m = link.metadata ?? {};
      if (m.invoice_id === wanted.invoice_id && m.account === wanted.account && m.amount === wanted.amount && m.currency === wanted.currency) {
        return ok({ id: link.id, url: link.url, amount: request.amount, currency: request.currency.toUpperCase(), livemode: link.livemode });
      }
    }
    return ok(undefined);
  } catch (error) {
    return failed(stripeFault(error));
  }
}
