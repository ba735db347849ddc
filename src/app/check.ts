import { InputError } from '../errors.js';
import type { Account, LoadedConfig } from '../config/load.js';
import { loadWorkspace, problemsFor, dataError } from '../data/load.js';
import { openInvoiceStream, type InvoiceFilter } from '../data/stream.js';
import type { Invoice } from '../data/model.js';
import { runChecks, countInto, type InvoiceFeed } from '../engine/runner.js';
import { summarize } from '../engine/readiness.js';
import type { Channel, InvoiceReport, RunReport } from '../engine/types.js';
import { batchExitCode, checkExitCodeFailOn, worseExit, type FailOn, type RunExit, type StopSignal } from './exit-codes.js';
import { inputErrorReports, invoiceFilter, noMatch, selectInvoices } from './invoices.js';
import { setup } from './setup.js';

/** What `check` is asked to do: the options as values (parsed and validated by the command). */
export interface CheckRequest {
  /** explicit invoice ids (in this order), or `all` */
  ids: string[];
  all: boolean;
  account?: string;
  status?: string;
  channel?: 'email' | 'sms' | 'both';
  only?: string[];
  skip?: string[];
  offline: boolean;
  timeoutMs: number;
  strict: boolean;
  sequential: boolean;
  failOn: FailOn;
  config?: string;
  verbose: boolean;
  /**
   * Keep every InvoiceReport for the final report. A reporter that writes each invoice as it completes
   * (and needs nothing else at the end) sets it false: then only counters are kept and memory stays flat.
   */
  keepResults: boolean;
  /** aborted by the first Ctrl-C / SIGTERM (its reason the signal's name): no further invoice is taken */
  stop?: AbortSignal;
}

/** What the run tells its caller as it goes; none of it is required. */
export interface CheckEvents {
  /** the invoices are known (a batch: the files are scanned); `expected()` grows as a batch reads on */
  started?(run: { expected: () => number; invoices: ReadonlyMap<string, Invoice>; accounts: ReadonlyMap<string, Account> }): void | Promise<void>;
  /** one invoice is done (a batch's unloadable file or invoice too, as a DATA_INVALID result) */
  result?(report: InvoiceReport, done: number, expected: () => number): void;
  /** --verbose: where the time goes */
  debug?(line: string): void;
}

/** How a `check` ended: the report (partial when a signal stopped it), and its exit code. */
export interface CheckOutcome {
  report: RunReport;
  /** the invoices checked, by id (a streamed result's invoice is dropped once it has been reported) */
  invoices: ReadonlyMap<string, Invoice>;
  accounts: ReadonlyMap<string, Account>;
  /** invoices with a channel not ready (kept when results are not) */
  notReady: number;
  interrupted?: StopSignal;
  startedAt: Date;
  wallMs: number;
  exitCode: number;
}

/**
 * `check`: configuration → invoices (a batch streamed one file at a time, ids loaded up front) → the
 * runner → the exit code under --fail-on. Checks only read, so a signal stops the run promptly: the checks
 * in flight are abandoned and what is done is returned as a partial report.
 */
export async function runCheck(request: CheckRequest, events: CheckEvents = {}): Promise<CheckOutcome> {
  const { ids, keepResults, stop } = request;
  if (ids.length === 0 && !request.all) {
    throw new InputError('USAGE', 'Name the invoices to check (invoice-doctor check INV-1001 INV-1002), or pass --all.', { hint: 'Narrow --all with --account ACCOUNT and --status STATUS.' });
  }
  if (ids.length > 0 && request.all) throw new InputError('USAGE', 'Give either invoice ids or --all, not both.', { hint: 'To check some invoices of an account, use --all --account ACCOUNT.' });

  const phase = timer(events.debug);
  const { loaded, registry, catalog } = await setup({ config: request.config, requireConfig: true });
  phase('configuration and plugins loaded');
  const config = loaded!;
  const only = request.only?.length ? registry.resolveSelectors(request.only, '--only') : undefined;
  const skipped = registry.resolveSelectors(request.skip ?? [], '--skip');
  const filter = invoiceFilter(config, request);
  const selected = registry.select(only, skipped);
  if (selected.size === 0) throw new InputError('USAGE', 'No check is left to run after --only and --skip.', { hint: 'List the checks with: invoice-doctor checks' });
  const channels: Channel[] | undefined = request.channel === undefined ? undefined : request.channel === 'both' ? ['email', 'sms'] : [request.channel];

  const interruptedBy = () => stop?.reason as StopSignal | undefined;
  const invoices = new Map<string, Invoice>();
  const inputErrors: InvoiceReport[] = [];
  const source = request.all ? batchFeed(config, filter, invoices, inputErrors, { stop, phase, onDataError: (r) => onReport(r) }) : await listedFeed(config, ids, request, invoices, phase);
  await events.started?.({ expected: source.expected, invoices, accounts: config.accounts });

  // Exit-code and summary counters across everything checked (results may not be kept).
  const tally: { code: RunExit; notReady: number; done: number } = { code: 0, notReady: 0, done: 0 };
  // What is done so far, for the partial report a signal ends with.
  const partial: RunReport = { ready: false, summary: { invoices: 0, ready: 0, pass: 0, warn: 0, fail: 0, skip: 0, error: 0 }, results: [] };
  function onReport(r: InvoiceReport): void {
    if (stop?.aborted) return; // a late result after the partial report was taken: not reported
    countInto(partial.summary, r);
    if (keepResults) partial.results.push(r);
    tally.done++;
    events.result?.(r, tally.done, source.expected);
    // A streamed result is written; its invoice is no longer needed.
    if (!keepResults) invoices.delete(r.invoice.id);
  }

  const startedAt = new Date();
  const started = performance.now();
  const run = runChecks(registry, source.feed, config.accounts, catalog, {
    channels,
    selected,
    skipped,
    offline: request.offline,
    timeoutMs: request.timeoutMs,
    strict: request.strict,
    concurrency: request.sequential ? 1 : 8,
    sequential: request.sequential,
    verbose: request.verbose,
    dns: config.config.dns && { servers: config.config.dns.servers, timeoutMs: config.config.dns.timeout_ms },
    journalFile: config.config.journal,
    outbox: config.config.outbox,
    log: events.debug,
    keepResults,
    onInvoice: (r) => {
      tally.code = worseExit(tally.code, checkExitCodeFailOn([r], request.failOn));
      if (Object.values(r.channels).includes('not_ready')) tally.notReady++;
      onReport(r);
    },
  });
  run.catch(() => undefined); // once a signal won the race, a late failure of the abandoned run is nobody's concern
  const stopped = await Promise.race([run, aborted(stop)]);
  let report = stopped === undefined ? partialReport(partial) : stopped;
  const interrupted = interruptedBy();
  // The input errors are already in `partial` (they stream through onReport).
  if (inputErrors.length > 0 && !interrupted) report = withInputErrors(report, inputErrors, keepResults);
  const wallMs = performance.now() - started;
  phase(`checks run (${report.summary.invoices} invoice${report.summary.invoices === 1 ? '' : 's'})`);
  if (request.all && report.summary.invoices === 0 && !interrupted) throw noMatch(filter);
  return {
    report,
    invoices,
    accounts: config.accounts,
    notReady: tally.notReady,
    interrupted,
    startedAt,
    wallMs,
    exitCode: batchExitCode({ worst: tally.code, dataErrors: inputErrors.length, interrupted }),
  };
}

interface Source {
  feed: InvoiceFeed;
  expected: () => number;
}

/**
 * --all: a stream that reads each file when a worker is free for it; a broken file becomes that file's
 * DATA_INVALID result, and the batch goes on.
 */
function batchFeed(config: LoadedConfig, filter: InvoiceFilter, invoices: Map<string, Invoice>, inputErrors: InvoiceReport[], hooks: { stop?: AbortSignal; phase: (label: string) => void; onDataError: (r: InvoiceReport) => void }): Source {
  const stream = openInvoiceStream(config, filter);
  hooks.phase('invoice files scanned');
  let pulled = 0;
  return {
    expected: () => pulled + inputErrors.length + stream.remaining(),
    feed: {
      next: () => {
        if (hooks.stop?.aborted) return undefined; // stopped by a signal: take no further invoice
        for (let item = stream.next(); item; item = stream.next()) {
          if ('invoice' in item) {
            pulled++;
            invoices.set(item.invoice.id, item.invoice);
            return item.invoice;
          }
          for (const r of inputErrorReports(item.problems)) {
            inputErrors.push(r);
            hooks.onDataError(r);
          }
        }
        return undefined;
      },
    },
  };
}

/** Explicit ids: those invoices, loaded before anything runs (a data problem in one of them stops the run with exit 2). */
async function listedFeed(config: LoadedConfig, ids: string[], request: CheckRequest, invoices: Map<string, Invoice>, phase: (label: string) => void): Promise<Source> {
  const workspace = await loadWorkspace(config, new Set(ids));
  phase(`invoice data loaded (${workspace.invoices.size} invoices)`);
  // Data problems first: a requested invoice in a file that does not parse is a data error, not "not found".
  const problems = problemsFor(workspace, new Set(ids));
  const unknown = ids.filter((id) => !workspace.knownIds.has(id));
  if (problems.length > 0 && (unknown.length === 0 || problems.some((p) => p.invoiceId === undefined))) throw dataError(problems);
  const list = selectInvoices(workspace, config, ids, request);
  for (const invoice of list) invoices.set(invoice.id, invoice);
  return { feed: list, expected: () => list.length };
}

/** Resolves (with undefined) when the signal aborts; never, without one. */
function aborted(stop: AbortSignal | undefined): Promise<undefined> {
  return new Promise((resolve) => {
    if (!stop) return;
    if (stop.aborted) resolve(undefined);
    else stop.addEventListener('abort', () => resolve(undefined), { once: true });
  });
}

/** The report of the invoices done when a signal came: never "ready", since the run did not finish. */
function partialReport(partial: RunReport): RunReport {
  return { ready: false, summary: { ...partial.summary }, results: [...partial.results] };
}

function withInputErrors(report: RunReport, inputErrors: InvoiceReport[], keepResults: boolean): RunReport {
  if (keepResults) {
    const results = [...inputErrors, ...report.results];
    return { ...summarize(results), results };
  }
  const summary = { ...report.summary };
  for (const r of inputErrors) countInto(summary, r);
  return { ready: false, summary, results: [] };
}

/** With --verbose, where the time went: one debug line per phase. */
function timer(debug: ((line: string) => void) | undefined): (label: string) => void {
  let last = performance.now();
  return (label) => {
    if (!debug) return;
    const now = performance.now();
    debug(`${label} in ${Math.round(now - last)} ms`);
    last = now;
  };
}
