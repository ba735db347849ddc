import { createHash } from 'node:crypto';
import { stripeClient, stripeFault, type StripeOptions } from './stripe.js';
import { failed, ok, type Read } from './fault.js';

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
 * (Stripe keeps keys about 24 hours; the journal covers the time after that).
 */
export function paymentLinkIdempotencyKey(request: Pick<PaymentLinkRequest, 'account' | 'connectedAccount' | 'invoiceId' | 'amount' | 'currency'>, refusedBefore = 0): string {
  // After Stripe refused a creation (say card payments were still inactive), the next try needs a new
  // key: Stripe would otherwise replay the saved refusal for a day, even once the cause is fixed.
  const digest = createHash('sha256')
    .update(JSON.stringify([request.account, request.connectedAccount ?? '', request.invoiceId, request.amount, request.currency.toLowerCase(), refusedBefore]))
    .digest('hex');
  return `invoice-doctor-link-${digest.slice(0, 48)}`;
}

/** The Stripe write `send` makes. Kept apart from the read provider so no check can reach it. */
export async function createPaymentLink(options: StripeOptions, request: PaymentLinkRequest, idempotencyKey: string): Promise<Read<CreatedLink>> {
  const client = await stripeClient(options);
  try {
    const link = await client.paymentLinks.create(
      {
        line_items: [{ quantity: 1, price_data: { currency: request.currency.toLowerCase(), unit_amount: request.amount, product_data: { name: request.productName } } }],
        metadata: { invoice_id: request.invoiceId, invoice_number: request.invoiceNumber, account: request.account },
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
