/**
 * A stateful Twilio REST fake on loopback (api.twilio.com, messaging.twilio.com, lookups.twilio.com in one server).
 *
 * The twilio SDK is pointed at it with an `httpClient` that subclasses `twilio.RequestClient`, rewrites every
 * request's protocol/host/port to `fake.url` and sends the original host in `X-Original-Host` (see
 * twilio.fake.test.ts for the exact recipe). Routing is by original host + path; without the header the product is
 * inferred from the path (`/2010-04-01` → api, `/v1` → messaging, `/v2` → lookups).
 *
 * The "world" is keyed by account SID, so one fake serves every scenario: a spawned CLI picks its scenario through
 * the account SID in its config. Every account accepts TWILIO_TOKEN. Scenario table (see TWILIO_SIDS below):
 *
 * | key            | status    | type  | behaviour                         | brands        | campaigns                       |
 * |----------------|-----------|-------|-----------------------------------|---------------|---------------------------------|
 * | active         | active    | Full  | normal                            | APPROVED      | standard (see TWILIO_SERVICES)  |
 * | trial          | active    | Trial | normal; To must be a verified id  | APPROVED      | standard                        |
 * | suspended      | suspended | Full  | reads work; POST Messages → 401 20003 | APPROVED  | standard                        |
 * | closed         | closed    | Full  | every request → 401 20003 (like a wrong token) | APPROVED | standard              |
 * | rateLimited    | active    | Full  | every request → 429 20429, Retry-After: 1 | —     | —                               |
 * | serverError    | active    | Full  | every request → 500 20500         | —             | —                               |
 * | hang           | active    | Full  | every request stalls (client timeout) | —         | —                               |
 * | brandPending   | active    | Full  | normal                            | PENDING       | none: every service has no campaign, us_app_to_person_registered false |
 * | brandInReview  | active    | Full  | normal                            | IN_REVIEW     | none (as brandPending)          |
 * | brandFailed    | active    | Full  | normal                            | FAILED (failure_reason + errors) | none (as brandPending) |
 * | brandSuspended | active    | Full  | normal                            | SUSPENDED     | standard (campaigns stay VERIFIED: brand suspended after registration) |
 * | noBrand        | active    | Full  | normal                            | [] (empty)    | none (as brandPending)          |
 *
 * "standard" campaigns: MG good → VERIFIED, campaignPending → IN_PROGRESS, campaignFailed → FAILED (errors[]),
 * noCampaign → empty list, noNumbers → VERIFIED but no phone numbers in the service.
 * Every account owns the same numbers (TWILIO_NUMBERS except notOwned) and the same toll-free verifications.
 */
import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';
import { startHttpFake, type Action, type HttpFake, type RecordedRequest, type Reply } from './http-fake.js';

// ---------------------------------------------------------------------------------------------------------------
// Constants

/** Account SIDs ('AC' + 32 hex). Every one accepts TWILIO_TOKEN; see the table at the top of this file. */
export const TWILIO_SIDS = {
  active: 'ACfa4e0000000000000000000000000001',
  trial: 'ACfa4e0000000000000000000000000002',
  suspended: 'ACfa4e0000000000000000000000000003',
  closed: 'ACfa4e0000000000000000000000000004',
  rateLimited: 'ACfa4e0000000000000000000000000005',
  serverError: 'ACfa4e0000000000000000000000000006',
  hang: 'ACfa4e0000000000000000000000000007',
  brandPending: 'ACfa4e0000000000000000000000000008',
  brandInReview: 'ACfa4e0000000000000000000000000009',
  brandFailed: 'ACfa4e000000000000000000000000000a',
  brandSuspended: 'ACfa4e000000000000000000000000000b',
  noBrand: 'ACfa4e000000000000000000000000000c',
} as const;

/** The auth token every world account accepts. */
export const TWILIO_TOKEN = 'fake_auth_token_0123456789abcdef';

/**
 * API keys of the `active` account (username = key SID, password = secret). A standard key gets 401 20003 on
 * `GET /2010-04-01/Accounts/{AC}.json` (as on Twilio) but may read everything else; a main key may read all.
 */
export const TWILIO_API_KEYS = {
  standard: { sid: 'SKfa4e0000000000000000000000000001', secret: 'fake_standard_key_secret_0001' },
  main: { sid: 'SKfa4e0000000000000000000000000002', secret: 'fake_main_key_secret_0002' },
} as const;

/** Phone numbers (E.164). All but notOwned are owned by every world account. */
export const TWILIO_NUMBERS = {
  /** US local long code, sms/mms/voice, in service `good` (campaign VERIFIED) */
  usLocal: '+14155550100',
  /** US local, voice only (capabilities.sms false), in no service */
  usLocalNoSms: '+14155550101',
  /** US local, sms true, not in any Messaging Service */
  usLocalNotInService: '+14155550102',
  /** US local, sms, in service `campaignPending` */
  usLocalCampaignPending: '+14155550103',
  /** US local, sms, in service `campaignFailed` */
  usLocalCampaignFailed: '+14155550104',
  /** US local, sms, in service `noCampaign` */
  usLocalNoCampaign: '+14155550105',
  /** toll-free, verification TWILIO_APPROVED */
  tollFreeApproved: '+18885550100',
  /** toll-free, verification PENDING_REVIEW */
  tollFreePending: '+18885550101',
  /** toll-free, verification TWILIO_REJECTED with rejection_reason and error_code 30513 */
  tollFreeRejected: '+18885550102',
  /** toll-free, no verification record at all (empty list) */
  tollFreeUnverified: '+18885550103',
  /** Irish mobile number, sms true, in no service (non-US sender: neither A2P nor toll-free applies) */
  ieMobile: '+353871234567',
  /** owned by no account: incomingPhoneNumbers.list({ phoneNumber }) → [] */
  notOwned: '+14155550199',
} as const;

/** PN SID of a number: 'PN' + its digits left-padded with zeros to 32 (deterministic, valid-looking). */
export function twilioNumberSid(e164: string): string {
  return 'PN' + e164.replace(/\D/g, '').padStart(32, '0');
}

/** PN SIDs keyed like TWILIO_NUMBERS (for tollfreeVerifications.list({ tollfreePhoneNumberSid })). */
export const TWILIO_NUMBER_SIDS = Object.fromEntries(
  Object.entries(TWILIO_NUMBERS).map(([k, v]) => [k, twilioNumberSid(v)]),
) as { [K in keyof typeof TWILIO_NUMBERS]: string };

/** Messaging Service SIDs ('MG' + 32 hex); per account in every world account. */
export const TWILIO_SERVICES = {
  /** us_app_to_person_registered true, one campaign VERIFIED, numbers [usLocal] (in brandPending/InReview/Failed/noBrand: no campaign, registered false) */
  good: 'MGfa4e0000000000000000000000000001',
  /** campaign IN_PROGRESS, registered false, numbers [usLocalCampaignPending] */
  campaignPending: 'MGfa4e0000000000000000000000000002',
  /** campaign FAILED with errors[], registered false, numbers [usLocalCampaignFailed] */
  campaignFailed: 'MGfa4e0000000000000000000000000003',
  /** Usa2p list empty, registered false, numbers [usLocalNoCampaign] */
  noCampaign: 'MGfa4e0000000000000000000000000004',
  /** campaign VERIFIED, registered true, but no phone numbers in the service */
  noNumbers: 'MGfa4e0000000000000000000000000005',
  /** exists nowhere: fetch → 404 code 20404 */
  unknown: 'MGfa4e00000000000000000000000000ff',
} as const;

/** Numbers with a fixed answer from Lookup v2 (`GET /v2/PhoneNumbers/{n}`); others are derived with libphonenumber. */
export const TWILIO_LOOKUP_NUMBERS = {
  mobile: '+14155552671',
  landline: '+12125550123',
  voip: '+12015550123',
  ieMobile: '+353871234567',
  /** valid:false, validation_errors ['TOO_SHORT'] */
  invalid: '+1415555',
} as const;

/** Trial accounts may only send to these (anything else → 400 21608). */
export const TWILIO_VERIFIED_CALLER_IDS = [TWILIO_LOOKUP_NUMBERS.mobile] as const;

// ---------------------------------------------------------------------------------------------------------------
// World model (camelCase records; serialised to Twilio's snake_case JSON by the routes)

export type TwilioBehavior = 'normal' | 'unauthenticated' | 'rateLimited' | 'serverError' | 'hang' | 'reset';
export type TwilioBrandStatus = 'PENDING' | 'APPROVED' | 'FAILED' | 'IN_REVIEW' | 'DELETION_PENDING' | 'DELETION_FAILED' | 'SUSPENDED';
export type TwilioTollfreeStatus = 'PENDING_REVIEW' | 'IN_REVIEW' | 'TWILIO_APPROVED' | 'TWILIO_REJECTED';

export interface TwilioNumberRecord {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  capabilities: { sms: boolean; mms: boolean; voice: boolean; fax: boolean };
  kind: 'local' | 'mobile' | 'tollfree';
  /** ISO country of the number */
  countryCode: string;
}

export interface TwilioCampaignRecord {
  sid: string;
  brandRegistrationSid: string;
  campaignStatus: string;
  campaignId: string | null;
  usecase: string;
  description: string;
  errors: Record<string, unknown>[];
}

export interface TwilioServiceRecord {
  sid: string;
  friendlyName: string;
  usAppToPersonRegistered: boolean;
  usecase: string;
  /** PN SIDs of account numbers attached to this service */
  phoneNumberSids: string[];
  campaigns: TwilioCampaignRecord[];
}

export interface TwilioBrandRecord {
  sid: string;
  status: TwilioBrandStatus;
  brandType: string;
  identityStatus: string | null;
  tcrId: string | null;
  failureReason: string | null;
  errors: unknown[];
  customerProfileBundleSid: string;
  a2pProfileBundleSid: string;
}

export interface TwilioTollfreeVerificationRecord {
  sid: string;
  tollfreePhoneNumberSid: string;
  tollfreePhoneNumber: string;
  status: TwilioTollfreeStatus;
  rejectionReason: string | null;
  errorCode: number | null;
  businessName: string;
}

export interface TwilioMessageRecord {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  /** mutate in tests to simulate delivery ('delivered', 'undelivered' + errorCode 30034, …) */
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  numSegments: number;
  dateCreated: Date;
  /**
   * When the message left Twilio. Simplification: the fake sets it at creation, like a message that went out
   * immediately (on Twilio it stays null while the message is queued/accepted, and is set once sent). The DateSent
   * list filters use it; null never matches them.
   */
  dateSent: Date | null;
  /** changed by every status change ({@link TwilioFake.setMessageStatus}) */
  dateUpdated: Date;
}

export interface TwilioApiKeyRecord {
  sid: string;
  secret: string;
  kind: 'standard' | 'restricted' | 'main';
}

export interface TwilioAccountRecord {
  sid: string;
  authToken: string;
  status: 'active' | 'suspended' | 'closed';
  type: 'Trial' | 'Full';
  friendlyName: string;
  /** how the fake answers every request for this account (after the credentials were checked) */
  behavior: TwilioBehavior;
  numbers: TwilioNumberRecord[];
  /** keyed by MG SID */
  services: Record<string, TwilioServiceRecord>;
  brands: TwilioBrandRecord[];
  tollfreeVerifications: TwilioTollfreeVerificationRecord[];
  apiKeys: TwilioApiKeyRecord[];
  /** only for Trial accounts: the numbers they may send to */
  verifiedCallerIds: string[];
  /** messages created through POST …/Messages.json (newest last) */
  messages: TwilioMessageRecord[];
  dateCreated: Date;
  /**
   * Optional (batch-send tests): the next N POSTs to …/Messages.json are refused with 429 20429 (Retry-After: 1)
   * and create nothing; each refusal decrements it. Unset or 0: normal.
   */
  rateLimitNextPosts?: number;
  /**
   * Optional (ambiguous-answer tests): what the next POSTs to …/Messages.json run into, first one first, each used
   * once (after the credentials and `rateLimitNextPosts`). See {@link TwilioMessageFault}.
   */
  messageFaults?: TwilioMessageFault[];
}

/**
 * One POST to …/Messages.json whose answer does not say what happened. `create: true`: the message is created as
 * usual (stored, listed, fetchable: a later lookup finds it) and then the answer is replaced; `false`: nothing is
 * created. `answer`: 500 (Twilio's own JSON error 20500), 502/503/504 (a gateway's HTML page, as a load balancer in
 * front of Twilio sends), 'html-201' (a 201 whose body is an HTML page), 'reset' (the connection is dropped).
 */
export interface TwilioMessageFault {
  create: boolean;
  answer: 500 | 502 | 503 | 504 | 'html-201' | 'reset';
}

const GATEWAY_TITLES: Record<number, string> = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out' };

function messageFaultAnswer(answer: TwilioMessageFault['answer']): Action {
  if (answer === 'reset') return { reset: true };
  if (answer === 500) return twilioError(500, 20500, 'An internal server error has occurred');
  const status = answer === 'html-201' ? 201 : answer;
  const title = answer === 'html-201' ? 'Welcome' : `${status} ${GATEWAY_TITLES[status]}`;
  return { status, headers: { 'content-type': 'text/html' }, body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n` };
}

export interface TwilioLookupRecord {
  valid: boolean;
  countryCode: string | null;
  callingCountryCode: string | null;
  nationalFormat: string | null;
  validationErrors: string[];
  /** Twilio's line_type_intelligence.type: mobile, landline, fixedVoip, nonFixedVoip, tollFree, … */
  lineType: string | null;
  carrierName: string | null;
}

export interface TwilioWorld {
  /** keyed by account SID */
  accounts: Record<string, TwilioAccountRecord>;
  /** keyed by E.164 number */
  lookups: Record<string, TwilioLookupRecord>;
}

export interface TwilioFake extends HttpFake {
  world: TwilioWorld;
  /**
   * Settable (redaction tests): every request with Basic credentials (true), or only those that write ('writes':
   * sending a message), gets a 400 quoting them. Default false.
   */
  echoCredentials: boolean | 'writes';
  /** requests with exactly this path (no query string), optionally only this method */
  count(path: string, method?: string): number;
  /**
   * Simulates what happens after the 201: the carrier reports delivery ('sent', 'delivered') or failure
   * ('undelivered' + 30034 unregistered 10DLC, 'failed' + 30007 filtered, …). Finds the message in any account,
   * sets status, error_code, error_message (default: Twilio's title for a known code, else null) and date_updated;
   * clears the error for a status without a code. Throws for an unknown SID. Returns the record.
   */
  setMessageStatus(sid: string, status: string, errorCode?: number | null, errorMessage?: string | null): TwilioMessageRecord;
}

/** Twilio's titles of the asynchronous delivery errors (what error_message says when none is given). */
export const TWILIO_DELIVERY_ERRORS: Readonly<Record<number, string>> = {
  30001: 'Queue overflow',
  30002: 'Account suspended',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
  30024: 'Numeric Sender ID not provisioned on carrier',
  30032: 'Toll-Free Number Has Not Been Verified',
  30034: 'Message from an Unregistered Number',
};

// ---------------------------------------------------------------------------------------------------------------
// Default world

const CREATED = new Date(Date.UTC(2024, 0, 2, 10, 0, 0));

function fakeSid(prefix: string, n: number): string {
  return prefix + 'fa4e' + n.toString(16).padStart(28, '0');
}

function num(phoneNumber: string, kind: TwilioNumberRecord['kind'], countryCode: string, sms = true): TwilioNumberRecord {
  return {
    sid: twilioNumberSid(phoneNumber),
    phoneNumber,
    friendlyName: phoneNumber,
    capabilities: { sms, mms: sms && countryCode === 'US', voice: true, fax: false },
    kind,
    countryCode,
  };
}

function defaultNumbers(): TwilioNumberRecord[] {
  const N = TWILIO_NUMBERS;
  return [
    num(N.usLocal, 'local', 'US'),
    num(N.usLocalNoSms, 'local', 'US', false),
    num(N.usLocalNotInService, 'local', 'US'),
    num(N.usLocalCampaignPending, 'local', 'US'),
    num(N.usLocalCampaignFailed, 'local', 'US'),
    num(N.usLocalNoCampaign, 'local', 'US'),
    num(N.tollFreeApproved, 'tollfree', 'US'),
    num(N.tollFreePending, 'tollfree', 'US'),
    num(N.tollFreeRejected, 'tollfree', 'US'),
    num(N.tollFreeUnverified, 'tollfree', 'US'),
    num(N.ieMobile, 'mobile', 'IE'),
  ];
}

const BRAND_SID = 'BNfa4e0000000000000000000000000001';

function brand(status: TwilioBrandStatus): TwilioBrandRecord {
  const failed = status === 'FAILED';
  return {
    sid: BRAND_SID,
    status,
    brandType: 'STANDARD',
    identityStatus: status === 'APPROVED' || status === 'SUSPENDED' ? 'VERIFIED' : failed ? 'UNVERIFIED' : null,
    tcrId: status === 'APPROVED' || status === 'SUSPENDED' ? 'BFAKE01' : null,
    failureReason: failed ? 'Brand registration failed: the EIN does not match the legal business name.' : null,
    errors: failed
      ? [{ code: 30794, description: 'Tax ID (EIN) and legal company name do not match IRS records.', fields: ['ein', 'company_name'] }]
      : [],
    customerProfileBundleSid: 'BUfa4e0000000000000000000000000001',
    a2pProfileBundleSid: 'BUfa4e0000000000000000000000000002',
  };
}

function campaign(n: number, campaignStatus: string, errors: Record<string, unknown>[] = []): TwilioCampaignRecord {
  return {
    sid: fakeSid('QE', n),
    brandRegistrationSid: BRAND_SID,
    campaignStatus,
    campaignId: campaignStatus === 'VERIFIED' ? `CFAKE0${n}` : null,
    usecase: 'ACCOUNT_NOTIFICATION',
    description: 'Invoice and payment reminders sent to existing customers.',
    errors,
  };
}

function defaultServices(withCampaigns: boolean): Record<string, TwilioServiceRecord> {
  const S = TWILIO_SERVICES;
  const N = TWILIO_NUMBERS;
  const svc = (sid: string, friendlyName: string, numbers: string[], camps: TwilioCampaignRecord[]): TwilioServiceRecord => {
    const kept = withCampaigns ? camps : [];
    return {
      sid,
      friendlyName,
      usAppToPersonRegistered: kept.some((c) => c.campaignStatus === 'VERIFIED'),
      usecase: 'notifications',
      phoneNumberSids: numbers.map(twilioNumberSid),
      campaigns: kept,
    };
  };
  return {
    [S.good]: svc(S.good, 'Invoices', [N.usLocal], [campaign(1, 'VERIFIED')]),
    [S.campaignPending]: svc(S.campaignPending, 'Invoices (campaign pending)', [N.usLocalCampaignPending], [campaign(2, 'IN_PROGRESS')]),
    [S.campaignFailed]: svc(S.campaignFailed, 'Invoices (campaign failed)', [N.usLocalCampaignFailed], [
      campaign(3, 'FAILED', [
        { error_code: 30896, description: 'Message samples do not match the campaign use case and description.', fields: ['message_samples'] },
      ]),
    ]),
    [S.noCampaign]: svc(S.noCampaign, 'Invoices (no campaign)', [N.usLocalNoCampaign], []),
    [S.noNumbers]: svc(S.noNumbers, 'Invoices (no senders)', [], [campaign(5, 'VERIFIED')]),
  };
}

function defaultTollfreeVerifications(): TwilioTollfreeVerificationRecord[] {
  const N = TWILIO_NUMBERS;
  const v = (n: number, phone: string, status: TwilioTollfreeStatus, rejectionReason: string | null = null, errorCode: number | null = null) => ({
    sid: fakeSid('HH', n),
    tollfreePhoneNumberSid: twilioNumberSid(phone),
    tollfreePhoneNumber: phone,
    status,
    rejectionReason,
    errorCode,
    businessName: 'Invoice Doctor Test Co',
  });
  return [
    v(1, N.tollFreeApproved, 'TWILIO_APPROVED'),
    v(2, N.tollFreePending, 'PENDING_REVIEW'),
    v(3, N.tollFreeRejected, 'TWILIO_REJECTED', 'Opt-in information is missing or insufficient.', 30513),
  ];
}

function account(
  key: keyof typeof TWILIO_SIDS,
  over: Partial<Pick<TwilioAccountRecord, 'status' | 'type' | 'behavior'>> & { brand?: TwilioBrandStatus | null; campaigns?: boolean } = {},
): TwilioAccountRecord {
  const brandStatus = over.brand === undefined ? 'APPROVED' : over.brand;
  return {
    sid: TWILIO_SIDS[key],
    authToken: TWILIO_TOKEN,
    status: over.status ?? 'active',
    type: over.type ?? 'Full',
    friendlyName: `invoice-doctor fake (${key})`,
    behavior: over.behavior ?? 'normal',
    numbers: defaultNumbers(),
    services: defaultServices(over.campaigns ?? true),
    brands: brandStatus ? [brand(brandStatus)] : [],
    tollfreeVerifications: defaultTollfreeVerifications(),
    apiKeys: key === 'active' ? [
      { sid: TWILIO_API_KEYS.standard.sid, secret: TWILIO_API_KEYS.standard.secret, kind: 'standard' },
      { sid: TWILIO_API_KEYS.main.sid, secret: TWILIO_API_KEYS.main.secret, kind: 'main' },
    ] : [],
    verifiedCallerIds: over.type === 'Trial' ? [...TWILIO_VERIFIED_CALLER_IDS] : [],
    messages: [],
    dateCreated: CREATED,
  };
}

function lookup(countryCode: string, callingCountryCode: string, nationalFormat: string, lineType: string, carrierName: string): TwilioLookupRecord {
  return { valid: true, countryCode, callingCountryCode, nationalFormat, validationErrors: [], lineType, carrierName };
}

/** A fresh, deterministic world (mutate it freely in a test: the fake reads it on every request). */
export function defaultTwilioWorld(): TwilioWorld {
  const accounts: TwilioAccountRecord[] = [
    account('active'),
    account('trial', { type: 'Trial' }),
    account('suspended', { status: 'suspended' }),
    account('closed', { status: 'closed', behavior: 'unauthenticated' }),
    account('rateLimited', { behavior: 'rateLimited' }),
    account('serverError', { behavior: 'serverError' }),
    account('hang', { behavior: 'hang' }),
    account('brandPending', { brand: 'PENDING', campaigns: false }),
    account('brandInReview', { brand: 'IN_REVIEW', campaigns: false }),
    account('brandFailed', { brand: 'FAILED', campaigns: false }),
    account('brandSuspended', { brand: 'SUSPENDED' }),
    account('noBrand', { brand: null, campaigns: false }),
  ];
  const L = TWILIO_LOOKUP_NUMBERS;
  return {
    accounts: Object.fromEntries(accounts.map((a) => [a.sid, a])),
    lookups: {
      [L.mobile]: lookup('US', '1', '(415) 555-2671', 'mobile', 'T-Mobile USA, Inc.'),
      [L.landline]: lookup('US', '1', '(212) 555-0123', 'landline', 'Verizon New York Inc.'),
      [L.voip]: lookup('US', '1', '(201) 555-0123', 'nonFixedVoip', 'Google (Grand Central) - SVR'),
      [L.ieMobile]: lookup('IE', '353', '087 123 4567', 'mobile', 'Vodafone Ireland'),
      [L.invalid]: {
        valid: false,
        countryCode: null,
        callingCountryCode: null,
        nationalFormat: null,
        validationErrors: ['TOO_SHORT'],
        lineType: null,
        carrierName: null,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Serialisation helpers

/** v2010 dates: RFC 2822 with "+0000" ("Tue, 02 Jan 2024 10:00:00 +0000"). */
function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

/** messaging/lookups dates: ISO 8601 without milliseconds ("2024-01-02T10:00:00Z"). */
function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function twilioError(status: number, code: number, message: string, headers?: Record<string, string>): Reply {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    ...(headers ? { headers } : {}),
  };
}

const unauthenticated = (): Reply => twilioError(401, 20003, 'Authenticate', { 'www-authenticate': 'Basic realm="Twilio API"' });
const notFound = (path: string): Reply => twilioError(404, 20404, `The requested resource ${path} was not found`);
const methodNotAllowed = (): Reply => twilioError(405, 20004, 'Method not allowed');

function pageParams(req: RecordedRequest): { page: number; size: number } {
  const size = Math.min(Math.max(Number.parseInt(req.query.get('PageSize') ?? '50', 10) || 50, 1), 1000);
  const page = Math.max(Number.parseInt(req.query.get('Page') ?? '0', 10) || 0, 0);
  return { page, size };
}

/** The query string Twilio echoes in its page URLs: filters first, then PageSize and Page. */
function pageQuery(req: RecordedRequest, size: number, page: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of req.query) if (k !== 'PageSize' && k !== 'Page' && k !== 'PageToken') q.append(k, v);
  q.set('PageSize', String(size));
  q.set('Page', String(page));
  return q.toString();
}

/** v2010 envelope: `{ <key>: [...], page, page_size, first_page_uri, next_page_uri, previous_page_uri, uri, start, end }`. */
function v2010Page(req: RecordedRequest, key: string, all: unknown[]): Reply {
  const { page, size } = pageParams(req);
  const start = page * size;
  const items = all.slice(start, start + size);
  const uri = (p: number) => `${req.path}?${pageQuery(req, size, p)}`;
  return {
    status: 200,
    body: {
      [key]: items,
      end: items.length ? start + items.length - 1 : 0,
      first_page_uri: uri(0),
      next_page_uri: start + size < all.length ? uri(page + 1) : null,
      page,
      page_size: size,
      previous_page_uri: page > 0 ? uri(page - 1) : null,
      start,
      uri: uri(page),
    },
  };
}

/** v1 envelope: `{ <key>: [...], meta: { page, page_size, first_page_url, previous_page_url, url, next_page_url, key } }` (absolute URLs). */
function v1Page(req: RecordedRequest, origin: string, key: string, all: unknown[]): Reply {
  const { page, size } = pageParams(req);
  const start = page * size;
  const items = all.slice(start, start + size);
  const url = (p: number) => `${origin}${req.path}?${pageQuery(req, size, p)}`;
  return {
    status: 200,
    body: {
      [key]: items,
      meta: {
        page,
        page_size: size,
        first_page_url: url(0),
        previous_page_url: page > 0 ? url(page - 1) : null,
        url: url(page),
        next_page_url: start + size < all.length ? url(page + 1) : null,
        key,
      },
    },
  };
}

const MESSAGING = 'https://messaging.twilio.com';
const LOOKUPS = 'https://lookups.twilio.com';

function accountJson(a: TwilioAccountRecord) {
  const base = `/2010-04-01/Accounts/${a.sid}`;
  return {
    auth_token: a.authToken,
    date_created: rfc2822(a.dateCreated),
    date_updated: rfc2822(a.dateCreated),
    friendly_name: a.friendlyName,
    owner_account_sid: a.sid,
    sid: a.sid,
    status: a.status,
    subresource_uris: {
      incoming_phone_numbers: `${base}/IncomingPhoneNumbers.json`,
      messages: `${base}/Messages.json`,
      balance: `${base}/Balance.json`,
    },
    type: a.type,
    uri: `${base}.json`,
  };
}

function incomingNumberJson(a: TwilioAccountRecord, n: TwilioNumberRecord) {
  const uri = `/2010-04-01/Accounts/${a.sid}/IncomingPhoneNumbers/${n.sid}.json`;
  return {
    account_sid: a.sid,
    address_sid: null,
    address_requirements: 'none',
    api_version: '2010-04-01',
    beta: false,
    capabilities: { ...n.capabilities },
    date_created: rfc2822(CREATED),
    date_updated: rfc2822(CREATED),
    friendly_name: n.friendlyName,
    identity_sid: null,
    phone_number: n.phoneNumber,
    origin: 'twilio',
    sid: n.sid,
    sms_application_sid: '',
    sms_fallback_method: 'POST',
    sms_fallback_url: '',
    sms_method: 'POST',
    sms_url: '',
    status_callback: '',
    status_callback_method: 'POST',
    trunk_sid: null,
    uri,
    voice_receive_mode: 'voice',
    voice_application_sid: null,
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: 'POST',
    voice_url: null,
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    bundle_sid: null,
    status: 'in-use',
    type: n.kind === 'tollfree' ? 'toll-free' : n.kind,
  };
}

function messageJson(a: TwilioAccountRecord, m: TwilioMessageRecord) {
  const uri = `/2010-04-01/Accounts/${a.sid}/Messages/${m.sid}.json`;
  return {
    body: m.body,
    num_segments: String(m.numSegments),
    direction: 'outbound-api',
    from: m.from,
    to: m.to,
    date_updated: rfc2822(m.dateUpdated),
    price: null,
    error_message: m.errorMessage,
    uri,
    account_sid: a.sid,
    num_media: '0',
    status: m.status,
    messaging_service_sid: m.messagingServiceSid,
    sid: m.sid,
    date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
    date_created: rfc2822(m.dateCreated),
    error_code: m.errorCode,
    price_unit: 'USD',
    api_version: '2010-04-01',
    subresource_uris: {
      media: `/2010-04-01/Accounts/${a.sid}/Messages/${m.sid}/Media.json`,
      feedback: `/2010-04-01/Accounts/${a.sid}/Messages/${m.sid}/Feedback.json`,
    },
  };
}

function serviceJson(a: TwilioAccountRecord, s: TwilioServiceRecord) {
  const url = `${MESSAGING}/v1/Services/${s.sid}`;
  return {
    sid: s.sid,
    account_sid: a.sid,
    friendly_name: s.friendlyName,
    date_created: iso(CREATED),
    date_updated: iso(CREATED),
    inbound_request_url: null,
    inbound_method: 'POST',
    fallback_url: null,
    fallback_method: 'POST',
    status_callback: null,
    sticky_sender: true,
    mms_converter: true,
    smart_encoding: true,
    scan_message_content: 'inherit',
    fallback_to_long_code: true,
    area_code_geomatch: true,
    synchronous_validation: true,
    validity_period: 14400,
    url,
    links: {
      phone_numbers: `${url}/PhoneNumbers`,
      short_codes: `${url}/ShortCodes`,
      alpha_senders: `${url}/AlphaSenders`,
      messages: `${url}/Messages`,
      us_app_to_person: `${url}/Compliance/Usa2p`,
      us_app_to_person_usecases: `${url}/Compliance/Usa2p/Usecases`,
      channel_senders: `${url}/ChannelSenders`,
    },
    usecase: s.usecase,
    us_app_to_person_registered: s.usAppToPersonRegistered,
    use_inbound_webhook_on_number: false,
  };
}

function servicePhoneNumberJson(a: TwilioAccountRecord, s: TwilioServiceRecord, n: TwilioNumberRecord) {
  const caps: string[] = [];
  if (n.capabilities.mms) caps.push('MMS');
  if (n.capabilities.sms) caps.push('SMS');
  if (n.capabilities.voice) caps.push('Voice');
  return {
    sid: n.sid,
    account_sid: a.sid,
    service_sid: s.sid,
    date_created: iso(CREATED),
    date_updated: iso(CREATED),
    phone_number: n.phoneNumber,
    country_code: n.countryCode,
    capabilities: caps,
    url: `${MESSAGING}/v1/Services/${s.sid}/PhoneNumbers/${n.sid}`,
  };
}

function campaignJson(a: TwilioAccountRecord, s: TwilioServiceRecord, c: TwilioCampaignRecord) {
  return {
    sid: c.sid,
    account_sid: a.sid,
    brand_registration_sid: c.brandRegistrationSid,
    messaging_service_sid: s.sid,
    description: c.description,
    message_samples: ['Invoice INV-1001 for $120.00 is due on 1 March: https://pay.example.test/i/1001 Reply STOP to opt out.'],
    us_app_to_person_usecase: c.usecase,
    has_embedded_links: true,
    has_embedded_phone: false,
    subscriber_opt_in: true,
    age_gated: false,
    direct_lending: false,
    campaign_status: c.campaignStatus,
    campaign_id: c.campaignId,
    is_externally_registered: false,
    rate_limits: { att: { tpm: 240, msg_class: 'E' }, tmobile: { brand_tier: 'LOW' } },
    message_flow: 'Customers give their phone number when they sign up and agree to receive invoice reminders.',
    opt_in_message: null,
    opt_out_message: null,
    help_message: null,
    opt_in_keywords: null,
    opt_out_keywords: null,
    help_keywords: null,
    date_created: iso(CREATED),
    date_updated: iso(CREATED),
    url: `${MESSAGING}/v1/Services/${s.sid}/Compliance/Usa2p/${c.sid}`,
    mock: false,
    errors: c.errors,
    privacy_policy_url: null,
    terms_and_conditions_url: null,
  };
}

function brandJson(a: TwilioAccountRecord, b: TwilioBrandRecord) {
  const url = `${MESSAGING}/v1/a2p/BrandRegistrations/${b.sid}`;
  return {
    sid: b.sid,
    account_sid: a.sid,
    customer_profile_bundle_sid: b.customerProfileBundleSid,
    a2p_profile_bundle_sid: b.a2pProfileBundleSid,
    date_created: iso(CREATED),
    date_updated: iso(CREATED),
    brand_type: b.brandType,
    status: b.status,
    tcr_id: b.tcrId,
    failure_reason: b.failureReason,
    errors: b.errors,
    url,
    brand_score: b.status === 'APPROVED' ? 42 : null,
    brand_feedback: b.status === 'FAILED' ? ['TAX_ID'] : null,
    identity_status: b.identityStatus,
    russell_3000: false,
    government_entity: false,
    tax_exempt_status: null,
    skip_automatic_sec_vet: false,
    mock: false,
    links: { brand_vettings: `${url}/Vettings`, brand_registration_otps: `${url}/SmsOtp` },
  };
}

function tollfreeJson(a: TwilioAccountRecord, v: TwilioTollfreeVerificationRecord) {
  return {
    sid: v.sid,
    account_sid: a.sid,
    customer_profile_sid: 'BUfa4e0000000000000000000000000001',
    trust_product_sid: 'BUfa4e0000000000000000000000000003',
    date_created: iso(CREATED),
    date_updated: iso(CREATED),
    regulated_item_sid: null,
    business_name: v.businessName,
    business_street_address: '1 Market St',
    business_street_address2: null,
    business_city: 'San Francisco',
    business_state_province_region: 'CA',
    business_postal_code: '94105',
    business_country: 'US',
    business_website: 'https://example.test',
    business_contact_first_name: 'Ada',
    business_contact_last_name: 'Lovelace',
    business_contact_email: 'ada@example.test',
    business_contact_phone: '+14155552671',
    notification_email: 'ada@example.test',
    use_case_categories: ['ACCOUNT_NOTIFICATIONS'],
    use_case_summary: 'Invoice reminders to existing customers.',
    production_message_sample: 'Invoice INV-1001 for $120.00 is due on 1 March.',
    opt_in_image_urls: ['https://example.test/opt-in.png'],
    opt_in_type: 'WEB_FORM',
    message_volume: '1,000',
    additional_information: null,
    tollfree_phone_number_sid: v.tollfreePhoneNumberSid,
    tollfree_phone_number: v.tollfreePhoneNumber,
    status: v.status,
    url: `${MESSAGING}/v1/Tollfree/Verifications/${v.sid}`,
    rejection_reason: v.rejectionReason,
    error_code: v.errorCode,
    edit_expiration: null,
    edit_allowed: v.status === 'TWILIO_REJECTED',
    business_registration_number: null,
    business_registration_authority: null,
    business_registration_country: null,
    business_type: 'PRIVATE_PROFIT',
    business_registration_phone_number: null,
    doing_business_as: null,
    opt_in_confirmation_message: null,
    help_message_sample: null,
    privacy_policy_url: null,
    terms_and_conditions_url: null,
    age_gated_content: false,
    opt_in_keywords: null,
    rejection_reasons: v.rejectionReason ? [{ code: v.errorCode, description: v.rejectionReason }] : null,
    resource_links: [],
    external_reference_id: null,
    vetting_id: null,
    vetting_provider: null,
    vetting_id_expiration: null,
  };
}

const LINE_TYPES: Record<string, string> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'landline',
  FIXED_LINE_OR_MOBILE: 'mobile',
  TOLL_FREE: 'tollFree',
  VOIP: 'nonFixedVoip',
  PREMIUM_RATE: 'premium',
  SHARED_COST: 'sharedCost',
  PERSONAL_NUMBER: 'personal',
  PAGER: 'pager',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
};

function deriveLookup(input: string): TwilioLookupRecord {
  const parsed = parsePhoneNumberFromString(input);
  if (parsed?.isValid()) {
    const type = parsed.getType();
    return {
      valid: true,
      countryCode: parsed.country ?? null,
      callingCountryCode: parsed.countryCallingCode,
      nationalFormat: parsed.formatNational(),
      validationErrors: [],
      lineType: type ? (LINE_TYPES[type] ?? 'unknown') : 'unknown',
      carrierName: null,
    };
  }
  const reason = validatePhoneNumberLength(input);
  const error =
    reason === 'TOO_SHORT' || reason === 'TOO_LONG' || reason === 'INVALID_LENGTH'
      ? reason
      : reason === 'INVALID_COUNTRY'
        ? 'INVALID_COUNTRY_CODE'
        : reason === 'NOT_A_NUMBER'
          ? 'NOT_A_NUMBER'
          : 'INVALID_BUT_POSSIBLE';
  return { valid: false, countryCode: null, callingCountryCode: null, nationalFormat: null, validationErrors: [error], lineType: null, carrierName: null };
}

function lookupJson(phone: string, rec: TwilioLookupRecord, fields: string[]) {
  const lti = fields.includes('line_type_intelligence')
    ? rec.valid
      ? { mobile_country_code: null, mobile_network_code: null, carrier_name: rec.carrierName, type: rec.lineType, error_code: null }
      : null
    : null;
  return {
    calling_country_code: rec.callingCountryCode,
    country_code: rec.countryCode,
    phone_number: phone,
    national_format: rec.nationalFormat,
    valid: rec.valid,
    validation_errors: rec.validationErrors,
    caller_name: null,
    sim_swap: null,
    call_forwarding: null,
    line_type_intelligence: lti,
    line_status: null,
    identity_match: null,
    reassigned_number: null,
    sms_pumping_risk: null,
    phone_number_quality_score: null,
    pre_fill: null,
    url: `${LOOKUPS}/v2/PhoneNumbers/${encodeURIComponent(phone)}`,
  };
}

/** Rough SMS segment count (GSM-7 approximated as ASCII; otherwise UCS-2). */
function segments(body: string): number {
  const gsm = /^[\x20-\x7e\n\r]*$/.test(body);
  const len = [...body].length;
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return len <= single ? 1 : Math.ceil(len / multi);
}

/** Twilio's PhoneNumber filter: partial match, '*' matches any single digit. */
function phoneMatches(filter: string, phone: string): boolean {
  // a raw '+' in a query string decodes to ' '
  const f = filter.trim().replace(/^ /, '+');
  const pattern = f.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '*' ? '\\d' : `\\${c}`));
  return new RegExp(pattern).test(phone);
}

// ---------------------------------------------------------------------------------------------------------------
// Request handling

interface Principal {
  account: TwilioAccountRecord;
  apiKey?: TwilioApiKeyRecord;
}

function authenticate(world: TwilioWorld, req: RecordedRequest): Principal | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  if (user.startsWith('AC')) {
    const account = world.accounts[user];
    return account && account.authToken === pass ? { account } : undefined;
  }
  if (user.startsWith('SK')) {
    for (const account of Object.values(world.accounts)) {
      const apiKey = account.apiKeys.find((k) => k.sid === user);
      if (apiKey) return apiKey.secret === pass ? { account, apiKey } : undefined;
    }
  }
  return undefined;
}

type Product = 'api' | 'messaging' | 'lookups' | 'unknown';

function productOf(req: RecordedRequest): Product {
  const host = req.host?.toLowerCase();
  if (host) {
    // api.twilio.com, api.sydney.au1.twilio.com, messaging.twilio.com, lookups.twilio.com
    const first = host.split('.')[0];
    if (first === 'api' || first === 'messaging' || first === 'lookups') return first;
    return 'unknown';
  }
  if (req.path.startsWith('/2010-04-01/')) return 'api';
  if (req.path.startsWith('/v1/')) return 'messaging';
  if (req.path.startsWith('/v2/')) return 'lookups';
  return 'unknown';
}

function handleApi(req: RecordedRequest, p: Principal): Reply {
  const a = p.account;
  const parts = req.path.split('/').filter(Boolean); // ['2010-04-01', 'Accounts', 'AC….json', …]
  if (parts[0] !== '2010-04-01') return notFound(req.path);
  // GET /2010-04-01/Accounts.json: the authenticated account only (no subaccounts in the fake)
  if (parts.length === 2 && parts[1] === 'Accounts.json') {
    if (req.method !== 'GET') return methodNotAllowed();
    if (p.apiKey && p.apiKey.kind !== 'main') return unauthenticated();
    return v2010Page(req, 'accounts', [accountJson(a)]);
  }
  const acPart = parts[2];
  if (parts[1] !== 'Accounts' || acPart === undefined) return notFound(req.path);
  // another account's resources: Twilio does not reveal them
  if (acPart.replace(/\.json$/, '') !== a.sid) return notFound(req.path);

  // GET /2010-04-01/Accounts/{AC}.json
  if (parts.length === 3 && acPart.endsWith('.json')) {
    if (req.method !== 'GET') return methodNotAllowed();
    if (p.apiKey && p.apiKey.kind !== 'main') return unauthenticated();
    return { status: 200, body: accountJson(a) };
  }
  const resource = parts[3];
  // GET …/IncomingPhoneNumbers.json
  if (parts.length === 4 && resource === 'IncomingPhoneNumbers.json') {
    if (req.method !== 'GET') return methodNotAllowed();
    const filter = req.query.get('PhoneNumber');
    const friendly = req.query.get('FriendlyName');
    const list = a.numbers
      .filter((n) => (filter ? phoneMatches(filter, n.phoneNumber) : true))
      .filter((n) => (friendly ? n.friendlyName === friendly : true))
      .map((n) => incomingNumberJson(a, n));
    return v2010Page(req, 'incoming_phone_numbers', list);
  }
  // GET …/IncomingPhoneNumbers/{PN}.json
  if (parts.length === 5 && parts[3] === 'IncomingPhoneNumbers') {
    const n = a.numbers.find((x) => `${x.sid}.json` === parts[4]);
    if (!n) return notFound(req.path);
    if (req.method !== 'GET') return methodNotAllowed();
    return { status: 200, body: incomingNumberJson(a, n) };
  }
  // GET/POST …/Messages.json
  if (parts.length === 4 && resource === 'Messages.json') {
    if (req.method === 'POST') return createMessage(a, req);
    if (req.method !== 'GET') return methodNotAllowed();
    const to = req.query.get('To');
    const from = req.query.get('From');
    let sent: ((d: Date) => boolean)[];
    try {
      sent = dateSentFilters(req.query);
    } catch (error) {
      return twilioError(400, 20001, (error as Error).message);
    }
    const list = [...a.messages]
      .reverse()
      .filter((m) => (to ? m.to === to.replace(/^ /, '+') : true))
      .filter((m) => (from ? m.from === from.replace(/^ /, '+') : true))
      .filter((m) => sent.length === 0 || (m.dateSent !== null && sent.every((ok) => ok(m.dateSent!))))
      .map((m) => messageJson(a, m));
    return v2010Page(req, 'messages', list);
  }
  // GET …/Messages/{SM}.json
  if (parts.length === 5 && parts[3] === 'Messages') {
    const m = a.messages.find((x) => `${x.sid}.json` === parts[4]);
    if (!m) return notFound(req.path);
    if (req.method !== 'GET') return methodNotAllowed();
    return { status: 200, body: messageJson(a, m) };
  }
  return notFound(req.path);
}

/**
 * The Messages list's date filters, as twilio-node sends them: `DateSent`, `DateSent<`, `DateSent>` (the SDK's
 * dateSent / dateSentBefore / dateSentAfter, serialised `YYYY-MM-DDTHH:mm:ssZ`; the API also takes `YYYY-MM-DD`).
 * Twilio documents `<` as "on or before" and `>` as "on or after": both bounds are inclusive. A bare date means the
 * whole UTC day (so `DateSent<2024-01-02` includes that day). `DateSent` alone matches the day, or the exact second.
 */
function dateSentFilters(query: URLSearchParams): ((d: Date) => boolean)[] {
  const parse = (name: string, raw: string): { start: number; end: number } => {
    const value = raw.trim();
    const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
    // GMT unless the value says otherwise (Date.parse would read a zoneless time as local time)
    const zoned = day ? `${value}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
    const start = Date.parse(zoned.replace(' ', 'T'));
    if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(start)) {
      throw new Error(`Invalid value for ${name}: ${raw}`);
    }
    return { start, end: day ? start + 86_400_000 - 1 : start + 999 };
  };
  const filters: ((d: Date) => boolean)[] = [];
  for (const [name, raw] of query) {
    // a client that leaves '>=' unencoded sends `DateSent>=…`: URLSearchParams splits it as `DateSent>` = `…`
    if (name === 'DateSent') {
      const { start, end } = parse(name, raw);
      filters.push((d) => d.getTime() >= start && d.getTime() <= end);
    } else if (name === 'DateSent>') {
      const { start } = parse(name, raw);
      filters.push((d) => d.getTime() >= start);
    } else if (name === 'DateSent<') {
      const { end } = parse(name, raw);
      filters.push((d) => d.getTime() <= end);
    }
  }
  return filters;
}

let nextMessage = 0;

const MAGIC_TO: Record<string, [number, (to: string, from: string) => string]> = {
  '+15005550001': [21211, (to) => `Invalid 'To' Phone Number: ${to}`],
  '+15005550002': [21612, (to, from) => `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number: ${from} via SMS.`],
  '+15005550003': [21408, (to) => `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`],
  '+15005550004': [21610, () => 'Attempt to send to unsubscribed recipient'],
  '+15005550009': [21614, (to) => `'To' number ${to} is not a valid mobile number`],
};

function createMessage(a: TwilioAccountRecord, req: RecordedRequest): Reply {
  if (a.status !== 'active') return unauthenticated();
  const form = new URLSearchParams(req.body);
  const to = form.get('To')?.trim();
  const from = form.get('From')?.trim() || null;
  const serviceSid = form.get('MessagingServiceSid')?.trim() || null;
  const body = form.get('Body') ?? '';
  if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!from && !serviceSid) return twilioError(400, 21603, "A 'From' phone number is required.");
  if (!body && !form.get('MediaUrl') && !form.get('ContentSid')) return twilioError(400, 21602, 'Message body is required.');
  if (serviceSid && !a.services[serviceSid]) return twilioError(400, 21705, `The Messaging Service Sid ${serviceSid} is invalid.`);
  if (from) {
    const owned = a.numbers.find((n) => n.phoneNumber === from);
    if (!owned || !owned.capabilities.sms) {
      return twilioError(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    }
  }
  const magic = MAGIC_TO[to];
  if (magic) return twilioError(400, magic[0], magic[1](to, from ?? ''));
  if (!/^\+[1-9]\d{6,14}$/.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  if (a.type === 'Trial' && !a.verifiedCallerIds.includes(to)) {
    return twilioError(
      400,
      21608,
      `The number ${to} is unverified. Trial accounts cannot send messages to unverified numbers; verify ${to} at twilio.com/user/account/phone-numbers/verified, or purchase a Twilio number to send messages to unverified numbers.`,
    );
  }
  const text = a.type === 'Trial' ? `Sent from your Twilio trial account - ${body}` : body;
  // Twilio keeps whole seconds (its dates are RFC 2822)
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const message: TwilioMessageRecord = {
    // unique across accounts (and worlds), like real SIDs, so setMessageStatus can find a message by SID alone
    sid: fakeSid('SM', ++nextMessage),
    to,
    from,
    messagingServiceSid: serviceSid,
    body: text,
    // Twilio answers 'accepted' when it still has to pick a sender from the Messaging Service
    status: from ? 'queued' : 'accepted',
    errorCode: null,
    errorMessage: null,
    numSegments: segments(text),
    dateCreated: now,
    dateSent: now,
    dateUpdated: now,
  };
  a.messages.push(message);
  return { status: 201, body: messageJson(a, message) };
}

function handleMessaging(req: RecordedRequest, p: Principal): Reply {
  const a = p.account;
  const parts = req.path.split('/').filter(Boolean); // ['v1', …]
  if (parts[0] !== 'v1') return notFound(req.path);
  if (req.method !== 'GET') return parts.length > 1 ? methodNotAllowed() : notFound(req.path);
  const [, r1, r2, r3, r4, r5] = parts;

  if (r1 === 'Services') {
    // GET /v1/Services
    if (parts.length === 2) return v1Page(req, MESSAGING, 'services', Object.values(a.services).map((s) => serviceJson(a, s)));
    const s = a.services[r2!];
    if (!s) return notFound(req.path);
    // GET /v1/Services/{MG}
    if (parts.length === 3) return { status: 200, body: serviceJson(a, s) };
    // GET /v1/Services/{MG}/PhoneNumbers
    if (parts.length === 4 && r3 === 'PhoneNumbers') {
      const list = s.phoneNumberSids
        .map((sid) => a.numbers.find((n) => n.sid === sid))
        .filter((n): n is TwilioNumberRecord => n !== undefined)
        .map((n) => servicePhoneNumberJson(a, s, n));
      return v1Page(req, MESSAGING, 'phone_numbers', list);
    }
    // GET /v1/Services/{MG}/Compliance/Usa2p
    if (r3 === 'Compliance' && r4 === 'Usa2p') {
      if (parts.length === 5) return v1Page(req, MESSAGING, 'compliance', s.campaigns.map((c) => campaignJson(a, s, c)));
      const c = s.campaigns.find((x) => x.sid === r5);
      if (parts.length === 6 && c) return { status: 200, body: campaignJson(a, s, c) };
    }
    return notFound(req.path);
  }
  if (r1 === 'a2p' && r2 === 'BrandRegistrations') {
    // GET /v1/a2p/BrandRegistrations
    if (parts.length === 3) return v1Page(req, MESSAGING, 'data', a.brands.map((b) => brandJson(a, b)));
    const b = a.brands.find((x) => x.sid === r3);
    if (parts.length === 4 && b) return { status: 200, body: brandJson(a, b) };
    return notFound(req.path);
  }
  if (r1 === 'Tollfree' && r2 === 'Verifications') {
    // GET /v1/Tollfree/Verifications?TollfreePhoneNumberSid=PN…&Status=…
    if (parts.length === 3) {
      const pn = req.query.get('TollfreePhoneNumberSid');
      const status = req.query.get('Status');
      const list = a.tollfreeVerifications
        .filter((v) => (pn ? v.tollfreePhoneNumberSid === pn : true))
        .filter((v) => (status ? v.status === status : true))
        .map((v) => tollfreeJson(a, v));
      return v1Page(req, MESSAGING, 'verifications', list);
    }
    const v = a.tollfreeVerifications.find((x) => x.sid === r3);
    if (parts.length === 4 && v) return { status: 200, body: tollfreeJson(a, v) };
    return notFound(req.path);
  }
  return notFound(req.path);
}

function handleLookups(req: RecordedRequest, world: TwilioWorld): Reply {
  const m = /^\/v2\/PhoneNumbers\/([^/]+)$/.exec(req.path);
  if (!m) return notFound(req.path);
  if (req.method !== 'GET') return methodNotAllowed();
  let phone = decodeURIComponent(m[1]!);
  if (phone.startsWith(' ')) phone = '+' + phone.slice(1);
  const fields = (req.query.get('Fields') ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  const rec = world.lookups[phone] ?? deriveLookup(phone);
  return { status: 200, body: lookupJson(phone, rec, fields) };
}

function handle(world: TwilioWorld, req: RecordedRequest): Action {
  const principal = authenticate(world, req);
  if (!principal) return unauthenticated();
  switch (principal.account.behavior) {
    case 'unauthenticated':
      return unauthenticated();
    case 'rateLimited':
      return twilioError(429, 20429, 'Too Many Requests', { 'retry-after': '1' });
    case 'serverError':
      return twilioError(500, 20500, 'An internal server error has occurred');
    case 'hang':
      return { hang: true };
    case 'reset':
      return { reset: true };
    case 'normal':
      break;
  }
  if (principal.account.rateLimitNextPosts && req.method === 'POST' && req.path.endsWith('/Messages.json')) {
    principal.account.rateLimitNextPosts--;
    return twilioError(429, 20429, 'Too Many Requests', { 'retry-after': '1' });
  }
  const messageFault = req.method === 'POST' && req.path.endsWith('/Messages.json') ? principal.account.messageFaults?.shift() : undefined;
  if (messageFault) {
    // The work is done (or not) exactly as usual; only the answer is lost or garbled.
    if (messageFault.create) handleApi(req, principal);
    return messageFaultAnswer(messageFault.answer);
  }
  switch (productOf(req)) {
    case 'api':
      return handleApi(req, principal);
    case 'messaging':
      return handleMessaging(req, principal);
    case 'lookups':
      return handleLookups(req, world);
    case 'unknown':
      return notFound(req.path);
  }
}

/**
 * A 400 that quotes the credentials of the request, as a careless proxy in front of Twilio would: the auth token
 * (and account SID) in clear in `message`, the token URL-encoded in `more_info`, and the Basic header's base64.
 * Requests without Basic credentials are left to the normal handler.
 */
function credentialEcho(req: RecordedRequest): Reply | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  const token = decoded.slice(colon + 1);
  return {
    status: 400,
    body: {
      code: 20003,
      message: `Authenticate: account ${user} with auth token ${token} was refused (Authorization: ${header})`,
      more_info: `https://www.twilio.com/docs/errors/20003?auth_token=${encodeURIComponent(token)}`,
      status: 400,
    },
  };
}

/**
 * Start the fake on 127.0.0.1 (ephemeral port). `fake.world` is live: tests may mutate it (or replace it) between
 * requests. `options.delayMs` (also `fake.delayMs`) delays every answer.
 */
export async function startTwilioFake(world: TwilioWorld = defaultTwilioWorld(), options: { delayMs?: number } = {}): Promise<TwilioFake> {
  // Assigned once started; the handler below is created before that and must see `undefined`, not a
  // temporal-dead-zone ReferenceError, should a request arrive early: so `let`, not `const`.
  // eslint-disable-next-line prefer-const
  let fake: TwilioFake | undefined;
  const echoes = (req: RecordedRequest): boolean => fake?.echoCredentials === true || (fake?.echoCredentials === 'writes' && req.method !== 'GET');
  const base = await startHttpFake((req) => (echoes(req) ? credentialEcho(req) : undefined) ?? handle(fake?.world ?? world, req), options);
  fake = Object.assign(base, {
    world,
    echoCredentials: false as boolean | 'writes',
    count(path: string, method?: string): number {
      const m = method?.toUpperCase();
      return base.requests.filter((r) => r.path === path && (m === undefined || r.method === m)).length;
    },
    setMessageStatus(sid: string, status: string, errorCode?: number | null, errorMessage?: string | null): TwilioMessageRecord {
      const current = fake?.world ?? world;
      for (const account of Object.values(current.accounts)) {
        const message = account.messages.find((m) => m.sid === sid);
        if (!message) continue;
        message.status = status;
        message.errorCode = errorCode ?? null;
        message.errorMessage = errorMessage !== undefined ? errorMessage : errorCode ? (TWILIO_DELIVERY_ERRORS[errorCode] ?? null) : null;
        message.dateUpdated = new Date(Math.floor(Date.now() / 1000) * 1000);
        return message;
      }
      throw new Error(`twilio fake: no message ${sid} in any account`);
    },
  });
  return fake;
}
