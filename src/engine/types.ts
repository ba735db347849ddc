import type { Account } from '../config/load.js';
import type { Channel } from '../config/schema.js';
import type { Invoice } from '../data/model.js';
import type { Facts } from './facts.js';

export type { Channel, Account, Invoice };

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error';
/** `error`: the code reports that the answer could not be determined (a service unreachable, rate-limited, 5xx). */
export type Severity = 'fail' | 'warn' | 'error';
export type Category = 'payments' | 'email' | 'sms' | 'invoice' | 'recipient' | 'message' | 'delivery' | 'custom';
export type Scope = 'invoice' | 'account';

export const CATEGORIES: readonly Category[] = ['invoice', 'recipient', 'message', 'payments', 'email', 'sms', 'delivery', 'custom'];

/** Remediation as a help centre would write it: why, then what to do, in order. */
export interface Remediation {
  cause: string;
  steps: string[];
  docs?: string;
}

/** A code a check can return, with what to do about it (built-in checks all ship their remediation). */
export interface CodeMeta {
  severity: Severity;
  summary: string;
  remediation?: Remediation;
  /**
   * Set by `codeOf(owner, code)` only: the id of the check that declares this code. A check reporting a
   * condition another check owns uses the owner's definition rather than declaring the code again, so each
   * code has one summary and one remediation, written in one place.
   */
  owner?: string;
}

/** What `run` returns: build it with ctx.pass/warn/fail/skip. */
export interface Outcome {
  status: CheckStatus;
  code?: string;
  message: string;
  data?: Record<string, unknown>;
  blockedBy?: string[];
  /** the channels this result concerns, when narrower than those the check gates */
  channels?: readonly Channel[];
}

export interface FindingDetail {
  message: string;
  data?: Record<string, unknown>;
  /**
   * the channels the finding concerns (default: every channel the check gates), so a check that
   * looks at both channels can fail one of them without marking the other not ready
   */
  channels?: readonly Channel[];
}

export interface BaseOutcomeBuilder {
  pass(message: string, data?: Record<string, unknown>): Outcome;
  warn(code: string, detail: string | FindingDetail): Outcome;
  fail(code: string, detail: string | FindingDetail): Outcome;
  /** could not determine (a service unreachable, rate-limited, failing): never counted as pass or fail */
  error(code: string, detail: string | FindingDetail): Outcome;
}

interface BaseContext extends BaseOutcomeBuilder {
  account: Account;
  /** the channels requested for this run (after --channel and the account's defaults) */
  channels: readonly Channel[];
  offline: boolean;
  /** aborts when the check times out or the run is cancelled; pass it to anything that waits */
  signal: AbortSignal;
  facts: Facts;
  skip(reason: string, data?: Record<string, unknown>): Outcome;
  /** a debug line, shown with --verbose (redacted like all output) */
  log(message: string): void;
}

export interface InvoiceContext extends BaseContext {
  invoice: Invoice;
}

/** Account-scoped checks run once per account per run; they cannot see any one invoice. */
export type AccountContext = BaseContext;

export type ContextFor<S extends Scope> = S extends 'invoice' ? InvoiceContext : AccountContext;

export interface CheckDefinition<S extends Scope = Scope> {
  /** stable, dotted; used by --only/--skip, JSON, docs */
  id: string;
  title: string;
  /** what the check verifies, one or two sentences (shown by `explain`) */
  description: string;
  category: Category;
  /** the channels whose readiness this check gates */
  channels: readonly Channel[];
  scope: S;
  /** a dependency that fails or errors makes this check `skip` with blockedBy */
  dependsOn?: readonly string[];
  /** `--offline` skips it (unless runsOffline) */
  needsNetwork?: boolean;
  /**
   * With needsNetwork: under `--offline` it still runs, up to its first network fact (which then throws
   * OfflineRead, reported as an "offline" skip), so what it can decide from the configuration and the
   * invoice (an unset key, a malformed id) is decided offline too. Only for checks that reach the network
   * through ctx.facts alone.
   */
  runsOffline?: boolean;
  /** false → skip "not applicable"; a string → skip with that reason */
  appliesTo?: (ctx: ContextFor<S>) => boolean | string;
  /** the help-centre article step(s) it mirrors, e.g. servinix/invoice-not-sending#1 */
  article?: string | readonly string[];
  /** every code `run` may return, with its severity and a one-line summary */
  codes: Readonly<Record<string, CodeMeta>>;
  run(ctx: ContextFor<S>): Outcome | Promise<Outcome>;
}

export type AnyCheck = CheckDefinition<'invoice'> | CheckDefinition<'account'>;

/** One check's result for one invoice, as reported (contract: JSON `checks[]`). */
export interface CheckResult {
  id: string;
  title: string;
  category: Category;
  status: CheckStatus;
  code?: string;
  message: string;
  remediation: string[];
  /** the remediation catalogue's one-line cause (human report only; not part of the JSON contract) */
  cause?: string;
  docs?: string;
  blockedBy: string[];
  durationMs: number;
  data: Record<string, unknown>;
  /** the channels the result concerns, when the check narrowed them (readiness only; not in the JSON) */
  channels?: readonly Channel[];
  /** with --verbose only: the stack of a check that threw */
  stack?: string;
}

export type ChannelState = 'ready' | 'not_ready' | 'unknown';

export interface InvoiceReport {
  invoice: { id: string; number: string; account: string; status: string };
  ready: boolean;
  channels: Partial<Record<Channel, ChannelState>>;
  checks: CheckResult[];
}

export interface Summary {
  invoices: number;
  ready: number;
  pass: number;
  warn: number;
  fail: number;
  skip: number;
  error: number;
}

export interface RunReport {
  ready: boolean;
  summary: Summary;
  results: InvoiceReport[];
}
