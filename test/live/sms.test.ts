// sms.account, sms.sender and sms.a2p through the real engine, the real Twilio provider and the real twilio SDK,
// against the stateful Twilio fake on loopback (test/fakes/twilio.ts). Nothing of the product is mocked.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/config/load.js';
import { runChecks } from '../../src/engine/runner.js';
import type { CheckResult, InvoiceReport } from '../../src/engine/types.js';
import type { Invoice } from '../../src/data/model.js';
import { catalog, declaredCodes, makeAccount, makeInvoice, registry, runOne } from '../helpers/factories.js';
import {
  TWILIO_NUMBER_SIDS,
  TWILIO_NUMBERS,
  TWILIO_SERVICES,
  TWILIO_SIDS,
  TWILIO_TOKEN,
  defaultTwilioWorld,
  startTwilioFake,
  type TwilioAccountRecord,
  type TwilioFake,
} from '../fakes/twilio.js';

const N = TWILIO_NUMBERS;
const S = TWILIO_SERVICES;
/** US mobile (Lookup fixture); libphonenumber: US, valid */
const US_RECIPIENT = '+14155552671';
const IE_RECIPIENT = '+353871234567';
const WRONG_TOKEN = 'wrong_token_feedfacecafe0123456789';

/** Accounts added to the fake's world: active, except that requests whose path matches answer 5xx/429. */
const FLAKY = {
  senderNumber: 'ACfa4e00000000000000000000000000f1',
  senderService: 'ACfa4e00000000000000000000000000f2',
  senderServiceNumbers: 'ACfa4e00000000000000000000000000f3',
  brands: 'ACfa4e00000000000000000000000000f4',
  campaigns: 'ACfa4e00000000000000000000000000f5',
  tollfree: 'ACfa4e00000000000000000000000000f6',
} as const;

let fake: TwilioFake;
let closedPort: number;
/** every result any test saw, for the "no token anywhere" assertion */
const seen: CheckResult[] = [];
const declaredSeen = new Map<string, Set<string>>();

beforeAll(async () => {
  fake = await startTwilioFake();
  const world = defaultTwilioWorld();
  const flaky = (sid: string, failing: RegExp, behavior: 'serverError' | 'rateLimited'): TwilioAccountRecord => {
    const record: TwilioAccountRecord = { ...world.accounts[TWILIO_SIDS.active]!, sid, friendlyName: `flaky (${failing})` };
    // The fake reads `behavior` per request, right after recording it: fail only the matching resource.
    Object.defineProperty(record, 'behavior', { get: () => (failing.test(fake.requests.at(-1)?.path ?? '') ? behavior : 'normal') });
    return record;
  };
  const add = (r: TwilioAccountRecord) => (fake.world.accounts[r.sid] = r);
  add(flaky(FLAKY.senderNumber, /IncomingPhoneNumbers/, 'serverError'));
  add(flaky(FLAKY.senderService, /^\/v1\/Services\/MG[0-9a-f]+$/, 'serverError'));
  add(flaky(FLAKY.senderServiceNumbers, /\/PhoneNumbers$/, 'rateLimited'));
  add(flaky(FLAKY.brands, /BrandRegistrations/, 'serverError'));
  add(flaky(FLAKY.campaigns, /Usa2p/, 'serverError'));
  add(flaky(FLAKY.tollfree, /Tollfree/, 'rateLimited'));
  // a port with nothing listening on it
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  await fake?.close();
});

interface TwilioSettings {
  sid?: string;
  token?: string;
  service?: string;
  from?: string;
  apiBase?: string;
}

function account(t: TwilioSettings = {}, overrides: Partial<Account> = {}): Account {
  const twilio: NonNullable<NonNullable<Account['sms']>['twilio']> = {
    account_sid: t.sid ?? TWILIO_SIDS.active,
    auth_token: t.token ?? TWILIO_TOKEN,
    api_base: t.apiBase ?? fake.url,
  };
  if (t.service !== undefined) twilio.messaging_service_sid = t.service;
  if (t.from !== undefined) twilio.from = t.from;
  return makeAccount({ sms: { transport: 'twilio', twilio }, ...overrides });
}

function invoice(phone = US_RECIPIENT): Invoice {
  return makeInvoice({ customer: { phone } });
}

async function run(checkId: string, acct: Account, inv: Invoice = invoice(), options: { offline?: boolean; timeoutMs?: number } = {}) {
  const r = await runOne(checkId, inv, acct, { offline: false, timeoutMs: 5000, ...options });
  seen.push(r);
  if (r.code) {
    if (!declaredSeen.has(checkId)) declaredSeen.set(checkId, new Set());
    declaredSeen.get(checkId)!.add(r.code);
  }
  return r;
}

/** Runs checkId for several invoices of one account in one run (as the CLI does), returning every report. */
async function runMany(checkId: string, acct: Account, invoices: Invoice[], concurrency = 4): Promise<InvoiceReport[]> {
  const report = await runChecks(registry, invoices.map((i) => ({ ...i, accountId: acct.id })), new Map([[acct.id, acct]]), catalog, {
    selected: registry.select(new Set([checkId]), new Set()),
    skipped: new Set(),
    offline: false,
    timeoutMs: 5000,
    strict: false,
    concurrency,
    verbose: false,
  });
  for (const r of report.results) seen.push(...r.checks);
  return report.results;
}

const accountPath = (sid: string) => `/2010-04-01/Accounts/${sid}.json`;
const numbersPath = (sid: string) => `/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json`;

// ---------------------------------------------------------------------------------------------------------------

describe('sms.account', () => {
  const ID = 'sms.account';

  it('passes for an active full account', async () => {
    const r = await run(ID, account());
    expect(r.status).toBe('pass');
    expect(r.code).toBeUndefined();
    expect(r.message).toContain(TWILIO_SIDS.active);
    expect(r.message).toContain('is active');
    expect(r.data).toEqual({ accountSid: TWILIO_SIDS.active, status: 'active', type: 'Full', friendlyName: 'invoice-doctor fake (active)' });
    expect(r.remediation).toEqual([]);
  });

  it('warns TWILIO_TRIAL for a trial account', async () => {
    const r = await run(ID, account({ sid: TWILIO_SIDS.trial }));
    expect(r.status).toBe('warn');
    expect(r.code).toBe('TWILIO_TRIAL');
    expect(r.message).toContain('trial account');
    expect(r.message).toContain('21608');
    expect(r.message).toContain('Sent from your Twilio trial account');
    expect(r.data).toMatchObject({ accountSid: TWILIO_SIDS.trial, status: 'active', type: 'Trial' });
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('fails TWILIO_ACCOUNT_SUSPENDED for a suspended account', async () => {
    const r = await run(ID, account({ sid: TWILIO_SIDS.suspended }));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('TWILIO_ACCOUNT_SUSPENDED');
    expect(r.message).toContain('is suspended');
    expect(r.message).toContain('30002');
    expect(r.data).toMatchObject({ accountSid: TWILIO_SIDS.suspended, status: 'suspended', type: 'Full' });
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('a closed account: Twilio answers 401 20003 like a wrong token, so the product reports TWILIO_AUTH_FAILED and says it may be closed', async () => {
    const r = await run(ID, account({ sid: TWILIO_SIDS.closed }));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('TWILIO_AUTH_FAILED');
    expect(r.message).toContain(TWILIO_SIDS.closed);
    expect(r.message).toContain('HTTP 401, code 20003');
    expect(r.message).toContain('also for a suspended or closed account');
    expect(r.data).toEqual({ accountSid: TWILIO_SIDS.closed, status: 401, code: 20003 });
  });

  it('fails TWILIO_ACCOUNT_CLOSED when Twilio does return the account with status closed', async () => {
    // Twilio's real answer for a closed account's own credentials is 401; a parent account (or an API key of
    // it) can still read a closed subaccount with status "closed". Here: the `closed` world account answering
    // normally, which is what such a read returns.
    const record = fake.world.accounts[TWILIO_SIDS.closed]!;
    record.behavior = 'normal';
    try {
      const r = await run(ID, account({ sid: TWILIO_SIDS.closed }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('TWILIO_ACCOUNT_CLOSED');
      expect(r.message).toContain('is closed');
      expect(r.data).toMatchObject({ accountSid: TWILIO_SIDS.closed, status: 'closed' });
    } finally {
      record.behavior = 'unauthenticated';
    }
  });

  it('fails TWILIO_AUTH_FAILED for a wrong auth token, never echoing the token', async () => {
    const r = await run(ID, account({ token: WRONG_TOKEN }));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('TWILIO_AUTH_FAILED');
    expect(r.message).toContain(`accounts.acme.sms.twilio.account_sid ${TWILIO_SIDS.active}`);
    expect(r.message).toContain('20003');
    expect(r.data).toEqual({ accountSid: TWILIO_SIDS.active, status: 401, code: 20003 });
    expect(JSON.stringify(r)).not.toContain(WRONG_TOKEN);
    expect(JSON.stringify(r)).not.toContain(TWILIO_TOKEN);
  });

  describe('TWILIO_NOT_CONFIGURED', () => {
    it('for a malformed Account SID, without asking Twilio', async () => {
      const before = fake.requests.length;
      const r = await run(ID, account({ sid: 'AC123' }));
      expect(r.code).toBe('TWILIO_NOT_CONFIGURED');
      expect(r.message).toContain('not an Account SID');
      expect(fake.requests.length).toBe(before);
    });
  });

  describe('TWILIO_UNAVAILABLE (error, not fail)', () => {
    it('on 429', async () => {
      const r = await run(ID, account({ sid: TWILIO_SIDS.rateLimited }));
      expect(r.status).toBe('error');
      expect(r.code).toBe('TWILIO_UNAVAILABLE');
      expect(r.message).toContain('HTTP 429, code 20429');
      expect(r.data).toEqual({ accountSid: TWILIO_SIDS.rateLimited, fault: 'rate_limited', status: 429, code: 20429 });
    });

    it('on 500', async () => {
      const r = await run(ID, account({ sid: TWILIO_SIDS.serverError }));
      expect(r.status).toBe('error');
      expect(r.code).toBe('TWILIO_UNAVAILABLE');
      expect(r.message).toContain('HTTP 500, code 20500');
      expect(r.data).toEqual({ accountSid: TWILIO_SIDS.serverError, fault: 'server', status: 500, code: 20500 });
    });

    it('when Twilio never answers: the SDK times out within the check timeout', async () => {
      // TWILIO_UNAVAILABLE (timeout), not the runner's CHECK_TIMEOUT: the SDK's timeout is set below the check's.
      const r = await run(ID, account({ sid: TWILIO_SIDS.hang }), invoice(), { timeoutMs: 3000 });
      expect(r.status).toBe('error');
      expect(r.code).toBe('TWILIO_UNAVAILABLE');
      expect(r.message).toContain('no answer from Twilio in time');
      expect(r.data).toMatchObject({ accountSid: TWILIO_SIDS.hang, fault: 'timeout' });
      expect(fake.count(accountPath(TWILIO_SIDS.hang))).toBeGreaterThan(0);
    });

    it('when nothing listens on api_base', async () => {
      const r = await run(ID, account({ apiBase: `http://127.0.0.1:${closedPort}` }));
      expect(r.status).toBe('error');
      expect(r.code).toBe('TWILIO_UNAVAILABLE');
      expect(r.message).toContain('connection refused');
      expect(r.data).toMatchObject({ fault: 'network', code: 'ECONNREFUSED' });
    });
  });

  it('skips offline without asking Twilio', async () => {
    const before = fake.requests.length;
    const r = await run(ID, account(), invoice(), { offline: true });
    expect(r.status).toBe('skip');
    expect(r.data).toEqual({ reason: 'offline', service: 'Twilio' });
    expect(fake.requests.length).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('sms.sender', () => {
  const ID = 'sms.sender';

  it('passes with a messaging service that has numbers', async () => {
    const r = await run(ID, account({ service: S.good }));
    expect(r.status).toBe('pass');
    expect(r.message).toBe(`Messaging service ${S.good} (Invoices) sends from ${N.usLocal}.`);
    expect(r.data).toMatchObject({ messagingServiceSid: S.good, serviceNumbers: [N.usLocal], service: { sid: S.good, friendlyName: 'Invoices', usAppToPersonRegistered: true } });
  });

  it('passes with an owned, SMS-capable from number', async () => {
    const r = await run(ID, account({ from: N.usLocal }));
    expect(r.status).toBe('pass');
    expect(r.message).toBe(`${N.usLocal} is owned by the account and can send SMS.`);
    expect(r.data).toMatchObject({ from: N.usLocal, number: { sid: TWILIO_NUMBER_SIDS.usLocal, phoneNumber: N.usLocal, sms: true, mms: true, voice: true } });
  });

  it('passes with both, when the number is in the service', async () => {
    const r = await run(ID, account({ service: S.good, from: N.usLocal }));
    expect(r.status).toBe('pass');
    expect(r.message).toContain(`sends from ${N.usLocal}`);
  });

  describe('SENDER_NOT_CONFIGURED', () => {
    it('with neither a service nor a from number, naming unset variables', async () => {
      const r = await run(ID, account({}, { unsetEnv: { 'sms.twilio.from': 'TWILIO_FROM' } }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('SENDER_NOT_CONFIGURED');
      expect(r.message).toContain('accounts.acme.sms.twilio.messaging_service_sid (MG…) or accounts.acme.sms.twilio.from');
      expect(r.message).toContain('${TWILIO_FROM}');
      expect(r.data).toEqual({ variables: ['TWILIO_FROM'] });
    });

    it('with a malformed messaging service SID', async () => {
      const r = await run(ID, account({ service: 'MG123' }));
      expect(r.code).toBe('SENDER_NOT_CONFIGURED');
      expect(r.message).toContain('"MG123" is not a Messaging Service SID');
      expect(r.data).toEqual({ messagingServiceSid: 'MG123' });
    });

    it('with a from number not in E.164', async () => {
      const r = await run(ID, account({ from: '(415) 555-0100' }));
      expect(r.code).toBe('SENDER_NOT_CONFIGURED');
      expect(r.message).toContain('"(415) 555-0100" is not a phone number in E.164 form');
      expect(r.data).toEqual({ from: '(415) 555-0100' });
    });
  });

  describe('SENDER_NOT_OWNED', () => {
    it('for a number the account does not own', async () => {
      const r = await run(ID, account({ from: N.notOwned }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('SENDER_NOT_OWNED');
      expect(r.message).toContain(`${N.notOwned} (accounts.acme.sms.twilio.from) is not a number of Twilio account ${TWILIO_SIDS.active}`);
      expect(r.message).toContain('21606');
    });

    // Regression: Twilio's IncomingPhoneNumbers PhoneNumber filter matches partial numbers ("You can specify
    // partial numbers"), so the provider must keep only an exact match; taking the first hit made a prefix of an
    // owned number (+1415555010 of +14155550100) pass as owned, and sms.a2p then skipped it as "not applicable".
    it('for a prefix of an owned number (Twilio filters PhoneNumber by partial match)', async () => {
      const partial = N.usLocal.slice(0, -1);
      const r = await run(ID, account({ from: partial }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('SENDER_NOT_OWNED');
      expect(r.message).toContain(`${partial} (accounts.acme.sms.twilio.from) is not a number of Twilio account`);
    });

    it('for a messaging service that does not exist', async () => {
      const r = await run(ID, account({ service: S.unknown }));
      expect(r.code).toBe('SENDER_NOT_OWNED');
      expect(r.message).toContain(`Messaging service ${S.unknown}`);
      expect(r.message).toContain('does not exist');
    });
  });

  it('SENDER_NOT_SMS_CAPABLE for a voice-only number', async () => {
    const r = await run(ID, account({ from: N.usLocalNoSms }));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('SENDER_NOT_SMS_CAPABLE');
    expect(r.message).toContain(`${N.usLocalNoSms} is owned by the account but cannot send SMS (its capabilities: voice)`);
    expect(r.data).toMatchObject({ number: { sms: false, voice: true, mms: false } });
  });

  describe('SENDER_NOT_IN_SERVICE', () => {
    it('when the from number is not in the messaging service', async () => {
      const r = await run(ID, account({ service: S.good, from: N.usLocalNotInService }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('SENDER_NOT_IN_SERVICE');
      expect(r.message).toBe(`${N.usLocalNotInService} is not in messaging service ${S.good} (Invoices), whose numbers are ${N.usLocal}.`);
      expect(r.data).toMatchObject({ serviceNumbers: [N.usLocal] });
    });

    it('when the messaging service has no numbers', async () => {
      const r = await run(ID, account({ service: S.noNumbers }));
      expect(r.code).toBe('SENDER_NOT_IN_SERVICE');
      expect(r.message).toContain('has no phone numbers in its sender pool');
      expect(r.data).toMatchObject({ serviceNumbers: [] });
    });
  });

  describe('TWILIO_UNAVAILABLE after the account check passed', () => {
    it.each([
      ['the number lookup answers 500', FLAKY.senderNumber, { from: N.usLocal }, 'server', 500],
      ['the service fetch answers 500', FLAKY.senderService, { service: S.good }, 'server', 500],
      ["the service's numbers answer 429", FLAKY.senderServiceNumbers, { service: S.good }, 'rate_limited', 429],
    ] as const)('when %s', async (_what, sid, sender, fault, status) => {
      const r = await run(ID, account({ sid, ...sender }));
      expect(r.status).toBe('error');
      expect(r.code).toBe('TWILIO_UNAVAILABLE');
      expect(r.message).toContain('Could not read the SMS sender from Twilio');
      expect(r.message).toContain(`HTTP ${status}`);
      expect(r.data).toMatchObject({ fault, status });
    });
  });

  it('is blocked when sms.account fails', async () => {
    const before = fake.count(numbersPath(TWILIO_SIDS.active));
    const r = await run(ID, account({ token: WRONG_TOKEN, from: N.usLocal }));
    expect(r.status).toBe('skip');
    expect(r.blockedBy).toEqual(['sms.account']);
    expect(r.message).toBe('Blocked: sms.account failed.');
    expect(r.data).toEqual({ reason: 'blocked' });
    expect(fake.count(numbersPath(TWILIO_SIDS.active))).toBe(before);
  });

  it('is blocked when sms.account could not be determined', async () => {
    const r = await run(ID, account({ sid: TWILIO_SIDS.serverError, service: S.good }));
    expect(r.status).toBe('skip');
    expect(r.message).toBe('Blocked: sms.account could not be determined.');
  });

  it('is not applicable with the file transport, and skipped offline', async () => {
    const file = await run(ID, makeAccount({ sms: { transport: 'file', file: { dir: '/tmp/sms' } } }));
    expect(file.status).toBe('skip');
    expect(file.data).toEqual({ reason: 'not_applicable' });
    const before = fake.requests.length;
    const offline = await run(ID, account({ service: S.good }), invoice(), { offline: true });
    expect(offline.status).toBe('skip');
    expect(offline.data).toEqual({ reason: 'offline', service: 'Twilio' });
    // What needs no answer from Twilio is still decided offline.
    const malformed = await run(ID, account({ service: 'MG-not-a-sid' }), invoice(), { offline: true });
    expect(malformed).toMatchObject({ status: 'fail', code: 'SENDER_NOT_CONFIGURED' });
    expect(fake.requests.length).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('sms.a2p', () => {
  const ID = 'sms.a2p';

  it('passes for a US recipient through a service with an approved brand and a verified campaign', async () => {
    const r = await run(ID, account({ service: S.good }));
    expect(r.status).toBe('pass');
    expect(r.message).toBe(`A2P 10DLC: brand BNfa4e0000000000000000000000000001 approved, campaign QEfa4e0000000000000000000000000001 verified on ${S.good}.`);
    expect(r.data).toMatchObject({
      recipientCountry: 'US',
      senders: [{ phoneNumber: N.usLocal, kind: 'us_long_code' }],
      brands: [{ sid: 'BNfa4e0000000000000000000000000001', status: 'APPROVED', failureReason: null, errors: [] }],
      campaigns: [{ sid: 'QEfa4e0000000000000000000000000001', status: 'VERIFIED', usecase: 'ACCOUNT_NOTIFICATION', errors: [] }],
    });
  });

  describe('A2P_CAMPAIGN_NOT_VERIFIED', () => {
    it('for a campaign in progress', async () => {
      const r = await run(ID, account({ service: S.campaignPending }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('A2P_CAMPAIGN_NOT_VERIFIED');
      expect(r.message).toBe(`The A2P campaign QEfa4e0000000000000000000000000002 of messaging service ${S.campaignPending} is IN_PROGRESS, not VERIFIED.`);
      expect(r.data).toMatchObject({ campaigns: [{ status: 'IN_PROGRESS' }] });
    });

    it("for a failed campaign, with Twilio's error text", async () => {
      const r = await run(ID, account({ service: S.campaignFailed }));
      expect(r.code).toBe('A2P_CAMPAIGN_NOT_VERIFIED');
      expect(r.message).toContain('is FAILED, not VERIFIED: 30896: Message samples do not match the campaign use case and description. (message_samples)');
      expect(r.data).toMatchObject({ campaigns: [{ status: 'FAILED', errors: ['30896: Message samples do not match the campaign use case and description. (message_samples)'] }] });
    });
  });

  describe('A2P_NOT_REGISTERED', () => {
    it('when the service has no campaign', async () => {
      const r = await run(ID, account({ service: S.noCampaign }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('A2P_NOT_REGISTERED');
      expect(r.message).toContain(`messaging service ${S.noCampaign} has no A2P campaign`);
      expect(r.message).toContain('30034');
    });

    it('when no brand is registered', async () => {
      const r = await run(ID, account({ sid: TWILIO_SIDS.noBrand, service: S.good }));
      expect(r.code).toBe('A2P_NOT_REGISTERED');
      expect(r.message).toContain('No A2P 10DLC brand is registered');
      expect(r.message).toContain(N.usLocal);
      expect(r.data).toMatchObject({ brands: [] });
    });

    it('for a US long code used without a messaging service', async () => {
      const r = await run(ID, account({ from: N.usLocal }));
      expect(r.code).toBe('A2P_NOT_REGISTERED');
      expect(r.message).toContain(`${N.usLocal} is used without a messaging service (only accounts.acme.sms.twilio.from is set)`);
    });
  });

  describe('A2P_BRAND_NOT_APPROVED', () => {
    it.each([
      ['brandPending', 'PENDING'],
      ['brandInReview', 'IN_REVIEW'],
      ['brandSuspended', 'SUSPENDED'],
    ] as const)('%s', async (key, status) => {
      const r = await run(ID, account({ sid: TWILIO_SIDS[key], service: S.good }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('A2P_BRAND_NOT_APPROVED');
      expect(r.message).toBe(`A2P brand BNfa4e0000000000000000000000000001 is ${status}, not APPROVED.`);
      expect(r.data).toMatchObject({ brands: [{ status }] });
    });

    it.each(['DELETION_PENDING', 'DELETION_FAILED'] as const)('a brand being deleted (%s)', async (status) => {
      const brand = fake.world.accounts[TWILIO_SIDS.brandPending]!.brands[0]!;
      const before = brand.status;
      brand.status = status;
      try {
        const r = await run(ID, account({ sid: TWILIO_SIDS.brandPending, service: S.good }));
        expect(r.code).toBe('A2P_BRAND_NOT_APPROVED');
        expect(r.message).toBe(`A2P brand BNfa4e0000000000000000000000000001 is ${status}, not APPROVED.`);
      } finally {
        brand.status = before;
      }
    });

    it('brandFailed, with the failure reason and errors', async () => {
      const r = await run(ID, account({ sid: TWILIO_SIDS.brandFailed, service: S.good }));
      expect(r.code).toBe('A2P_BRAND_NOT_APPROVED');
      expect(r.message).toContain('is FAILED, not APPROVED: Brand registration failed: the EIN does not match the legal business name');
      expect(r.message).toContain('30794: Tax ID (EIN) and legal company name do not match IRS records. (ein, company_name)');
      expect(r.message).not.toMatch(/\.[;.]/);
      expect(r.data).toMatchObject({ brands: [{ status: 'FAILED', failureReason: 'Brand registration failed: the EIN does not match the legal business name.' }] });
    });
  });

  describe('toll-free', () => {
    it('passes for an approved toll-free number', async () => {
      const r = await run(ID, account({ from: N.tollFreeApproved }));
      expect(r.status).toBe('pass');
      expect(r.message).toBe(`Toll-free verification approved for ${N.tollFreeApproved}.`);
      expect(r.data).toMatchObject({ senders: [{ phoneNumber: N.tollFreeApproved, kind: 'toll_free' }], tollfree: { status: 'TWILIO_APPROVED' } });
    });

    it('TOLLFREE_NOT_VERIFIED while pending', async () => {
      const r = await run(ID, account({ from: N.tollFreePending }));
      expect(r.status).toBe('fail');
      expect(r.code).toBe('TOLLFREE_NOT_VERIFIED');
      expect(r.message).toContain(`${N.tollFreePending} is PENDING_REVIEW, not TWILIO_APPROVED`);
      expect(r.message).toContain('30032');
    });

    it('TOLLFREE_NOT_VERIFIED while IN_REVIEW', async () => {
      const verification = fake.world.accounts[TWILIO_SIDS.active]!.tollfreeVerifications.find((v) => v.status === 'PENDING_REVIEW')!;
      verification.status = 'IN_REVIEW';
      try {
        const r = await run(ID, account({ from: N.tollFreePending }));
        expect(r.code).toBe('TOLLFREE_NOT_VERIFIED');
        expect(r.message).toContain(`${N.tollFreePending} is IN_REVIEW, not TWILIO_APPROVED`);
      } finally {
        verification.status = 'PENDING_REVIEW';
      }
    });

    it('TOLLFREE_NOT_VERIFIED when rejected, with the reason', async () => {
      const r = await run(ID, account({ from: N.tollFreeRejected }));
      expect(r.code).toBe('TOLLFREE_NOT_VERIFIED');
      expect(r.message).toContain('is TWILIO_REJECTED, not TWILIO_APPROVED');
      expect(r.message).toContain('Reason: Opt-in information is missing or insufficient.');
      expect(r.data).toMatchObject({ tollfree: { status: 'TWILIO_REJECTED', rejectionReason: 'Opt-in information is missing or insufficient.' } });
    });

    it('TOLLFREE_NOT_VERIFIED without any verification', async () => {
      const r = await run(ID, account({ from: N.tollFreeUnverified }));
      expect(r.code).toBe('TOLLFREE_NOT_VERIFIED');
      expect(r.message).toContain(`Toll-free number ${N.tollFreeUnverified} has no toll-free verification`);
      expect(r.data).toMatchObject({ tollfree: { status: null } });
    });

    it('applies to Canadian recipients too', async () => {
      // +1 604 … is Vancouver: country CA, so toll-free verification applies, 10DLC does not
      const r = await run(ID, account({ from: N.tollFreePending }), invoice('+16045550123'));
      expect(r.code).toBe('TOLLFREE_NOT_VERIFIED');
      expect(r.data).toMatchObject({ recipientCountry: 'CA' });
    });
  });

  describe('not applicable', () => {
    it('for an Irish recipient from a US number', async () => {
      const r = await run(ID, account({ service: S.good }), invoice(IE_RECIPIENT));
      expect(r.status).toBe('skip');
      expect(r.data).toMatchObject({ reason: 'not_applicable', recipientCountry: 'IE', senders: [{ phoneNumber: N.usLocal, kind: 'us_long_code' }] });
      expect(r.message).toContain('to a IE number needs neither A2P 10DLC nor toll-free verification');
    });

    it('for a US recipient from an Irish sender (account in Ireland)', async () => {
      const r = await run(ID, account({ from: N.ieMobile }, { country: 'IE' }));
      expect(r.status).toBe('skip');
      expect(r.data).toMatchObject({ reason: 'not_applicable', recipientCountry: 'US', senders: [{ phoneNumber: N.ieMobile, kind: 'other' }] });
    });

    it('for a Canadian recipient from a US long code (10DLC is US only)', async () => {
      const r = await run(ID, account({ service: S.good }), invoice('+16045550123'));
      expect(r.status).toBe('skip');
      expect(r.data).toMatchObject({ reason: 'not_applicable', recipientCountry: 'CA' });
    });

    it('with the file transport, and offline', async () => {
      const file = await run(ID, makeAccount({ sms: { transport: 'file', file: { dir: '/tmp/sms' } } }));
      expect(file.data).toEqual({ reason: 'not_applicable' });
      const offline = await run(ID, account({ service: S.good }), invoice(), { offline: true });
      expect(offline.data).toEqual({ reason: 'offline' });
    });
  });

  describe("the recipient's number is read with the account's country as default region", () => {
    it('a national US number for a US account → A2P applies', async () => {
      const r = await run(ID, account({ service: S.campaignPending }), invoice('(415) 555-2671'));
      expect(r.code).toBe('A2P_CAMPAIGN_NOT_VERIFIED');
      expect(r.data).toMatchObject({ recipientCountry: 'US' });
    });

    it('a national Irish number for an Irish account → not applicable', async () => {
      const r = await run(ID, account({ service: S.campaignPending }, { country: 'IE' }), invoice('087 123 4567'));
      expect(r.status).toBe('skip');
      expect(r.data).toMatchObject({ reason: 'not_applicable', recipientCountry: 'IE' });
    });

    it('the same Irish national number for a US account is not a valid number → blocked by recipient.phone', async () => {
      const r = await run(ID, account({ service: S.campaignPending }), invoice('087 123 4567'));
      expect(r.status).toBe('skip');
      expect(r.blockedBy).toEqual(['recipient.phone']);
    });
  });

  describe('TWILIO_UNAVAILABLE', () => {
    it.each([
      ['brand registrations answer 500', FLAKY.brands, { service: S.good }, 'server', 500],
      ['campaigns answer 500', FLAKY.campaigns, { service: S.good }, 'server', 500],
      ['toll-free verifications answer 429', FLAKY.tollfree, { from: N.tollFreeApproved }, 'rate_limited', 429],
    ] as const)('when %s', async (_what, sid, sender, fault, status) => {
      const r = await run(ID, account({ sid, ...sender }));
      expect(r.status).toBe('error');
      expect(r.code).toBe('TWILIO_UNAVAILABLE');
      expect(r.message).toContain('Could not read the registration from Twilio');
      expect(r.data).toMatchObject({ fault, status });
    });
  });

  it('is blocked when the sender fails', async () => {
    const r = await run(ID, account({ from: N.notOwned }));
    expect(r.status).toBe('skip');
    expect(r.blockedBy).toEqual(['sms.sender']);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('across the checks', () => {
  it('every declared code of the three checks is reached above', () => {
    for (const id of ['sms.account', 'sms.sender', 'sms.a2p']) {
      expect([...(declaredSeen.get(id) ?? [])].sort(), id).toEqual(declaredCodes(id));
    }
  });

  it('one run of 4 invoices of one account reads each Twilio resource once (10DLC)', async () => {
    const sid = TWILIO_SIDS.active;
    const paths = [
      accountPath(sid),
      numbersPath(sid),
      `/v1/Services/${S.good}`,
      `/v1/Services/${S.good}/PhoneNumbers`,
      '/v1/a2p/BrandRegistrations',
      `/v1/Services/${S.good}/Compliance/Usa2p`,
    ];
    const before = new Map(paths.map((p) => [p, fake.count(p)]));
    const invoices = ['+14155552671', '+14155552672', '+14155552673', '+12125550199'].map((phone, i) => ({ ...invoice(phone), id: `INV-${i}`, number: `INV-${i}` }));
    const reports = await runMany('sms.a2p', account({ service: S.good, from: N.usLocal }), invoices);
    expect(reports.map((r) => r.checks.find((c) => c.id === 'sms.a2p')!.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    for (const p of paths) expect(fake.count(p) - before.get(p)!, p).toBe(1);
  });

  it('one run of 4 invoices of one account reads the toll-free verifications once', async () => {
    const sid = TWILIO_SIDS.active;
    const paths = [accountPath(sid), numbersPath(sid), '/v1/Tollfree/Verifications'];
    const before = new Map(paths.map((p) => [p, fake.count(p)]));
    const brandsBefore = fake.count('/v1/a2p/BrandRegistrations');
    const invoices = ['+14155552671', '+16045550123', '+14155552673', IE_RECIPIENT].map((phone, i) => ({ ...invoice(phone), id: `INV-${i}`, number: `INV-${i}` }));
    const reports = await runMany('sms.a2p', account({ from: N.tollFreeApproved }), invoices);
    expect(reports.map((r) => r.checks.find((c) => c.id === 'sms.a2p')!.status)).toEqual(['pass', 'pass', 'pass', 'skip']);
    for (const p of paths) expect(fake.count(p) - before.get(p)!, p).toBe(1);
    expect(fake.count('/v1/a2p/BrandRegistrations')).toBe(brandsBefore);
  });

  it('never writes to Twilio, and no result carries the auth token', () => {
    expect(fake.writes()).toEqual([]);
    expect(fake.requests.length).toBeGreaterThan(50);
    expect(seen.length).toBeGreaterThan(50);
    const all = JSON.stringify(seen);
    expect(all).not.toContain(TWILIO_TOKEN);
    expect(all).not.toContain(WRONG_TOKEN);
  });
});
