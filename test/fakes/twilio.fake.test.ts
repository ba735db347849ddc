// Conformance of the Twilio fake, driven by the real twilio SDK (no mocks): if these pass, product code using the
// SDK against the fake parses the same shapes it would get from Twilio.
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TWILIO_API_KEYS,
  TWILIO_LOOKUP_NUMBERS,
  TWILIO_NUMBER_SIDS,
  TWILIO_NUMBERS,
  TWILIO_SERVICES,
  TWILIO_SIDS,
  TWILIO_TOKEN,
  startTwilioFake,
  type TwilioFake,
} from './twilio.js';

/**
 * Points the SDK at a local server: every request's protocol/host/port is rewritten to `target`, the original host
 * (api.twilio.com, messaging.twilio.com, lookups.twilio.com, …) travels in `X-Original-Host`. Next-page URLs are
 * absolute twilio.com URLs and go through request() too, so paging works. Options (timeout, autoRetry, …) go to
 * this client's constructor: with a custom httpClient the twilio() client's own timeout/autoRetry are ignored.
 */
class LocalRequestClient extends twilio.RequestClient {
  readonly #target: URL;

  constructor(target: string, options?: RequestClient.RequestClientOptions) {
    super(options);
    this.#target = new URL(target);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const url = new URL(opts.uri);
    const originalHost = url.host;
    url.protocol = this.#target.protocol;
    url.host = this.#target.host;
    return super.request<TData>({ ...opts, uri: url.href, headers: { ...opts.headers, 'X-Original-Host': originalHost } });
  }
}

let fake: TwilioFake;
beforeAll(async () => {
  fake = await startTwilioFake();
});
afterAll(async () => {
  await fake.close();
});

function client(sid: string = TWILIO_SIDS.active, token: string = TWILIO_TOKEN, options: RequestClient.RequestClientOptions = {}) {
  return twilio(sid, token, { httpClient: new LocalRequestClient(fake.url, { timeout: 5000, ...options }) });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('Twilio fake via the real SDK', () => {
  it('fetches accounts (status, type) and routes by the original host', async () => {
    const active = await client().api.v2010.accounts(TWILIO_SIDS.active).fetch();
    expect(active).toMatchObject({ sid: TWILIO_SIDS.active, status: 'active', type: 'Full' });
    expect(active.dateCreated).toBeInstanceOf(Date);
    const trial = await client(TWILIO_SIDS.trial).api.v2010.accounts(TWILIO_SIDS.trial).fetch();
    expect(trial.type).toBe('Trial');
    const suspended = await client(TWILIO_SIDS.suspended).api.v2010.accounts(TWILIO_SIDS.suspended).fetch();
    expect(suspended.status).toBe('suspended');
    const last = fake.requests.at(-1)!;
    expect(last.host).toBe('api.twilio.com');
    expect(last.path).toBe(`/2010-04-01/Accounts/${TWILIO_SIDS.suspended}.json`);
  });

  it('lists incoming numbers filtered by phone number, and pages through absolute next-page URLs', async () => {
    const c = client();
    const [owned] = await c.incomingPhoneNumbers.list({ phoneNumber: TWILIO_NUMBERS.usLocal, limit: 1 });
    expect(owned).toMatchObject({ phoneNumber: TWILIO_NUMBERS.usLocal, sid: TWILIO_NUMBER_SIDS.usLocal });
    expect(owned!.capabilities.sms).toBe(true);
    const [noSms] = await c.incomingPhoneNumbers.list({ phoneNumber: TWILIO_NUMBERS.usLocalNoSms, limit: 1 });
    expect(noSms!.capabilities.sms).toBe(false);
    expect(await c.incomingPhoneNumbers.list({ phoneNumber: TWILIO_NUMBERS.notOwned, limit: 1 })).toEqual([]);
    const last = fake.requests.at(-1)!;
    expect(last.query.get('PhoneNumber')).toBe(TWILIO_NUMBERS.notOwned);
    expect(last.query.get('PageSize')).toBe('1');

    const path = `/2010-04-01/Accounts/${TWILIO_SIDS.active}/IncomingPhoneNumbers.json`;
    const before = fake.count(path, 'GET');
    const all = await c.incomingPhoneNumbers.list({ pageSize: 4 });
    expect(all.map((n) => n.phoneNumber)).toContain(TWILIO_NUMBERS.ieMobile);
    expect(all).toHaveLength(11);
    expect(fake.count(path, 'GET') - before).toBe(3);
  });

  it('reads Messaging Services, their numbers and A2P campaigns', async () => {
    const c = client();
    const good = await c.messaging.v1.services(TWILIO_SERVICES.good).fetch();
    expect(good.usAppToPersonRegistered).toBe(true);
    expect(fake.requests.at(-1)!.host).toBe('messaging.twilio.com');
    const numbers = await c.messaging.v1.services(TWILIO_SERVICES.good).phoneNumbers.list();
    expect(numbers.map((n) => n.phoneNumber)).toEqual([TWILIO_NUMBERS.usLocal]);
    expect(await c.messaging.v1.services(TWILIO_SERVICES.noNumbers).phoneNumbers.list()).toEqual([]);

    const [verified] = await c.messaging.v1.services(TWILIO_SERVICES.good).usAppToPerson.list();
    expect(verified!.campaignStatus).toBe('VERIFIED');
    const [pending] = await c.messaging.v1.services(TWILIO_SERVICES.campaignPending).usAppToPerson.list();
    expect(pending!.campaignStatus).toBe('IN_PROGRESS');
    const [failed] = await c.messaging.v1.services(TWILIO_SERVICES.campaignFailed).usAppToPerson.list();
    expect(failed!.campaignStatus).toBe('FAILED');
    expect(failed!.errors.length).toBeGreaterThan(0);
    expect(await c.messaging.v1.services(TWILIO_SERVICES.noCampaign).usAppToPerson.list()).toEqual([]);

    const missing = await rejection(c.messaging.v1.services(TWILIO_SERVICES.unknown).fetch());
    expect(missing).toBeInstanceOf(twilio.RestException);
    expect(missing).toMatchObject({ status: 404, code: 20404 });
  });

  it('lists brand registrations per scenario account', async () => {
    const [approved] = await client().messaging.v1.brandRegistrations.list();
    expect(approved!.status).toBe('APPROVED');
    const [failed] = await client(TWILIO_SIDS.brandFailed).messaging.v1.brandRegistrations.list();
    expect(failed!.status).toBe('FAILED');
    expect(failed!.failureReason).toMatch(/EIN/);
    expect(failed!.errors.length).toBeGreaterThan(0);
    const [pending] = await client(TWILIO_SIDS.brandPending).messaging.v1.brandRegistrations.list();
    expect(pending!.status).toBe('PENDING');
    expect(await client(TWILIO_SIDS.brandPending).messaging.v1.services(TWILIO_SERVICES.good).usAppToPerson.list()).toEqual([]);
    expect(await client(TWILIO_SIDS.noBrand).messaging.v1.brandRegistrations.list()).toEqual([]);
  });

  it('lists toll-free verifications by number SID', async () => {
    const c = client();
    const [approved] = await c.messaging.v1.tollfreeVerifications.list({ tollfreePhoneNumberSid: TWILIO_NUMBER_SIDS.tollFreeApproved });
    expect(approved!.status).toBe('TWILIO_APPROVED');
    const [rejected] = await c.messaging.v1.tollfreeVerifications.list({ tollfreePhoneNumberSid: TWILIO_NUMBER_SIDS.tollFreeRejected });
    expect(rejected).toMatchObject({ status: 'TWILIO_REJECTED', tollfreePhoneNumber: TWILIO_NUMBERS.tollFreeRejected });
    expect(rejected!.rejectionReason).toBeTruthy();
    expect(await c.messaging.v1.tollfreeVerifications.list({ tollfreePhoneNumberSid: TWILIO_NUMBER_SIDS.tollFreeUnverified })).toEqual([]);
  });

  it('answers Lookup v2 with line type intelligence', async () => {
    const c = client();
    const mobile = await c.lookups.v2.phoneNumbers(TWILIO_LOOKUP_NUMBERS.mobile).fetch({ fields: 'line_type_intelligence' });
    expect(mobile.valid).toBe(true);
    expect(mobile.lineTypeIntelligence).toMatchObject({ type: 'mobile' });
    expect(fake.requests.at(-1)!.host).toBe('lookups.twilio.com');
    const invalid = await c.lookups.v2.phoneNumbers(TWILIO_LOOKUP_NUMBERS.invalid).fetch();
    expect(invalid).toMatchObject({ valid: false, validationErrors: ['TOO_SHORT'] });
  });

  it('creates and fetches messages (basic)', async () => {
    const c = client();
    const writesBefore = fake.writes().length;
    const sent = await c.messages.create({ to: TWILIO_LOOKUP_NUMBERS.mobile, from: TWILIO_NUMBERS.usLocal, body: 'Invoice INV-1 is due' });
    expect(sent).toMatchObject({ status: 'queued', to: TWILIO_LOOKUP_NUMBERS.mobile, from: TWILIO_NUMBERS.usLocal, numSegments: '1' });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fake.writes().length - writesBefore).toBe(1);
    expect((await c.messages(sent.sid).fetch()).body).toBe('Invoice INV-1 is due');
    const viaService = await c.messages.create({ to: TWILIO_LOOKUP_NUMBERS.mobile, messagingServiceSid: TWILIO_SERVICES.good, body: 'hi' });
    expect(viaService).toMatchObject({ status: 'accepted', from: null, messagingServiceSid: TWILIO_SERVICES.good });
    expect((await c.messages.list({ limit: 5 })).map((m) => m.sid)).toEqual([viaService.sid, sent.sid]);
    const notOwned = await rejection(c.messages.create({ to: TWILIO_LOOKUP_NUMBERS.mobile, from: TWILIO_NUMBERS.notOwned, body: 'x' }));
    expect(notOwned).toMatchObject({ status: 400, code: 21606 });
  });

  it('lists messages by To and DateSent (as twilio-node serialises dateSentAfter/Before), paging with PageSize', async () => {
    const c = client();
    const to = '+14155550177';
    const started = new Date(Date.now() - 2000);
    const a = await c.messages.create({ to, from: TWILIO_NUMBERS.usLocal, body: 'Invoice INV-7 (1)' });
    const b = await c.messages.create({ to, from: TWILIO_NUMBERS.usLocal, body: 'Invoice INV-7 (2)' });
    await c.messages.create({ to: '+14155550178', from: TWILIO_NUMBERS.usLocal, body: 'someone else' });
    expect(b.dateSent).toBeInstanceOf(Date);
    expect(Math.abs(b.dateSent.getTime() - Date.now())).toBeLessThan(5000);

    const recent = await c.messages.list({ to, dateSentAfter: started });
    expect(recent.map((m) => m.sid)).toEqual([b.sid, a.sid]);
    const query = fake.requests.at(-1)!.query;
    expect(query.get('To')).toBe(to);
    expect(query.get('DateSent>')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    // an old message (sent yesterday) drops out of "after", shows up in "before"
    const record = fake.world.accounts[TWILIO_SIDS.active]!.messages.find((m) => m.sid === a.sid)!;
    record.dateSent = new Date(Date.now() - 86_400_000);
    expect((await c.messages.list({ to, dateSentAfter: started })).map((m) => m.sid)).toEqual([b.sid]);
    expect((await c.messages.list({ to, dateSentBefore: started })).map((m) => m.sid)).toEqual([a.sid]);
    expect((await c.messages.list({ to, dateSent: record.dateSent })).map((m) => m.sid)).toEqual([a.sid]);
    expect(await c.messages.list({ to, dateSentAfter: new Date(Date.now() + 3_600_000) })).toEqual([]);
    // a bare date is a whole UTC day, bounds inclusive
    const today = new Date().toISOString().slice(0, 10);
    const raw = await fetch(`${fake.url}/2010-04-01/Accounts/${TWILIO_SIDS.active}/Messages.json?To=${encodeURIComponent(to)}&DateSent%3E=${today}`, {
      headers: { authorization: `Basic ${Buffer.from(`${TWILIO_SIDS.active}:${TWILIO_TOKEN}`).toString('base64')}` },
    });
    expect(((await raw.json()) as { messages: { sid: string }[] }).messages.map((m) => m.sid)).toEqual([b.sid]);
    const bad = await rejection(c.messages.list({ dateSentAfter: 'yesterday' as unknown as Date }));
    expect(bad).toMatchObject({ status: 400 });

    // paging: 2 per page, newest first, next pages through absolute URLs
    const path = `/2010-04-01/Accounts/${TWILIO_SIDS.active}/Messages.json`;
    const before = fake.count(path, 'GET');
    const paged = await c.messages.list({ pageSize: 2 });
    const all = fake.world.accounts[TWILIO_SIDS.active]!.messages;
    expect(paged.map((m) => m.sid)).toEqual([...all].reverse().map((m) => m.sid));
    expect(fake.count(path, 'GET') - before).toBe(Math.ceil(all.length / 2));
  });

  it('setMessageStatus simulates delivery reports, visible through messages(sid).fetch()', async () => {
    const c = client();
    const sent = await c.messages.create({ to: TWILIO_LOOKUP_NUMBERS.mobile, from: TWILIO_NUMBERS.usLocal, body: 'Pay here: https://buy.stripe.com/test_x' });
    expect(sent).toMatchObject({ status: 'queued', errorCode: null, errorMessage: null });

    fake.setMessageStatus(sent.sid, 'undelivered', 30034);
    const undelivered = await c.messages(sent.sid).fetch();
    expect(undelivered).toMatchObject({ status: 'undelivered', errorCode: 30034, errorMessage: 'Message from an Unregistered Number' });
    expect(undelivered.dateSent).toEqual(sent.dateSent);
    expect(undelivered.dateUpdated).toBeInstanceOf(Date);
    expect(undelivered.dateCreated).toEqual(sent.dateCreated);

    fake.setMessageStatus(sent.sid, 'failed', 30007, 'Carrier violation');
    expect(await c.messages(sent.sid).fetch()).toMatchObject({ status: 'failed', errorCode: 30007, errorMessage: 'Carrier violation' });
    fake.setMessageStatus(sent.sid, 'delivered');
    expect(await c.messages(sent.sid).fetch()).toMatchObject({ status: 'delivered', errorCode: null, errorMessage: null });

    // SIDs are unique across accounts, so the helper needs no account
    const trial = await client(TWILIO_SIDS.trial).messages.create({ to: TWILIO_LOOKUP_NUMBERS.mobile, from: TWILIO_NUMBERS.usLocal, body: 'x' });
    expect(trial.sid).not.toBe(sent.sid);
    expect(fake.setMessageStatus(trial.sid, 'sent').status).toBe('sent');
    expect((await client(TWILIO_SIDS.trial).messages(trial.sid).fetch()).status).toBe('sent');
    expect(() => fake.setMessageStatus('SM00000000000000000000000000000000', 'delivered')).toThrow(/no message/);
  });

  it('intercept: the message exists before the 201 is written; a client gone by then does not break the fake', async () => {
    let stored = -1;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const messages = fake.world.accounts[TWILIO_SIDS.active]!.messages;
    fake.intercept = async (req) => {
      if (req.method !== 'POST') return;
      stored = messages.length;
      await held;
    };
    try {
      const before = messages.length;
      const lost = rejection(client(TWILIO_SIDS.active, TWILIO_TOKEN, { timeout: 2000 }).messages.create({ to: TWILIO_LOOKUP_NUMBERS.mobile, from: TWILIO_NUMBERS.usLocal, body: 'x' }));
      expect(await lost).toMatchObject({ code: 'ECONNABORTED' });
      expect(stored).toBe(before + 1);
      release();
      await new Promise((resolve) => setTimeout(resolve, 50));
      // still serving
      expect((await client().messages.list({ limit: 1 }))[0]!.sid).toBe(messages.at(-1)!.sid);
    } finally {
      fake.intercept = undefined;
    }
  });

  it('API keys: a standard key may not read the Account resource', async () => {
    const key = twilio(TWILIO_API_KEYS.standard.sid, TWILIO_API_KEYS.standard.secret, {
      accountSid: TWILIO_SIDS.active,
      httpClient: new LocalRequestClient(fake.url, { timeout: 5000 }),
    });
    expect(await rejection(key.api.v2010.accounts(TWILIO_SIDS.active).fetch())).toMatchObject({ status: 401, code: 20003 });
    expect(await key.incomingPhoneNumbers.list({ phoneNumber: TWILIO_NUMBERS.usLocal, limit: 1 })).toHaveLength(1);
  });

  it('fails like Twilio: wrong token 401/20003, closed 401/20003, rate limit 429/20429, server error 500', async () => {
    const wrong = await rejection(client(TWILIO_SIDS.active, 'not_the_token').api.v2010.accounts(TWILIO_SIDS.active).fetch());
    expect(wrong).toBeInstanceOf(twilio.RestException);
    expect(wrong).toMatchObject({ status: 401, code: 20003, message: 'Authenticate', moreInfo: 'https://www.twilio.com/docs/errors/20003' });
    const closed = await rejection(client(TWILIO_SIDS.closed).api.v2010.accounts(TWILIO_SIDS.closed).fetch());
    expect(closed).toMatchObject({ status: 401, code: 20003 });
    const limited = await rejection(client(TWILIO_SIDS.rateLimited).messaging.v1.brandRegistrations.list());
    expect(limited).toBeInstanceOf(twilio.RestException);
    expect(limited).toMatchObject({ status: 429, code: 20429 });
    const broken = await rejection(client(TWILIO_SIDS.serverError).api.v2010.accounts(TWILIO_SIDS.serverError).fetch());
    expect(broken).toMatchObject({ status: 500, code: 20500 });
  });

  it('a stalled answer surfaces as an axios timeout (not a RestException)', async () => {
    const error = await rejection(client(TWILIO_SIDS.hang, TWILIO_TOKEN, { timeout: 2000 }).api.v2010.accounts(TWILIO_SIDS.hang).fetch());
    expect(error).not.toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ name: 'AxiosError', code: 'ECONNABORTED', message: 'timeout of 2000ms exceeded' });
  });
});
