import { InputError, formatLocation, type InputIssue } from '../errors.js';
import { redactor } from '../config/redact.js';
import { displayPath } from '../config/paths.js';
import { closest } from '../config/suggest.js';
import { loadWorkspace, problemsFor, dataError, type DataProblem, type Workspace } from '../data/load.js';
import { openInvoiceStream, type InvoiceFilter } from '../data/stream.js';
import { INVOICE_STATUSES, type Invoice } from '../data/model.js';
import { STATUS_ALIASES } from '../data/schema.js';
import { runChecks, countInto, DEFAULT_TIMEOUT_MS, type InvoiceFeed } from '../engine/runner.js';
import { summarize } from '../engine/readiness.js';
import { batchExitCode, checkExitCodeFailOn, worseExit, type FailOn, type RunExit } from '../app/exit-codes.js';
import type { Channel, CheckResult, InvoiceReport, RunReport } from '../engine/types.js';
import type { LoadedConfig } from '../config/load.js';
import type { Masker } from '../report/mask.js';
import { renderJson } from '../report/json.js';
import { renderHuman, renderInvoice, renderSummaryCounts, type HumanContext } from '../report/human.js';
import { makeChalk } from '../report/style.js';
import { setup } from './setup.js';
import { bufferedOut, writeErr, writeOut, writeReportFile } from './output.js';
import { startProgress } from './progress.js';
import { onInterrupt, type StopSignal } from './interrupt.js';

export interface CheckOptions {
  all?: boolean;
  account?: string;
  status?: string;
  channel?: 'email' | 'sms' | 'both';
  only?: string[];
  skip?: string[];
  offline?: boolean;
  timeout: string;
  strict?: boolean;
  sequential?: boolean;
  format: Format;
  json?: boolean;
  failOn?: FailOn;
  output?: string;
  config?: string;
  verbose?: boolean;
  color?: boolean;
}

/** --format (the choices are declared with the option in main.ts, which must not import this module). */
export type Format = 'human' | 'json' | 'ndjson' | 'junit' | 'markdown';

export async function checkCommand(ids: string[], opts: CheckOptions): Promise<number> {
  if (opts.json && opts.format !== 'human' && opts.format !== 'json') {
    throw new InputError('USAGE', `--json and --format ${opts.format} ask for two formats; give one.`, { hint: '--json is short for --format json.' });
  }
  const format: Format = opts.json ? 'json' : opts.format;
  if (format !== 'ndjson') return runCheck(ids, opts, format);
  try {
    return await runCheck(ids, opts, format);
  } catch (error) {
    // NDJSON readers get a line they can parse for what stopped the run (exit 2); the message goes to stderr too.
    if (error instanceof InputError) writeOut((await import('../report/ndjson.js')).ndjsonErrorLine(error));
    throw error;
  }
}

async function runCheck(ids: string[], opts: CheckOptions, format: Format): Promise<number> {
  const failOn: FailOn = opts.failOn ?? 'fail';
  const timeoutMs = parseTimeout(opts.timeout);
  if (ids.length === 0 && !opts.all) {
    throw new InputError('USAGE', 'Name the invoices to check (invoice-doctor check INV-1001 INV-1002), or pass --all.', { hint: 'Narrow --all with --account ACCOUNT and --status STATUS.' });
  }
  if (ids.length > 0 && opts.all) throw new InputError('USAGE', 'Give either invoice ids or --all, not both.', { hint: 'To check some invoices of an account, use --all --account ACCOUNT.' });

  const verbose = Boolean(opts.verbose);
  const phase = timer(verbose);
  const { loaded, registry, catalog } = await setup({ config: opts.config, requireConfig: true });
  phase('configuration and plugins loaded');
  const config = loaded!;
  const only = opts.only?.length ? registry.resolveSelectors(opts.only, '--only') : undefined;
  const skipped = registry.resolveSelectors(opts.skip ?? [], '--skip');
  const batch = Boolean(opts.all);
  const filter = invoiceFilter(config, opts);
  const selected = registry.select(only, skipped);
  if (selected.size === 0) throw new InputError('USAGE', 'No check is left to run after --only and --skip.', { hint: 'List the checks with: invoice-doctor checks' });

  const channels: Channel[] | undefined = opts.channel === undefined ? undefined : opts.channel === 'both' ? ['email', 'sms'] : [opts.channel];
  const github = process.env.GITHUB_ACTIONS === 'true';
  // Streamed formats write each invoice as it completes; then only the summary counters are kept, never
  // every InvoiceReport. Human output streams for --all (completion order); explicit ids keep their order.
  const ndjson = format === 'ndjson' ? await import('../report/ndjson.js') : undefined;
  const humanStream = format === 'human' && !opts.output && batch;
  const streaming = !opts.output && (format === 'ndjson' || humanStream);
  const keepResults = !streaming || github;

  // The invoices: with --all, a stream that reads each file when a worker is free for it (a broken file
  // becomes that file's DATA_INVALID result, and the batch goes on); with ids, those invoices, loaded
  // before anything runs (a data problem in one of them stops the run with exit 2).
  const interrupt = onInterrupt();
  const invoices = new Map<string, Invoice>();
  const inputErrors: InvoiceReport[] = [];
  let feed: InvoiceFeed;
  let pulled = 0;
  let expected: () => number;
  if (batch) {
    const stream = openInvoiceStream(config, filter);
    phase('invoice files scanned');
    expected = () => pulled + inputErrors.length + stream.remaining();
    feed = {
      next: () => {
        if (interrupt.which) return undefined; // stopped by a signal: take no further invoice
        for (let item = stream.next(); item; item = stream.next()) {
          if ('invoice' in item) {
            pulled++;
            invoices.set(item.invoice.id, item.invoice);
            return item.invoice;
          }
          for (const r of inputErrorReports(item.problems)) {
            inputErrors.push(r);
            onReport(r);
          }
        }
        return undefined;
      },
    };
  } else {
    const workspace = await loadWorkspace(config, new Set(ids));
    phase(`invoice data loaded (${workspace.invoices.size} invoices)`);
    // Data problems first: a requested invoice in a file that does not parse is a data error, not "not found".
    const problems = problemsFor(workspace, new Set(ids));
    const unknown = ids.filter((id) => !workspace.knownIds.has(id));
    if (problems.length > 0 && (unknown.length === 0 || problems.some((p) => p.invoiceId === undefined))) throw dataError(problems);
    const list = selectInvoices(workspace, config, ids, opts);
    for (const invoice of list) invoices.set(invoice.id, invoice);
    feed = list;
    expected = () => list.length;
  }

  const humanCtx: HumanContext | undefined = format === 'human'
    ? {
        chalk: makeChalk({ color: opts.output ? false : opts.color, tty: Boolean(process.stdout.isTTY) }),
        invoices,
        accounts: config.accounts,
        offline: Boolean(opts.offline),
        width: !opts.output && process.stdout.isTTY ? process.stdout.columns ?? 100 : 100,
      }
    : undefined;
  const progress = format === 'human' && !opts.output ? await startProgress(expected()) : undefined;
  const redact = cachedRedactor();
  const lines = bufferedOut();
  let blocks = 0;
  const emit = (r: InvoiceReport): void => {
    if (!streaming) return;
    if (ndjson) {
      // Redacted as text on the way out (writeOut knows each secret as JSON escapes it).
      lines.write(ndjson.ndjsonResultLine(r));
    } else {
      const text = `${blocks++ > 0 ? '\n' : ''}${renderInvoice(redact(r), humanCtx!)}`;
      if (progress) progress.print(text);
      else writeOut(text);
    }
  };
  // Exit-code and summary counters across everything checked (results may not be kept).
  const tally: { code: RunExit; notReady: number; done: number } = { code: 0, notReady: 0, done: 0 };
  // What is done so far, for the partial report a signal ends with.
  const partial: RunReport = { ready: false, summary: { invoices: 0, ready: 0, pass: 0, warn: 0, fail: 0, skip: 0, error: 0 }, results: [] };
  function onReport(r: InvoiceReport): void {
    if (interrupt.which) return; // a late result after the partial report was taken: not reported
    countInto(partial.summary, r);
    if (keepResults) partial.results.push(r);
    tally.done++;
    progress?.update(tally.done, expected(), r);
    emit(r);
    // A streamed result is written; its invoice is no longer needed.
    if (!keepResults) invoices.delete(r.invoice.id);
  }
  const startedAt = new Date();
  const started = performance.now();
  let report: RunReport;
  try {
    // Checks only read, so a signal stops the run promptly: the checks in flight are abandoned, what is done
    // is reported (streamed lines flushed, a partial summary), and the exit is 130 / 143.
    const run = runChecks(registry, feed, config.accounts, catalog, {
      channels,
      selected,
      skipped,
      offline: Boolean(opts.offline),
      timeoutMs,
      strict: Boolean(opts.strict),
      concurrency: opts.sequential ? 1 : 8,
      sequential: Boolean(opts.sequential),
      verbose,
      dns: config.config.dns && { servers: config.config.dns.servers, timeoutMs: config.config.dns.timeout_ms },
      journalFile: config.config.journal,
      log: verbose ? (line) => writeErr(`[debug] ${line}\n`) : undefined,
      keepResults,
      onInvoice: (r) => {
        tally.code = worseExit(tally.code, checkExitCodeFailOn([r], failOn));
        if (Object.values(r.channels).includes('not_ready')) tally.notReady++;
        onReport(r);
      },
    });
    run.catch(() => undefined); // once a signal won the race, a late failure of the abandoned run is nobody's concern
    const stopped = await Promise.race([run, interrupt.received]);
    report = typeof stopped === 'string' ? partialReport(partial) : stopped;
  } finally {
    lines.flush();
    progress?.stop();
  }
  // The input errors are already in `partial` (they stream through onReport).
  if (inputErrors.length > 0 && !interrupt.which) report = withInputErrors(report, inputErrors, keepResults);
  const wallMs = performance.now() - started;
  phase(`checks run (${report.summary.invoices} invoice${report.summary.invoices === 1 ? '' : 's'})`);
  if (batch && report.summary.invoices === 0 && !interrupt.which) throw noMatch(filter);

  // Redact the values before they are serialised or wrapped: JSON escaping or a line break inside a
  // secret would hide it from a redactor that only sees the final text.
  const safe = redactor.redactValue(report);
  const warningsFail = Boolean(opts.strict) || failOn === 'warn';
  let masker: Masker | undefined;
  if (format === 'markdown' || github) masker = await (await import('../report/mask.js')).createMasker([...invoices.values()], config.accounts);

  let text: string;
  switch (format) {
    case 'json':
      text = renderJson(safe);
      break;
    case 'ndjson':
      text = streaming ? ndjson!.ndjsonSummaryLine(safe) : ndjson!.renderNdjson(safe);
      break;
    case 'junit':
      text = (await import('../report/junit.js')).renderJunit(safe, { warningsFail, startedAt, wallMs });
      break;
    case 'markdown':
      text = (await import('../report/markdown.js')).renderMarkdown(safe, {
        invoices,
        accounts: config.accounts,
        masker: masker!,
        offline: Boolean(opts.offline),
        strict: Boolean(opts.strict),
        generatedAt: startedAt,
      });
      break;
    case 'human':
      text = humanStream
        ? (report.summary.invoices > 1 ? `\n${renderSummaryCounts({ invoices: report.summary.invoices, ready: report.summary.ready, notReady: tally.notReady }, humanCtx!)}` : '')
        : renderHuman(safe, humanCtx!);
      break;
  }
  if (interrupt.which) {
    text = markInterrupted(text, format, interrupt.which);
    writeErr(`Interrupted (${interrupt.which}) after ${report.summary.invoices} invoice${report.summary.invoices === 1 ? '' : 's'}: the report covers only those; the others were not checked.\n`);
  }
  if (opts.output) {
    writeReportFile(opts.output, text);
    writeErr(`Report written to ${opts.output}\n`);
  } else {
    writeOut(text);
  }
  // In GitHub Actions, the problems also become annotations, on standard error (never mixed into the report).
  if (github) {
    const { renderAnnotations } = await import('../report/github.js');
    writeErr(renderAnnotations(safe, { warningsFail, masker, reportLocation: opts.output ?? "the step's log" }));
  }
  return batchExitCode({ worst: tally.code, dataErrors: inputErrors.length, interrupted: interrupt.which });
}

/** The report of the invoices done when a signal came: never "ready", since the run did not finish. */
function partialReport(partial: RunReport): RunReport {
  return { ready: false, summary: { ...partial.summary }, results: [...partial.results] };
}

/** The JSON formats say that the run was interrupted (an additive field); the others say it on stderr. */
function markInterrupted(text: string, format: Format, signal: StopSignal): string {
  if (format === 'json') return `${JSON.stringify({ ...(JSON.parse(text) as object), interrupted: signal }, null, 2)}\n`;
  if (format === 'ndjson') {
    const lines = text.split('\n').filter(Boolean);
    const last = lines.pop();
    return [...lines, ...(last ? [JSON.stringify({ ...(JSON.parse(last) as object), interrupted: signal })] : [])].map((l) => `${l}\n`).join('');
  }
  return text;
}

/**
 * A batch's data problems as results: one per invoice whose data does not load (its id was readable),
 * one per file that does not parse at all (or a customers file problem), each a single `invoice.data`
 * check with status error, code DATA_INVALID and the file:line:column of every problem.
 */
export function inputErrorReports(problems: readonly DataProblem[]): InvoiceReport[] {
  const groups = new Map<string, { id: string; issues: InputIssue[] }>();
  for (const p of problems) {
    const key = p.invoiceId !== undefined ? `id\u0000${p.invoiceId}` : `file\u0000${p.issue.file ?? ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { id: p.invoiceId ?? p.issue.file ?? '(invoice data)', issues: [] }));
    group.issues.push(p.issue);
  }
  return [...groups.values()].map(({ id, issues }) => {
    const lines = issues.map((i) => `${formatLocation(i) ? `${formatLocation(i)}: ` : ''}${i.path ? `${i.path} ` : ''}${i.message}`);
    const check: CheckResult = {
      id: 'invoice.data',
      title: 'Invoice data loads',
      category: 'invoice',
      status: 'error',
      code: 'DATA_INVALID',
      message: lines.join('; '),
      remediation: ['Fix the invoice data at the line named above, then run the check again. Invoice fields are described in the README under "Invoice data".'],
      blockedBy: [],
      durationMs: 0,
      data: { reason: 'input_error', issues: issues.map((i) => ({ file: i.file ?? null, line: i.line ?? null, column: i.column ?? null, path: i.path, message: i.message })) },
    };
    return { invoice: { id, number: id, account: '', status: 'input_error' }, ready: false, channels: {}, checks: [check] };
  });
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

/**
 * Redaction of streamed results, memoized per string: in a batch most strings (account-level messages,
 * remediation steps, titles) repeat for every invoice. Bounded, so memory stays flat.
 */
function cachedRedactor(): <T>(value: T) => T {
  const cache = new Map<string, string>();
  const text = (s: string): string => {
    let out = cache.get(s);
    if (out === undefined) {
      if (cache.size >= 20_000) cache.clear();
      out = redactor.redact(s);
      cache.set(s, out);
    }
    return out;
  };
  const value = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(value);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = value(x);
      return out;
    }
    return v;
  };
  return <T>(v: T) => value(v) as T;
}

/** With --verbose, where the time went: one debug line per phase. */
function timer(verbose: boolean): (label: string) => void {
  let last = performance.now();
  return (label) => {
    if (!verbose) return;
    const now = performance.now();
    writeErr(`[debug] ${label} in ${Math.round(now - last)} ms\n`);
    last = now;
  };
}

export function parseTimeout(value: string): number {
  const ms = Number(value);
  // setTimeout cannot wait longer than 2^31 - 1 ms (about 24.8 days); beyond, Node fires at once.
  if (!Number.isInteger(ms) || ms <= 0 || ms > 2 ** 31 - 1) throw new InputError('USAGE', `--timeout ${value}: expected a whole number of milliseconds from 1 to 2147483647 (default ${DEFAULT_TIMEOUT_MS}).`);
  return ms;
}

/** --account and --status, checked against the configuration; the status with its aliases resolved. */
export function invoiceFilter(config: LoadedConfig, opts: Pick<CheckOptions, 'account' | 'status'>): InvoiceFilter {
  if (opts.account && !config.accounts.has(opts.account)) {
    const near = closest(opts.account, config.accounts.keys());
    throw new InputError('USAGE', `--account ${opts.account}: no such account in the configuration.${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}`, { hint: `Accounts: ${[...config.accounts.keys()].join(', ')}.` });
  }
  let status: string | undefined;
  if (opts.status) {
    status = STATUS_ALIASES[opts.status.toLowerCase()] ?? opts.status.toLowerCase();
    if (!(INVOICE_STATUSES as readonly string[]).includes(status)) {
      throw new InputError('USAGE', `--status ${opts.status}: expected one of ${INVOICE_STATUSES.join(', ')} (finalized, finalised and open mean validated).`);
    }
  }
  return { account: opts.account, status };
}

export function noMatch(filter: InvoiceFilter): InputError {
  return new InputError('USAGE', `No invoice matches${filter.account ? ` --account ${filter.account}` : ''}${filter.status ? ` --status ${filter.status}` : ''}: nothing to check.`, { hint: 'Loosen the filters, or list ids explicitly.' });
}

export function selectInvoices(workspace: Workspace, config: LoadedConfig, ids: string[], opts: Pick<CheckOptions, 'account' | 'status'>, select: { allowNone?: boolean } = {}): Invoice[] {
  const filter = invoiceFilter(config, opts);
  let chosen: Invoice[];
  if (ids.length > 0) {
    const known = [...workspace.knownIds];
    const missing = ids.filter((id) => !known.includes(id));
    if (missing.length > 0) {
      const issues = missing.map((id) => {
        const near = closest(id, known);
        return { path: 'ids', message: `no invoice "${id}"${near.length ? `; closest: ${near.join(', ')}` : ''}` };
      });
      const near = closest(missing[0]!, known);
      throw new InputError('INVOICE_NOT_FOUND', `No invoice with id ${missing.map((m) => `"${m}"`).join(', ')} in ${displayPath(config.config.data.invoices)}.${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}`, {
        issues,
        hint: 'Invoice ids are the "id" field of each invoice file; run with --all to check them all.',
      });
    }
    chosen = [...new Set(ids)].flatMap((id) => (workspace.invoices.has(id) ? [workspace.invoices.get(id)!] : []));
  } else {
    chosen = [...workspace.invoices.values()];
  }
  chosen = chosen.filter((inv) => (!filter.account || inv.accountId === filter.account) && (!filter.status || inv.status === filter.status));
  if (chosen.length === 0 && !select.allowNone) throw noMatch(filter);
  return chosen;
}
