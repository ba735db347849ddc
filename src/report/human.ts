import type { ChalkInstance } from 'chalk';
import { CATEGORIES, type Category, type CheckResult, type InvoiceReport, type RunReport } from '../engine/types.js';
import type { Invoice } from '../data/model.js';
import type { Account } from '../config/load.js';
import { formatMoney } from '../data/currencies.js';
import { STATUS_LABEL, paint } from './style.js';
import { parseStripeKey } from '../providers/stripe-key.js';
import { forTerminal, printableDeep } from './printable.js';

const CATEGORY_TITLE: Record<Category, string> = {
  invoice: 'Invoice', recipient: 'Recipient', message: 'Message', payments: 'Payments (Stripe)',
  email: 'Email delivery', sms: 'SMS delivery (Twilio)', delivery: 'Last delivery', custom: 'Custom checks',
};

export interface HumanContext {
  chalk: ChalkInstance;
  invoices: ReadonlyMap<string, Invoice>;
  accounts: ReadonlyMap<string, Account>;
  offline: boolean;
  /** terminal width for wrapping; 0 = no wrapping */
  width: number;
}

/**
 * The report a support engineer reads while a customer waits: one block per invoice, checks grouped by
 * category, each problem followed by its cause and numbered remediation steps, then one verdict line.
 */
export function renderInvoice(report: InvoiceReport, ctx: HumanContext): string {
  const { chalk } = ctx;
  const invoice = ctx.invoices.get(report.invoice.id);
  const account = ctx.accounts.get(report.invoice.account);
  // Every string of the result (messages quote names, descriptions, numbers) is made inert before it is
  // coloured: control characters from the data are shown escaped, never obeyed by the terminal.
  const r = printableDeep(report);
  const line = (text: string) => forTerminal(text, { singleLine: true });
  const out: string[] = [];
  const facts = [
    `no. ${printable(report.invoice.number)}`,
    account ? `${line(account.name)} (${account.id})` : r.invoice.account,
    r.invoice.status,
    invoice ? `${formatMoney(invoice.amountDue, invoice.currency, account?.country)} due` : undefined,
    invoice?.customer.name === undefined ? undefined : line(invoice.customer.name),
    // Said up front, so nobody mistakes a run against real money for a rehearsal.
    account && isLiveStripe(account) ? chalk.yellow.bold('Stripe live mode') : undefined,
  ].filter(Boolean);
  out.push(`${chalk.bold(line(report.invoice.id))} ${chalk.dim('·')} ${facts.join(chalk.dim(' · '))}`);

  for (const category of CATEGORIES) {
    const inCategory = r.checks.filter((c) => c.category === category);
    if (inCategory.length === 0) continue;
    out.push(`  ${chalk.bold(CATEGORY_TITLE[category])}`);
    for (const c of inCategory) out.push(...renderCheck(c, ctx));
  }

  const channelWords = Object.entries(r.channels).map(([channel, state]) => {
    const text = `${channel}: ${state.replace('_', ' ')}`;
    return state === 'ready' ? chalk.green(text) : state === 'not_ready' ? chalk.red(text) : chalk.magenta(text);
  });
  const counts = countStatuses(r.checks);
  const verdict = r.ready ? chalk.green.bold('READY') : Object.values(r.channels).includes('not_ready') ? chalk.red.bold('NOT READY') : chalk.magenta.bold('UNKNOWN');
  const notRun = ctx.offline ? r.checks.filter((c) => c.data.reason === 'offline').length : 0;
  // Offline, READY means "ready as far as can be told without the network": say how much was not asked.
  const offlineNote = notRun > 0 ? chalk.dim(` (offline: ${notRun} network check${notRun === 1 ? '' : 's'} not run)`) : '';
  out.push(`  ${verdict}  ${channelWords.join(chalk.dim(' · '))}  ${chalk.dim(`(${counts})`)}${offlineNote}`);
  return `${out.join('\n')}\n`;
}

function isLiveStripe(account: Account): boolean {
  const key = account.payments.provider === 'stripe' ? account.payments.stripe?.secret_key : undefined;
  return key !== undefined && parseStripeKey(key)?.mode === 'live';
}

function renderCheck(c: CheckResult, ctx: HumanContext): string[] {
  const { chalk } = ctx;
  const label = STATUS_LABEL[c.status];
  const head = `    ${paint(chalk, c.status, `${label.symbol} ${label.word.padEnd(5)}`)} ${c.title}`;
  const lines: string[] = [];
  const indent = '            ';
  if (c.status === 'pass' || c.status === 'skip') {
    lines.push(`${head}${chalk.dim(` — ${c.message}`)}`);
    return lines;
  }
  lines.push(`${head}${c.code ? chalk.dim(`  [${c.code}]`) : ''}`);
  lines.push(...wrap(c.message, indent, ctx.width));
  if (c.cause) lines.push(...wrap(`${chalk.bold('Why:')} ${c.cause}`, indent, ctx.width));
  if (c.remediation.length > 0) {
    lines.push(`${indent}${chalk.bold('Fix:')}`);
    c.remediation.forEach((step, i) => lines.push(...wrap(step, `${indent}  ${i + 1}. `, ctx.width, `${indent}     `)));
  }
  if (c.docs) lines.push(`${indent}${chalk.dim('Docs:')} ${c.docs}`);
  if (c.blockedBy.length > 0) lines.push(`${indent}${chalk.dim(`blocked by ${c.blockedBy.join(', ')}`)}`);
  if (c.stack) lines.push(chalk.dim(c.stack.split('\n').map((l) => `${indent}${l}`).join('\n')));
  return lines;
}

/** Control characters in data (a line break in an invoice number) are shown escaped, not obeyed. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters from data are shown escaped
  return forTerminal(/[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : text);
}

function countStatuses(checks: readonly CheckResult[]): string {
  const n = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const c of checks) n[c.status]++;
  return (Object.keys(n) as Array<keyof typeof n>).filter((k) => n[k] > 0).map((k) => `${n[k]} ${k}${k === 'error' && n[k] > 1 ? 's' : ''}`).join(', ');
}

/** Wraps at word boundaries; ANSI codes are few and short, so lengths are taken on the raw text. */
function wrap(text: string, first: string, width: number, rest = first.replace(/./g, ' ')): string[] {
  if (width <= 0) return [`${first}${text}`];
  const max = Math.max(40, width - first.length);
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l, i) => `${i === 0 ? first : rest}${l}`);
}

export function renderSummary(report: RunReport, ctx: HumanContext): string {
  const s = report.summary;
  if (s.invoices <= 1) return '';
  const notReady = report.results.filter((r) => Object.values(r.channels).includes('not_ready')).length;
  return renderSummaryCounts({ invoices: s.invoices, ready: s.ready, notReady }, ctx);
}

/** The closing line from counters alone (a streamed batch keeps no results); invoices neither ready nor not ready are unknown. */
export function renderSummaryCounts(counts: { invoices: number; ready: number; notReady: number }, ctx: HumanContext): string {
  const { chalk } = ctx;
  const s = counts;
  const notReady = counts.notReady;
  const unknown = s.invoices - s.ready - notReady;
  const parts = [chalk.green(`${s.ready} ready`), chalk.red(`${notReady} not ready`)];
  if (unknown > 0) parts.push(chalk.magenta(`${unknown} unknown`));
  return `${chalk.bold(`Checked ${s.invoices} invoices:`)} ${parts.join(', ')}.\n`;
}

export function renderHuman(report: RunReport, ctx: HumanContext): string {
  return `${report.results.map((r) => renderInvoice(r, ctx)).join('\n')}${report.results.length > 1 ? `\n${renderSummary(report, ctx)}` : ''}`;
}
