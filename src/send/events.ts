/**
 * What `send` writes to the outbox journal, one line per event. An *intent* is written (and flushed)
 * before each side effect, a *result* after it; an email's *commit* is written just before the server
 * can accept the message. Whatever the process dies between, the next run can tell what happened.
 * Lines carry no secret: addresses, ids, the SMS text and the server's replies only.
 */
export type Step = 'link' | 'email' | 'sms';
export type DeliveryChannel = 'email' | 'sms';

interface EventBase {
  v: 1;
  /** ISO time the line was written */
  at: string;
  invoice: string;
  account: string;
  /** the run that wrote it (one per process) */
  run: string;
}

/** A failure in words, with the provider's own codes when it gave any. */
export interface EventError {
  message: string;
  kind?: string;
  code?: string | number;
  status?: number;
  /** SMTP reply code (550…) */
  responseCode?: number;
}

export interface LinkIntent extends EventBase {
  step: 'link';
  phase: 'intent';
  amount: number;
  currency: string;
  idempotencyKey: string;
}

export interface LinkResult extends EventBase {
  step: 'link';
  phase: 'result';
  outcome: 'created' | 'failed';
  amount: number;
  currency: string;
  link?: { id: string; url: string; livemode: boolean };
  error?: EventError;
  /** the key the failed request was sent with */
  idempotencyKey?: string;
  /** a failure: what Stripe's answer proved (`nothing`: a link may exist; the next run looks for it first) */
  proves?: 'not_created' | 'nothing';
  /** a failure: the key is spent (Stripe replays its saved error); the next try uses a new key */
  retired?: boolean;
  /** a link found at Stripe by its metadata after an answer that proved nothing */
  reconciled?: string;
}

export interface DeliveryIntent extends EventBase {
  step: DeliveryChannel;
  phase: 'intent';
  /** one id per try, shared by the try's intent, commit and result */
  attempt: string;
  to: string;
  transport: 'smtp' | 'oauth2' | 'file' | 'twilio';
  /** email: the sender; SMS: the from number (absent with a messaging service) */
  from?: string;
  service?: string;
  /** email: the Message-ID header */
  messageId?: string;
  subject?: string;
  /** SMS: the text (what the customer receives; needed to find the message at Twilio again) */
  body?: string;
  /** file transport: where the message lands */
  file?: string;
  link?: string;
}

export interface DeliveryCommit extends EventBase {
  step: 'email';
  phase: 'commit';
  attempt: string;
}

/**
 * `sent`: the provider took it. `failed`: the provider refused it, provably nothing sent.
 * `not_sent`: an interrupted try that provably sent nothing (or that a person verified was not sent, see
 * `settled`). `abandoned`: a try whose fate is unknown, closed by `--resend` before trying again.
 */
export type DeliveryOutcome = 'sent' | 'failed' | 'not_sent' | 'abandoned';

export interface DeliveryResult extends EventBase {
  step: DeliveryChannel;
  phase: 'result';
  attempt: string;
  outcome: DeliveryOutcome;
  /** how an interrupted try was settled by a later run */
  reconciled?: string;
  messageId?: string;
  /** SMTP: the server's reply to the message */
  response?: string;
  /** SMS: the Twilio message SID and its status when created */
  sid?: string;
  status?: string;
  file?: string;
  error?: EventError;
  /** set when a person recorded the outcome (`invoice-doctor settle`) instead of a provider's answer */
  settled?: Settlement;
}

/**
 * An outcome a person verified and recorded with `settle` (the server's log, the customer, Twilio's
 * console): who, and why. The time is the line's own `at`.
 */
export interface Settlement {
  by: 'person';
  as: 'sent' | 'not-sent';
  /** the operating-system user who ran `settle`, when the system can tell */
  user?: string;
  note?: string;
}

export type JournalEvent = LinkIntent | LinkResult | DeliveryIntent | DeliveryCommit | DeliveryResult;

type Envelope = 'v' | 'at' | 'invoice' | 'account' | 'run';
/** An event as the sender writes it; the journal writer adds the envelope fields. */
export type EventInput = JournalEvent extends infer E ? (E extends JournalEvent ? Omit<E, Envelope> : never) : never;
