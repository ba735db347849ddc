import type Stripe from 'stripe';
import { failed, ok, oneLine, systemFault, type Fault, type Read } from './fault.js';

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

/** The read-only Stripe calls the checks need. */
export interface StripeProvider {
  /** the key's own account (`GET /v1/account`), or a connected account (`GET /v1/accounts/acct_…`) */
  retrieveAccount(connectedAccount?: string): Promise<Read<Stripe.Account>>;
}

export async function createStripeProvider(options: StripeOptions): Promise<StripeProvider> {
  const { default: StripeSdk } = await import('stripe');
  const client = new StripeSdk(options.secretKey, {
    apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion,
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
    timeout: options.timeoutMs,
    telemetry: false,
    ...endpoint(options.apiBase),
  });
  return {
    async retrieveAccount(connectedAccount) {
      try {
        const account = connectedAccount ? await client.accounts.retrieve(connectedAccount) : await client.accounts.retrieveCurrent();
        return ok(account);
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

/** Stripe's error classes → a Fault. The SDK's messages never carry the full key (it masks it). */
export function stripeFault(error: unknown): Fault {
  const e = error as Partial<Stripe.errors.StripeError> & { type?: string; detail?: unknown; headers?: Record<string, string> };
  const status = e.statusCode;
  const message = oneLine(String(e.message ?? error));
  const base = { status, code: e.code, requestId: e.requestId, message };
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
      if (/timeout/i.test(message)) return { kind: 'timeout', message: `no answer from Stripe in time (${message})` };
      return detail?.code ? systemFault(detail, 'Stripe could not be reached') : { kind: 'network', message: `Stripe could not be reached: ${message}` };
    }
    case 'StripeAPIError':
    default:
      if (status === 429) return { ...base, kind: 'rate_limited' };
      return { ...base, kind: status && status < 500 && status !== 408 ? 'invalid_request' : 'server' };
  }
}
