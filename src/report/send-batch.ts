import type { ChalkInstance } from 'chalk';
import { redactor } from '../config/redact.js';
import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import type { InvoiceReport } from '../engine/types.js';
import type { DeliveryChannel } from '../send/events.js';
import { toJsonInvoice } from './json.js';
import { forTerminal } from './printable.js';
import { sendJson, type SendView } from './send.js';

/** One invoice of `send --all` once decided (the send service's item, as the report needs it). */
export interface BatchRow {
  invoice: Invoice;
  account: Account;
  pending: readonly DeliveryChannel[];
  view?: SendView;
  code?: number;
  reason?: string;
  notStarted?: boolean;
  interruptedChannels?: readonly DeliveryChannel[];
}

export interface BatchEnd {
  items: readonly BatchRow[];
  broken: readonly InvoiceReport[];
  journal: string;
  dryRun: boolean;
  exitCode: number;
  interrupted?: 'SIGINT' | 'SIGTERM';
}

type BatchOutcome = 'sent' | 'already_sent' | 'skipped' | 'failed' | 'unknown' | 'dry_run' | 'not_started';

function outcomeOf(item: BatchRow): BatchOutcome {
  if (item.notStarted) return 'not_started';
  const o = item.view!.outcome;
  return o === 'refused' ? 'skipped' : o;
}

/** A provider's reply or a data problem, on one terminal line: its control characters shown escaped, never executed. */
const line = (text: string) => forTerminal(text, { singleLine: true });

/** Why an invoice ended as it did, in a few words (the table's DETAIL). */
function detail(item: BatchRow): string {
  const view = item.view!;
  if (item.reason) return item.reason;
  if (item.notStarted) return 'interrupted before it was started: nothing sent';
  if (view.outcome === 'dry_run') return `would send ${view.channels.join(' + ')}`;
  const parts = channelsDetail(view);
  return item.interruptedChannels?.length ? `${parts} (${item.interruptedChannels.join(' + ')} not started: interrupted)` : parts;
}

/** The JSON's `reason`: why it was skipped or failed as a whole, or which channels a signal kept from starting. */
function reasonOf(item: BatchRow): string | undefined {
  return item.reason ?? (item.interruptedChannels?.length ? detail(item) : undefined);
}

function channelsDetail(view: SendView): string {
  const parts = view.results.map((r) => `${r.channel} ${r.status.replace('_', ' ')}${r.error ? ` (${r.error.message})` : ''}`);
  if (view.linkError) parts.unshift(`payment link: ${view.linkError.message}`);
  return parts.join(' · ');
}

/** The line streamed for an invoice as soon as it is decided. */
export function batchResultLine(item: BatchRow, chalk: ChalkInstance): string {
  const o = outcomeOf(item);
  const mark = o === 'not_started' ? chalk.dim('·') : o === 'sent' ? chalk.green('✓') : o === 'already_sent' ? chalk.green('=') : o === 'dry_run' ? chalk.cyan('·') : o === 'skipped' ? chalk.yellow('-') : o === 'failed' ? chalk.red('✗') : chalk.magenta('?');
  const d = detail(item);
  return `${mark} ${item.invoice.id}  ${chalk.dim(item.account.id)}  ${o.replace('_', ' ')}${d ? `  ${chalk.dim(line(d))}` : ''}\n`;
}

/** One line for an invoice (or file) whose data does not load: skipped, with where and why. */
export function batchBrokenLine(r: InvoiceReport, chalk: ChalkInstance): string {
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

function summaryOf(end: BatchEnd) {
  const count = (o: BatchOutcome) => end.items.filter((i) => outcomeOf(i) === o).length;
  return {
    invoices: end.items.length + end.broken.length, sent: count('sent'), already_sent: count('already_sent'), skipped: count('skipped') + end.broken.length, failed: count('failed'), unknown: count('unknown'),
    ...(end.dryRun ? { dry_run: count('dry_run') } : {}),
    ...(end.interrupted ? { not_started: count('not_started') } : {}),
  };
}

/** `send --all --json` (contract): the summary and every invoice's result, data errors first. */
export function renderBatchJson(end: BatchEnd): string {
  const { exitCode: code, interrupted } = end;
  const results = [
    ...end.broken.map((r) => brokenJson(redactor.redactValue(r), end.dryRun)),
    ...end.items.map((i) => {
      const reason = reasonOf(i);
      return { ...sendJson(redactor.redactValue(i.view!), i.notStarted ? code : i.code ?? 0), ...(i.notStarted ? { outcome: 'not_started' } : {}), ...(reason ? { reason } : {}) };
    }),
  ];
  return `${JSON.stringify({ schemaVersion: 1, command: 'send', batch: true, exitCode: code, dryRun: end.dryRun, ...(interrupted ? { interrupted } : {}), summary: summaryOf(end), results }, null, 2)}\n`;
}

/** `send --all`: the summary line and a table of every invoice (the lines streamed before stay above it). */
export function renderBatchHuman(end: BatchEnd, chalk: ChalkInstance): string {
  const { interrupted, broken, items } = end;
  const summary = summaryOf(end);
  const rows = [
    ...broken.map((r) => [r.invoice.id, '', 'skipped', line(redactor.redact(`DATA_INVALID: ${r.checks[0]!.message}`))]),
    ...items.map((i) => [i.invoice.id, i.account.id, outcomeOf(i).replace('_', ' '), line(redactor.redactValue(detail(i)))]),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(['INVOICE', 'ACCOUNT', 'OUTCOME'][c]!.length, ...rows.map((r) => r[c]!.length)));
  const pad = (r: string[]) => `  ${r.slice(0, 3).map((v, c) => v.padEnd(widths[c]!)).join('  ')}  ${r[3]}`.trimEnd();
  const out = [
    '',
    chalk.bold(`Batch send${interrupted ? ` interrupted (${interrupted})` : ''}: ${summary.invoices} invoice${summary.invoices === 1 ? '' : 's'} · ${summary.sent} sent · ${summary.already_sent} already sent · ${summary.skipped} skipped · ${summary.failed} failed · ${summary.unknown} unknown${interrupted ? ` · ${summary.not_started} not started` : ''}${end.dryRun ? ` · ${summary.dry_run} to send (dry run: nothing was sent)` : ''}`),
    chalk.dim(pad(['INVOICE', 'ACCOUNT', 'OUTCOME', 'DETAIL'])),
    ...rows.map(pad),
    chalk.dim(`  Journal: ${items.length > 0 ? end.journal : ''}`),
  ];
  if (interrupted) out.push(chalk.dim(`  Interrupted by ${interrupted}: the deliveries in flight finished and were recorded; run the same send --all again to send the rest (nothing is sent twice).`));
  if (broken.length > 0) out.push(chalk.dim('  DATA_INVALID: fix the invoice data at the file:line:column shown, then run the batch again; what was sent is not sent twice.'));
  if (summary.skipped > broken.length) out.push(chalk.dim('  Skipped invoices failed the checks (or were already paid): `invoice-doctor check <id>` says why and how to fix it.'));
  return `${out.join('\n')}\n`;
}

/** The review of a batch, before the one question: which invoices, which channels. */
export function renderBatchReview(ready: readonly BatchRow[]): string {
  return `${ready.length} invoice${ready.length === 1 ? '' : 's'} to send:\n${ready.map((i) => `  ${i.invoice.id}  ${i.account.id}  ${i.pending.join(' + ')}`).join('\n')}\n`;
}
