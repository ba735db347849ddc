import { failpoint } from './failpoints.js';
import { reusableLink, type SendHistory } from './history.js';
import { isTransient, type Fault } from '../providers/fault.js';
import { backoffMs, RATE_LIMIT_RETRIES, sleep } from './rate-limit.js';
import type { LinkResult } from './events.js';
import { faultInfo, type SendReport, type SendRequest, type Write } from './send-context.js';

type LinkOutcome = { value: NonNullable<SendReport['link']> } | { error: NonNullable<SendReport['linkError']> };

/**
 * How long Stripe is trusted to replay a key's saved answer: it keeps keys at least 24 hours ("keys can be pruned
 * after they are at least 24 hours old"); an hour less, for clocks and long runs.
 */
const KEY_TRUSTED_MS = 23 * 3600_000;
/** Kinds that were transient before failures recorded what they proved (journals of earlier versions). */
const TRANSIENT_KINDS = ['rate_limited', 'server', 'timeout', 'network'];
/**
 * A failed try whose key is spent (`retired`, from keySpent when it was written): the next try needs a new one, as
 * Stripe would replay the saved error for a day. Lines of earlier versions carry no `proves`: a refusal spent the key.
 */
const retiresKey = (l: LinkResult) => l.retired === true || (l.proves === undefined && !TRANSIENT_KINDS.includes(String(l.error?.kind)));
/** A failed try whose answer proved nothing: Stripe may hold a link it created. */
const mayHaveCreated = (l: LinkResult) => (l.proves ? l.proves === 'nothing' : ['server', 'timeout', 'network'].includes(String(l.error?.kind)));

/**
 * The payment link: the journal's link for this amount when there is one, else created at Stripe with an
 * idempotency key derived from the invoice, so a run that died mid-request gets the same link back.
 *
 * Stripe saves the answer to a keyed request for 24 hours, a 500 included, and replays it. So when the key
 * replays a saved error, the link the failed request may have made before failing is looked for by its
 * metadata, and only if there is none does the send move on to a new key — journaled (the intent names its
 * key) before it is used, so a crash in between replays that key, never making a second link. After an answer
 * that proved nothing (or a run that died while asking) more than a day ago, the key may be gone: the link is
 * looked for before anything is created.
 */
export async function ensureLink(request: SendRequest, history: SendHistory, write: Write): Promise<LinkOutcome> {
  const { invoice, account } = request;
  const existing = reusableLink(history, invoice.amountDue, invoice.currency);
  if (existing?.link) return { value: { ...existing.link, amount: existing.amount, currency: existing.currency, reused: true } };
  const { createPaymentLink, findPaymentLink, keySpent, paymentLinkIdempotencyKey } = await import('../providers/stripe-payment-links.js');
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
  const options = { secretKey: stripe.secret_key!.trim(), apiBase: stripe.api_base, timeoutMs: request.timeoutMs, maxNetworkRetries: 2 };
  const amounts = { amount: invoice.amountDue, currency: invoice.currency };
  const sameAmount = (l: { amount: number; currency: string }) => l.amount === invoice.amountDue && l.currency.toUpperCase() === invoice.currency.toUpperCase();
  const failures = history.linkFailures.filter(sameAmount);
  let generation = failures.filter(retiresKey).length;
  const created = async (link: { id: string; url: string; livemode: boolean }, reconciled?: string): Promise<LinkOutcome> => {
    await write({ step: 'link', phase: 'result', outcome: 'created', ...amounts, link, ...(reconciled ? { reconciled } : {}) });
    failpoint('after-link');
    return { value: { ...link, ...amounts, reused: reconciled !== undefined } };
  };
  const failure = (fault: Fault, transient = isTransient(fault)): LinkOutcome => ({ error: { ...faultInfo(fault), transient } });
  /** The link an earlier request may have created, by its metadata: found, none, or Stripe could not be asked. */
  const lookFor = async (why: string): Promise<LinkOutcome | { fault: Fault } | undefined> => {
    const found = await findPaymentLink(options, linkRequest);
    if (!found.ok) return { fault: found.fault };
    return found.value ? created({ id: found.value.id, url: found.value.url, livemode: found.value.livemode }, `${why}; found at Stripe by its metadata`) : undefined;
  };

  // An earlier request may have created a link (the run died while asking, or the answer proved nothing).
  // Within a day, asking again under the same key is enough: Stripe replays that link, or the error it saved
  // (handled below). Once the key may have been pruned, it would make a second link: look for the first.
  const uncertain = [...(history.pendingLink && sameAmount(history.pendingLink) ? [history.pendingLink] : []), ...failures.filter((l) => mayHaveCreated(l) && !retiresKey(l))];
  const oldest = Math.min(...uncertain.map((l) => Date.parse(l.at)));
  if (uncertain.length > 0 && !(Date.now() - oldest < KEY_TRUSTED_MS)) {
    const found = await lookFor('an earlier request may have created it and its idempotency key may have expired');
    // Stripe cannot be asked: nothing is created now (the next run looks again).
    if (found && 'fault' in found) return failure(found.fault, true);
    if (found) return found;
  }

  for (let moved = 0; ; moved++) {
    const idempotencyKey = paymentLinkIdempotencyKey(linkRequest, generation);
    failpoint('before-link');
    await write({ step: 'link', phase: 'intent', ...amounts, idempotencyKey });
    failpoint('after-link-intent');
    const create = async () => {
      await request.batch?.limits?.stripe?.take();
      return createPaymentLink(options, linkRequest, idempotencyKey);
    };
    // A 429 from Stripe: ask again after Retry-After / a backoff, under the same idempotency key (so a
    // request Stripe did carry out is replayed, never duplicated), a bounded number of times.
    let answer = await create();
    for (let retry = 1; !answer.ok && answer.fault.kind === 'rate_limited' && retry <= (request.batch ? RATE_LIMIT_RETRIES : 0); retry++) {
      const wait = backoffMs(retry, answer.fault.retryAfter);
      request.batch?.log?.(`Stripe rate-limited the payment link for ${invoice.id} (429); retry ${retry} of ${RATE_LIMIT_RETRIES} in ${wait} ms`);
      await sleep(wait);
      answer = await create();
    }
    if (answer.ok) return created({ id: answer.value.id, url: answer.value.url, livemode: answer.value.livemode });

    const fault = answer.fault;
    const error = faultInfo(fault);
    const proves = fault.proves ?? 'nothing';
    if (fault.replayed && proves === 'nothing') {
      // The key's request is over and Stripe saved an error for it, which may have come after the link was
      // made: look for that link before moving on.
      const found = await lookFor(`Stripe replayed a saved error (${error.message}) for ${idempotencyKey}`);
      if (found && 'value' in found) return found;
      // Left open (an intent without a result), as any answer that proved nothing: the next run asks again.
      if (found && 'fault' in found) return failure(found.fault, true);
    }
    const retired = keySpent(fault);
    // An answer that proved nothing is never recorded as failed: the intent stays open and the next run asks
    // again under the same key (or, a day later, looks for the link first). A spent key is recorded, even after
    // such an answer: the search above proved Stripe holds no link for it, and the next try needs a new key.
    if (proves === 'nothing' && !retired) return failure(fault, true);
    await write({ step: 'link', phase: 'result', outcome: 'failed', ...amounts, error, idempotencyKey, proves, ...(retired ? { retired } : {}) });
    // A key spent on an error that proved nothing (a replayed 500): one new key now, so one bad answer does not
    // fail the send. A refusal (card payments inactive…) is not retried: the next run uses a new key.
    if (retired && proves === 'nothing' && moved === 0) {
      generation++;
      continue;
    }
    return failure(fault, isTransient(fault) || proves === 'nothing');
  }
}
