import { InputError, StateError } from '../errors.js';
import { displayJournal } from '../config/database-url.js';
import type { Account, LoadedConfig } from '../config/load.js';
import { recipientEmail, recipientPhone, type Invoice } from '../data/model.js';
import { parsePhone } from '../data/phone.js';
import { openInvoiceStream } from '../data/stream.js';
import { forEachConcurrently, pullFrom } from '../engine/concurrency.js';
import { runChecks } from '../engine/runner.js';
import type { Registry } from '../engine/registry.js';
import type { InvoiceReport } from '../engine/types.js';
import type { RemediationCatalog } from '../remediation/catalog.js';
import type { SendView } from '../report/send.js';
import type { DeliveryChannel } from '../send/events.js';
import type { BatchResources } from '../send/send-context.js';
import { channelState } from '../send/history.js';
import type { OutboxStore } from '../store/types.js';
import { batchExitCode, checkExitCode, sendExitCode, EXIT, SIGNAL_EXIT, type StopSignal } from './exit-codes.js';
import { inputErrorReports, invoiceFilter, loadOneInvoice, noMatch } from './invoices.js';
import { alreadyResults, batchResources, gateReason, isLive, paidLink, parseChannels, previewPlan, withRecipients, type Before } from './send-parts.js';
import { setup } from './setup.js';

/** What `send` is asked to do: one invoice by id, or `--all` of a selection; the options as values. */
export interface SendRequest {
  target: { id: string } | { all: true; account?: string; status?: string };
  /** email, sms or both as given (default: each account's channels) */
  channels?: string[];
  /** one invoice only: its recipient for this send */
  toEmail?: string;
  toPhone?: string;
  /** the short note added to the messages (validated by the command) */
  note?: string;
  dryRun: boolean;
  /** one invoice only: send again on channels already sent */
  resend: boolean;
  timeoutMs: number;
  /** a batch: invoices sent at once */
  concurrency: number;
  config?: string;
  verbose: boolean;
  /**
   * Aborted by the first Ctrl-C / SIGTERM (its reason the signal's name): the deliveries in flight finish
   * and are journaled, nothing more is started.
   */
  stop?: AbortSignal;
}

/** One invoice of a send, and how it was decided. */
export interface SendItem {
  invoice: Invoice;
  account: Account;
  /** the channels still to send (not already sent, or all with --resend) */
  pending: DeliveryChannel[];
  before: Before;
  /** the recipients the messages go to (the phone in E.164), once the gate passed */
  to?: { email?: string; phone?: string };
  base: SendView;
  /** set once the invoice is decided (already sent, refused, dry run, sent …) */
  view?: SendView;
  code?: number;
  /** why it was skipped or failed as a whole: the gate's failing codes, "already paid", a state error */
  reason?: string;
  /** a signal stopped the send before this invoice (or any of its channels) was started */
  notStarted?: boolean;
  /** channels a signal kept from starting while the others went out */
  interruptedChannels?: DeliveryChannel[];
}

/** How far the sending phase is (one object, updated as invoices complete). */
export interface SendProgress {
  total: number;
  done: number;
  inFlight: number;
  sent: number;
  failed: number;
  unknown: number;
  startedAt: number;
}

/** What the service tells its caller as it goes. Only `confirm` is required: it is the review. */
export interface SendEvents {
  /** a batch's invoices are read (`broken`: those whose data does not load, skipped) */
  loaded?(batch: { invoices: number; broken: readonly InvoiceReport[] }): void | Promise<void>;
  /** an invoice is decided: already sent, already paid, refused by the gate, planned (dry run), sent … */
  decided?(item: SendItem): void;
  /** the gate has checked one more invoice */
  checked?(done: number, total: number): void;
  /**
   * The review, before anything is written: resolves true to send. `preview` gives an invoice's plan (the
   * messages rendered as they will go out).
   */
  confirm(ready: readonly SendItem[], preview: (item: SendItem) => SendView): Promise<boolean>;
  /** the sending phase starts (nothing was written before); `progress` stays current */
  sending?(progress: Readonly<SendProgress>): void | Promise<void>;
  /** --verbose */
  debug?(line: string): void;
  /** what opening the outbox did (a legacy JSONL journal imported): a line for stderr */
  notice?(line: string): void;
}

export interface SendOutcome {
  /** one invoice: one item; a batch: every invoice read, in file order */
  items: SendItem[];
  /** a batch's invoices (or files) whose data does not load */
  broken: InvoiceReport[];
  journal: string;
  /** the review said no: nothing was sent */
  cancelled: boolean;
  interrupted?: StopSignal;
  exitCode: number;
}

/**
 * `send <id>` and `send --all`: one workflow for one invoice or many. Per invoice: what the journal says was
 * sent → already paid? → the gate (the same checks as `check`, one run per set of channels so account facts
 * are read once) → recipients and plan → (dry run: stop) → the review → executeSend under the invoice's
 * lock, at most once per channel. Nothing is written (no journal line, no request that writes) before the
 * gate passed and the review said yes. A batch sends with bounded concurrency, pooled SMTP connections and
 * per-provider rate limits, and one invoice's trouble does not stop it.
 */
export async function sendInvoices(request: SendRequest, events: SendEvents): Promise<SendOutcome> {
  const one = 'id' in request.target;
  const { timeoutMs, note, stop } = request;
  const log = events.debug;
  const { loaded, registry, catalog } = await setup({ config: request.config, requireConfig: true });
  const config = loaded!;
  // Reports name the outbox without a postgres URL's password.
  const journal = displayJournal(config.config.journal);
  const { invoices, broken } = await selectInvoices(config, request);
  await events.loaded?.({ invoices: invoices.length, broken });
  // The outbox, opened once for the whole send (one invoice or a batch) and shared by every invoice in it.
  const { openStore } = await import('../store/open.js');
  const store = await openStore(config.config.journal, { notice: (line) => events.notice?.(line), outbox: config.config.outbox });
  try {
    const outcome = (items: SendItem[], extra: Partial<SendOutcome> = {}): SendOutcome => ({ items, broken, journal, cancelled: false, exitCode: exitCode(one, items, broken, extra.interrupted), ...extra });
    const decide = (item: SendItem, view: SendView, code: number, reason?: string): void => {
      item.view = view;
      item.code = code;
      if (reason) item.reason = reason;
      events.decided?.(item);
    };

    // 1. Each invoice's channels, and what the journal says is already sent. A re-run does nothing, asks nothing, and says when.
    const { readHistory } = await import('../send/read-history.js');
    const items: SendItem[] = [];
    for (const invoice of invoices) {
      const account = config.accounts.get(invoice.accountId)!;
      const channels = parseChannels(request.channels, account, request);
      const sendTo = one ? withRecipients(invoice, request) : invoice;
      const before = await readHistory(store, invoice.id);
      const pending = channels.filter((c) => request.resend || channelState(before.history.attempts[c]).kind !== 'sent');
      const base: SendView = { invoice: sendTo, account, channels, journal, dryRun: request.dryRun, outcome: 'sent', results: [], journalProblems: before.problems };
      const item: SendItem = { invoice: sendTo, account, pending, before, base };
      items.push(item);
      if (pending.length === 0) decide(item, { ...base, outcome: 'already_sent', results: alreadyResults(channels, before) }, EXIT.OK);
    }
    // One invoice's report lists the channels already sent in every outcome; a batch's rows, once sent.
    const listed = (item: SendItem) => (one ? alreadyResults(item.base.channels.filter((c) => !item.pending.includes(c)), item.before) : []);

    // 2. Already paid? The link this send would reuse was paid: the invoice is settled, and sending the link
    // again would ask the customer to pay a second time (the link, limited to one payment, would refuse it).
    for (const item of items.filter((i) => !i.view)) {
      const paid = await paidLink(item.account, item.before.history, item.invoice, timeoutMs, log);
      if (paid) decide(item, { ...item.base, channels: item.pending, outcome: 'refused', paid, results: listed(item) }, EXIT.FAILED, `already paid (${paid.url})`);
    }

    // 3. The gate: the same checks as `check` (but the last delivery's), for the channels still to send, on the
    // messages as they will go out.
    await runGate(items.filter((i) => !i.view), { request, config, registry, catalog, events, decide });

    // 4. Recipients and plans of the invoices that passed. Dry run: everything rendered, nothing written.
    const ready = items.filter((i) => !i.view);
    for (const item of ready) {
      item.to = {
        email: item.pending.includes('email') ? recipientEmail(item.invoice) : undefined,
        phone: item.pending.includes('sms') ? (await parsePhone(recipientPhone(item.invoice)!, item.account.country)).e164 : undefined,
      };
    }
    const preview = (item: SendItem): SendView => ({ ...item.base, channels: item.pending, outcome: 'dry_run', plan: previewPlan(item.invoice, item.account, item.pending, item.to!, note, item.before), live: isLive(item.account), results: listed(item) });
    if (request.dryRun) {
      for (const item of ready) decide(item, preview(item), EXIT.OK);
      return outcome(items);
    }

    // 5. Review: a person confirms (one question for a batch); a script opts in with --yes.
    if (ready.length > 0 && !(await events.confirm(ready, preview))) return outcome(items, { cancelled: true, exitCode: EXIT.FAILED });

    // 6. Send, at most once per channel, with bounded concurrency; each invoice is reported as it completes.
    const progress: SendProgress = { total: ready.length, done: 0, inFlight: 0, sent: 0, failed: 0, unknown: 0, startedAt: Date.now() };
    await events.sending?.(progress);
    if (stop?.aborted) return outcome(markNotStarted(ready), { interrupted: stop.reason as StopSignal });
    const resources = one ? new Map<string, BatchResources>() : await batchResources(ready, timeoutMs, log);
    const { executeSend } = await import('../send/execute.js');
    const sendOne = (item: SendItem) => sendItem(item, { request, one, store, batch: resources.get(item.account.id), executeSend, progress, events });
    try {
      // A signal stops the pool taking invoices; the ones in flight finish and are journaled.
      await forEachConcurrently(pullFrom(ready), request.concurrency, sendOne, { stop });
    } finally {
      await Promise.all([...resources.values()].map((r) => r.smtpPool?.close()));
    }
    if (log) for (const [account, r] of resources) if (r.smtpPool) log(`account ${account}: ${r.smtpPool.opened} SMTP connection(s) opened`);
    markNotStarted(ready);
    return outcome(items, { interrupted: stop?.aborted ? (stop.reason as StopSignal) : undefined });
  } finally {
    await store.close();
  }
}

/** What the steps of one run share. */
interface Step {
  request: SendRequest;
  events: SendEvents;
}

/**
 * The gate: one runChecks per set of pending channels (usually one), so a batch reads each account's facts
 * once. An invoice that is not ready is refused with the codes that refused it.
 */
async function runGate(items: readonly SendItem[], step: Step & { config: LoadedConfig; registry: Registry; catalog: RemediationCatalog; decide: (item: SendItem, view: SendView, code: number, reason?: string) => void }): Promise<void> {
  const { request, config, registry, events } = step;
  const selected = new Set([...registry.select(undefined, new Set())].filter((c) => registry.get(c)?.category !== 'delivery'));
  const groups = new Map<string, SendItem[]>();
  for (const item of items) groups.set(item.pending.join(','), [...(groups.get(item.pending.join(',')) ?? []), item]);
  let checked = 0;
  for (const group of groups.values()) {
    const gate = await runChecks(registry, group.map((i) => i.invoice), config.accounts, step.catalog, {
      channels: group[0]!.pending,
      selected,
      skipped: new Set(),
      offline: false,
      timeoutMs: request.timeoutMs,
      strict: false,
      concurrency: 8,
      verbose: request.verbose,
      note: request.note,
      dns: config.config.dns && { servers: config.config.dns.servers, timeoutMs: config.config.dns.timeout_ms },
      log: events.debug,
      onInvoice: () => events.checked?.(++checked, items.length),
    });
    const byId = new Map(gate.results.map((r) => [r.invoice.id, r]));
    for (const item of group) {
      const report = byId.get(item.invoice.id);
      if (!report) continue;
      item.base.gate = report;
      const code = checkExitCode([report]);
      if (code !== EXIT.OK) step.decide(item, { ...item.base, channels: item.pending, outcome: 'refused', gate: report, results: [] }, code, gateReason(report));
    }
  }
}

/** One invoice that passed the gate and the review, sent under its lock: its view, code and the batch's counters. */
async function sendItem(item: SendItem, step: Step & { one: boolean; store: OutboxStore; batch: BatchResources | undefined; executeSend: typeof import('../send/execute.js').executeSend; progress: SendProgress }): Promise<void> {
  const { request, progress } = step;
  progress.inFlight++;
  try {
    const report = await step.executeSend({
      invoice: item.invoice, account: item.account, channels: item.pending, to: item.to!, note: request.note, resend: request.resend, store: step.store, timeoutMs: request.timeoutMs, batch: step.batch, stop: request.stop,
    });
    const results = [...alreadyResults(item.base.channels.filter((c) => !item.pending.includes(c)), item.before), ...report.channels];
    const view: SendView = { ...item.base, outcome: 'sent', live: isLive(item.account), link: report.link, linkError: report.linkError, results, journalProblems: report.journalProblems, reclaimedLock: report.reclaimedLock };
    // A channel a signal kept from starting is provably unsent: it makes the invoice neither failed nor unknown.
    const interrupted = report.channels.filter((c) => c.error?.kind === 'interrupted');
    const code = sendExitCode({ results: results.filter((r) => !interrupted.includes(r)) });
    item.notStarted = interrupted.length > 0 && interrupted.length === report.channels.length;
    if (interrupted.length > 0 && !item.notStarted) item.interruptedChannels = interrupted.map((c) => c.channel);
    view.outcome = item.notStarted ? 'failed' : code === EXIT.OK ? (report.channels.every((c) => c.status === 'already_sent') ? 'already_sent' : 'sent') : code === EXIT.FAILED ? 'failed' : 'unknown';
    item.view = view;
    item.code = code;
  } catch (error) {
    // One invoice: what stopped it is the command's failure. A batch goes on: one invoice's trouble (its
    // lock held by another process, say) is that invoice's result. A journal that cannot be read or
    // written (StateError) leaves the outcome unknown, like a held lock: exit 3.
    if (step.one) throw error;
    const busy = error instanceof StateError; // LockBusyError is one
    item.view = { ...item.base, outcome: busy ? 'unknown' : 'failed', results: [], journalProblems: item.before.problems };
    item.code = busy ? EXIT.UNKNOWN : EXIT.FAILED;
    item.reason = (error as Error).message;
  }
  progress.inFlight--;
  progress.done++;
  const o = item.notStarted ? 'not_started' : item.view.outcome;
  if (o === 'sent' || o === 'already_sent') progress.sent++;
  else if (o === 'failed') progress.failed++;
  else progress.unknown++;
  step.events.decided?.(item);
}

/** The invoices to send: the one named (with `check`'s errors), or a batch read as `check --all` reads it. */
async function selectInvoices(config: LoadedConfig, request: SendRequest): Promise<{ invoices: Invoice[]; broken: InvoiceReport[] }> {
  if ('id' in request.target) return { invoices: [await loadOneInvoice(config, request.target.id)], broken: [] };
  // An invoice whose data does not load is skipped and listed (exit 2 unless another invoice was skipped
  // by the gate or failed), and the others are sent.
  const filter = invoiceFilter(config, { account: request.target.account, status: request.target.status ?? 'validated' });
  const files = openInvoiceStream(config, filter);
  const invoices: Invoice[] = [];
  const broken: InvoiceReport[] = [];
  for (let item = files.next(); item; item = files.next()) {
    if ('invoice' in item) invoices.push(item.invoice);
    else broken.push(...inputErrorReports(item.problems));
  }
  if (invoices.length === 0 && broken.length === 0) throw noMatch(filter);
  return { invoices, broken };
}

/** The invoices a signal kept from starting: listed as not started, nothing written for them. */
function markNotStarted(items: SendItem[]): SendItem[] {
  for (const item of items) {
    if (item.view) continue;
    item.view = { ...item.base, channels: item.pending, outcome: 'unknown', results: [], journalProblems: item.before.problems };
    item.notStarted = true;
  }
  return items;
}

/**
 * One invoice: its own code (a signal's, when one stopped the send). A batch: a signal's code, else 1 (an
 * invoice refused or failed) over 2 (some data must be fixed) over 3 (unknown), as for `check --all`.
 */
function exitCode(one: boolean, items: readonly SendItem[], broken: readonly InvoiceReport[], interrupted: StopSignal | undefined): number {
  if (one) return interrupted ? SIGNAL_EXIT[interrupted] : items[0]?.code ?? EXIT.OK;
  const codes = items.filter((i) => !i.notStarted).map((i) => i.code ?? EXIT.OK);
  return batchExitCode({ worst: codes.includes(EXIT.FAILED) ? EXIT.FAILED : codes.includes(EXIT.UNKNOWN) ? EXIT.UNKNOWN : EXIT.OK, dataErrors: broken.length, interrupted });
}

/** `--to-email`, `--to-phone` and `--resend` concern one invoice; `--account`, `--status` and `--concurrency` a batch. */
export function checkTarget(request: Pick<SendRequest, 'target' | 'toEmail' | 'toPhone' | 'resend'>): void {
  if ('id' in request.target) return;
  if (request.toEmail !== undefined || request.toPhone !== undefined) throw new InputError('USAGE', '--to-email and --to-phone override one invoice\'s recipient; they cannot be used with --all.');
  if (request.resend) throw new InputError('USAGE', '--resend cannot be used with --all: resend invoices one by one (invoice-doctor send <id> --resend).');
}
