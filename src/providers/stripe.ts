import type Stripe from 'stripe';
import { failed, httpRefusal, ok, oneLine, proofOf, systemFault, type Fault, type Read } from './fault.js';

/**
 * Pinned so results do not change under us when the SDK is upgraded; this version accepts inline
 * `price_data` on payment links (2025-07-30 or later), which `send` relies on.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive';

export type StripeAccount = Stripe.Account;

export interface StripeOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111 (stripe-mock, a proxy, the test fakes) */
  apiBase?: string;
  /** per request, below the check timeout (retries included) */
  timeoutMs: number;
  maxNetworkRetries?: number;
}

/** What `status` and `delivery.last-attempt` learn about a payment link: was it paid? */
export interface LinkPayments {
  /** a Checkout Session of the link completed and paid */
  paid: boolean;
  /** when, for the paid session (ISO) */
  paidAt?: string;
  amountPaid?: number;
  currency?: string;
  /** sessions seen (newest first, at most 10) */
  sessions: number;
}

/** The read-only Stripe calls the checks need (checks are read-only by construction: no write here). */
export interface StripeProvider {
  /** the key's own account (`GET /v1/account`), or a connected account (`GET /v1/accounts/acct_…`) */
  retrieveAccount(connectedAccount?: string): Promise<Read<Stripe.Account>>;
  /** the Checkout Sessions of a payment link (`GET /v1/checkout/sessions?payment_link=…`) */
  linkPayments(linkId: string, connectedAccount?: string): Promise<Read<LinkPayments>>;
}

/** The SDK client, loaded on first use; shared by the read provider and the payment-link writer. */
export async function stripeClient(options: StripeOptions): Promise<Stripe> {
  const { default: StripeSdk } = await import('stripe');
  return new StripeSdk(options.secretKey, {
    apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion,
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
    timeout: options.timeoutMs,
    telemetry: false,
    ...endpoint(options.apiBase),
  });
}

export async function createStripeProvider(options: StripeOptions): Promise<StripeProvider> {
  const client = await stripeClient(options);
  const on = (connectedAccount?: string) => (connectedAccount ? { stripeAccount: connectedAccount } : undefined);
  return {
    async retrieveAccount(connectedAccount) {
      try {
        const account = connectedAccount ? await client.accounts.retrieve(connectedAccount) : await client.accounts.retrieveCurrent();
        return ok(account);
      } catch (error) {
        return failed(stripeFault(error));
      }
    },
    async linkPayments(linkId, connectedAccount) {
      try {
        const list = await client.checkout.sessions.list({ payment_link: linkId, limit: 10 }, on(connectedAccount));
        const paid = list.data.find((s) => s.status === 'complete' && (s.payment_status === 'paid' || s.payment_status === 'no_payment_required'));
        return ok({
          paid: paid !== undefined,
          paidAt: paid ? new Date(paid.created * 1000).toISOString() : undefined,
          amountPaid: paid?.amount_total ?? undefined,
          currency: paid?.currency ?? undefined,
          sessions: list.data.length,
        });
      } catch (error) {
        return failed(stripeFault(error));
      }
    },
  };
}

function endpoint(apiBase: string | undefined): { host?: string; port?: number; protocol?: 'http' | 'https' } {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

/**
 * Stripe's error classes → a Fault, with what the answer proves about a write ({@link proofOf}) and whether it
 * was a replay of what Stripe saved for the request's Idempotency-Key. The SDK's messages never carry the full
 * key (it masks it).
 */
export function stripeFault(error: unknown): Fault {
  const e = error as Partial<Stripe.errors.StripeError> & { type?: string; rawType?: string; detail?: unknown; headers?: Record<string, string> };
  const status = e.statusCode;
  const message = oneLine(String(e.message ?? error));
  // An error with a status came from Stripe's JSON error body; "Invalid JSON received" (a gateway's page, a
  // truncated body) has none, and proves nothing.
  const readable = status !== undefined;
  const idempotencyError = e.type === 'StripeIdempotencyError' || e.rawType === 'idempotency_error';
  const replayed = e.headers?.['idempotent-replayed'] === 'true' || idempotencyError;
  const base = {
    status,
    code: e.code ?? (idempotencyError ? 'idempotency_error' : undefined),
    requestId: e.requestId,
    message,
    proves: proofOf({ sent: true, refused: httpRefusal(status, readable) }),
    ...(replayed ? { replayed } : {}),
  };
  switch (e.type) {
    case 'StripeAuthenticationError':
      return { ...base, kind: 'auth' };
    case 'StripePermissionError':
      return { ...base, kind: 'permission' };
    case 'StripeRateLimitError': {
      const retry = Number(e.headers?.['retry-after']);
      return { ...base, kind: 'rate_limited', retryAfter: Number.isFinite(retry) ? retry : undefined };
    }
    case 'StripeInvalidRequestError':
      return { ...base, kind: status === 404 || e.code === 'resource_missing' ? 'not_found' : 'invalid_request' };
    case 'StripeConnectionError': {
      const detail = e.detail as { code?: string; message?: string } | undefined;
      if (/timeout/i.test(message)) return { kind: 'timeout', message: `no answer from Stripe in time (${message})`, proves: 'nothing' };
      const fault: Fault = detail?.code ? systemFault(detail, 'Stripe could not be reached') : { kind: 'network', message: `Stripe could not be reached: ${message}`, proves: 'nothing' };
      // The SDK retried: an earlier try may have reached Stripe (a reset) before this one found no connection.
      return /retried \d+ times/.test(message) ? { ...fault, proves: 'nothing' } : fault;
    }
    case 'StripeAPIError':
    default:
      if (status === 429) return { ...base, kind: 'rate_limited' };
      return { ...base, kind: status && status < 500 && status !== 408 ? 'invalid_request' : 'server' };
  }
}
