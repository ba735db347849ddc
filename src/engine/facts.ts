import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import { recipientPhone } from '../data/model.js';
import { parsePhone, type PhoneFacts } from '../data/phone.js';
import { renderEmail, renderSms, paymentsEnabled, type Rendered, type RenderedEmail } from '../send/render.js';
import type { LinkPayments, StripeAccount, StripeProvider } from '../providers/stripe.js';
import type { SendHistory } from '../send/history.js';
import type { JournalProblem } from '../store/types.js';
import type { SmtpResult } from '../providers/email.js';
import type { MailDomain } from '../providers/dns.js';
import type { Read } from '../providers/fault.js';
import { OfflineRead } from './offline.js';
import { isE164, isMessagingServiceSid, isNanpLongCode } from '../providers/twilio-ids.js';
import type {
  TwilioAccount, TwilioBrand, TwilioCampaign, TwilioMessage, TwilioNumber, TwilioProvider, TwilioService, TwilioTollfreeVerification,
} from '../providers/twilio.js';

/**
 * A payment link of typical length, used to render messages before a real link exists: segment counts
 * and length limits must be judged on the message as it will be sent, link included.
 */
export const SAMPLE_PAYMENT_LINK = 'https://buy.stripe.com/test_5kA7sN2Xb0Qq3cY6oo9AQ00';

/**
 * What checks may ask about the world. Every fact is computed at most once per scope in a run (once per
 * account for account facts, however many invoices), so checks can share one expensive read.
 */
export interface Facts extends AccountFacts, InvoiceFacts {}

/** Facts about one invoice. */
export interface InvoiceFacts {
  /** the email as the customer would receive it, rendered from the account's templates */
  emailMessage(): RenderedEmail;
  /** the SMS as the customer would receive it */
  smsMessage(): Rendered & { custom: boolean };
  /** the recipient's phone number, parsed with the account's country as default region */
  recipientPhone(): Promise<PhoneFacts | undefined>;
  /** what `send` recorded for this invoice in the outbox journal (read-only) */
  sendHistory(): Promise<SendHistoryRead>;
}

/** The invoice's sends as the journal has them, with any unreadable lines that may concern it. */
export interface SendHistoryRead {
  journal: string;
  history: SendHistory;
  problems: JournalProblem[];
}

/**
 * Facts about the account's services, read through the providers (the only code that talks to the
 * outside). Each is read once per account per run, whichever and however many checks ask; reads never
 * write. A service fault comes back as `{ ok: false, fault }`, never as a throw.
 */
export interface AccountFacts {
  /** the Stripe account: the connected account when configured, else the key's own */
  stripeAccount(): Promise<Read<StripeAccount>>;
  /** connect, TLS, AUTH (or the OAuth2 token refresh) against the configured SMTP server */
  smtp(): Promise<SmtpResult>;
  /** after a plain connection got no greeting: does the port answer over implicit TLS instead? */
  smtpImplicitTls(): Promise<boolean>;
  /** the file transport's folder exists and is writable (or can be created) */
  outbox(dir: string): Promise<Read<{ dir: string; exists: boolean }>>;
  twilioAccount(): Promise<Read<TwilioAccount>>;
  /** the configured `from` number as the account owns it (undefined: not owned) */
  twilioNumber(phoneNumber: string): Promise<Read<TwilioNumber | undefined>>;
  twilioService(serviceSid: string): Promise<Read<TwilioService>>;
  twilioServiceNumbers(serviceSid: string): Promise<Read<TwilioNumber[]>>;
  twilioBrands(): Promise<Read<TwilioBrand[]>>;
  twilioCampaigns(serviceSid: string): Promise<Read<TwilioCampaign[]>>;
  twilioTollfreeVerifications(phoneNumberSid: string): Promise<Read<TwilioTollfreeVerification[]>>;
  /** one SMS as Twilio reports it now (delivery status, error code) */
  twilioMessage(sid: string): Promise<Read<TwilioMessage>>;
  /** whether a payment link was paid (its Checkout Sessions) */
  linkPayments(linkId: string): Promise<Read<LinkPayments>>;
  /** whether a domain accepts mail (MX, null MX, address fallback), shared by the account's invoices */
  mailDomain(domain: string): Promise<Read<MailDomain>>;
  /** resolves when no read asked ahead of time is still in flight (a run leaves nothing behind) */
  idle(): Promise<void>;
}

/** Settings the providers need from the run: timeouts stay below the check timeout. */
export interface ProviderSettings {
  timeoutMs: number;
  /** ask dependent reads early (off for --sequential, whose point is one request at a time) */
  prefetch?: boolean;
  dns?: { servers?: readonly string[]; timeoutMs?: number };
  /** --offline: every fact that would go on the network throws OfflineRead instead (see offline.ts) */
  offline?: boolean;
}

export function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/**
 * Reads that put a request on the wire and then mostly wait (an SMTP greeting takes 100 ms or more).
 * The Stripe and Twilio SDKs block the event loop for tens of milliseconds while they load, so they
 * load once these have started: their loading then overlaps the waiting instead of delaying the send.
 */
const waitingReads = new Set<Promise<void>>();

async function heavyImportTurn(): Promise<void> {
  // Let the checks started in this tick ask for their light reads first.
  await new Promise((resolve) => setImmediate(resolve));
  if (waitingReads.size === 0) return;
  await Promise.race([Promise.all(waitingReads), new Promise((resolve) => setTimeout(resolve, 100))]);
}

/** Memoizes an async read by its argument. */
function memoBy<A, T>(compute: (arg: A) => Promise<T>): (arg: A) => Promise<T> {
  const cache = new Map<A, Promise<T>>();
  return (arg) => {
    let value = cache.get(arg);
    if (!value) {
      value = compute(arg);
      cache.set(arg, value);
    }
    return value;
  };
}

/**
 * Account facts live for the whole run; one instance per account. The providers (and the SDKs behind
 * them) are imported only when a fact is first read, so offline runs and `--help` never load them.
 */
export function createAccountFacts(account: Account, settings: ProviderSettings = { timeoutMs: 10_000 }): AccountFacts {
  const { timeoutMs } = settings;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined || value === '') throw new Error(`${what} is not configured for account ${account.id}; the check must test for it before reading this fact`);
    return value;
  };
  const twilio = memo(async (): Promise<TwilioProvider> => {
    const t = account.sms?.twilio;
    await heavyImportTurn();
    const { createTwilioProvider } = await import('../providers/twilio.js');
    return createTwilioProvider({
      accountSid: need(t?.account_sid, 'sms.twilio.account_sid'),
      authToken: need(t?.auth_token, 'sms.twilio.auth_token'),
      apiBase: t?.api_base,
      timeoutMs: Math.max(250, Math.floor(timeoutMs * 0.8)),
    });
  });
  const dns = memo(async () => {
    const { createDnsProvider } = await import('../providers/dns.js');
    return createDnsProvider({ servers: settings.dns?.servers, timeoutMs: Math.min(settings.dns?.timeoutMs ?? 5_000, Math.floor(timeoutMs * 0.8)) });
  });
  /**
   * The sender and registration reads that sms.sender and sms.a2p make after sms.account passes, asked
   * as soon as the account read succeeds: two dependent rounds become one. Read-only and memoized, so
   * each is still fetched once. Brands only where A2P 10DLC can apply (a messaging service, or a US
   * long code as the sender).
   */
  const inFlight = new Set<Promise<void>>();
  const prefetchSender = () => {
    const t = account.sms?.twilio;
    const service = t?.messaging_service_sid?.trim();
    const from = t?.from?.trim();
    const ignore = (p: Promise<unknown>) => {
      const settled = p.then(() => undefined, () => undefined);
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
    };
    const validService = service !== undefined && isMessagingServiceSid(service);
    if (from && isE164(from)) ignore(facts.twilioNumber(from));
    if (validService) {
      ignore(facts.twilioService(service));
      ignore(facts.twilioServiceNumbers(service));
      ignore(facts.twilioCampaigns(service));
    }
    const usLongCode = from !== undefined && isNanpLongCode(from);
    if (validService || usLongCode) ignore(facts.twilioBrands());
  };
  const stripe = memo(async (): Promise<StripeProvider> => {
    const s = account.payments.stripe;
    await heavyImportTurn();
    const { createStripeProvider } = await import('../providers/stripe.js');
    // One retry (a blip should not make the answer unknown), and two attempts plus the SDK's back-off
    // (500 ms at first) must fit in one check's timeout.
    const retries = 1;
    const perAttempt = Math.max(100, Math.floor((timeoutMs - 1_000) / 2));
    // A key pasted with a line break (an env file, `echo`) is the same key; Node would refuse it as a header.
    const secretKey = need(s?.secret_key, 'payments.stripe.secret_key').trim();
    return createStripeProvider({ secretKey, apiBase: s?.api_base, timeoutMs: perAttempt, maxNetworkRetries: retries });
  });
  const facts: AccountFacts = {
    stripeAccount: memo(async () => (await stripe()).retrieveAccount(account.payments.stripe?.account)),
    linkPayments: memoBy(async (linkId: string) => (await stripe()).linkPayments(linkId, account.payments.stripe?.account)),
    twilioMessage: memoBy(async (sid: string) => (await twilio()).message(sid)),
    smtp: memo(async () => {
      let connecting!: () => void;
      const started = new Promise<void>((resolve) => (connecting = resolve));
      waitingReads.add(started);
      try {
        const { probeSmtp, smtpTarget } = await import('../providers/email.js');
        return await probeSmtp(smtpTarget(account, timeoutMs), { onConnecting: connecting });
      } finally {
        connecting();
        waitingReads.delete(started);
      }
    }),
    smtpImplicitTls: memo(async () => {
      const { probeSmtp, smtpTarget } = await import('../providers/email.js');
      const result = await probeSmtp({ ...smtpTarget(account, timeoutMs), secure: true, auth: undefined });
      // A certificate complaint still proves the port speaks TLS; "wrong version number" proves it does not.
      return result.ok || (result.failure.stage === 'tls' && result.failure.originalCode !== 'ERR_SSL_WRONG_VERSION_NUMBER');
    }),
    outbox: memoBy(async (dir: string) => {
      const { checkOutbox } = await import('../providers/email.js');
      return checkOutbox(dir);
    }),
    twilioAccount: memo(async () => {
      const read = await (await twilio()).account();
      if (read.ok && settings.prefetch !== false) prefetchSender();
      return read;
    }),
    twilioNumber: memoBy(async (n: string) => (await twilio()).incomingNumber(n)),
    twilioService: memoBy(async (sid: string) => (await twilio()).service(sid)),
    twilioServiceNumbers: memoBy(async (sid: string) => (await twilio()).serviceNumbers(sid)),
    twilioBrands: memo(async () => (await twilio()).brands()),
    twilioCampaigns: memoBy(async (sid: string) => (await twilio()).campaigns(sid)),
    twilioTollfreeVerifications: memoBy(async (sid: string) => (await twilio()).tollfreeVerifications(sid)),
    mailDomain: memoBy(async (domain: string) => (await dns()).mailDomain(domain)),
    idle: async () => {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
  return settings.offline ? withoutNetwork(facts) : facts;
}

/** The facts that put a request on the wire; the others (the outbox folder, idle) stay usable offline. */
export const NETWORK_FACTS = {
  stripeAccount: 'Stripe', linkPayments: 'Stripe', smtp: 'the mail server', smtpImplicitTls: 'the mail server',
  twilioAccount: 'Twilio', twilioNumber: 'Twilio', twilioService: 'Twilio', twilioServiceNumbers: 'Twilio', twilioBrands: 'Twilio',
  twilioCampaigns: 'Twilio', twilioTollfreeVerifications: 'Twilio', twilioMessage: 'Twilio', mailDomain: 'DNS',
} as const satisfies Partial<Record<keyof AccountFacts, string>>;

/**
 * Offline, a check runs up to its first network read, so whatever it can decide from the configuration and
 * the invoice (an unset key, a malformed SID, no sender) is decided; the read itself throws OfflineRead,
 * which the runner turns into an "offline" skip. Nothing is imported, so no SDK loads.
 */
function withoutNetwork(facts: AccountFacts): AccountFacts {
  const offline: AccountFacts = { ...facts };
  for (const [name, service] of Object.entries(NETWORK_FACTS)) {
    (offline as unknown as Record<string, () => Promise<never>>)[name] = () => Promise.reject(new OfflineRead(name, service));
  }
  return offline;
}

export function createInvoiceFacts(account: Account, invoice: Invoice | undefined, accountFacts: AccountFacts, options: { note?: string; journalFile?: string; history?: import('../send/read-history.js').HistoryReader; outbox?: import('../store/open.js').OpenStoreOptions['outbox'] } = {}): Facts {
  const need = (): Invoice => {
    if (!invoice) throw new Error('this fact needs an invoice; account-scoped checks cannot read invoice facts');
    return invoice;
  };
  const link = paymentsEnabled(account) ? SAMPLE_PAYMENT_LINK : undefined;
  return {
    ...accountFacts,
    emailMessage: memo(() => renderEmail({ account, invoice: need(), paymentLink: link, note: options.note })),
    smsMessage: memo(() => renderSms({ account, invoice: need(), paymentLink: link, note: options.note })),
    sendHistory: memo(async () => {
      const journal = options.journalFile;
      // Most invoices of a workspace that never sent anything: no outbox, no driver to load, nothing to read. A
      // database gone while its witness remains is not "never sent": the store refuses it (JOURNAL_DAMAGED).
      if (!journal || !(await import('../store/open.js')).mayHoldHistory(journal)) return { journal: journal ?? '', history: (await import('../send/history.js')).foldHistory([]), problems: [] };
      if (options.history) return { journal, ...(await options.history.read(need().id)) };
      const { readHistoryAt } = await import('../send/read-history.js');
      return { journal, ...(await readHistoryAt(journal, need().id, { outbox: options.outbox })) };
    }),
    recipientPhone: memo(async () => {
      const phone = recipientPhone(need());
      return phone === undefined || phone.trim() === '' ? undefined : parsePhone(phone, account.country);
    }),
  };
}
