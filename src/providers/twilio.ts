import type TwilioClient from 'twilio/lib/rest/Twilio.js';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { failed, httpRefusal, ok, oneLine, proofOf, systemFault, type Fault, type Read } from './fault.js';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** e.g. http://127.0.0.1:4010: every Twilio host (api, messaging, lookups) is sent there */
  apiBase?: string;
  timeoutMs: number;
}

export interface TwilioAccount { sid: string; status: string; type: string; friendlyName: string }
export interface TwilioNumber { sid: string; phoneNumber: string; sms: boolean; mms: boolean; voice: boolean }
export interface TwilioService { sid: string; friendlyName: string; usAppToPersonRegistered: boolean }
export interface TwilioBrand { sid: string; status: string; brandType: string; failureReason?: string; errors: string[] }
export interface TwilioCampaign { sid: string; campaignStatus: string; usecase?: string; brandRegistrationSid?: string; errors: string[] }
/** A message as Twilio reports it: `status` queued, sent, delivered, undelivered, failed, … */
export interface TwilioMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: string | null;
  dateUpdated: string | null;
  segments: number;
}

export interface TwilioTollfreeVerification { sid: string; status: string; rejectionReason?: string; phoneNumberSid: string }

/** The read-only Twilio calls the checks need; every value is plain JSON (it goes into result `data`). */
export interface TwilioProvider {
  account(): Promise<Read<TwilioAccount>>;
  /** the account's number, or undefined when it does not own it */
  incomingNumber(phoneNumber: string): Promise<Read<TwilioNumber | undefined>>;
  service(serviceSid: string): Promise<Read<TwilioService>>;
  serviceNumbers(serviceSid: string): Promise<Read<TwilioNumber[]>>;
  brands(): Promise<Read<TwilioBrand[]>>;
  campaigns(serviceSid: string): Promise<Read<TwilioCampaign[]>>;
  tollfreeVerifications(phoneNumberSid: string): Promise<Read<TwilioTollfreeVerification[]>>;
  /** one message, for its delivery status */
  message(sid: string): Promise<Read<TwilioMessage>>;
  /** the newest messages to a number (at most `limit`), newest first */
  /**
   * The messages to a number created since `since` (ms), newest first: every page down to the first older
   * message, however many were sent in between — a fixed window would miss the one looked for and send it
   * again. More than `maxPages` pages is answered as a fault (nothing proven), never as "not found".
   */
  messagesToSince(to: string, since: number, maxPages?: number): Promise<Read<TwilioMessage[]>>;
}

const PAGE = 50;

/** The REST client, loaded on first use; shared by the read provider and the message sender. */
export async function twilioClient(options: TwilioOptions): Promise<TwilioClient> {
  // The REST client and the HTTP client only: the package's index also loads JWT, TwiML and webhook
  // helpers, which more than triples the import time (measured: ~80 ms against ~270 ms).
  const [{ default: Twilio }, { default: BaseRequestClient }] = await Promise.all([
    import('twilio/lib/rest/Twilio.js'),
    import('twilio/lib/base/RequestClient.js'),
  ]);
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  /**
   * twilio-node has no base-URL option, and edge/region only rewrite *.twilio.com hosts. Its supported
   * extension point is the HTTP client, so this one sends every host to `api_base`, keeping the
   * original host in a header for a proxy or a fake to route on.
   */
  class RedirectingRequestClient extends BaseRequestClient {
    override request<TData>(opts: RequestClient.RequestOptions<TData>) {
      if (base) {
        const uri = new URL(opts.uri);
        const headers = { ...(opts.headers ?? {}), 'X-Original-Host': uri.host };
        uri.protocol = base.protocol;
        uri.host = base.host;
        return super.request<TData>({ ...opts, uri: uri.toString(), headers });
      }
      return super.request<TData>(opts);
    }
  }
  return new Twilio(options.accountSid, options.authToken, {
    httpClient: new RedirectingRequestClient({ timeout: options.timeoutMs, autoRetry: false, keepAlive: false }),
  });
}

export async function createTwilioProvider(options: TwilioOptions): Promise<TwilioProvider> {
  const client = await twilioClient(options);
  const read = async <T>(what: string, call: () => Promise<T>): Promise<Read<T>> => {
    try {
      return ok(await call());
    } catch (error) {
      return failed(twilioFault(error, what));
    }
  };
  const toNumber = (n: { sid: string; phoneNumber: string; capabilities?: unknown }): TwilioNumber => {
    const caps = n.capabilities as Record<string, unknown> | string[] | undefined;
    const has = (c: string) => (Array.isArray(caps) ? caps.map((x) => String(x).toLowerCase()).includes(c) : Boolean(caps?.[c] ?? caps?.[c.toUpperCase()]));
    return { sid: n.sid, phoneNumber: n.phoneNumber, sms: has('sms'), mms: has('mms'), voice: has('voice') };
  };
  // Twilio's `errors` entries are raw objects ({ error_code, description, fields }); say them as text.
  const messages = (errors: unknown[] | undefined): string[] =>
    (errors ?? []).map((e) => {
      if (typeof e === 'string') return e;
      const o = (e ?? {}) as Record<string, unknown>;
      const code = o.error_code ?? o.code;
      const text = o.description ?? o.message;
      const fields = Array.isArray(o.fields) && o.fields.length ? ` (${o.fields.join(', ')})` : '';
      return text ? oneLine(`${code ? `${code}: ` : ''}${String(text)}${fields}`, 200) : oneLine(JSON.stringify(e), 200);
    });

  return {
    account: () =>
      read('the account', async () => {
        const a = await client.api.v2010.accounts(options.accountSid).fetch();
        return { sid: a.sid, status: String(a.status), type: String(a.type), friendlyName: a.friendlyName };
      }),
    incomingNumber: (phoneNumber) =>
      read(`the number ${phoneNumber}`, async () => {
        // Twilio's PhoneNumber filter matches partially: a prefix of an owned number would "find" it.
        const found = await client.incomingPhoneNumbers.list({ phoneNumber, limit: 20 });
        const n = found.find((x) => x.phoneNumber === phoneNumber);
        return n ? toNumber(n) : undefined;
      }),
    service: (sid) =>
      read(`the messaging service ${sid}`, async () => {
        const s = await client.messaging.v1.services(sid).fetch();
        return { sid: s.sid, friendlyName: s.friendlyName, usAppToPersonRegistered: Boolean(s.usAppToPersonRegistered) };
      }),
    serviceNumbers: (sid) =>
      read(`the numbers of messaging service ${sid}`, async () => (await client.messaging.v1.services(sid).phoneNumbers.list({ limit: 1000, pageSize: PAGE })).map(toNumber)),
    brands: () =>
      read('the A2P brand registrations', async () =>
        (await client.messaging.v1.brandRegistrations.list({ limit: 100, pageSize: PAGE })).map((b) => ({
          sid: b.sid,
          status: String(b.status),
          brandType: b.brandType,
          failureReason: b.failureReason || undefined,
          errors: messages(b.errors),
        })),
      ),
    campaigns: (sid) =>
      read(`the A2P campaigns of messaging service ${sid}`, async () =>
        (await client.messaging.v1.services(sid).usAppToPerson.list({ limit: 100, pageSize: PAGE })).map((c) => ({
          sid: c.sid,
          campaignStatus: String(c.campaignStatus),
          usecase: c.usAppToPersonUsecase || undefined,
          brandRegistrationSid: c.brandRegistrationSid || undefined,
          errors: messages(c.errors),
        })),
      ),
    tollfreeVerifications: (phoneNumberSid) =>
      read('the toll-free verifications', async () =>
        (await client.messaging.v1.tollfreeVerifications.list({ tollfreePhoneNumberSid: phoneNumberSid, limit: 20, pageSize: 20 })).map((v) => ({
          sid: v.sid,
          status: String(v.status),
          rejectionReason: v.rejectionReason || undefined,
          phoneNumberSid: v.tollfreePhoneNumberSid,
        })),
      ),
    message: (sid) => read(`the message ${sid}`, async () => toMessage(await client.messages(sid).fetch())),
    messagesToSince: async (to, since, maxPages = 40) => {
      const what = `the messages to ${to}`;
      // The SDK's page type, as far as this walk needs it (its declared class carries more than it returns).
      interface MessagesPage { instances: MessageInstance[]; nextPage(): Promise<MessagesPage> | undefined }
      const out: TwilioMessage[] = [];
      let page: MessagesPage;
      try {
        page = (await client.messages.page({ to, pageSize: PAGE })) as unknown as MessagesPage;
      } catch (error) {
        return failed(twilioFault(error, what));
      }
      for (let pages = 1; ; pages++) {
        const messages = page.instances.map(toMessage);
        out.push(...messages);
        const reachedOlder = messages.some((m) => m.dateCreated !== null && Date.parse(m.dateCreated) < since);
        const next = reachedOlder ? undefined : page.nextPage();
        if (!next) return ok(out);
        if (pages >= maxPages) return failed({ kind: 'server', proves: 'nothing', message: `reading ${what}: more than ${pages * PAGE} since ${new Date(since).toISOString()}, too many to search` });
        try {
          page = await next;
        } catch (error) {
          return failed(twilioFault(error, what));
        }
      }
    },
  };
}

type MessageInstance = Awaited<ReturnType<TwilioClient['messages']['create']>>;

export function toMessage(m: MessageInstance): TwilioMessage {
  const iso = (d: Date | null | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : null);
  return {
    sid: m.sid,
    to: m.to,
    from: m.from || null,
    messagingServiceSid: m.messagingServiceSid || null,
    body: m.body ?? '',
    status: String(m.status),
    errorCode: m.errorCode ?? null,
    errorMessage: m.errorMessage ?? null,
    dateCreated: iso(m.dateCreated),
    dateUpdated: iso(m.dateUpdated),
    segments: Number(m.numSegments ?? 1) || 1,
  };
}

/**
 * twilio-node's RestException / TwilioServiceException (or an axios network error beneath it) → a Fault, with
 * what the answer proves about a write ({@link proofOf}). Twilio's own errors always carry its numeric `code`;
 * without one the body was not Twilio's (a gateway's HTML page), so even a 4xx proves nothing.
 */
export function twilioFault(error: unknown, what: string, verb = 'reading'): Fault {
  const e = error as { status?: number; code?: number | string; message?: string; moreInfo?: string; response?: { headers?: Record<string, string> } };
  if (typeof e.status === 'number') {
    const status = e.status;
    const readable = e.code !== undefined && e.code !== null;
    const message = `${verb} ${what}: ${readable ? oneLine(e.message ?? 'error') : `HTTP ${status} with a body that is not Twilio's (a gateway or proxy answered?)`}`;
    const base = { status, code: e.code, message, proves: proofOf({ sent: true, refused: httpRefusal(status, readable) }) };
    if (status === 401) return { ...base, kind: 'auth' };
    if (status === 403) return { ...base, kind: 'permission' };
    if (status === 404) return { ...base, kind: 'not_found' };
    if (status === 429) return { ...base, kind: 'rate_limited' };
    if (status >= 500 || !readable) return { ...base, kind: 'server' };
    return { ...base, kind: 'invalid_request' };
  }
  // A 2xx whose body is not JSON: the SDK's JSON.parse throws. Twilio may well have acted on it.
  if (error instanceof SyntaxError) return { kind: 'server', message: `${verb} ${what}: Twilio's answer could not be read (${oneLine(error.message, 120)})`, proves: 'nothing' };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === 'ECONNABORTED' || /timeout/i.test(e.message ?? '')) return { kind: 'timeout', code, message: `${verb} ${what}: no answer from Twilio in time`, proves: 'nothing' };
  return systemFault({ code, message: e.message }, `${verb} ${what}: Twilio could not be reached`);
}
