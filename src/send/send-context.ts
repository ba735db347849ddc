import { randomBytes } from 'node:crypto';
import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import { describeFault, type Fault } from '../providers/fault.js';
import type { TwilioOptions } from '../providers/twilio.js';
import type { JournalProblem, OutboxStore } from '../store/types.js';
import type { DeliveryChannel, EventError, EventInput, JournalEvent } from './events.js';

/*
 * What the steps of a send share: the request, the reports they return, and the outbox writer they
 * record through (it adds the envelope: version, time, invoice, account, run).
 */

/** Everything one send needs, decided by the command before anything is written. */
export interface SendRequest {
  invoice: Invoice;
  account: Account;
  channels: readonly DeliveryChannel[];
  /** the recipients after --to-email / --to-phone; the phone in E.164 */
  to: { email?: string; phone?: string };
  /** the short message from --message */
  note?: string;
  resend: boolean;
  /** the outbox the send is recorded in (a batch shares one) */
  store: OutboxStore;
  timeoutMs: number;
  /** how long to wait for another process sending the same invoice */
  lockWaitMs?: number;
  /** batch send: shared connections and rate limits (a single send goes without) */
  batch?: BatchResources;
  /**
   * Aborted by the first Ctrl-C / SIGTERM: the channel in flight finishes and journals its result, the
   * next one (and the payment link) is not started.
   */
  stop?: AbortSignal;
}

/** What the invoices of a batch share, per account: an SMTP pool and the providers' rate limiters. */
export interface BatchResources {
  smtpPool?: import('../providers/smtp-pool.js').SmtpPool;
  limits?: { email?: Limiter; sms?: Limiter; stripe?: Limiter };
  /** called before each wait after a 429 (for --verbose) */
  log?: (line: string) => void;
}

export interface Limiter {
  take(): Promise<void>;
}

/**
 * How a channel ended: `sent` now, `already_sent` by an earlier run (or found delivered while settling
 * an interrupted one), `failed` (refused, provably not sent), `unknown` (may or may not have gone out).
 */
export interface ChannelReport {
  channel: DeliveryChannel;
  status: 'sent' | 'already_sent' | 'failed' | 'unknown';
  to: string;
  at?: string;
  /** Message-ID / server reply / Twilio SID and status / file */
  messageId?: string;
  response?: string;
  sid?: string;
  smsStatus?: string;
  file?: string;
  error?: EventError;
  /** `failed` because the provider can be retried later (network, 5xx, 429): exit 3, not 1 */
  transient?: boolean;
  /** what happened to an earlier interrupted try, in words */
  note?: string;
}

export interface SendReport {
  link?: { id: string; url: string; amount: number; currency: string; reused: boolean; livemode: boolean };
  linkError?: EventError & { transient: boolean };
  channels: ChannelReport[];
  /** unreadable journal lines that may concern this invoice (reported, never fatal) */
  journalProblems: JournalProblem[];
  /** the lock was left by a process that died; it was taken over */
  reclaimedLock?: { pid: number; host: string; since: string };
}

/** one per process: tells apart the lines of different runs */
export const runId = randomBytes(6).toString('hex');
export const newAttempt = () => randomBytes(8).toString('hex');

/** A file-name-safe form of an invoice id (ids may hold any character). */
export const fileSafe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);

/** Appends one event to the journal (flushed before it resolves); the journal writer resolves with the line written. */
export type Write = (event: EventInput) => Promise<unknown>;

/**
 * The one journal writer of `send` and `settle`: adds the envelope (version, invoice, time, account, run)
 * and appends the line, flushed to disk before it resolves.
 */
export function journalWriter(store: OutboxStore, invoice: string, account: string): (event: EventInput) => Promise<JournalEvent> {
  return async (event) => {
    const record = { v: 1 as const, invoice, at: new Date().toISOString(), account, run: runId, ...event };
    await store.append(record);
    return record as JournalEvent;
  };
}

export function twilioOptions(request: SendRequest): TwilioOptions {
  const t = request.account.sms!.twilio!;
  return { accountSid: t.account_sid!.trim(), authToken: t.auth_token!.trim(), apiBase: t.api_base, timeoutMs: request.timeoutMs };
}

export function faultInfo(fault: Fault): EventError {
  return { message: describeFault(fault), kind: fault.kind, code: fault.code, status: fault.status };
}
