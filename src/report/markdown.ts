import type { CheckResult, CheckStatus, InvoiceReport, RunReport } from '../engine/types.js';
import type { Invoice } from '../data/model.js';
import type { Account } from '../config/load.js';
import { formatMoney } from '../data/currencies.js';
import { STATUS_LABEL } from './style.js';
import type { Masker } from './mask.js';
import { forMessage } from './printable.js';

/**
 * A report a support engineer can paste into a ticket (GitHub-flavoured Markdown): what the help
 * centre's "If that didn't work" asks to gather — the invoice number, the customer's contact details,
 * the error text — with every email address and phone number masked and every secret redacted (the
 * report is redacted before it gets here, and the text once more when written). One summary table,
 * then per invoice its facts and each failure, warning and undetermined check with its code, message,
 * cause and remediation steps; all checks in a collapsed table.
 */
export interface MarkdownContext {
  invoices: ReadonlyMap<string, Invoice>;
  accounts: ReadonlyMap<string, Account>;
  masker: Masker;
  offline: boolean;
  strict: boolean;
  generatedAt: Date;
}

const VERDICT = { ready: 'READY', not_ready: 'NOT READY', unknown: 'UNKNOWN' } as const;

export function renderMarkdown(report: RunReport, ctx: MarkdownContext): string {
  const m = (text: string) => md(ctx.masker.text(text));
  const s = report.summary;
  const notReady = report.results.filter((r) => verdictOf(r) === 'not_ready').length;
  const unknown = report.results.filter((r) => verdictOf(r) === 'unknown').length;
  const out: string[] = [];
  out.push(`# invoice-doctor check: ${s.invoices} invoice${s.invoices === 1 ? '' : 's'}, ${s.ready} ready, ${notReady} not ready${unknown ? `, ${unknown} unknown` : ''}`, '');
  const notes = [
    `Checked ${ctx.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    'contact details masked, secrets redacted',
    ctx.offline ? 'offline: the checks that ask Stripe, Twilio, the mail server or DNS were skipped' : undefined,
    ctx.strict ? 'strict: warnings count as failures' : undefined,
  ].filter(Boolean);
  out.push(`${notes.join(' · ')}.`, '');
  out.push('| Invoice | Number | Account | Status | Email | SMS | Verdict | Problems |', '|---|---|---|---|---|---|---|---|');
  for (const r of report.results) {
    const problems = r.checks.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error');
    out.push(`| ${cell(r.invoice.id)} | ${cell(ctx.masker.text(r.invoice.number))} | ${cell(r.invoice.account)} | ${cell(r.invoice.status)} | ${channelCell(r, 'email')} | ${channelCell(r, 'sms')} | ${VERDICT[verdictOf(r)]} | ${problems.length ? problems.map((c) => `\`${c.code ?? c.id}\``).join(' ') : '—'} |`);
  }
  out.push('', `Checks: ${(['pass', 'warn', 'fail', 'skip', 'error'] as const).map((k) => `${s[k]} ${k}`).join(' · ')}.`, '');

  for (const r of report.results) out.push(...renderInvoice(r, ctx, m));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function renderInvoice(r: InvoiceReport, ctx: MarkdownContext, m: (text: string) => string): string[] {
  const invoice = ctx.invoices.get(r.invoice.id);
  const account = ctx.accounts.get(r.invoice.account);
  const out: string[] = [];
  out.push(`## ${md(r.invoice.id)} · no. ${m(printable(r.invoice.number))} — ${VERDICT[verdictOf(r)]}`, '');
  const facts: Array<[string, string]> = [
    ['Account', account ? `${account.name} (${account.id})` : r.invoice.account],
    ['Status', invoice && invoice.statusRaw !== invoice.status ? `${r.invoice.status} (written "${invoice.statusRaw}")` : r.invoice.status],
  ];
  if (invoice) {
    facts.push(['Amount due', formatMoney(invoice.amountDue, invoice.currency, account?.country)]);
    facts.push(['Customer', invoice.customer.id ?? 'inline on the invoice (no customer id)']);
    facts.push(['Email', contact(invoice, 'email', ctx.masker)]);
    facts.push(['Phone', contact(invoice, 'phone', ctx.masker, account?.country)]);
  }
  facts.push(['Channels', Object.entries(r.channels).map(([channel, state]) => `${channel}: ${state.replace('_', ' ')}`).join(' · ') || 'none requested']);
  out.push('| | |', '|---|---|', ...facts.map(([k, v]) => `| ${k} | ${cell(v)} |`), '');

  const problems = r.checks.filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'warn');
  // Failures first, then what could not be determined, then warnings: the order they need attention in.
  const order: Record<CheckStatus, number> = { fail: 0, error: 1, warn: 2, pass: 3, skip: 4 };
  problems.sort((a, b) => order[a.status] - order[b.status]);
  if (problems.length === 0) out.push('No problem found: every check that ran passed.', '');
  for (const c of problems) out.push(...renderProblem(c, ctx, m));

  out.push(`<details><summary>All ${r.checks.length} checks (${counts(r.checks)})</summary>`, '');
  out.push('| Check | Result | Detail |', '|---|---|---|');
  for (const c of r.checks) {
    out.push(`| \`${c.id}\` ${cell(c.title)} | ${STATUS_LABEL[c.status].symbol} ${c.status} | ${cell(ctx.masker.text(`${c.code ? `${c.code}: ` : ''}${c.message}`))} |`);
  }
  out.push('', '</details>', '');
  return out;
}

function renderProblem(c: CheckResult, ctx: MarkdownContext, m: (text: string) => string): string[] {
  const label = c.status === 'error' ? 'could not be determined' : c.status === 'warn' ? (ctx.strict ? 'warning, counted as a failure (--strict)' : 'warning') : 'fail';
  const out = [`### ${STATUS_LABEL[c.status].symbol} ${md(c.title)} — \`${c.code ?? c.id}\` (${label})`, ''];
  out.push(`> ${m(c.message).replace(/\n/g, '\n> ')}`, '');
  // Cause and steps are the catalogue's guidance: their examples ("+44 7700 900123") are nobody's, so
  // only the invoice's own contact values are masked there.
  const guidance = (text: string) => md(ctx.masker.contacts(text));
  if (c.cause) out.push(`**Why:** ${guidance(c.cause)}`, '');
  if (c.remediation.length > 0) {
    out.push('**Fix:**', '');
    c.remediation.forEach((step, i) => out.push(`${i + 1}. ${guidance(step).replace(/\n/g, ' ')}`));
    out.push('');
  }
  if (c.docs) out.push(`**Docs:** ${link(c.docs)}`, '');
  if (c.blockedBy.length > 0) out.push(`Blocked by: ${c.blockedBy.map((id) => `\`${id}\``).join(', ')}`, '');
  out.push(`Check \`${c.id}\` (${c.category}).`, '');
  return out;
}

/** The recipient as the send would use it, masked, and where it comes from. */
function contact(invoice: Invoice, kind: 'email' | 'phone', masker: Masker, region?: string): string {
  const own = invoice.sendTo[kind]?.trim();
  const customer = invoice.customer[kind]?.trim();
  const value = own || customer;
  if (!value) return 'none on record';
  const masked = kind === 'email' ? masker.email(value) : masker.phone(value, region);
  const source = own ? `the invoice's send_to.${kind}` : `customer ${invoice.customer.id ?? '(inline)'}`;
  return `${masked} (from ${source})`;
}

function verdictOf(r: InvoiceReport): keyof typeof VERDICT {
  if (r.ready) return 'ready';
  return Object.values(r.channels).includes('not_ready') ? 'not_ready' : 'unknown';
}

function channelCell(r: InvoiceReport, channel: 'email' | 'sms'): string {
  const state = r.channels[channel];
  return state ? state.replace('_', ' ') : '—';
}

function counts(checks: readonly CheckResult[]): string {
  const n = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const c of checks) n[c.status]++;
  return (Object.keys(n) as Array<keyof typeof n>).filter((k) => n[k] > 0).map((k) => `${n[k]} ${k}`).join(', ');
}

/** Control characters in data (a line break in an invoice number) are shown escaped, not obeyed. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters from data are shown escaped
  return /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : text;
}

/**
 * Text as Markdown shows it literally: ASCII punctuation Markdown or HTML would act on is
 * backslash-escaped (CommonMark allows it before any ASCII punctuation), escape sequences and control
 * characters dropped (printable.ts: the same rule as for messages).
 */
export function md(text: string): string {
  return forMessage(text).replace(/\t/g, '').replace(/[\\`*_[\]<>|~&#!]/g, '\\$&');
}

/** A table cell: escaped, on one line. */
function cell(text: string): string {
  return md(text.replace(/\s*\n\s*/g, ' ')).trim() || '—';
}

function link(url: string): string {
  return /^https?:\/\/[^\s<>()[\]]+$/.test(url) ? `<${url}>` : md(url);
}
