// stripe.credentials and stripe.onboarding through the real engine, the real provider and the real
// stripe SDK, against the Stripe protocol fake on loopback. Nothing of the product is mocked.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/config/load.js';
import { runChecks } from '../../src/engine/runner.js';
import type { CheckResult, RunReport } from '../../src/engine/types.js';
import { STRIPE_API_VERSION } from '../../src/providers/stripe.js';
import type { RecordedRequest } from '../fakes/http-fake.js';
import { STRIPE_ACCOUNTS, STRIPE_KEYS, startStripeFake, type StripeFake } from '../fakes/stripe.js';
import { catalog, declaredCodes, makeAccount, makeInvoice, registry, runOne } from '../helpers/factories.js';
import { MALFORMED_STRIPE_KEYS } from '../checks/stripe-fixtures.js';

const CREDENTIALS = 'stripe.credentials';
const ONBOARDING = 'stripe.onboarding';
const SECRET_FIELD = 'accounts.acme.payments.stripe.secret_key';
const REQUEST_ID = /\[request req_fake\d{10}\]/;

type StripeConfig = NonNullable<Account['payments']['stripe']>;

let fake: StripeFake;
/** every result any test produced: the code-coverage and secret-leak assertions at the end read it */
const seen: CheckResult[] = [];
/** values that are secrets but not in STRIPE_KEYS (the malformed ones): never echoed either */
const otherSecrets: string[] = [];

beforeAll(async () => {
  fake = await startStripeFake();
});
afterAll(async () => {
  await fake.close();
});

const stripeAccount = (stripe: StripeConfig | undefined, overrides: Partial<Account> = {}): Account =>
  makeAccount({ payments: { provider: 'stripe', stripe }, ...overrides });

/** a Stripe config pointing at the fake */
const viaFake = (secret_key: string, extra: Partial<StripeConfig> = {}): StripeConfig => ({ secret_key, api_base: fake.url, ...extra });

interface Run {
  r: CheckResult;
  /** the requests the fake received during this run */
  requests: RecordedRequest[];
}

/** One check (plus its dependencies) for one invoice of `account`, online unless told otherwise. */
async function check(id: string, account: Account, options: { offline?: boolean; timeoutMs?: number } = {}): Promise<Run> {
  const mark = fake.requests.length;
  const r = await runOne(id, makeInvoice(), account, { offline: options.offline ?? false, timeoutMs: options.timeoutMs ?? 5000 });
  seen.push(r);
  return { r, requests: fake.requests.slice(mark) };
}

/** Both Stripe checks for `perAccount` invoices of each account, in one run. */
async function runBoth(accounts: Account[], perAccount: number, concurrency: number): Promise<{ report: RunReport; requests: RecordedRequest[] }> {
  const mark = fake.requests.length;
  const invoices = accounts.flatMap((a) =>
    Array.from({ length: perAccount }, (_, i) => makeInvoice({ id: `INV-${a.id}-${i}`, number: `INV-${a.id}-${i}`, accountId: a.id })),
  );
  const report = await runChecks(registry, invoices, new Map(accounts.map((a) => [a.id, a])), catalog, {
    selected: registry.select(new Set([ONBOARDING]), new Set()),
    skipped: new Set(),
    offline: false,
    timeoutMs: 5000,
    strict: false,
    concurrency,
    verbose: false,
  });
  for (const inv of report.results) seen.push(...inv.checks);
  return { report, requests: fake.requests.slice(mark) };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('stripe.credentials', () => {
  describe('not configured', () => {
    it('fails STRIPE_NOT_CONFIGURED when secret_key is unset, without a request', async () => {
      for (const stripe of [undefined, {}, { secret_key: '' }, { secret_key: '   ', api_base: 'http://127.0.0.1:9' }]) {
        const { r, requests } = await check(CREDENTIALS, stripeAccount(stripe));
        expect(r.status).toBe('fail');
        expect(r.code).toBe('STRIPE_NOT_CONFIGURED');
        expect(r.message).toBe(`No Stripe secret key: ${SECRET_FIELD} is empty.`);
        expect(r.data).toEqual({ field: 'payments.stripe.secret_key' });
        expect(r.remediation.length).toBeGreaterThan(0);
        expect(requests).toEqual([]);
      }
    });

    it('names the unset environment variable the key is read from', async () => {
      const account = stripeAccount({ api_base: fake.url }, { unsetEnv: { 'payments.stripe.secret_key': 'STRIPE_SECRET_KEY' } });
      const { r, requests } = await check(CREDENTIALS, account);
      expect(r.status).toBe('fail');
      expect(r.code).toBe('STRIPE_NOT_CONFIGURED');
      expect(r.message).toBe(`No Stripe secret key: ${SECRET_FIELD} (read from \${STRIPE_SECRET_KEY}, which is not set in the environment) is empty.`);
      expect(r.data).toEqual({ field: 'payments.stripe.secret_key', variable: 'STRIPE_SECRET_KEY' });
      expect(requests).toEqual([]);
    });

    it('offline with no key: STRIPE_NOT_CONFIGURED naming the variable (an unset key is known without the network)', async () => {
      const account = stripeAccount({}, { unsetEnv: { 'payments.stripe.secret_key': 'STRIPE_SECRET_KEY' } });
      const { r, requests } = await check(CREDENTIALS, account, { offline: true });
      expect(r.status).toBe('fail');
      expect(r.code).toBe('STRIPE_NOT_CONFIGURED');
      expect(r.message).toContain('${STRIPE_SECRET_KEY}');
      expect(r.remediation.length).toBeGreaterThan(0);
      expect(requests).toEqual([]);
    });

    it('offline with a well-formed key: skip (reason offline) naming its mode and kind, without a request', async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.restricted)), { offline: true });
      expect(r.status).toBe('skip');
      expect(r.message).toBe('Skipped: needs the network, and --offline was given (the key is a well-formed test-mode restricted key; Stripe was not asked whether it accepts it).');
      expect(r.data).toEqual({ reason: 'offline', mode: 'test', keyKind: 'restricted' });
      expect(requests).toEqual([]);
    });
  });

  describe('malformed keys never reach Stripe', () => {
    it.each(MALFORMED_STRIPE_KEYS)('%s → STRIPE_KEY_MALFORMED', async (_what, key, why) => {
      otherSecrets.push(key);
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(key)));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('STRIPE_KEY_MALFORMED');
      expect(r.message).toMatch(new RegExp(`^${SECRET_FIELD.replaceAll('.', '\\.')} is not a usable Stripe key: `));
      expect(r.message).toContain(why);
      expect(r.message).not.toContain(key);
      expect(r.data).toEqual({ field: 'payments.stripe.secret_key' });
      expect(requests).toEqual([]);
    });
  });

  describe('answers from Stripe', () => {
    it('fails STRIPE_AUTH_FAILED for a revoked key, naming the setting but never the key', async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.revoked)));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('STRIPE_AUTH_FAILED');
      expect(r.message).toContain(`Stripe rejected the test-mode secret key in ${SECRET_FIELD} (HTTP 401: Invalid API Key provided: sk_test_********oked`);
      expect(r.message).toMatch(REQUEST_ID);
      expect(r.message).not.toContain(STRIPE_KEYS.revoked);
      expect(r.data).toMatchObject({ mode: 'test', keyKind: 'secret', host: '127.0.0.1', status: 401 });
      expect(r.data.requestId).toMatch(/^req_fake/);
      // a 401 is an answer: not retried
      expect(requests.map((q) => q.path)).toEqual(['/v1/account']);
    });

    it('fails STRIPE_PERMISSION_DENIED for a restricted key without the accounts read permission', async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.noAccess)));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('STRIPE_PERMISSION_DENIED');
      expect(r.message).toContain("The restricted key may not read the key's own account (HTTP 403: ");
      expect(r.message).toContain("Having the 'rak_accounts_kyc_basic_read' permission would allow this request to continue.");
      expect(r.message).not.toContain(STRIPE_KEYS.noAccess);
      expect(r.data).toMatchObject({ mode: 'test', keyKind: 'restricted', host: '127.0.0.1', status: 403 });
      expect(requests).toHaveLength(1);
    });

    it('fails STRIPE_ACCOUNT_NOT_FOUND for a connected account Stripe does not have', async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.good, { account: STRIPE_ACCOUNTS.missing })));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('STRIPE_ACCOUNT_NOT_FOUND');
      expect(r.message).toContain(`Stripe has no account ${STRIPE_ACCOUNTS.missing} reachable with this test-mode key (HTTP 404, code resource_missing: No such account: '${STRIPE_ACCOUNTS.missing}'`);
      expect(r.message).toMatch(REQUEST_ID);
      expect(r.data).toMatchObject({ mode: 'test', keyKind: 'secret', account: STRIPE_ACCOUNTS.missing, host: '127.0.0.1', status: 404 });
      expect(requests.map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v1/accounts/${STRIPE_ACCOUNTS.missing}`]);
    });

    it('warns STRIPE_RESTRICTED_KEY for a restricted key that can read the account', async () => {
      const { r } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.restricted)));
      expect(r.status).toBe('warn');
      expect(r.code).toBe('STRIPE_RESTRICTED_KEY');
      expect(r.message).toBe(
        `Test-mode restricted key accepted; account ${STRIPE_ACCOUNTS.complete} (Fake Complete LLC). It is a restricted key: reading the account works; whether it may create payment links is proven only at send.`,
      );
      expect(r.data).toEqual({ mode: 'test', keyKind: 'restricted', host: '127.0.0.1', accountId: STRIPE_ACCOUNTS.complete, displayName: 'Fake Complete LLC' });
    });

    it('warns STRIPE_MODE_MISMATCH for a live key sent somewhere that is not Stripe', async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.live)));
      expect(r.status).toBe('warn');
      expect(r.code).toBe('STRIPE_MODE_MISMATCH');
      expect(r.message).toBe(
        `Live-mode secret key accepted; account ${STRIPE_ACCOUNTS.complete} (Fake Complete LLC). But it is a live key sent to 127.0.0.1, which is not Stripe: use a test key with a mock or proxy.`,
      );
      expect(r.data).toEqual({ mode: 'live', keyKind: 'secret', host: '127.0.0.1', accountId: STRIPE_ACCOUNTS.complete, displayName: 'Fake Complete LLC' });
      expect(requests).toHaveLength(1);
    });

    it("passes a good test key against the fake, reading the key's own account (GET /v1/account)", async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.good)));
      expect(r.status).toBe('pass');
      expect(r.code).toBeUndefined();
      expect(r.message).toBe(`Test-mode secret key accepted; account ${STRIPE_ACCOUNTS.complete} (Fake Complete LLC).`);
      expect(r.data).toEqual({ mode: 'test', keyKind: 'secret', host: '127.0.0.1', accountId: STRIPE_ACCOUNTS.complete, displayName: 'Fake Complete LLC' });
      expect(r.remediation).toEqual([]);
      expect(requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /v1/account']);
      expect(requests[0]!.headers.authorization).toBe(`Bearer ${STRIPE_KEYS.good}`);
      expect(requests[0]!.headers['stripe-account']).toBeUndefined();
    });

    it('passes a connected account, read at GET /v1/accounts/acct_… (not /v1/account)', async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.good, { account: STRIPE_ACCOUNTS.eventuallyDue })));
      expect(r.status).toBe('pass');
      expect(r.message).toBe(`Test-mode secret key accepted; connected account ${STRIPE_ACCOUNTS.eventuallyDue} (Fake Eventually Due LLC).`);
      expect(r.data).toEqual({
        mode: 'test', keyKind: 'secret', account: STRIPE_ACCOUNTS.eventuallyDue, host: '127.0.0.1',
        accountId: STRIPE_ACCOUNTS.eventuallyDue, displayName: 'Fake Eventually Due LLC',
      });
      expect(requests.map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v1/accounts/${STRIPE_ACCOUNTS.eventuallyDue}`]);
    });
  });

  describe('Stripe unavailable → error (could not determine), never pass or fail', () => {
    const ownAccount = "Could not read the key's own account from Stripe (127.0.0.1): ";

    it('429: STRIPE_UNAVAILABLE with Retry-After, not retried (stripe-should-retry: false)', async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.rateLimited)));
      expect(r.status).toBe('error');
      expect(r.code).toBe('STRIPE_UNAVAILABLE');
      expect(r.message).toContain(`${ownAccount}HTTP 429, code rate_limit: Request rate limit exceeded.`);
      expect(r.message).toContain('(retry after 1 s)');
      expect(r.message).toMatch(REQUEST_ID);
      expect(r.data).toEqual({ mode: 'test', keyKind: 'secret', host: '127.0.0.1', fault: 'rate_limited', status: 429, code: 'rate_limit', retryAfter: 1 });
      expect(r.remediation.length).toBeGreaterThan(0);
      expect(requests).toHaveLength(1);
    });

    it('500: STRIPE_UNAVAILABLE after one retry (2 requests)', async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.serverError)));
      expect(r.status).toBe('error');
      expect(r.code).toBe('STRIPE_UNAVAILABLE');
      expect(r.message).toContain(`${ownAccount}HTTP 500: An unknown error occurred.`);
      expect(r.data).toEqual({ mode: 'test', keyKind: 'secret', host: '127.0.0.1', fault: 'server', status: 500 });
      expect(requests.map((q) => q.path)).toEqual(['/v1/account', '/v1/account']);
    });

    it("a hang: the SDK's per-attempt timeout fires inside the check's budget → STRIPE_UNAVAILABLE (timeout), not CHECK_TIMEOUT", async () => {
      // timeoutMs 6000 → per attempt floor((6000 - 1000) / 2) = 2500 ms; 2500 + 500 (SDK back-off) + 2500 < 6000.
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.slow)), { timeoutMs: 6000 });
      expect(r.status).toBe('error');
      expect(r.code).toBe('STRIPE_UNAVAILABLE');
      expect(r.message).toBe(`${ownAccount}no answer from Stripe in time (Request aborted due to timeout being reached (2500ms)).`);
      expect(r.data).toEqual({ mode: 'test', keyKind: 'secret', host: '127.0.0.1', fault: 'timeout' });
      expect(requests).toHaveLength(2);
    });

    it('a connection reset: STRIPE_UNAVAILABLE (network, ECONNRESET) after one retry', async () => {
      const { r, requests } = await check(CREDENTIALS, stripeAccount(viaFake(STRIPE_KEYS.reset)));
      expect(r.status).toBe('error');
      expect(r.code).toBe('STRIPE_UNAVAILABLE');
      expect(r.message).toBe(`${ownAccount}code ECONNRESET: Stripe could not be reached: connection reset.`);
      expect(r.data).toEqual({ mode: 'test', keyKind: 'secret', host: '127.0.0.1', fault: 'network', code: 'ECONNRESET' });
      expect(requests).toHaveLength(2);
    });

    it('a closed port: STRIPE_UNAVAILABLE (network, ECONNREFUSED)', async () => {
      const port = await closedPort();
      const account = stripeAccount({ secret_key: STRIPE_KEYS.good, api_base: `http://127.0.0.1:${port}`, account: STRIPE_ACCOUNTS.complete });
      const { r, requests } = await check(CREDENTIALS, account);
      expect(r.status).toBe('error');
      expect(r.code).toBe('STRIPE_UNAVAILABLE');
      expect(r.message).toBe(`Could not read connected account ${STRIPE_ACCOUNTS.complete} from Stripe (127.0.0.1): code ECONNREFUSED: Stripe could not be reached: connection refused.`);
      expect(r.data).toEqual({ mode: 'test', keyKind: 'secret', account: STRIPE_ACCOUNTS.complete, host: '127.0.0.1', fault: 'network', code: 'ECONNREFUSED' });
      expect(requests).toEqual([]);
    });
  });

  // A key pasted with a final line break (a .env or secret file) is the same key: it is trimmed before
  // use, not sent raw into the Authorization header (which Node refuses with ERR_INVALID_CHAR).
  it('a key with a trailing line break is used trimmed', async () => {
    const { r } = await check(CREDENTIALS, stripeAccount(viaFake(`${STRIPE_KEYS.good}\n`)));
    expect(r.status).toBe('pass');
  });
});

describe('stripe.onboarding', () => {
  const scenarios = [
    {
      scenario: 'notSubmitted', status: 'fail', code: 'STRIPE_ONBOARDING_INCOMPLETE',
      message: `Stripe onboarding for ${STRIPE_ACCOUNTS.notSubmitted} was never completed (details_submitted is false); still needed: business_profile.url, external_account, representative.first_name, tos_acceptance.date, tos_acceptance.ip. Also: The card_payments capability of ${STRIPE_ACCOUNTS.notSubmitted} is inactive, so a payment link cannot take cards. (STRIPE_CARD_PAYMENTS_INACTIVE)`,
      findings: ['STRIPE_ONBOARDING_INCOMPLETE', 'STRIPE_CARD_PAYMENTS_INACTIVE'],
      data: { detailsSubmitted: false, chargesEnabled: false, payoutsEnabled: false, disabledReason: 'requirements.past_due', cardPayments: 'inactive' },
    },
    {
      scenario: 'requirementsDue', status: 'fail', code: 'STRIPE_REQUIREMENTS_DUE',
      message: `Stripe needs more information for ${STRIPE_ACCOUNTS.requirementsDue}, due now by 2030-01-01: individual.verification.document, external_account.`,
      findings: ['STRIPE_REQUIREMENTS_DUE'],
      data: { currentlyDue: ['individual.verification.document', 'external_account'], pastDue: [], eventuallyDue: [], currentDeadline: '2030-01-01', chargesEnabled: true },
    },
    {
      scenario: 'pastDue', status: 'fail', code: 'STRIPE_REQUIREMENTS_DUE',
      message: `Stripe needs more information for ${STRIPE_ACCOUNTS.pastDue}, past due (payments are blocked until provided): individual.verification.document (disabled_reason requirements.past_due). Also: The card_payments capability of ${STRIPE_ACCOUNTS.pastDue} is inactive, so a payment link cannot take cards. (STRIPE_CARD_PAYMENTS_INACTIVE)`,
      findings: ['STRIPE_REQUIREMENTS_DUE', 'STRIPE_CARD_PAYMENTS_INACTIVE'],
      data: { pastDue: ['individual.verification.document'], disabledReason: 'requirements.past_due', chargesEnabled: false },
    },
    {
      scenario: 'disabled', status: 'fail', code: 'STRIPE_ACCOUNT_DISABLED',
      message: `Stripe has disabled ${STRIPE_ACCOUNTS.disabled}: Stripe rejected the account for suspected fraud (disabled_reason rejected.fraud). Also: The card_payments capability of ${STRIPE_ACCOUNTS.disabled} is inactive, so a payment link cannot take cards. (STRIPE_CARD_PAYMENTS_INACTIVE)`,
      findings: ['STRIPE_ACCOUNT_DISABLED', 'STRIPE_CARD_PAYMENTS_INACTIVE'],
      data: { disabledReason: 'rejected.fraud', chargesEnabled: false, payoutsEnabled: false },
    },
    {
      scenario: 'unknownDisabled', status: 'fail', code: 'STRIPE_ACCOUNT_DISABLED',
      message: `Stripe has disabled ${STRIPE_ACCOUNTS.unknownDisabled}: for a reason this version of invoice-doctor does not know (disabled_reason something.new).`,
      findings: ['STRIPE_ACCOUNT_DISABLED'],
      data: { disabledReason: 'something.new', chargesEnabled: false, cardPayments: 'active' },
    },
    {
      scenario: 'chargesDisabled', status: 'fail', code: 'STRIPE_CHARGES_DISABLED',
      message: `${STRIPE_ACCOUNTS.chargesDisabled} cannot take charges (charges_enabled is false), though nothing is listed as due.`,
      findings: ['STRIPE_CHARGES_DISABLED'],
      data: { chargesEnabled: false, payoutsEnabled: true, disabledReason: null, currentlyDue: [], pastDue: [] },
    },
    {
      scenario: 'cardInactive', status: 'fail', code: 'STRIPE_CARD_PAYMENTS_INACTIVE',
      message: `The card_payments capability of ${STRIPE_ACCOUNTS.cardInactive} is inactive, so a payment link cannot take cards.`,
      findings: ['STRIPE_CARD_PAYMENTS_INACTIVE'],
      data: { cardPayments: 'inactive', chargesEnabled: true },
    },
    {
      scenario: 'cardPending', status: 'fail', code: 'STRIPE_CARD_PAYMENTS_INACTIVE',
      message: `The card_payments capability of ${STRIPE_ACCOUNTS.cardPending} is pending, so a payment link cannot take cards.`,
      findings: ['STRIPE_CARD_PAYMENTS_INACTIVE'],
      data: { cardPayments: 'pending' },
    },
    {
      scenario: 'eventuallyDue', status: 'warn', code: 'STRIPE_REQUIREMENTS_EVENTUALLY_DUE',
      message: `Stripe will need more information for ${STRIPE_ACCOUNTS.eventuallyDue} later: company.tax_id.`,
      findings: ['STRIPE_REQUIREMENTS_EVENTUALLY_DUE'],
      data: { eventuallyDue: ['company.tax_id'], currentlyDue: [], pastDue: [] },
    },
    {
      scenario: 'payoutsDisabled', status: 'warn', code: 'STRIPE_PAYOUTS_DISABLED',
      message: `${STRIPE_ACCOUNTS.payoutsDisabled} can take payments but payouts are disabled: money collected stays in the Stripe balance.`,
      findings: ['STRIPE_PAYOUTS_DISABLED'],
      data: { payoutsEnabled: false, chargesEnabled: true },
    },
  ] as const;

  describe.each(scenarios)('$scenario → $status $code', ({ scenario, status, code, message, findings, data }) => {
    const expectOutcome = (r: CheckResult, id: string) => {
      expect(r.status).toBe(status);
      expect(r.code).toBe(code);
      expect(r.message).toBe(message);
      expect(r.data).toMatchObject({ account: id, ...data });
      expect((r.data.findings as { code: string }[]).map((f) => f.code)).toEqual(findings);
      expect(r.blockedBy).toEqual([]);
      expect(r.remediation.length).toBeGreaterThan(0);
    };

    it("as the key's own account", async () => {
      const id = STRIPE_ACCOUNTS[scenario];
      const { r, requests } = await check(ONBOARDING, stripeAccount(viaFake(STRIPE_KEYS[scenario])));
      expectOutcome(r, id);
      expect(requests.map((q) => q.path)).toEqual(['/v1/account']);
    });

    it('as a connected account', async () => {
      const id = STRIPE_ACCOUNTS[scenario];
      const { r, requests } = await check(ONBOARDING, stripeAccount(viaFake(STRIPE_KEYS.good, { account: id })));
      expectOutcome(r, id);
      expect(requests.map((q) => q.path)).toEqual([`/v1/accounts/${id}`]);
    });
  });

  it('complete → pass, with the account facts as data', async () => {
    const { r, requests } = await check(ONBOARDING, stripeAccount(viaFake(STRIPE_KEYS.good)));
    expect(r.status).toBe('pass');
    expect(r.code).toBeUndefined();
    expect(r.message).toBe(`${STRIPE_ACCOUNTS.complete}: onboarding complete, charges and payouts enabled, card payments active.`);
    expect(r.data).toEqual({
      account: STRIPE_ACCOUNTS.complete,
      detailsSubmitted: true,
      chargesEnabled: true,
      payoutsEnabled: true,
      disabledReason: null,
      currentlyDue: [],
      pastDue: [],
      eventuallyDue: [],
      cardPayments: 'active',
      errors: [],
    });
    expect(r.remediation).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('runs after a credentials warning (restricted key): warn is not a blocker', async () => {
    const { r } = await check(ONBOARDING, stripeAccount(viaFake(STRIPE_KEYS.restricted)));
    expect(r.status).toBe('pass');
    expect(r.blockedBy).toEqual([]);
  });

  it.each([
    ['revoked key (fail)', STRIPE_KEYS.revoked, 'Blocked: stripe.credentials failed.'],
    ['rate limited (error)', STRIPE_KEYS.rateLimited, 'Blocked: stripe.credentials could not be determined.'],
  ])('is blocked by stripe.credentials: %s', async (_what, key, message) => {
    const { r, requests } = await check(ONBOARDING, stripeAccount(viaFake(key)));
    expect(r.status).toBe('skip');
    expect(r.code).toBeUndefined();
    expect(r.message).toBe(message);
    expect(r.blockedBy).toEqual([CREDENTIALS]);
    expect(r.data).toEqual({ reason: 'blocked' });
    // the dependency's read is the only one: onboarding does not read again
    expect(requests).toHaveLength(1);
  });

  it('is blocked without any request when no key is configured', async () => {
    const { r, requests } = await check(ONBOARDING, stripeAccount({ api_base: fake.url }));
    expect(r.status).toBe('skip');
    expect(r.blockedBy).toEqual([CREDENTIALS]);
    expect(r.message).toBe('Blocked: stripe.credentials failed.');
    expect(requests).toEqual([]);
  });

  it('offline: skip (reason offline), not blocked', async () => {
    const { r, requests } = await check(ONBOARDING, stripeAccount(viaFake(STRIPE_KEYS.good)), { offline: true });
    expect(r.status).toBe('skip');
    expect(r.data).toEqual({ reason: 'offline' });
    expect(r.blockedBy).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe('payments.provider none', () => {
  it.each([CREDENTIALS, ONBOARDING])('%s → skip not_applicable, without a request', async (id) => {
    const account = makeAccount({ payments: { provider: 'none', stripe: viaFake(STRIPE_KEYS.revoked) } });
    const { r, requests } = await check(id, account);
    expect(r.status).toBe('skip');
    expect(r.code).toBeUndefined();
    expect(r.message).toBe('Not applicable: payments are off for this account (payments.provider: none), so no payment link is sent.');
    expect(r.data).toEqual({ reason: 'not_applicable' });
    expect(r.blockedBy).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe('one Stripe read per account per run', () => {
  it('both checks for one account: one request', async () => {
    const { report, requests } = await runBoth([stripeAccount(viaFake(STRIPE_KEYS.payoutsDisabled))], 1, 1);
    const checks = report.results[0]!.checks;
    expect(checks.map((c) => [c.id, c.status, c.code])).toEqual([
      [CREDENTIALS, 'pass', undefined],
      [ONBOARDING, 'warn', 'STRIPE_PAYOUTS_DISABLED'],
    ]);
    expect(requests).toHaveLength(1);
  });

  it('five invoices of one account, checked concurrently: still one request, the same results for each', async () => {
    const { report, requests } = await runBoth([stripeAccount(viaFake(STRIPE_KEYS.good, { account: STRIPE_ACCOUNTS.requirementsDue }))], 5, 5);
    expect(report.results).toHaveLength(5);
    for (const inv of report.results) {
      expect(inv.checks.map((c) => [c.id, c.status, c.code])).toEqual([
        [CREDENTIALS, 'pass', undefined],
        [ONBOARDING, 'fail', 'STRIPE_REQUIREMENTS_DUE'],
      ]);
    }
    expect(requests.map((q) => q.path)).toEqual([`/v1/accounts/${STRIPE_ACCOUNTS.requirementsDue}`]);
  });

  it('a failing read is not repeated either (five invoices, revoked key: one request)', async () => {
    const { report, requests } = await runBoth([stripeAccount(viaFake(STRIPE_KEYS.revoked))], 5, 5);
    for (const inv of report.results) {
      expect(inv.checks.map((c) => [c.id, c.status, c.code ?? c.blockedBy.join()])).toEqual([
        [CREDENTIALS, 'fail', 'STRIPE_AUTH_FAILED'],
        [ONBOARDING, 'skip', CREDENTIALS],
      ]);
    }
    expect(requests).toHaveLength(1);
  });

  it('two accounts: one request each, each with its own key', async () => {
    const a = stripeAccount(viaFake(STRIPE_KEYS.good), { id: 'acme' });
    const b = stripeAccount(viaFake(STRIPE_KEYS.cardPending), { id: 'globex' });
    const { report, requests } = await runBoth([a, b], 3, 3);
    expect(report.results.map((inv) => [inv.invoice.account, inv.checks.find((c) => c.id === ONBOARDING)!.code ?? 'pass'])).toEqual([
      ['acme', 'pass'], ['acme', 'pass'], ['acme', 'pass'],
      ['globex', 'STRIPE_CARD_PAYMENTS_INACTIVE'], ['globex', 'STRIPE_CARD_PAYMENTS_INACTIVE'], ['globex', 'STRIPE_CARD_PAYMENTS_INACTIVE'],
    ]);
    expect(requests).toHaveLength(2);
    expect(requests.map((q) => q.headers.authorization).sort()).toEqual([`Bearer ${STRIPE_KEYS.cardPending}`, `Bearer ${STRIPE_KEYS.good}`]);
  });
});

// These read what every test above recorded, so they run last (vitest keeps file order).
describe('across every scenario above', () => {
  it('reaches every declared code of both checks', () => {
    for (const id of [CREDENTIALS, ONBOARDING]) {
      const codes = new Set(seen.filter((r) => r.id === id && r.code).map((r) => r.code!));
      expect([...codes].sort()).toEqual(declaredCodes(id));
    }
  });

  it('never wrote to Stripe', () => {
    expect(fake.requests.length).toBeGreaterThan(40);
    expect(fake.writes()).toEqual([]);
    expect(new Set(fake.requests.map((q) => q.method))).toEqual(new Set(['GET']));
  });

  it('never put a key in a result', () => {
    expect(seen.length).toBeGreaterThan(50);
    const secrets = [...Object.values(STRIPE_KEYS), ...otherSecrets];
    for (const r of seen) {
      const json = JSON.stringify(r);
      for (const secret of secrets) expect(json, `${r.id} ${r.code}`).not.toContain(secret);
    }
  });

  it('pinned the API version: every request carried Stripe-Version STRIPE_API_VERSION', () => {
    expect(STRIPE_API_VERSION).toBe('2026-10-28.endive');
    expect(new Set(fake.stripeVersions())).toEqual(new Set([STRIPE_API_VERSION]));
  });
});
