import { failpoint } from './failpoints.js';
import { reusableLink, type SendHistory } from './history.js';
import { isTransient } from '../providers/fault.js';
import { backoffMs, RATE_LIMIT_RETRIES, sleep } from './rate-limit.js';
import { faultInfo, type SendReport, type SendRequest, type Write } from './send-context.js';

/**
 * The payment link: the journal's link for this amount when there is one, else created at Stripe with
 * an idempotency key derived from the invoice, so a run that died mid-request gets the same link back.
 */
export async function ensureLink(request: SendRequest, history: SendHistory, write: Write): Promise<{ value: NonNullable<SendReport['link']> } | { error: NonNullable<SendReport['linkError']> }> {
  const { invoice, account } = request;
  const existing = reusableLink(history, invoice.amountDue, invoice.currency);
  if (existing?.link) return { value: { ...existing.link, amount: existing.amount, currency: existing.currency, reused: true } };
  const { createPaymentLink, paymentLinkIdempotencyKey } = await import('../providers/stripe-payment-links.js');
  const stripe = account.payments.stripe!;
  const linkRequest = {
    account: account.id,
    connectedAccount: stripe.account,
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    amount: invoice.amountDue,
    currency: invoice.currency,
    productName: `Invoice ${invoice.number} — ${account.name}`,
  };
  // Only answers count: after a timeout Stripe may hold the link under the old key, which must replay it.
  const refused = history.linkFailures.filter(
    (l) => l.amount === invoice.amountDue && l.currency.toUpperCase() === invoice.currency.toUpperCase() && !['rate_limited', 'server', 'timeout', 'network'].includes(String(l.error?.kind)),
  ).length;
  const idempotencyKey = paymentLinkIdempotencyKey(linkRequest, refused);
  failpoint('before-link');
  await write({ step: 'link', phase: 'intent', amount: invoice.amountDue, currency: invoice.currency, idempotencyKey });
  failpoint('after-link-intent');
  const create = async () => {
    await request.batch?.limits?.stripe?.take();
    return createPaymentLink({ secretKey: stripe.secret_key!.trim(), apiBase: stripe.api_base, timeoutMs: request.timeoutMs, maxNetworkRetries: 2 }, linkRequest, idempotencyKey);
  };
  // A 429 from Stripe: ask again after Retry-After / a backoff, under the same idempotency key (so a
  // request Stripe did carry out is replayed, never duplicated), a bounded number of times.
  let created = await create();
  for (let retry = 1; !created.ok && created.fault.kind === 'rate_limited' && retry <= (request.batch ? RATE_LIMIT_RETRIES : 0); retry++) {
    const wait = backoffMs(retry, created.fault.retryAfter);
    request.batch?.log?.(`Stripe rate-limited the payment link for ${invoice.id} (429); retry ${retry} of ${RATE_LIMIT_RETRIES} in ${wait} ms`);
    await sleep(wait);
    created = await create();
  }
  if (!created.ok) {
    const error = faultInfo(created.fault);
    await write({ step: 'link', phase: 'result', outcome: 'failed', amount: invoice.amountDue, currency: invoice.currency, error });
    return { error: { ...error, transient: isTransient(created.fault) } };
  }
  const link = { id: created.value.id, url: created.value.url, livemode: created.value.livemode };
  await write({ step: 'link', phase: 'result', outcome: 'created', amount: invoice.amountDue, currency: invoice.currency, link });
  failpoint('after-link');
  return { value: { ...link, amount: invoice.amountDue, currency: invoice.currency, reused: false } };
}

