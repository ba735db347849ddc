import { InputError, StateError } from '../errors.js';
import { redactor } from '../config/redact.js';
import type { Account } from '../config/load.js';
import { recipientEmail, recipientPhone, type Invoice } from '../data/model.js';
import { parsePhone } from '../data/phone.js';
import { openInvoiceStream } from '../data/stream.js';
import { runChecks } from '../engine/runner.js';
import { batchExitCode, checkExitCode, sendExitCode, SIGNAL_EXIT, EXIT } from '../app/exit-codes.js';
import type { InvoiceReport } from '../engine/types.js';
import { parseStripeKey } from '../providers/stripe-key.js';
import { makeChalk } from '../report/style.js';
import { sendJson, type SendView } from '../report/send.js';
import { toJsonInvoice } from '../report/json.js';
import type { DeliveryChannel } from '../send/events.js';
import { settledNote } from '../send/history.js';
import type { BatchResources } from '../send/send-context.js';
import type { SmtpPool } from '../providers/smtp-pool.js';
import { Limiters } from '../send/rate-limit.js';
import { setup } from '../app/setup.js';
import { inputErrorReports, invoiceFilter, noMatch } from '../app/invoices.js';
import { parseTimeout } from './options.js';
import { writeErr, writeOut } from './output.js';
import { forTerminal } from '../report/printable.js';
import { forEachConcurrently, pullFrom } from '../engine/concurrency.js';
import { confirm, interactive } from './confirm.js';
import { eta, startStatusLine, type StatusLine } from './progress.js';
import { onInterrupt, type StopSignal } from './interrupt.js';
import { isLive, paidLink, parseChannels, parseNote, previewPlan, type SendOptions } from './send.js';

export interface BatchSendOptions extends SendOptions {
  all?: boolean;
  account?: string;
  status?: string;
  concurrency?: string;
}

/** Documented defaults of the batch's rate limits and SMTP pool (README, "Configuration"). */
export const BATCH_DEFAULTS = {
  concurrency: 4,
  emailPerSecond: 10,
  smsPerSecondPerSender: 1,
  stripePerSecondTest: 20,
  stripePerSecondLive: 80,
} as const;

type BatchOutcome = 'sent' | 'already_sent' | 'skipped' | 'failed' | 'unknown' | 'dry_run' | 'not_started';

interface Item {
  invoice: Invoice;
  account: Account;
  pending: DeliveryChannel[];
  before: Awaited<ReturnType<typeof import('../send/read-history.js').readHistory>>;
  base: SendView;
  /** set once the invoice is decided (skipped, already sent, sent …) */
  view?: SendView;
  code?: number;
  /** skipped: the gate's failing codes, or "already paid" */
  reason?: string;
  /** a signal stopped the batch before this invoice (or any of its channels) was started */
  notStarted?: boolean;
}

/**
 * `send --all`: every selected invoice through the same gate as `send <id>` (one runChecks call per set of
 * channels, so account facts are read once per account), failing invoices skipped and listed, the rest sent
 * with bounded concurrency, pooled SMTP connections and per-provider rate limits. Each invoice goes through
 * executeSend under its own lock and journal lines, so a killed batch re-run sends what is left, once.
 */
export async function sendBatchCommand(opts: BatchSendOptions): Promise<number> {
  if (opts.toEmail !== undefined || opts.toPhone !== undefined) throw new InputError('USAGE', '--to-email and --to-phone override one invoice\'s recipient; they cannot be used with --all.');
  if (opts.resend) throw new InputError('USAGE', '--resend cannot be used with --all: resend invoices one by one (invoice-doctor send <id> --resend).');
  const concurrency = parseConcurrency(opts.concurrency);
  const timeoutMs = parseTimeout(opts.timeout);
  const note = parseNote(opts.message);
  // Refuse before anything is read: a script without a terminal must opt in.
  if (!opts.dryRun && !opts.yes && !interactive()) {
    throw new InputError('USAGE', 'Refusing to send a batch without confirmation: not running in an interactive terminal.', { hint: 'Review with --dry-run, then pass --yes to send from a script.' });
  }
  const verbose = Boolean(opts.verbose);
  const log = verbose ? (line: string) => writeErr(`[debug] ${line}\n`) : undefined;
  const { loaded, registry, catalog } = await setup({ config: opts.config, requireConfig: true });
  const config = loaded!;
  // The invoices as `check --all` reads them; an invoice whose data does not load is skipped and listed
  // (exit 2 unless another invoice was skipped by the gate or failed), and the others are sent.
  const filter = invoiceFilter(config, { account: opts.account, status: opts.status ?? 'validated' });
  const files = openInvoiceStream(config, filter);
  const invoices: Invoice[] = [];
  const broken: InvoiceReport[] = [];
  for (let item = files.next(); item; item = files.next()) {
    if ('invoice' in item) invoices.push(item.invoice);
    else broken.push(...inputErrorReports(item.problems));
  }
  if (invoices.length === 0 && broken.length === 0) throw noMatch(filter);
  const journalFile = config.config.journal;
  const chalk = makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) });
  // On an interactive terminal, a status line on stderr says which phase the batch is in and how far.
  const progress: { line?: StatusLine } = { line: await startStatusLine(`Reading the send history of ${invoices.length} invoice${invoices.length === 1 ? '' : 's'}…`) };
  const stopProgress = () => {
    progress.line?.stop();
    progress.line = undefined;
  };
  // Ctrl-C / SIGTERM. Before sending starts nothing is being written: stop at once. While sending: start no
  // new invoice (nor the next channel of one in flight), let the deliveries in flight finish and journal their
  // results, bounded by the timeout, then print the partial summary and exit 130 / 143. A second signal exits at once.
  const sending = { started: false, inFlight: 0 };
  const interrupt = onInterrupt({
    boundMs: 2 * timeoutMs + 2_000,
    onFirst: (signal) => {
      stopProgress();
      if (!sending.started) {
        writeErr(`\nInterrupted (${signal}) before sending started: nothing was sent.\n`);
        process.exit(SIGNAL_EXIT[signal]);
      }
      writeErr(`\nStopping (${signal}): no new invoice is started; waiting for the ${sending.inFlight} in flight to finish and record their results. ${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again exits at once.\n`);
    },
  });
  const stream = (item: Item) => {
    if (opts.json) return;
    if (progress.line) progress.line.print(resultLine(item, chalk));
    else writeOut(resultLine(item, chalk));
  };
  try {
    return await sendItems();
  } finally {
    stopProgress();
    interrupt.dispose();
  }

  // The batch itself, in phases; a function so that the status line is stopped however it ends.
  async function sendItems(): Promise<number> {
    for (const r of broken) if (!opts.json) writeOut(brokenLine(r, chalk));
    // 1. Each invoice's channels, and what the journal says is already sent.
    const { readHistory } = await import('../send/read-history.js');
    const { channelState } = await import('../send/history.js');
    const items: Item[] = [];
    for (const invoice of invoices) {
      const account = config.accounts.get(invoice.accountId)!;
      const channels = parseChannels(opts.channel, account, {});
      const before = await readHistory(journalFile, invoice.id);
      const pending = channels.filter((c) => channelState(before.history.attempts[c]).kind !== 'sent');
      const base: SendView = { invoice, account, channels, journal: journalFile, dryRun: Boolean(opts.dryRun), outcome: 'sent', results: [], journalProblems: before.problems };
      const item: Item = { invoice, account, pending, before, base };
      items.push(item);
      if (pending.length === 0) {
        item.view = { ...base, outcome: 'already_sent', results: alreadyResults(channels, before, channelState), journalProblems: before.problems };
        item.code = 0;
        stream(item);
      }
    }

    // 2. Already paid? Same refusal as `send <id>`.
    for (const item of items.filter((i) => !i.view)) {
      const paid = await paidLink(item.account, item.before.history, item.invoice, timeoutMs, log);
      if (!paid) continue;
      item.view = { ...item.base, channels: item.pending, outcome: 'refused', paid, results: [], journalProblems: item.before.problems };
      item.code = 1;
      item.reason = `already paid (${paid.url})`;
      stream(item);
    }

    // 3. The gate: one runChecks per set of pending channels (usually one), so account facts are shared.
    const selected = new Set([...registry.select(undefined, new Set())].filter((c) => registry.get(c)?.category !== 'delivery'));
    const groups = new Map<string, Item[]>();
    for (const item of items.filter((i) => !i.view)) {
      const key = item.pending.join(',');
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    const toCheck = [...groups.values()].reduce((n, g) => n + g.length, 0);
    let checked = 0;
    for (const group of groups.values()) {
      const gate = await runChecks(registry, group.map((i) => i.invoice), config.accounts, catalog, {
        channels: group[0]!.pending,
        selected,
        skipped: new Set(),
        offline: false,
        timeoutMs,
        strict: false,
        concurrency: 8,
        verbose,
        note,
        dns: config.config.dns && { servers: config.config.dns.servers, timeoutMs: config.config.dns.timeout_ms },
        log,
        onInvoice: () => progress.line?.set(`Checking ${++checked}/${toCheck} invoices before sending…`),
      });
      const byId = new Map(gate.results.map((r) => [r.invoice.id, r]));
      for (const item of group) {
        const report = byId.get(item.invoice.id);
        if (!report) continue;
        item.base.gate = report;
        const code = checkExitCode([report]);
        if (code === 0) continue;
        item.view = { ...item.base, channels: item.pending, outcome: 'refused', gate: report, results: [], journalProblems: item.before.problems };
        item.code = code;
        item.reason = gateReason(report);
        stream(item);
      }
    }

    // 4. Recipients and plans of the invoices that passed.
    const ready = items.filter((i) => !i.view);
    const recipients = new Map<Item, { email?: string; phone?: string }>();
    for (const item of ready) {
      recipients.set(item, {
        email: item.pending.includes('email') ? recipientEmail(item.invoice) : undefined,
        phone: item.pending.includes('sms') ? (await parsePhone(recipientPhone(item.invoice)!, item.account.country)).e164 : undefined,
      });
    }
    if (opts.dryRun) {
      for (const item of ready) {
        const plan = previewPlan(item.invoice, item.account, item.pending, recipients.get(item)!, note, item.before);
        item.view = { ...item.base, channels: item.pending, outcome: 'dry_run', plan, live: isLive(item.account), results: [], journalProblems: item.before.problems };
        item.code = 0;
        stream(item);
      }
      stopProgress();
      return finish(items, broken, opts, chalk);
    }

    // 5. Review: one question for the whole batch.
    if (!opts.yes && ready.length > 0) {
      stopProgress();
      const live = ready.some((i) => isLive(i.account));
      writeErr(`${ready.length} invoice${ready.length === 1 ? '' : 's'} to send:\n${ready.map((i) => `  ${i.invoice.id}  ${i.account.id}  ${i.pending.join(' + ')}`).join('\n')}\n`);
      const question = live ? `${chalk.yellow.bold('LIVE Stripe key:')} this creates real payment links customers can pay. Send now? [y/N] ` : 'Send now? [y/N] ';
      if (!(await confirm(question))) {
        writeErr('Cancelled: nothing was sent.\n');
        return 1;
      }
    }

    // 6. Send, with bounded concurrency; each invoice's result streams out as it completes.
    sending.started = true;
    if (interrupt.which) return finish(markNotStarted(ready), broken, opts, chalk, interrupt.which);
    const resources = await batchResources(ready, timeoutMs, log);
    const { executeSend } = await import('../send/execute.js');
    progress.line ??= await startStatusLine(`Sending ${ready.length} invoice${ready.length === 1 ? '' : 's'}…`);
    const sendStarted = Date.now();
    const tally = { done: 0, sent: 0, failed: 0, unknown: 0 };
    const sendOne = async (item: Item): Promise<void> => {
      sending.inFlight++;
      try {
        const report = await executeSend({
          invoice: item.invoice, account: item.account, channels: item.pending, to: recipients.get(item)!, note, resend: false, journalFile, timeoutMs, batch: resources.get(item.account.id), stop: interrupt.signal,
        });
        const results = [...alreadyResults(item.base.channels.filter((c) => !item.pending.includes(c)), item.before, channelState), ...report.channels];
        const view: SendView = { ...item.base, outcome: 'sent', live: isLive(item.account), link: report.link, linkError: report.linkError, results, journalProblems: report.journalProblems, reclaimedLock: report.reclaimedLock };
        // A channel a signal kept from starting is provably unsent: it makes the invoice neither failed nor unknown.
        const interrupted = report.channels.filter((c) => c.error?.kind === 'interrupted');
        const code = sendExitCode({ ...view, results: results.filter((r) => !interrupted.includes(r)) });
        view.outcome = code === 0 ? (report.channels.every((c) => c.status === 'already_sent') ? 'already_sent' : 'sent') : code === 1 ? 'failed' : 'unknown';
        item.view = view;
        item.code = code;
        if (interrupted.length > 0 && interrupted.length === report.channels.length) item.notStarted = true;
        else if (interrupted.length > 0) item.reason = `${detail(item)} (${interrupted.map((c) => c.channel).join(' + ')} not started: interrupted)`;
      } catch (error) {
        // One invoice's trouble (its lock held by another process, say) does not stop the batch. A journal
        // that cannot be read or written (StateError) leaves the outcome unknown, like a held lock: exit 3.
        const busy = error instanceof StateError; // LockBusyError is one
        item.view = { ...item.base, outcome: busy ? 'unknown' : 'failed', results: [], journalProblems: item.before.problems };
        item.code = busy ? 3 : 1;
        item.reason = (error as Error).message;
      }
      sending.inFlight--;
      tally.done++;
      const outcome = outcomeOf(item);
      if (outcome === 'sent' || outcome === 'already_sent') tally.sent++;
      else if (outcome === 'failed') tally.failed++;
      else tally.unknown++;
      progress.line?.set(`Sent ${tally.done}/${ready.length} · ${tally.failed} failed${tally.unknown ? ` · ${tally.unknown} unknown` : ''}${eta(sendStarted, tally.done, ready.length)}`);
      stream(item);
    };
    try {
      // A signal stops the pool taking invoices; the ones in flight finish and are journaled.
      await forEachConcurrently(pullFrom(ready), concurrency, sendOne, { stop: interrupt.signal });
    } finally {
      await Promise.all([...resources.values()].map((r) => r.smtpPool?.close()));
    }
    if (verbose) for (const [account, r] of resources) if (r.smtpPool) log?.(`account ${account}: ${r.smtpPool.opened} SMTP connection(s) opened`);
    stopProgress();
    markNotStarted(ready);
    return finish(items, broken, opts, chalk, interrupt.which);
  }
}

/** The invoices a signal kept from starting: listed as not started, nothing written for them. */
function markNotStarted(items: Item[]): Item[] {
  for (const item of items) {
    if (item.view) continue;
    item.view = { ...item.base, channels: item.pending, outcome: 'unknown', results: [], journalProblems: item.before.problems };
    item.notStarted = true;
  }
  return items;
}

function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return BATCH_DEFAULTS.concurrency;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InputError('USAGE', `--concurrency ${value}: expected a whole number from 1 to 64.`);
  return n;
}

function alreadyResults(channels: DeliveryChannel[], before: Item['before'], channelState: typeof import('../send/history.js').channelState) {
  return channels.map((c) => {
    const s = channelState(before.history.attempts[c]);
    const a = s.kind === 'sent' ? s.attempt : undefined;
    return { channel: c, status: 'already_sent' as const, to: a?.intent.to ?? '', at: a?.result?.at, messageId: a?.result?.messageId ?? a?.intent.messageId, sid: a?.result?.sid, file: a?.result?.file, response: a?.result?.response, note: settledNote(a) };
  });
}

/** The codes that refused an invoice (failures first, then checks that could not complete). */
function gateReason(report: InvoiceReport): string {
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.code ?? c.id);
  const errored = report.checks.filter((c) => c.status === 'error').map((c) => c.code ?? c.id);
  const codes = [...new Set([...failed, ...errored])];
  return codes.length > 0 ? codes.join(', ') : 'not ready';
}

/** Per account: an SMTP pool (smtp / oauth2 transports) and the rate limiters of its providers. */
async function batchResources(items: Item[], timeoutMs: number, log?: (line: string) => void): Promise<Map<string, BatchResources>> {
  const limiters = new Limiters();
  const out = new Map<string, BatchResources>();
  for (const item of items) {
    const account = item.account;
    if (out.has(account.id)) continue;
    let smtpPool: SmtpPool | undefined;
    const email = account.email;
    if (email && email.transport !== 'file' && items.some((i) => i.account.id === account.id && i.pending.includes('email'))) {
      const [{ SmtpPool }, { smtpTarget }] = await Promise.all([import('../providers/smtp-pool.js'), import('../providers/email.js')]);
      smtpPool = new SmtpPool(smtpTarget(account, timeoutMs), { maxConnections: email.pool?.max_connections, maxMessages: email.pool?.max_messages });
    }
    const twilio = account.sms?.transport === 'twilio' ? account.sms.twilio : undefined;
    const sender = twilio?.messaging_service_sid?.trim() || twilio?.from?.trim() || '';
    const stripe = account.payments.provider === 'stripe' ? account.payments.stripe : undefined;
    const stripeMode = stripe?.secret_key ? parseStripeKey(stripe.secret_key)?.mode : undefined;
    const stripeRate = stripe?.rate_per_second ?? (stripeMode === 'live' ? BATCH_DEFAULTS.stripePerSecondLive : BATCH_DEFAULTS.stripePerSecondTest);
    out.set(account.id, {
      smtpPool,
      log,
      limits: {
        email: email && email.transport !== 'file' ? limiters.get(`email:${account.id}`, email.rate_per_second ?? BATCH_DEFAULTS.emailPerSecond) : undefined,
        // Twilio's limit is per sender (a number, or a messaging service), whichever account uses it.
        sms: twilio ? limiters.get(`twilio:${twilio.account_sid?.trim() ?? ''}:${sender}`, twilio.rate_per_second ?? BATCH_DEFAULTS.smsPerSecondPerSender) : undefined,
        // Stripe's limit is per secret key (and so per platform account).
        stripe: stripe ? limiters.get(`stripe:${stripe.secret_key?.trim() ?? account.id}`, stripeRate) : undefined,
      },
    });
  }
  return out;
}

function outcomeOf(item: Item): BatchOutcome {
  if (item.notStarted) return 'not_started';
  const o = item.view!.outcome;
  return o === 'refused' ? 'skipped' : o;
}

function resultLine(item: Item, chalk: ReturnType<typeof makeChalk>): string {
  const o = outcomeOf(item);
  const mark = o === 'not_started' ? chalk.dim('·') : o === 'sent' ? chalk.green('✓') : o === 'already_sent' ? chalk.green('=') : o === 'dry_run' ? chalk.cyan('·') : o === 'skipped' ? chalk.yellow('-') : o === 'failed' ? chalk.red('✗') : chalk.magenta('?');
  return `${mark} ${item.invoice.id}  ${chalk.dim(item.account.id)}  ${o.replace('_', ' ')}${detail(item) ? `  ${chalk.dim(line(detail(item)))}` : ''}\n`;
}

/** A provider's reply or a data problem, on one terminal line: its control characters shown escaped, never executed. */
const line = (text: string) => forTerminal(text, { singleLine: true });

function detail(item: Item): string {
  const view = item.view!;
  if (item.reason) return item.reason;
  if (item.notStarted) return 'interrupted before it was started: nothing sent';
  if (view.outcome === 'dry_run') return `would send ${view.channels.join(' + ')}`;
  const parts = view.results.map((r) => `${r.channel} ${r.status.replace('_', ' ')}${r.error ? ` (${r.error.message})` : ''}`);
  if (view.linkError) parts.unshift(`payment link: ${view.linkError.message}`);
  return parts.join(' · ');
}

/** One line for an invoice (or file) whose data does not load: skipped, with where and why. */
function brokenLine(r: InvoiceReport, chalk: ReturnType<typeof makeChalk>): string {
  return `${chalk.yellow('-')} ${r.invoice.id}  ${chalk.dim('skipped')}  ${chalk.dim(line(`DATA_INVALID: ${r.checks[0]!.message}`))}\n`;
}

/** An invoice whose data does not load, in `send --all --json`: the shape of a skipped invoice. */
function brokenJson(r: InvoiceReport, dryRun: boolean): object {
  return {
    schemaVersion: 1, command: 'send', outcome: 'refused', exitCode: 2, dryRun,
    invoice: { id: r.invoice.id, number: r.invoice.number, account: null, status: 'input_error', amountDue: null, currency: null },
    live: false, channels: [], gate: toJsonInvoice(r), alreadyPaid: null, plan: null, paymentLink: null, paymentLinkError: null, results: [],
    journal: null, reason: `DATA_INVALID: ${r.checks[0]!.message}`,
  };
}

function finish(items: Item[], broken: InvoiceReport[], opts: BatchSendOptions, chalk: ReturnType<typeof makeChalk>, interrupted?: StopSignal): number {
  const codes = items.filter((i) => !i.notStarted).map((i) => i.code ?? EXIT.OK);
  // As for check --all (exit-codes.ts): a signal's code, else 1 over 2 (data to fix) over 3 (unknown).
  const code = batchExitCode({ worst: codes.includes(EXIT.FAILED) ? EXIT.FAILED : codes.includes(EXIT.UNKNOWN) ? EXIT.UNKNOWN : EXIT.OK, dataErrors: broken.length, interrupted });
  const count = (o: BatchOutcome) => items.filter((i) => outcomeOf(i) === o).length;
  const summary = {
    invoices: items.length + broken.length, sent: count('sent'), already_sent: count('already_sent'), skipped: count('skipped') + broken.length, failed: count('failed'), unknown: count('unknown'),
    ...(opts.dryRun ? { dry_run: count('dry_run') } : {}),
    ...(interrupted ? { not_started: count('not_started') } : {}),
  };
  if (opts.json) {
    const results = [
      ...broken.map((r) => brokenJson(redactor.redactValue(r), Boolean(opts.dryRun))),
      ...items.map((i) => ({ ...sendJson(redactor.redactValue(i.view!), i.notStarted ? code : i.code ?? 0), ...(i.notStarted ? { outcome: 'not_started' } : {}), ...(i.reason ? { reason: i.reason } : {}) })),
    ];
    writeOut(`${JSON.stringify({ schemaVersion: 1, command: 'send', batch: true, exitCode: code, dryRun: Boolean(opts.dryRun), ...(interrupted ? { interrupted } : {}), summary, results }, null, 2)}\n`);
    return code;
  }
  const rows = [
    ...broken.map((r) => [r.invoice.id, '', 'skipped', line(redactor.redact(`DATA_INVALID: ${r.checks[0]!.message}`))]),
    ...items.map((i) => [i.invoice.id, i.account.id, outcomeOf(i).replace('_', ' '), line(redactor.redactValue(detail(i)))]),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(['INVOICE', 'ACCOUNT', 'OUTCOME'][c]!.length, ...rows.map((r) => r[c]!.length)));
  const pad = (r: string[]) => `  ${r.slice(0, 3).map((v, c) => v.padEnd(widths[c]!)).join('  ')}  ${r[3]}`.trimEnd();
  const out = [
    '',
    chalk.bold(`Batch send${interrupted ? ` interrupted (${interrupted})` : ''}: ${summary.invoices} invoice${summary.invoices === 1 ? '' : 's'} · ${summary.sent} sent · ${summary.already_sent} already sent · ${summary.skipped} skipped · ${summary.failed} failed · ${summary.unknown} unknown${interrupted ? ` · ${count('not_started')} not started` : ''}${opts.dryRun ? ` · ${count('dry_run')} to send (dry run: nothing was sent)` : ''}`),
    chalk.dim(pad(['INVOICE', 'ACCOUNT', 'OUTCOME', 'DETAIL'])),
    ...rows.map(pad),
    chalk.dim(`  Journal: ${items[0]?.base.journal ?? ''}`),
  ];
  if (interrupted) out.push(chalk.dim(`  Interrupted by ${interrupted}: the deliveries in flight finished and were recorded; run the same send --all again to send the rest (nothing is sent twice).`));
  if (broken.length > 0) out.push(chalk.dim('  DATA_INVALID: fix the invoice data at the file:line:column shown, then run the batch again; what was sent is not sent twice.'));
  if (summary.skipped > broken.length) out.push(chalk.dim('  Skipped invoices failed the checks (or were already paid): `invoice-doctor check <id>` says why and how to fix it.'));
  writeOut(`${out.join('\n')}\n`);
  return code;
}
