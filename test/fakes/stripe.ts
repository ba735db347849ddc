import type Stripe from 'stripe';
import { startHttpFake, type Action, type HttpFake, type RecordedRequest } from './http-fake.js';

/**
 * A stateful fake of the few Stripe REST routes invoice-doctor reads (`GET /v1/account`,
 * `GET /v1/accounts/:id`), on loopback, driven by a deterministic "world": the API key picks the
 * scenario (own account or a fault), the account id picks the onboarding state. One running fake can
 * serve a whole CLI config: each configured account selects its scenario by its key / `account:`.
 *
 * Wire details follow the real API (checked against stripe-node 23.1.0 and public error reports):
 * - errors use `{ error: { type, code?, message, param?, doc_url? } }`; the SDK picks its error
 *   class from the HTTP status, not from `type`. Like real Stripe, 401, 403 and 429 carry
 *   `type: 'invalid_request_error'` (so `err.rawType` is `invalid_request_error`, and 429 has
 *   `code: 'rate_limit'`); 500 carries `type: 'api_error'`.
 * - keys are never echoed whole: `sk_test_********oked` (prefix, one `*` per hidden char, last 4).
 * - every answer has a `request-id: req_fake…` header.
 */

/** Account ids of the scenarios in {@link defaultStripeWorld}. All match `/^acct_[A-Za-z0-9]+$/`. */
export const STRIPE_ACCOUNTS = {
  /** healthy: details submitted, charges & payouts on, card_payments active, nothing due */
  complete: 'acct_fakeComplete',
  /**
   * onboarding never finished (what a UI shows as "Complete onboarding"): details_submitted false,
   * charges & payouts off, capabilities inactive. Like a freshly created real account, its onboarding
   * fields are listed in currently_due *and* past_due, with disabled_reason 'requirements.past_due'.
   */
  notSubmitted: 'acct_fakeNotSubmitted',
  /** still working, but currently_due ['individual.verification.document', 'external_account'] by current_deadline */
  requirementsDue: 'acct_fakeRequirementsDue',
  /** deadline missed: past_due non-empty, disabled_reason 'requirements.past_due', charges & payouts off, card_payments inactive */
  pastDue: 'acct_fakePastDue',
  /** rejected: disabled_reason 'rejected.fraud', charges & payouts off, capabilities inactive */
  disabled: 'acct_fakeDisabled',
  /** disabled_reason 'something.new' (not in the SDK's enum), charges & payouts off */
  unknownDisabled: 'acct_fakeUnknownDisabled',
  /** charges_enabled false with no requirements and no disabled_reason (everything else healthy) */
  chargesDisabled: 'acct_fakeChargesDisabled',
  /** capabilities.card_payments 'inactive', otherwise healthy */
  cardInactive: 'acct_fakeCardInactive',
  /** capabilities.card_payments 'pending', otherwise healthy */
  cardPending: 'acct_fakeCardPending',
  /** eventually_due ['company.tax_id'] only, otherwise healthy */
  eventuallyDue: 'acct_fakeEventuallyDue',
  /** payouts_enabled false, otherwise healthy */
  payoutsDisabled: 'acct_fakePayoutsDisabled',
  /** NOT in the world: `GET /v1/accounts/acct_fakeMissing` → 404 resource_missing */
  missing: 'acct_fakeMissing',
} as const;

export type StripeAccountScenario = Exclude<keyof typeof STRIPE_ACCOUNTS, 'missing'>;

/** Keys of {@link defaultStripeWorld}. All pass `parseStripeKey` (src/providers/stripe-key.ts). */
export const STRIPE_KEYS = {
  /** own account = STRIPE_ACCOUNTS.complete; may read any connected account in the world */
  good: 'sk_test_fake_good',
  /** same as `good`, live mode */
  live: 'sk_live_fake_good',
  /** restricted key that can read accounts (GET ok); own account = complete */
  restricted: 'rk_test_fake_restricted',
  /** 401 "Invalid API Key provided: sk_test_********oked" */
  revoked: 'sk_test_fake_revoked',
  /** 403 on every path (restricted key lacking the accounts read permission) */
  noAccess: 'rk_test_fake_noaccess',
  /** 429 code rate_limit, headers `Retry-After: 1` and `stripe-should-retry: false` (the SDK does not retry) */
  rateLimited: 'sk_test_fake_ratelimited',
  /** 500 api_error on every attempt (so SDK retries fail too) */
  serverError: 'sk_test_fake_servererror',
  /** the request is received but never answered */
  slow: 'sk_test_fake_slow',
  /** the connection is destroyed once the request is received */
  reset: 'sk_test_fake_reset',
  // One own-account key per onboarding scenario, so a config without `account:` can select it.
  /** own account = STRIPE_ACCOUNTS.notSubmitted */
  notSubmitted: 'sk_test_fake_notsubmitted',
  /** own account = STRIPE_ACCOUNTS.requirementsDue */
  requirementsDue: 'sk_test_fake_requirementsdue',
  /** own account = STRIPE_ACCOUNTS.pastDue */
  pastDue: 'sk_test_fake_pastdue',
  /** own account = STRIPE_ACCOUNTS.disabled */
  disabled: 'sk_test_fake_disabled',
  /** own account = STRIPE_ACCOUNTS.unknownDisabled */
  unknownDisabled: 'sk_test_fake_unknowndisabled',
  /** own account = STRIPE_ACCOUNTS.chargesDisabled */
  chargesDisabled: 'sk_test_fake_chargesdisabled',
  /** own account = STRIPE_ACCOUNTS.cardInactive */
  cardInactive: 'sk_test_fake_cardinactive',
  /** own account = STRIPE_ACCOUNTS.cardPending */
  cardPending: 'sk_test_fake_cardpending',
  /** own account = STRIPE_ACCOUNTS.eventuallyDue */
  eventuallyDue: 'sk_test_fake_eventuallydue',
  /** own account = STRIPE_ACCOUNTS.payoutsDisabled */
  payoutsDisabled: 'sk_test_fake_payoutsdisabled',
} as const;

export type StripeFault = 'unauthorized' | 'forbidden' | 'rate_limited' | 'server_error' | 'hang' | 'reset';

export interface StripeWorld {
  keys: Record<string, { ownAccount: string } | { fault: StripeFault }>;
  accounts: Record<string, Stripe.Account>;
}

/** Recursively optional; arrays are replaced whole, not merged. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** A fixed instant, so every run sees the same objects (2023-11-14T22:13:20Z). */
const CREATED = 1_700_000_000;
/** `requirements.current_deadline` of the requirementsDue scenario (2030-01-01T00:00:00Z). */
export const STRIPE_CURRENT_DEADLINE = 1_893_456_000;

/**
 * A complete, realistic, healthy Standard account (US, usd), typed with the SDK's own type, with
 * `overrides` deep-merged in (objects merge, arrays and scalars replace, `null` replaces).
 */
export function stripeAccount(id: string, overrides: DeepPartial<Stripe.Account> = {}): Stripe.Account {
  const slug = id.replace(/^acct_/, '');
  const name = `${slug.replace(/^fake/, 'Fake ').replace(/([a-z])([A-Z])/g, '$1 $2')} LLC`;
  const email = `${slug.toLowerCase()}@example.com`;
  const emptyRequirements = {
    alternatives: [],
    current_deadline: null,
    currently_due: [],
    disabled_reason: null,
    errors: [],
    eventually_due: [],
    past_due: [],
    pending_verification: [],
  } satisfies Stripe.Account.Requirements & Stripe.Account.FutureRequirements;
  const base: Stripe.Account = {
    id,
    object: 'account',
    business_profile: {
      annual_revenue: null,
      estimated_worker_count: null,
      mcc: '7372',
      minority_owned_business_designation: null,
      name,
      product_description: null,
      specified_commercial_transactions_act_url: null,
      support_address: { city: 'San Francisco', country: 'US', line1: '510 Townsend St', line2: null, postal_code: '94103', state: 'CA' },
      support_email: email,
      support_phone: '+14155550100',
      support_url: null,
      url: `https://${slug.toLowerCase()}.example.com`,
    },
    business_type: 'company',
    capabilities: { card_payments: 'active', transfers: 'active' },
    charges_enabled: true,
    company: {
      address: { city: 'San Francisco', country: 'US', line1: '510 Townsend St', line2: null, postal_code: '94103', state: 'CA' },
      directors_provided: true,
      executives_provided: true,
      name,
      owners_provided: true,
      phone: '+14155550100',
      tax_id_provided: true,
      verification: { document: { back: null, details: null, details_code: null, front: null } },
    },
    controller: { type: 'account' },
    country: 'US',
    created: CREATED,
    default_currency: 'usd',
    details_submitted: true,
    email,
    external_accounts: {
      object: 'list',
      data: [
        {
          id: `ba_${slug}`,
          object: 'bank_account',
          account: id,
          account_holder_name: name,
          account_holder_type: 'company',
          account_type: null,
          available_payout_methods: ['standard'],
          bank_name: 'STRIPE TEST BANK',
          country: 'US',
          currency: 'usd',
          default_for_currency: true,
          fingerprint: `fp${slug}`,
          future_requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
          last4: '6789',
          metadata: {},
          requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
          routing_number: '110000000',
          status: 'new',
        },
      ],
      has_more: false,
      url: `/v1/accounts/${id}/external_accounts`,
    },
    future_requirements: structuredClone(emptyRequirements),
    metadata: {},
    payouts_enabled: true,
    requirements: structuredClone(emptyRequirements),
    settings: {
      bacs_debit_payments: { display_name: null, service_user_number: null },
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_issuing: { tos_acceptance: { date: null, ip: null } },
      card_payments: {
        decline_on: { avs_failure: false, cvc_failure: false },
        statement_descriptor_prefix: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      dashboard: { display_name: name, timezone: 'America/Los_Angeles' },
      invoices: { default_account_tax_ids: null, hosted_payment_method_save: 'offer' },
      payments: {
        statement_descriptor: slug.toUpperCase().slice(0, 22),
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' }, statement_descriptor: null },
      sepa_debit_payments: {},
    },
    tos_acceptance: { date: CREATED, ip: '203.0.113.7', user_agent: 'Mozilla/5.0' },
    type: 'standard',
  };
  return deepMerge(base, overrides);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge<T>(base: T, overrides: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key], value) : structuredClone(value);
  }
  return out as T;
}

/** The onboarding scenarios, as overrides of the healthy account. */
function scenarioOverrides(): Record<StripeAccountScenario, DeepPartial<Stripe.Account>> {
  const onboardingFields = ['business_profile.url', 'external_account', 'representative.first_name', 'tos_acceptance.date', 'tos_acceptance.ip'];
  return {
    complete: {},
    notSubmitted: {
      details_submitted: false,
      charges_enabled: false,
      payouts_enabled: false,
      capabilities: { card_payments: 'inactive', transfers: 'inactive' },
      external_accounts: { data: [] },
      tos_acceptance: { date: null, ip: null, user_agent: null },
      requirements: {
        currently_due: onboardingFields,
        eventually_due: onboardingFields,
        past_due: onboardingFields,
        disabled_reason: 'requirements.past_due',
      },
      future_requirements: {},
    },
    requirementsDue: {
      requirements: {
        current_deadline: STRIPE_CURRENT_DEADLINE,
        currently_due: ['individual.verification.document', 'external_account'],
        eventually_due: ['individual.verification.document', 'external_account'],
      },
    },
    pastDue: {
      charges_enabled: false,
      payouts_enabled: false,
      capabilities: { card_payments: 'inactive', transfers: 'inactive' },
      requirements: {
        currently_due: ['individual.verification.document'],
        eventually_due: ['individual.verification.document'],
        past_due: ['individual.verification.document'],
        disabled_reason: 'requirements.past_due',
      },
    },
    disabled: {
      charges_enabled: false,
      payouts_enabled: false,
      capabilities: { card_payments: 'inactive', transfers: 'inactive' },
      requirements: { disabled_reason: 'rejected.fraud' },
    },
    unknownDisabled: {
      charges_enabled: false,
      payouts_enabled: false,
      // A value newer than the SDK's enum (which has no string fallback for disabled_reason).
      requirements: { disabled_reason: 'something.new' as Stripe.Account.Requirements.DisabledReason },
    },
    chargesDisabled: { charges_enabled: false },
    cardInactive: { capabilities: { card_payments: 'inactive' } },
    cardPending: { capabilities: { card_payments: 'pending' } },
    eventuallyDue: { requirements: { eventually_due: ['company.tax_id'] } },
    payoutsDisabled: { payouts_enabled: false },
  };
}

/** A fresh world with every STRIPE_KEYS key and every STRIPE_ACCOUNTS account (except `missing`). */
export function defaultStripeWorld(): StripeWorld {
  const accounts: Record<string, Stripe.Account> = {};
  for (const [scenario, overrides] of Object.entries(scenarioOverrides()) as [StripeAccountScenario, DeepPartial<Stripe.Account>][]) {
    const id = STRIPE_ACCOUNTS[scenario];
    accounts[id] = stripeAccount(id, overrides);
  }
  const keys: StripeWorld['keys'] = {
    [STRIPE_KEYS.good]: { ownAccount: STRIPE_ACCOUNTS.complete },
    [STRIPE_KEYS.live]: { ownAccount: STRIPE_ACCOUNTS.complete },
    [STRIPE_KEYS.restricted]: { ownAccount: STRIPE_ACCOUNTS.complete },
    [STRIPE_KEYS.revoked]: { fault: 'unauthorized' },
    [STRIPE_KEYS.noAccess]: { fault: 'forbidden' },
    [STRIPE_KEYS.rateLimited]: { fault: 'rate_limited' },
    [STRIPE_KEYS.serverError]: { fault: 'server_error' },
    [STRIPE_KEYS.slow]: { fault: 'hang' },
    [STRIPE_KEYS.reset]: { fault: 'reset' },
  };
  for (const scenario of Object.keys(scenarioOverrides()) as StripeAccountScenario[]) {
    if (scenario === 'complete') continue;
    keys[STRIPE_KEYS[scenario]] = { ownAccount: STRIPE_ACCOUNTS[scenario] };
  }
  return { keys, accounts };
}

export interface StripeFake extends HttpFake {
  /** live state: edit it between requests (e.g. finish an account's onboarding) */
  world: StripeWorld;
  /** requests received for exactly this path (no query string), optionally only this method */
  count(path: string, method?: string): number;
  /** the `Stripe-Version` header of each received request, in order (undefined when absent; never rejected) */
  stripeVersions(): (string | undefined)[];
  /** the API key of each received request, in order (undefined when none was sent) */
  keysUsed(): (string | undefined)[];
}

/** How Stripe shows a key in messages: prefix, one `*` per hidden character, last 4. */
export function maskStripeKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  if (rest.length <= 4) return `${prefix}${'*'.repeat(rest.length)}`;
  return `${prefix}${'*'.repeat(rest.length - 4)}${rest.slice(-4)}`;
}

/** The API key of a request: `Authorization: Bearer <key>`, or Basic with the key as user name (curl -u). */
export function stripeKeyOf(req: RecordedRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(auth);
  if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] || undefined;
  return undefined;
}

function header(req: RecordedRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface StripeErrorBody {
  type: 'invalid_request_error' | 'api_error';
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

export async function startStripeFake(world: StripeWorld = defaultStripeWorld(), options: { delayMs?: number } = {}): Promise<StripeFake> {
  let nextRequestId = 0;

  const handler = (req: RecordedRequest): Action => {
    const requestId = `req_fake${String(++nextRequestId).padStart(10, '0')}`;
    const version = header(req, 'stripe-version');
    const baseHeaders: Record<string, string> = { 'request-id': requestId };
    if (version) baseHeaders['stripe-version'] = version;
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}): Action => ({
      status,
      body,
      headers: { ...baseHeaders, ...extra },
    });
    const error = (status: number, err: StripeErrorBody, extra: Record<string, string> = {}): Action =>
      reply(status, { error: err }, extra);
    const current = stripeFake.world;

    // Authentication first, as Stripe does (an unknown path with a bad key is a 401, not a 404).
    const key = stripeKeyOf(req);
    if (!key) {
      return error(401, {
        type: 'invalid_request_error',
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      });
    }
    const invalidKey = () => error(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${maskStripeKey(key)}` });
    const entry = current.keys[key];
    if (!entry) return invalidKey();
    if ('fault' in entry) {
      switch (entry.fault) {
        case 'unauthorized':
          return invalidKey();
        case 'forbidden':
          return error(403, {
            type: 'invalid_request_error',
            message: `The provided key '${maskStripeKey(key)}' does not have the required permissions for this endpoint on account '${STRIPE_ACCOUNTS.complete}'. Having the 'rak_accounts_kyc_basic_read' permission would allow this request to continue.`,
          });
        case 'rate_limited':
          return error(
            429,
            {
              type: 'invalid_request_error',
              code: 'rate_limit',
              message:
                'Request rate limit exceeded. You can make up to 25 requests per second in test mode. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
              doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
            },
            { 'retry-after': '1', 'stripe-should-retry': 'false' },
          );
        case 'server_error':
          return error(500, {
            type: 'api_error',
            message: `An unknown error occurred. Please contact us at https://support.stripe.com/contact and include the request ID ${requestId}.`,
          });
        case 'hang':
          return { hang: true };
        case 'reset':
          return { reset: true };
      }
    }

    const unrecognized = () =>
      error(404, {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      });
    const noSuchAccount = (id: string) =>
      error(404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'account',
        message: `No such account: '${id}'`,
        doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
      });

    if (req.method !== 'GET') return unrecognized();

    // Acting on a connected account (request option `stripeAccount`).
    const onBehalfOf = header(req, 'stripe-account');
    if (onBehalfOf !== undefined && onBehalfOf !== entry.ownAccount && !current.accounts[onBehalfOf]) {
      return error(403, {
        type: 'invalid_request_error',
        code: 'account_invalid',
        message: `The provided key '${maskStripeKey(key)}' does not have access to account '${onBehalfOf}' (or that account does not exist). Application access may have been revoked.`,
        doc_url: 'https://stripe.com/docs/error-codes/account-invalid',
      });
    }
    const connectHeaders: Record<string, string> = onBehalfOf ? { 'stripe-account': onBehalfOf } : {};

    if (req.path === '/v1/account') {
      const id = onBehalfOf ?? entry.ownAccount;
      const account = current.accounts[id];
      // A key whose own account was removed from the world: Stripe would no longer accept the key.
      if (!account) return invalidKey();
      return reply(200, account, connectHeaders);
    }
    const match = /^\/v1\/accounts\/([^/]+)$/.exec(req.path);
    if (match) {
      let id: string;
      try {
        id = decodeURIComponent(match[1]!);
      } catch {
        id = match[1]!;
      }
      const account = current.accounts[id];
      return account ? reply(200, account, connectHeaders) : noSuchAccount(id);
    }
    return unrecognized();
  };

  const base = await startHttpFake(handler, options);
  const stripeFake: StripeFake = Object.assign(base, {
    world,
    count: (path: string, method?: string) =>
      base.requests.filter((r) => r.path === path && (method === undefined || r.method === method.toUpperCase())).length,
    stripeVersions: () => base.requests.map((r) => header(r, 'stripe-version')),
    keysUsed: () => base.requests.map((r) => stripeKeyOf(r)),
  });
  return stripeFake;
}
