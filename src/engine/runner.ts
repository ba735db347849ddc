import { StateError } from '../errors.js';
import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import type { RemediationCatalog } from '../remediation/catalog.js';
import { createAccountFacts, createInvoiceFacts, type AccountFacts, type Facts } from './facts.js';
import { OfflineRead } from './offline.js';
import { forEachConcurrently, pullFrom } from './concurrency.js';
import type { Registry } from './registry.js';
import { summarize, invoiceReadiness } from './readiness.js';
import type {
  AnyCheck, Channel, CheckResult, FindingDetail, InvoiceContext, InvoiceReport, Outcome, RunReport, Summary,
} from './types.js';

export interface RunOptions {
  /** --channel; default: each account's channels */
  channels?: readonly Channel[];
  /** check ids to report (already expanded from --only/--skip) */
  selected: ReadonlySet<string>;
  /** ids excluded by --skip, so dependants can say why they could not run */
  skipped: ReadonlySet<string>;
  offline: boolean;
  timeoutMs: number;
  strict: boolean;
  /** invoices checked at once */
  concurrency: number;
  /** run one check at a time (debugging; the benchmark's sequential baseline) */
  sequential?: boolean;
  verbose: boolean;
  /** DNS servers for the recipient-domain lookups (config `dns`); default: the system's */
  dns?: { servers?: readonly string[]; timeoutMs?: number };
  log?: (line: string) => void;
  /** the short message `send --message` adds, so the gate judges the messages that will go out */
  note?: string;
  /** the outbox journal (config `journal`): the last sends, for delivery.last-attempt */
  journalFile?: string;
  /** the config's `outbox:` settings (a Postgres outbox's pool, timeouts, lease) */
  outbox?: import('../store/open.js').OpenStoreOptions['outbox'];
  /**
   * Facts given rather than read: each replaces the fact of that name for every invoice and check of the
   * run. What a check's table test feeds it (test/support/check-tester.ts: facts in, result out); the
   * commands never set it.
   */
  givenFacts?: Partial<Facts>;
  /** called as each invoice completes (progress, streaming output) */
  onInvoice?: (report: InvoiceReport, done: number, total: number) => void;
  /**
   * Keep every InvoiceReport for the returned RunReport (default). false: only the summary counters are
   * kept and `results` comes back empty, so a streamed batch holds no result beyond the ones in flight.
   */
  keepResults?: boolean;
}

interface Settled extends Outcome {
  durationMs: number;
  stack?: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Catalogue steps say "accounts.<id>.…" and "send <invoice>"; in a result both are known, so name them. */
export function personalize(step: string, accountId: string, invoiceId: string): string {
  return step.replaceAll('accounts.<id>', `accounts.${accountId}`).replaceAll('<invoice>', invoiceId);
}

/**
 * Runs the selected checks for each invoice. Checks start as soon as their dependencies settle, so
 * independent checks overlap; account-scoped checks run once per account and are shared by its invoices;
 * a check that throws, times out or returns something malformed becomes an `error` result, never a crash.
 */
/** Invoices to check: a list, or a source pulled one at a time as workers free up (a streamed batch). */
export type InvoiceFeed = readonly Invoice[] | { next(): Invoice | undefined };

export async function runChecks(
  registry: Registry,
  invoices: InvoiceFeed,
  accounts: ReadonlyMap<string, Account>,
  catalog: RemediationCatalog,
  options: RunOptions,
): Promise<RunReport> {
  const accountResults = new Map<string, Promise<Settled>>();
  const gate = options.sequential ? serialGate() : undefined;
  const accountFacts = new Map<string, AccountFacts>();
  const keep = options.keepResults !== false;
  const results: InvoiceReport[] = [];
  const summary: Summary = { invoices: 0, ready: 0, pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  const list = 'length' in invoices ? invoices : undefined;
  let done = 0;
  const pull = list ? pullFrom(list) : () => (invoices as { next(): Invoice | undefined }).next();

  // One outbox for the whole run, opened by the first invoice that has history to read.
  const history = options.journalFile ? (await import('../send/read-history.js')).historyReader(options.journalFile, { outbox: options.outbox }) : undefined;
  try {
    await forEachConcurrently(pull, options.concurrency, async (invoice, index) => {
      const account = accounts.get(invoice.accountId)!;
      if (!accountFacts.has(account.id)) accountFacts.set(account.id, createAccountFacts(account, { timeoutMs: options.timeoutMs, dns: options.dns, prefetch: !options.sequential, offline: options.offline }));
      const report = await checkInvoice(registry, invoice, account, accountFacts.get(account.id)!, accountResults, catalog, options, gate, history);
      if (keep) results[index] = report;
      else countInto(summary, report);
      done++;
      options.onInvoice?.(report, done, list ? list.length : done);
    }, { yieldBetween: true });
  } finally {
    await history?.close();
  }
  await Promise.all([...accountFacts.values()].map((f) => f.idle()));
  if (keep) return { ...summarize(results), results };
  return { ready: summary.invoices > 0 && summary.ready === summary.invoices, summary, results };
}

/** Adds one invoice to running summary counters (as summarize() counts a whole list). */
export function countInto(summary: Summary, r: InvoiceReport): void {
  summary.invoices++;
  if (r.ready) summary.ready++;
  for (const c of r.checks) summary[c.status]++;
}

async function checkInvoice(
  registry: Registry,
  invoice: Invoice,
  account: Account,
  accountFacts: AccountFacts,
  accountResults: Map<string, Promise<Settled>>,
  catalog: RemediationCatalog,
  options: RunOptions,
  gate?: SerialGate,
  history?: import('../send/read-history.js').HistoryReader,
): Promise<InvoiceReport> {
  const channels = options.channels ?? account.channels;
  const read = createInvoiceFacts(account, invoice, accountFacts, { note: options.note, journalFile: options.journalFile, history, outbox: options.outbox });
  const facts: Facts = options.givenFacts ? { ...read, ...options.givenFacts } : read;
  const settled = new Map<string, Promise<Settled>>();

  const settle = (check: AnyCheck): Promise<Settled> => {
    let promise = settled.get(check.id);
    if (promise) return promise;
    if (check.scope === 'account') {
      const key = `${account.id}\u0000${check.id}`;
      promise = accountResults.get(key);
      if (!promise) {
        promise = evaluate(check);
        accountResults.set(key, promise);
      }
    } else {
      promise = evaluate(check);
    }
    settled.set(check.id, promise);
    return promise;
  };

  const evaluate = async (check: AnyCheck): Promise<Settled> => {
    const start = performance.now();
    const finish = (outcome: Outcome & { stack?: string }): Settled => ({ ...outcome, durationMs: Math.round(performance.now() - start) });
    // Created only when the check reads ctx.signal: a batch evaluates over 100,000 checks, and most never do.
    let controller: AbortController | undefined;
    const ctx = makeContext(check, invoice, account, channels, facts, () => (controller ??= new AbortController()).signal, options);

    const gated = check.channels.filter((c) => channels.includes(c));
    if (gated.length === 0) return finish({ status: 'skip', message: `Not applicable: gates ${check.channels.join(' and ')}, which ${check.channels.length > 1 ? 'were' : 'was'} not requested.`, data: { reason: 'channel_not_requested' } });
    if (check.appliesTo) {
      let applies: boolean | string;
      try {
        applies = (check.appliesTo as (c: typeof ctx) => boolean | string)(ctx);
      } catch (error) {
        return finish(crashed(check, error, options.verbose, 'appliesTo'));
      }
      if (applies !== true) return finish({ status: 'skip', message: typeof applies === 'string' ? applies : 'Not applicable to this invoice.', data: { reason: 'not_applicable' } });
    }
    if (check.needsNetwork && !check.runsOffline && options.offline) return finish({ status: 'skip', message: 'Skipped: needs the network, and --offline was given.', data: { reason: 'offline' } });

    const deps = check.dependsOn ?? [];
    const userSkipped = deps.filter((d) => options.skipped.has(d));
    if (userSkipped.length > 0) return finish({ status: 'skip', message: `Skipped: depends on ${userSkipped.join(', ')}, excluded by --skip.`, blockedBy: userSkipped, data: { reason: 'dependency_skipped' } });
    const depResults = await Promise.all(deps.map((d) => settle(registry.get(d)!).then((r) => ({ id: d, r }))));
    // Offline, a dependency that stopped at its first network read blocks nothing: this check still decides
    // what it can without the network (its own network reads stop it the same way).
    const blockers = depResults.filter(({ r }) => r.status === 'fail' || r.status === 'error' || (r.status === 'skip' && !isOfflineSkip(r)));
    if (blockers.length > 0) {
      const words = blockers.map(({ id, r }) => `${id} ${r.status === 'skip' ? 'was skipped' : r.status === 'fail' ? 'failed' : 'could not be determined'}`);
      return finish({ status: 'skip', message: `Blocked: ${words.join('; ')}.`, blockedBy: blockers.map((b) => b.id), data: { reason: 'blocked' } });
    }

    const release = await gate?.acquire();
    options.log?.(`start ${check.id}${check.scope === 'account' ? ` (account ${account.id})` : ` (${invoice.id})`}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new TimeoutError(options.timeoutMs);
          controller?.abort(error);
          reject(error);
        }, options.timeoutMs);
      });
      const outcome = await Promise.race([Promise.resolve().then(() => (check.run as (c: typeof ctx) => Outcome | Promise<Outcome>)(ctx)), timedOut]);
      return finish(validateOutcome(check, outcome));
    } catch (error) {
      if (error instanceof OfflineRead) return finish(offlineSkip(error));
      return finish(crashed(check, error, options.verbose));
    } finally {
      clearTimeout(timer);
      options.log?.(`end ${check.id}`);
      release?.();
    }
  };

  const outcomes = new Map<string, Settled>();
  await Promise.all(
    registry.checks.filter((c) => options.selected.has(c.id)).map(async (c) => outcomes.set(c.id, await settle(c))),
  );
  const checks: CheckResult[] = registry.checks.filter((c) => outcomes.has(c.id)).map((c) => toResult(c, outcomes.get(c.id)!, catalog, account.id, invoice.id));
  const { ready, channels: states } = invoiceReadiness(registry, checks, channels, options.strict);
  return {
    invoice: { id: invoice.id, number: invoice.number, account: account.id, status: invoice.status },
    ready,
    channels: states,
    checks,
  };
}

interface SerialGate {
  acquire(): Promise<() => void>;
}

/** Lets one check run at a time, in the order they ask. */
function serialGate(): SerialGate {
  let tail = Promise.resolve();
  return {
    acquire() {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => (release = resolve));
      const ready = tail.then(() => release);
      tail = tail.then(() => turn);
      return ready;
    },
  };
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`Timed out after ${ms} ms (raise it with --timeout).`);
    this.name = 'TimeoutError';
  }
}

function makeContext(check: AnyCheck, invoice: Invoice, account: Account, channels: readonly Channel[], facts: Facts, signal: () => AbortSignal, options: RunOptions): InvoiceContext {
  const detail = (d: string | FindingDetail): FindingDetail => (typeof d === 'string' ? { message: d } : d);
  const ctx: InvoiceContext = {
    account,
    channels,
    offline: options.offline,
    get signal() {
      return signal();
    },
    facts,
    // Account checks are shared across invoices, so they must not see (and silently depend on) one of them.
    invoice: check.scope === 'invoice' ? invoice : (undefined as unknown as Invoice),
    pass: (message, data) => ({ status: 'pass', message, data }),
    warn: (code, d) => ({ status: 'warn', code, ...detail(d) }),
    fail: (code, d) => ({ status: 'fail', code, ...detail(d) }),
    error: (code, d) => ({ status: 'error', code, ...detail(d) }),
    skip: (reason, data) => ({ status: 'skip', message: reason, data }),
    log: (message) => options.log?.(`${check.id}: ${message}`),
  };
  return ctx;
}

function validateOutcome(check: AnyCheck, outcome: unknown): Outcome {
  const o = outcome as Outcome | undefined;
  if (!o || typeof o !== 'object' || !['pass', 'warn', 'fail', 'skip', 'error'].includes(o.status)) {
    return { status: 'error', code: 'CHECK_CRASHED', message: `The check returned ${o === undefined ? 'nothing' : 'an unexpected value'}; it must return ctx.pass(…), ctx.warn(…), ctx.fail(…), ctx.error(…) or ctx.skip(…).` };
  }
  if ((o.status === 'fail' || o.status === 'warn' || o.status === 'error') && (!o.code || !Object.hasOwn(check.codes, o.code))) {
    return { status: 'error', code: 'CHECK_CRASHED', message: `The check returned the undeclared code ${JSON.stringify(o.code)}; declare it in "codes" (known: ${Object.keys(check.codes).join(', ') || 'none'}).`, data: { returned: o } };
  }
  try {
    JSON.stringify(o.data ?? {});
  } catch (error) {
    return { status: 'error', code: 'CHECK_CRASHED', message: `The check returned data that cannot be written as JSON (${(error as Error).message}); use plain strings, numbers, booleans, lists and objects.` };
  }
  return { ...o, message: typeof o.message === 'string' ? o.message : String(o.message ?? '') };
}

const isOfflineSkip = (r: Outcome): boolean => r.status === 'skip' && (r.data as { reason?: unknown } | undefined)?.reason === 'offline';

function offlineSkip(read: OfflineRead): Outcome {
  return { status: 'skip', message: `Skipped: needs ${read.service}, and --offline was given (everything it can decide without the network passed).`, data: { reason: 'offline', service: read.service } };
}

function crashed(check: AnyCheck, error: unknown, verbose: boolean, where = 'run'): Outcome & { stack?: string } {
  if (error instanceof TimeoutError) return { status: 'error', code: 'CHECK_TIMEOUT', message: error.message };
  // The send journal cannot be read, or is damaged: a documented condition with its own code, not a crash.
  if (error instanceof StateError) return { status: 'error', code: error.code, message: `${error.message} ${error.hint}`, data: { file: error.file } };
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 'error',
    code: 'CHECK_CRASHED',
    message: `The check ${where === 'run' ? 'threw' : `threw in ${where}`}: ${message}`,
    stack: verbose && error instanceof Error ? error.stack : undefined,
    data: {},
  };
}

function toResult(check: AnyCheck, s: Settled, catalog: RemediationCatalog, accountId: string, invoiceId: string): CheckResult {
  const found = s.code ? catalog.lookup(s.code) : undefined;
  const remediation = found && { ...found, steps: found.steps.map((step) => personalize(step, accountId, invoiceId)) };
  return {
    id: check.id,
    title: check.title,
    category: check.category,
    status: s.status,
    code: s.code,
    message: s.message,
    remediation: s.status === 'pass' || s.status === 'skip' ? [] : (remediation?.steps ?? []),
    docs: remediation?.docs,
    cause: s.status === 'pass' || s.status === 'skip' ? undefined : remediation?.cause,
    blockedBy: s.blockedBy ?? [],
    durationMs: s.durationMs,
    data: s.data ?? {},
    channels: s.channels?.filter((c) => check.channels.includes(c)),
    stack: s.stack,
  };
}
