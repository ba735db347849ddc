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
 *
 * Besides accounts it keeps payment links and their Checkout Sessions (`world.paymentLinks`,
 * `world.checkoutSessions`), owned by the account the request acted on, and honours `Idempotency-Key` on POSTs
 * the way Stripe does: same key (scoped to mode + key's account + acted-on account) and same parameters → the
 * saved answer replayed byte for byte with `idempotent-replayed: true` and `original-request`; other parameters
 * or another endpoint → 400 idempotency_error. Parameter validation errors are not saved (the endpoint never ran);
 * successes and the card_payments refusal are. stripe-node 23 sends its own `Idempotency-Key:
 * stripe-node-retry-<uuid>` on every v1 POST (even with maxNetworkRetries 0, since it retries closed connections
 * once) and reuses it on its retries, so a retry after a lost answer is replayed, not executed twice.
 * Customers paying are simulated with `payLink()` / `openSession()` / `expireSession()` on the fake.
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
  /**
   * restricted key with read permissions only: every GET works like `good`, every POST → 403 naming the
   * missing write permission (e.g. `rak_payment_link_write`)
   */
  readOnly: 'rk_test_fake_readonly',
} as const;

export type StripeFault = 'unauthorized' | 'forbidden' | 'rate_limited' | 'server_error' | 'hang' | 'reset';

export interface StripeWorld {
  /** `readOnly`: a restricted key whose POSTs are refused with 403 (GETs work) */
  keys: Record<string, { ownAccount: string; readOnly?: boolean } | { fault: StripeFault }>;
  accounts: Record<string, Stripe.Account>;
  /** keyed by id; created by `POST /v1/payment_links` (or put here by a test) */
  paymentLinks: Record<string, StripePaymentLinkRecord>;
  /** keyed by id; created by the fake's `payLink` / `openSession` helpers (or put here by a test) */
  checkoutSessions: Record<string, StripeCheckoutSessionRecord>;
  /** saved results of POSTs sent with an `Idempotency-Key`, keyed by {@link idempotencyScope} */
  idempotency: Record<string, StripeIdempotencyRecord>;
  /**
   * Optional (batch-send tests): the next N POSTs of an accepted key are refused with the `rate_limited` fault's
   * 429 (`Retry-After: 1`, `stripe-should-retry: false`) before anything runs: nothing is created and nothing is
   * saved under their Idempotency-Key (Stripe saves no result for a request it never executed). Each refusal
   * decrements it. Unset or 0: normal.
   */
  rateLimitNextPosts?: number;
  /**
   * Optional (ambiguous-answer tests): the next POSTs to /v1/payment_links that run (a replay does not) end in a 500
   * `api_error`, saved under their Idempotency-Key and replayed to every later request with that key, as Stripe does
   * ("500 errors included", for about 24 h). `create: true`: the link is created first (and stays: a list finds it),
   * the error comes after. Each entry is used once.
   */
  linkFaults?: { create: boolean }[];
}

/**
 * A payment link as the fake stores it: exactly what the API returns, plus three fake-only fields that are
 * never sent (stripped when serialised).
 */
export type StripePaymentLinkRecord = Stripe.PaymentLink & {
  /** fake-only: the owning account (the request's `Stripe-Account` header, else the key's own account) */
  account: string;
  /** fake-only: Σ unit_amount × quantity of the line items, in minor units (what a paid session's amount_total is) */
  amount: number;
  /** fake-only: unix seconds (a PaymentLink has no `created` field) */
  created: number;
};

/** A Checkout Session as the fake stores it: the API object plus the fake-only owning account (never sent). */
export type StripeCheckoutSessionRecord = Stripe.Checkout.Session & { account: string };

/** One saved idempotent result (Stripe keeps them ~24 h; the fake keeps them until the world is replaced). */
export interface StripeIdempotencyRecord {
  method: string;
  path: string;
  /** the parsed form parameters, canonical JSON (key order does not matter, like on Stripe) */
  params: string;
  status: number;
  /** the response body exactly as first sent (a replay shows the object as it was then, not as it is now) */
  body: string;
  /** request-id of the first request (sent back as `original-request` on replays) */
  requestId: string;
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
  keys[STRIPE_KEYS.readOnly] = { ownAccount: STRIPE_ACCOUNTS.complete, readOnly: true };
  return { keys, accounts, paymentLinks: {}, checkoutSessions: {}, idempotency: {} };
}

/** Options of the fake's {@link StripeFake.payLink} / {@link StripeFake.openSession}. */
export interface StripeSessionOptions {
  /** unix seconds; default now. Lists are newest first; equal times list the later-added session first. */
  created?: number;
  /** the paying customer's email (customer_details.email); default `customer@example.com` for a paid session */
  email?: string;
  /** amount_total/amount_subtotal in minor units; default the link's amount */
  amountTotal?: number;
}

export interface StripeFake extends HttpFake {
  /** live state: edit it between requests (e.g. finish an account's onboarding) */
  world: StripeWorld;
  /**
   * Settable (redaction tests): every authenticated request (true), or only those that write ('writes': `check`
   * reads, `send` creates the link), is answered 400 with an error quoting the API key in clear (message,
   * param) and URL-encoded (doc_url). Default false.
   */
  echoCredentials: boolean | 'writes';
  /** requests received for exactly this path (no query string), optionally only this method */
  count(path: string, method?: string): number;
  /** the `Stripe-Version` header of each received request, in order (undefined when absent; never rejected) */
  stripeVersions(): (string | undefined)[];
  /** the API key of each received request, in order (undefined when none was sent) */
  keysUsed(): (string | undefined)[];
  /** the stored payment links (optionally only those owned by `account`), in creation order */
  paymentLinks(account?: string): StripePaymentLinkRecord[];
  /**
   * A customer paid the link: adds a Checkout Session `status: 'complete'`, `payment_status: 'paid'`,
   * amount_total = the link's amount, created now (or `options.created`), with the link's metadata (Stripe copies
   * it), and counts it in `restrictions.completed_sessions.count`. Throws for an unknown or inactive link, or one
   * whose completed_sessions limit is already reached (Stripe would not let the customer pay: a test bug).
   * The fake never deactivates a link by itself; set `world.paymentLinks[id].active = false` to model that.
   */
  payLink(linkId: string, options?: StripeSessionOptions): StripeCheckoutSessionRecord;
  /** A customer opened the link and has not paid (yet): adds a session `status: 'open'`, `payment_status: 'unpaid'`. */
  openSession(linkId: string, options?: StripeSessionOptions): StripeCheckoutSessionRecord;
  /** The session (by `cs_…` id) expired: `status: 'expired'`, `url: null`, stays unpaid. Throws if unknown or complete. */
  expireSession(sessionId: string): StripeCheckoutSessionRecord;
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
  type: 'invalid_request_error' | 'api_error' | 'idempotency_error';
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Form parameters

/** Stripe's form parameters, nested: `a[b][0][c]=x` → `{ a: { b: [{ c: 'x' }] } }`. */
export interface StripeParams {
  [key: string]: StripeParam;
}
export type StripeParam = string | StripeParam[] | StripeParams;

/**
 * Parses Stripe's bracket form encoding (what stripe-node sends as POST bodies and GET query strings):
 * `line_items[0][price_data][currency]=usd`, `metadata[invoice_id]=…`, `expand[]=x`. Objects whose keys are all
 * indexes become arrays (in index order). Brackets may arrive encoded (`%5B`) or not: URLSearchParams decodes both.
 */
export function parseStripeForm(form: string | URLSearchParams): StripeParams {
  const entries = typeof form === 'string' ? new URLSearchParams(form) : form;
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of entries) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    const path = match ? [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)] : [rawKey];
    let node = root;
    path.forEach((segment, i) => {
      // `key[]` appends, like Rails/qs
      const name = segment === '' ? String(Object.keys(node).length) : segment;
      if (i === path.length - 1) {
        node[name] = value;
        return;
      }
      if (!isRecord(node[name])) node[name] = {};
      node = node[name] as Record<string, unknown>;
    });
  }
  return arrayify(root) as StripeParams;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayify(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) return keys.sort((a, b) => Number(a) - Number(b)).map((k) => arrayify(value[k]));
  return Object.fromEntries(keys.map((k) => [k, arrayify(value[k])]));
}

/** JSON with sorted object keys: Stripe compares idempotent requests by their parameters, not their byte order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** An error answer from inside a route. `saved`: Stripe keeps it as the idempotent result (the endpoint ran). */
class StripeRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly saved = false,
  ) {
    super(body.message);
  }
}

const DOCS = 'https://stripe.com/docs/error-codes';

function missing(param: string): StripeRequestError {
  return new StripeRequestError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    param,
    message: `Missing required param: ${param}.`,
    doc_url: `${DOCS}/parameter-missing`,
  });
}

function unknownParam(param: string): StripeRequestError {
  return new StripeRequestError(400, {
    type: 'invalid_request_error',
    code: 'parameter_unknown',
    param,
    message: `Received unknown parameter: ${param}`,
    doc_url: `${DOCS}/parameter-unknown`,
  });
}

function invalid(param: string, message: string, code?: string): StripeRequestError {
  return new StripeRequestError(400, {
    type: 'invalid_request_error',
    ...(code ? { code, doc_url: `${DOCS}/${code.replace(/_/g, '-')}` } : {}),
    param,
    message,
  });
}

function noSuch(kind: string, id: string, param = 'id'): StripeRequestError {
  return new StripeRequestError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such ${kind}: '${id}'`,
    doc_url: `${DOCS}/resource-missing`,
  });
}

function checkKnown(params: StripeParams, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(params)) if (!known.includes(key)) throw unknownParam(prefix ? `${prefix}[${key}]` : key);
}

function integerParam(value: StripeParam | undefined, param: string, { min, max }: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value.trim())) {
    throw invalid(param, `Invalid integer: ${typeof value === 'string' ? value : JSON.stringify(value)}`, 'parameter_invalid_integer');
  }
  const n = Number.parseInt(value, 10);
  if (min !== undefined && n < min) throw invalid(param, `This value must be greater than or equal to ${min}.`);
  if (max !== undefined && n > max) throw invalid(param, `This value must be less than or equal to ${max}.`);
  return n;
}

function booleanParam(value: StripeParam | undefined, param: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(param, `Invalid boolean: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

function objectParam(value: StripeParam | undefined, param: string): StripeParams | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw invalid(param, `Invalid object`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Payment links

/**
 * Stripe's minimum charge per currency, in minor units (the reference's table). Currencies not listed are not
 * checked by the fake.
 */
export const STRIPE_MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  usd: 50, eur: 50, aud: 50, cad: 50, chf: 50, nzd: 50, sgd: 50,
  gbp: 30, jpy: 50, hkd: 400, mxn: 1000, dkk: 250, sek: 300, nok: 300, pln: 200, huf: 17500,
};

/** Currencies whose amounts have no minor unit (¥50 is `50`). */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

/** "$0.50 usd", "£0.30 gbp", "¥50 jpy": how Stripe words amounts in amount_too_small messages. */
function formatAmount(minor: number, currency: string): string {
  const digits = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const major = minor / 10 ** digits;
  let text: string;
  try {
    text = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: digits, maximumFractionDigits: digits }).format(major);
  } catch {
    text = major.toFixed(digits);
  }
  return `${text} ${currency}`;
}

const PAYMENT_LINK_CREATE_PARAMS = [
  'line_items', 'after_completion', 'allow_promotion_codes', 'application_fee_amount', 'application_fee_percent',
  'automatic_tax', 'billing_address_collection', 'consent_collection', 'currency', 'custom_fields', 'custom_text',
  'customer_creation', 'expand', 'inactive_message', 'invoice_creation', 'managed_payments', 'metadata',
  'name_collection', 'on_behalf_of', 'optional_items', 'payment_intent_data', 'payment_method_collection',
  'payment_method_options', 'payment_method_types', 'phone_number_collection', 'restrictions',
  'shipping_address_collection', 'shipping_options', 'submit_type', 'subscription_data', 'tax_id_collection',
  'transfer_data',
] as const;
const LINE_ITEM_PARAMS = ['adjustable_quantity', 'price', 'price_data', 'quantity'] as const;
const PRICE_DATA_PARAMS = ['currency', 'product', 'product_data', 'recurring', 'tax_behavior', 'unit_amount', 'unit_amount_decimal'] as const;
const PRODUCT_DATA_PARAMS = ['description', 'images', 'metadata', 'name', 'tax_code', 'tax_details', 'unit_label'] as const;

interface LinkContext {
  world: StripeWorld;
  /** the account the request acts on (owner of what it creates or reads) */
  account: Stripe.Account;
  livemode: boolean;
}

/**
 * Validates `POST /v1/payment_links` like Stripe (unknown parameters, missing line items / quantity / currency /
 * amount / product, integers, one currency, minimum charge), then the account's `card_payments` capability.
 * Parameter errors are not saved for idempotency (the endpoint never ran); the capability error is.
 */
function createPaymentLink(params: StripeParams, ctx: LinkContext, id: string, slug: string): StripePaymentLinkRecord {
  checkKnown(params, PAYMENT_LINK_CREATE_PARAMS);
  const items = params.line_items;
  if (items === undefined || items === '' || (Array.isArray(items) && items.length === 0)) throw missing('line_items');
  if (!Array.isArray(items)) throw invalid('line_items', 'Invalid array');

  let currency: string | undefined = typeof params.currency === 'string' && params.currency ? params.currency.toLowerCase() : undefined;
  let amount = 0;
  items.forEach((raw, i) => {
    const p = `line_items[${i}]`;
    const item = objectParam(raw, p)!;
    checkKnown(item, LINE_ITEM_PARAMS, p);
    const quantity = integerParam(item.quantity, `${p}[quantity]`, { min: 1 });
    if (item.price !== undefined) throw noSuch('price', String(item.price), `${p}[price]`);
    const priceData = objectParam(item.price_data, `${p}[price_data]`);
    if (!priceData) throw missing(`${p}[price]`);
    const pd = `${p}[price_data]`;
    checkKnown(priceData, PRICE_DATA_PARAMS, pd);
    if (typeof priceData.currency !== 'string' || !priceData.currency) throw missing(`${pd}[currency]`);
    const itemCurrency = priceData.currency.toLowerCase();
    if (!/^[a-z]{3}$/.test(itemCurrency)) throw invalid(`${pd}[currency]`, `Invalid currency: ${priceData.currency}.`);
    const productData = objectParam(priceData.product_data, `${pd}[product_data]`);
    if (priceData.product !== undefined) throw noSuch('product', String(priceData.product), `${pd}[product]`);
    if (!productData) throw missing(`${pd}[product_data]`);
    checkKnown(productData, PRODUCT_DATA_PARAMS, `${pd}[product_data]`);
    if (typeof productData.name !== 'string' || !productData.name) throw missing(`${pd}[product_data][name]`);
    if (priceData.recurring !== undefined) {
      throw invalid(`${pd}[recurring]`, 'The fake only models one-time prices (payment mode); recurring price_data is not supported.');
    }
    let unit = integerParam(priceData.unit_amount, `${pd}[unit_amount]`, { min: 0 });
    if (unit === undefined && typeof priceData.unit_amount_decimal === 'string') {
      const decimal = Number(priceData.unit_amount_decimal);
      if (!Number.isFinite(decimal) || decimal < 0) throw invalid(`${pd}[unit_amount_decimal]`, `Invalid decimal: ${priceData.unit_amount_decimal}`);
      unit = decimal;
    }
    if (unit === undefined) throw missing(`${pd}[unit_amount]`);
    if (quantity === undefined) throw missing(`${p}[quantity]`);
    if (currency !== undefined && itemCurrency !== currency) {
      throw invalid(`${pd}[currency]`, `All line items of a payment link must use the same currency: '${itemCurrency}' differs from '${currency}'.`);
    }
    currency = itemCurrency;
    amount += unit * quantity;
  });
  amount = Math.round(amount);
  const linkCurrency = currency!;

  let restrictions: Stripe.PaymentLink.Restrictions | null = null;
  const r = objectParam(params.restrictions, 'restrictions');
  if (r) {
    checkKnown(r, ['completed_sessions'], 'restrictions');
    const cs = objectParam(r.completed_sessions, 'restrictions[completed_sessions]');
    if (!cs) throw missing('restrictions[completed_sessions]');
    checkKnown(cs, ['limit'], 'restrictions[completed_sessions]');
    const limit = integerParam(cs.limit, 'restrictions[completed_sessions][limit]', { min: 1, max: 10_000 });
    if (limit === undefined) throw missing('restrictions[completed_sessions][limit]');
    restrictions = { completed_sessions: { count: 0, limit } };
  }

  const metadata: Record<string, string> = {};
  const m = params.metadata;
  if (m !== undefined && m !== '') {
    if (!isRecord(m)) throw invalid('metadata', 'Invalid hash');
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'string') throw invalid(`metadata[${k}]`, 'Invalid string');
      if (v !== '') metadata[k] = v;
    }
  }
  const inactiveMessage = typeof params.inactive_message === 'string' && params.inactive_message ? params.inactive_message : null;
  const allowPromotionCodes = booleanParam(params.allow_promotion_codes, 'allow_promotion_codes') ?? false;

  const minimum = STRIPE_MINIMUM_CHARGE[linkCurrency];
  if (minimum !== undefined && amount < minimum) {
    throw new StripeRequestError(400, {
      type: 'invalid_request_error',
      code: 'amount_too_small',
      message: `Amount must be at least ${formatAmount(minimum, linkCurrency)}`,
      doc_url: `${DOCS}/amount-too-small`,
    });
  }

  // Business rule, checked once the parameters are fine: Stripe saves this result under the idempotency key.
  if (ctx.account.capabilities?.card_payments !== 'active') {
    throw new StripeRequestError(
      400,
      { type: 'invalid_request_error', message: 'You cannot create a charge on a connected account without the `card_payments` capability enabled.' },
      true,
    );
  }

  return {
    id,
    object: 'payment_link',
    active: true,
    after_completion: { hosted_confirmation: { custom_message: null }, type: 'hosted_confirmation' },
    allow_promotion_codes: allowPromotionCodes,
    application: null,
    application_fee_amount: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null },
    billing_address_collection: 'auto',
    consent_collection: null,
    currency: linkCurrency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer_creation: 'if_required',
    inactive_message: inactiveMessage,
    invoice_creation: noInvoiceCreation(),
    livemode: ctx.livemode,
    managed_payments: null,
    metadata,
    name_collection: { business: { enabled: false, optional: false }, individual: { enabled: false, optional: false } },
    on_behalf_of: null,
    optional_items: [],
    payment_intent_data: null,
    payment_method_collection: 'always',
    payment_method_options: null,
    payment_method_types: null,
    phone_number_collection: { enabled: false },
    restrictions,
    shipping_address_collection: null,
    shipping_options: [],
    submit_type: 'auto',
    subscription_data: null,
    tax_id_collection: { enabled: false, required: 'never' },
    transfer_data: null,
    url: `https://buy.stripe.com/${ctx.livemode ? '' : 'test_'}${slug}`,
    account: ctx.account.id,
    amount,
    created: Math.floor(Date.now() / 1000),
  };
}

/** What the API returns for a stored link: the record without its fake-only fields. */
export function paymentLinkJson(record: StripePaymentLinkRecord): Stripe.PaymentLink {
  const { account: _account, amount: _amount, created: _created, ...link } = record;
  return structuredClone(link);
}

/** What the API returns for a stored session: the record without its fake-only `account`. */
export function checkoutSessionJson(record: StripeCheckoutSessionRecord): Stripe.Checkout.Session {
  const { account: _account, ...session } = record;
  return structuredClone(session);
}

function sessionRecord(
  link: StripePaymentLinkRecord,
  id: string,
  status: 'open' | 'complete',
  paymentIntent: string | null,
  options: StripeSessionOptions,
): StripeCheckoutSessionRecord {
  const created = options.created ?? Math.floor(Date.now() / 1000);
  const amount = options.amountTotal ?? link.amount;
  const paid = status === 'complete';
  const email = options.email ?? (paid ? 'customer@example.com' : null);
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: link.allow_promotion_codes,
    allowed_payment_method_types: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: 'auto',
    cancel_url: null,
    client_reference_id: null,
    client_secret: null,
    collected_information: paid ? { business_name: null, individual_name: null, shipping_details: null } : null,
    consent: null,
    consent_collection: null,
    created,
    currency: link.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_account: null,
    customer_creation: 'if_required',
    customer_details: email
      ? { address: null, business_name: null, email, individual_name: null, name: null, phone: null, tax_exempt: 'none', tax_ids: [] }
      : null,
    customer_email: null,
    discounts: [],
    expires_at: created + 24 * 60 * 60,
    integration_identifier: null,
    invoice: null,
    invoice_creation: noInvoiceCreation(),
    livemode: link.livemode,
    locale: 'auto',
    managed_payments: null,
    // "Metadata associated with this Payment Link will automatically be copied to checkout sessions" (SDK docs)
    metadata: { ...link.metadata },
    mode: 'payment',
    origin_context: null,
    payment_intent: paymentIntent,
    payment_link: link.id,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: paid ? 'paid' : 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status,
    submit_type: 'auto',
    subscription: null,
    success_url: 'https://stripe.com',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: paid ? null : `https://checkout.stripe.com/c/pay/${id}`,
    wallet_options: null,
    account: link.account,
  };
}

/**
 * Newest first (by `created`, later-added first on ties), then Stripe's cursor paging: `limit` (1–100, default 10),
 * `starting_after` / `ending_before` (object ids).
 */
function listOf<T extends { id: string }>(
  records: { record: T; created: number }[],
  query: StripeParams,
  url: string,
  toJson: (record: T) => unknown,
): { object: 'list'; data: unknown[]; has_more: boolean; url: string } {
  const limit = integerParam(query.limit, 'limit', { min: 1, max: 100 }) ?? 10;
  const sorted = records
    .map((entry, index) => ({ ...entry, index }))
    .sort((a, b) => b.created - a.created || b.index - a.index)
    .map((entry) => entry.record);
  let page: T[];
  let hasMore: boolean;
  if (typeof query.ending_before === 'string') {
    const end = sorted.findIndex((r) => r.id === query.ending_before);
    const stop = end < 0 ? 0 : end;
    page = sorted.slice(Math.max(0, stop - limit), stop);
    hasMore = stop - limit > 0;
  } else {
    const after = typeof query.starting_after === 'string' ? sorted.findIndex((r) => r.id === query.starting_after) : -1;
    if (typeof query.starting_after === 'string' && after < 0) throw invalid('starting_after', `No such object: '${query.starting_after}'`, 'resource_missing');
    page = sorted.slice(after + 1, after + 1 + limit);
    hasMore = after + 1 + limit < sorted.length;
  }
  return { object: 'list', data: page.map(toJson), has_more: hasMore, url };
}

/** The permission a restricted key would need for a route (what Stripe names in its 403 message). */
function permissionFor(req: RecordedRequest): string {
  const write = req.method !== 'GET';
  if (req.path.startsWith('/v1/payment_links')) return write ? 'rak_payment_link_write' : 'rak_payment_link_read';
  if (req.path.startsWith('/v1/checkout/sessions')) return write ? 'rak_checkout_session_write' : 'rak_checkout_session_read';
  return write ? 'rak_accounts_kyc_basic_write' : 'rak_accounts_kyc_basic_read';
}

/**
 * Where an idempotent result is kept: Stripe scopes keys to the account (and mode) they were used on, so the same
 * key from another account or in live mode is a different request.
 */
export function idempotencyScope(livemode: boolean, ownAccount: string, onAccount: string, key: string): string {
  return `${livemode ? 'live' : 'test'}|${ownAccount}|${onAccount}|${key}`;
}

/**
 * A 400 that quotes the key in clear, as a misconfigured proxy in front of Stripe (or a careless error page)
 * would: in the message, as the offending `param`, and URL-encoded in `doc_url`.
 */
function credentialEcho(key: string): StripeErrorBody {
  return {
    type: 'invalid_request_error',
    code: 'parameter_invalid',
    message: `Invalid API Key provided: ${key} (Authorization: Bearer ${key})`,
    param: key,
    doc_url: `https://stripe.com/docs/error-codes/parameter-invalid?key=${encodeURIComponent(key)}`,
  };
}

export async function startStripeFake(world: StripeWorld = defaultStripeWorld(), options: { delayMs?: number } = {}): Promise<StripeFake> {
  let nextRequestId = 0;
  let nextObject = 0;
  /** A new unique id suffix (never one already in the world, which tests may have filled by hand). */
  const freshId = (prefix: string, exists: (id: string) => boolean): { id: string; serial: string } => {
    for (;;) {
      const serial = `fake${(++nextObject).toString(36).padStart(10, '0')}`;
      const id = `${prefix}${serial}`;
      if (!exists(id)) return { id, serial };
    }
  };

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
    const echo = stripeFake.echoCredentials;
    if (key && (echo === true || (echo === 'writes' && req.method !== 'GET'))) return error(400, credentialEcho(key));
    if (!key) {
      return error(401, {
        type: 'invalid_request_error',
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      });
    }
    const invalidKey = () => error(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${maskStripeKey(key)}` });
    const forbidden = () =>
      error(403, {
        type: 'invalid_request_error',
        message: `The provided key '${maskStripeKey(key)}' does not have the required permissions for this endpoint on account '${STRIPE_ACCOUNTS.complete}'. Having the '${permissionFor(req)}' permission would allow this request to continue.`,
      });
    const rateLimited = () =>
      error(
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
    const entry = current.keys[key];
    if (!entry) return invalidKey();
    if ('fault' in entry) {
      switch (entry.fault) {
        case 'unauthorized':
          return invalidKey();
        case 'forbidden':
          return forbidden();
        case 'rate_limited':
          return rateLimited();
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
    if (entry.readOnly && req.method !== 'GET') return forbidden();
    if (current.rateLimitNextPosts && req.method === 'POST') {
      current.rateLimitNextPosts--;
      return rateLimited();
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
    const livemode = /^(sk|rk)_live_/.test(key);
    const targetId = onBehalfOf ?? entry.ownAccount;

    const decodeId = (raw: string): string => {
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    };

    if (req.method === 'GET') {
      if (req.path === '/v1/account') {
        const account = current.accounts[targetId];
        // A key whose own account was removed from the world: Stripe would no longer accept the key.
        if (!account) return invalidKey();
        return reply(200, account, connectHeaders);
      }
      const accountMatch = /^\/v1\/accounts\/([^/]+)$/.exec(req.path);
      if (accountMatch) {
        const id = decodeId(accountMatch[1]!);
        const account = current.accounts[id];
        return account ? reply(200, account, connectHeaders) : noSuchAccount(id);
      }
    }

    // Payment links and Checkout Sessions: errors thrown as StripeRequestError.
    const isWrite = req.method === 'POST';
    const idempotencyKey = isWrite ? header(req, 'idempotency-key') : undefined;
    try {
      const params = parseStripeForm(isWrite ? req.body : req.query);
      const scope = idempotencyKey !== undefined ? idempotencyScope(livemode, entry.ownAccount, targetId, idempotencyKey) : undefined;
      const keyHeaders: Record<string, string> = idempotencyKey !== undefined ? { 'idempotency-key': idempotencyKey } : {};

      // Idempotency comes before validation: a replay is answered whatever the state is now.
      if (scope !== undefined) {
        const saved = current.idempotency[scope];
        if (saved) {
          if (saved.method !== req.method || saved.path !== req.path) {
            throw new StripeRequestError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${req.path}' vs '${saved.path}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            });
          }
          if (saved.params !== canonical(params)) {
            throw new StripeRequestError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            });
          }
          return reply(saved.status, saved.body, {
            ...connectHeaders,
            ...keyHeaders,
            'original-request': saved.requestId,
            'idempotent-replayed': 'true',
          });
        }
      }
      const save = (status: number, body: unknown): string => {
        const text = JSON.stringify(body);
        if (scope !== undefined) {
          current.idempotency[scope] = { method: req.method, path: req.path, params: canonical(params), status, body: text, requestId };
        }
        return text;
      };
      const writeHeaders = isWrite ? { ...connectHeaders, ...keyHeaders, 'original-request': requestId } : connectHeaders;

      const account = current.accounts[targetId];
      const ownedLink = (id: string): StripePaymentLinkRecord => {
        const link = current.paymentLinks[id];
        if (!link || link.account !== targetId || link.livemode !== livemode) throw noSuch('payment_link', id);
        return link;
      };

      if (req.path === '/v1/payment_links') {
        if (req.method === 'POST') {
          // A key whose own account was removed from the world: Stripe would no longer accept the key.
          if (!account) return invalidKey();
          const { id, serial } = freshId('plink_', (candidate) => candidate in current.paymentLinks);
          const fault = current.linkFaults?.shift();
          if (fault) {
            if (fault.create) current.paymentLinks[id] = createPaymentLink(params, { world: current, account, livemode }, id, serial);
            const body = { error: { type: 'api_error', message: `An unknown error occurred. Please contact us at https://support.stripe.com/contact and include the request ID ${requestId}.` } };
            return reply(500, save(500, body), writeHeaders);
          }
          try {
            const link = createPaymentLink(params, { world: current, account, livemode }, id, serial);
            current.paymentLinks[id] = link;
            return reply(200, save(200, paymentLinkJson(link)), writeHeaders);
          } catch (e) {
            if (e instanceof StripeRequestError && e.saved) {
              return reply(e.status, save(e.status, { error: e.body }), writeHeaders);
            }
            throw e;
          }
        }
        if (req.method === 'GET') {
          const active = booleanParam(params.active, 'active');
          const links = Object.values(current.paymentLinks).filter(
            (l) => l.account === targetId && l.livemode === livemode && (active === undefined || l.active === active),
          );
          return reply(200, listOf(links.map((l) => ({ record: l, created: l.created })), params, '/v1/payment_links', paymentLinkJson), connectHeaders);
        }
        return unrecognized();
      }
      const linkMatch = /^\/v1\/payment_links\/([^/]+)$/.exec(req.path);
      if (linkMatch && req.method === 'GET') {
        return reply(200, paymentLinkJson(ownedLink(decodeId(linkMatch[1]!))), connectHeaders);
      }
      if (req.path === '/v1/checkout/sessions' && req.method === 'GET') {
        const status = typeof params.status === 'string' ? params.status : undefined;
        const link = typeof params.payment_link === 'string' ? params.payment_link : undefined;
        const sessions = Object.values(current.checkoutSessions).filter(
          (s) =>
            s.account === targetId &&
            s.livemode === livemode &&
            (link === undefined || s.payment_link === link) &&
            (status === undefined || s.status === status),
        );
        return reply(
          200,
          listOf(sessions.map((s) => ({ record: s, created: s.created })), params, '/v1/checkout/sessions', checkoutSessionJson),
          connectHeaders,
        );
      }
      const sessionMatch = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(req.path);
      if (sessionMatch && req.method === 'GET') {
        const id = decodeId(sessionMatch[1]!);
        const session = current.checkoutSessions[id];
        if (!session || session.account !== targetId || session.livemode !== livemode) throw noSuch('checkout.session', id);
        return reply(200, checkoutSessionJson(session), connectHeaders);
      }
      return unrecognized();
    } catch (e) {
      if (e instanceof StripeRequestError) {
        const extra: Record<string, string> = { ...connectHeaders };
        if (idempotencyKey !== undefined) extra['idempotency-key'] = idempotencyKey;
        return error(e.status, e.body, extra);
      }
      throw e;
    }
  };

  const findLink = (linkId: string): StripePaymentLinkRecord => {
    const link = stripeFake.world.paymentLinks[linkId];
    if (!link) throw new Error(`stripe fake: no payment link '${linkId}' in the world`);
    if (!link.active) throw new Error(`stripe fake: payment link '${linkId}' is inactive; a customer could not open it`);
    return link;
  };
  const newSessionId = (livemode: boolean) =>
    freshId(livemode ? 'cs_live_' : 'cs_test_', (candidate) => candidate in stripeFake.world.checkoutSessions).id;

  const base = await startHttpFake(handler, options);
  const stripeFake: StripeFake = Object.assign(base, {
    world,
    echoCredentials: false as boolean | 'writes',
    count: (path: string, method?: string) =>
      base.requests.filter((r) => r.path === path && (method === undefined || r.method === method.toUpperCase())).length,
    stripeVersions: () => base.requests.map((r) => header(r, 'stripe-version')),
    keysUsed: () => base.requests.map((r) => stripeKeyOf(r)),
    paymentLinks: (account?: string) => Object.values(stripeFake.world.paymentLinks).filter((l) => account === undefined || l.account === account),
    payLink: (linkId: string, sessionOptions: StripeSessionOptions = {}) => {
      const link = findLink(linkId);
      const completed = link.restrictions?.completed_sessions;
      if (completed && completed.count >= completed.limit) {
        throw new Error(`stripe fake: payment link '${linkId}' already has ${completed.count} completed session(s), its limit`);
      }
      const paymentIntent = freshId('pi_', () => false).id;
      const session = sessionRecord(link, newSessionId(link.livemode), 'complete', paymentIntent, sessionOptions);
      stripeFake.world.checkoutSessions[session.id] = session;
      if (completed) completed.count += 1;
      return session;
    },
    openSession: (linkId: string, sessionOptions: StripeSessionOptions = {}) => {
      const link = findLink(linkId);
      const session = sessionRecord(link, newSessionId(link.livemode), 'open', null, sessionOptions);
      stripeFake.world.checkoutSessions[session.id] = session;
      return session;
    },
    expireSession: (sessionId: string) => {
      const session = stripeFake.world.checkoutSessions[sessionId];
      if (!session) throw new Error(`stripe fake: no checkout session '${sessionId}' in the world`);
      if (session.status === 'complete') throw new Error(`stripe fake: checkout session '${sessionId}' is complete; it cannot expire`);
      session.status = 'expired';
      session.url = null;
      return session;
    },
  });
  return stripeFake;
}

/** `invoice_creation` as Stripe returns it on payment links and Checkout Sessions that create no invoice. */
function noInvoiceCreation() {
  return {
    enabled: false,
    invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null },
  };
}
