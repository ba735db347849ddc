import type { ChalkInstance } from 'chalk';
import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import { formatMoney } from '../data/currencies.js';
import type { InvoiceReport } from '../engine/types.js';
import type { ChannelReport, SendReport } from '../send/execute.js';
import type { DeliveryChannel } from '../send/events.js';
import type { JournalProblem } from '../store/types.js';
import { smsErrorCode } from '../send/sms-errors.js';
import { toJsonInvoice } from './json.js';
import { forTerminal, printableDeep } from './printable.js';

/** Everything `send` reports, whichever way it ended. */
export interface SendView {
  invoice: Invoice;
  account: Account;
  channels: DeliveryChannel[];
  journal: string;
  dryRun: boolean;
  /** sent · already_sent · refused (the gate, or the link was already paid) · dry_run · failed (a provider refused) · unknown */
  outcome: 'sent' | 'already_sent' | 'refused' | 'dry_run' | 'failed' | 'unknown';
  gate?: InvoiceReport;
  /** refused because the payment link this send would reuse was already paid */
  paid?: { url: string; paidAt?: string };
  live?: boolean;
  plan?: {
    link?: { action: 'create' | 'reuse'; url?: string; amount: number; currency: string; connectedAccount?: string };
    email?: { from: string; to: string; via: string; subject: string; text: string };
    sms?: { to: string; via: string; body: string; segments: number };
  };
  link?: SendReport['link'];
  linkError?: SendReport['linkError'];
  results: ChannelReport[];
  journalProblems: JournalProblem[];
  reclaimedLock?: SendReport['reclaimedLock'];
}

export function sendJson(view: SendView, exitCode: number): object {
  const { invoice, account } = view;
  return {
    schemaVersion: 1,
    command: 'send',
    outcome: view.outcome,
    exitCode,
    dryRun: view.dryRun,
    invoice: { id: invoice.id, number: invoice.number, account: account.id, status: invoice.status, amountDue: invoice.amountDue, currency: invoice.currency },
    live: view.live ?? false,
    channels: view.channels,
    gate: view.gate ? toJsonInvoice(view.gate) : null,
    alreadyPaid: view.paid ? { url: view.paid.url, paidAt: view.paid.paidAt ?? null } : null,
    plan: view.plan ?? null,
    paymentLink: view.link ?? null,
    paymentLinkError: view.linkError ?? null,
    results: view.results.map((r) => ({
      channel: r.channel,
      status: r.status,
      to: r.to,
      at: r.at ?? null,
      messageId: r.messageId ?? null,
      response: r.response ?? null,
      sid: r.sid ?? null,
      smsStatus: r.smsStatus ?? null,
      file: r.file ?? null,
      error: r.error ?? null,
      note: r.note ?? null,
    })),
    journal: { file: view.journal, problems: view.journalProblems },
  };
}

const STATUS_WORD: Record<ChannelReport['status'], string> = { sent: 'sent', already_sent: 'already sent', failed: 'not sent', unknown: 'unknown' };

export function renderSendHuman(raw: SendView, chalk: ChalkInstance): string {
  if (raw.outcome === 'dry_run') return renderSendPlan(raw, chalk);
  // Names, numbers, addresses and server replies come from data and peers: shown escaped, never obeyed.
  const view = printableDeep(raw);
  const out: string[] = [header(view, chalk)];
  if (view.link) out.push(`  ${chalk.bold('Payment link')}  ${view.link.url}  ${chalk.dim(view.link.reused ? '(reused: created by an earlier send for this amount)' : `(created, ${view.link.livemode ? 'LIVE' : 'test mode'})`)}`);
  if (view.paid) {
    out.push(`  ${chalk.red('✗')} ${chalk.bold('Already paid:')} the payment link ${view.paid.url} was paid${view.paid.paidAt ? ` on ${view.paid.paidAt}` : ''}.`);
    out.push(`    Nothing was sent: the invoice is settled and can be marked Paid.`);
  }
  if (view.linkError) out.push(`  ${chalk.red.bold('Payment link')}  could not be created: ${view.linkError.message}`);
  for (const r of view.results) {
    const mark = r.status === 'sent' ? chalk.green('✓') : r.status === 'already_sent' ? chalk.green('=') : r.status === 'failed' ? chalk.red('✗') : chalk.magenta('?');
    const detail = [r.at && (r.status === 'already_sent' ? `on ${r.at}` : r.at), r.sid && `${r.sid}${r.smsStatus ? ` (${r.smsStatus})` : ''}`, r.messageId && `Message-ID ${r.messageId}`, r.response && `server: "${r.response}"`, r.file && `file ${r.file}`]
      .filter(Boolean)
      .join(' · ');
    out.push(`  ${mark} ${chalk.bold(r.channel.padEnd(5))} ${STATUS_WORD[r.status]} ${r.to ? `to ${r.to}` : ''}${detail ? chalk.dim(`  ${detail}`) : ''}`);
    if (r.error) out.push(`          ${chalk.red(r.error.message)}`);
    // A Twilio refusal (21610 STOP, 21614 not a mobile …) has a cause and a fix: name it as status and check do.
    if (r.channel === 'sms' && r.status === 'failed' && r.error?.code !== undefined && /^\d+$/.test(String(r.error.code))) {
      const mapped = smsErrorCode(r.error.code);
      out.push(`          ${chalk.bold(`[${mapped.code}]`)} ${mapped.meaning}: \`invoice-doctor status ${view.invoice.id}\` says what to do.`);
    }
    if (r.note) out.push(`          ${r.note}`);
  }
  if (view.outcome === 'already_sent') out.push(`  ${chalk.dim('Nothing to do: already sent. Use --resend to send again.')}`);
  if (view.reclaimedLock) out.push(`  ${chalk.dim(`(a lock left by process ${view.reclaimedLock.pid}, which died, was taken over)`)}`);
  out.push(...problemLines(view.journalProblems, view.journal, chalk));
  out.push(`  ${chalk.dim(`Journal: ${view.journal}`)}`);
  return `${out.join('\n')}\n`;
}

/** The review shown before sending (and by --dry-run): who gets what, by which way, for how much. */
export function renderSendPlan(raw: SendView, chalk: ChalkInstance): string {
  // The message texts keep their line breaks (each becomes a line of the preview); nothing else is obeyed.
  const view = printableDeep(raw);
  const out: string[] = [header(view, chalk)];
  if (view.dryRun) out.push(`  ${chalk.yellow.bold('Dry run:')} nothing is created, sent or written.`);
  if (view.live) out.push(`  ${chalk.yellow.bold('LIVE Stripe key:')} the payment link takes real payments.`);
  const p = view.plan;
  const money = (minor: number, currency: string) => formatMoney(minor, currency, view.account.country);
  if (p?.link) {
    out.push(
      p.link.action === 'reuse'
        ? `  ${chalk.bold('Payment link')}  reuse ${p.link.url} (${money(p.link.amount, p.link.currency)})`
        : `  ${chalk.bold('Payment link')}  create a Stripe payment link for ${money(p.link.amount, p.link.currency)}${p.link.connectedAccount ? ` on ${p.link.connectedAccount}` : ''} (one payment at most)`,
    );
  }
  if (p?.email) {
    out.push(`  ${chalk.bold('Email')}  to ${p.email.to}  from ${p.email.from}  via ${p.email.via}`);
    out.push(`    Subject: ${p.email.subject}`);
    for (const line of p.email.text.split('\n')) out.push(`    ${chalk.dim('│')} ${line}`);
  }
  if (p?.sms) {
    out.push(`  ${chalk.bold('SMS')}  to ${p.sms.to}  via ${p.sms.via}  (${p.sms.segments} segment${p.sms.segments === 1 ? '' : 's'})`);
    out.push(`    ${chalk.dim('│')} ${p.sms.body}`);
  }
  if (p?.link?.action === 'create') out.push(`  ${chalk.dim('(the link shown in the messages is a sample; the real one is created on send)')}`);
  for (const r of view.results) out.push(`  ${chalk.green('=')} ${r.channel} already sent to ${r.to}${r.at ? ` on ${r.at}` : ''}`);
  out.push(...problemLines(view.journalProblems, view.journal, chalk));
  return `${out.join('\n')}\n`;
}

function header(view: SendView, chalk: ChalkInstance): string {
  const { invoice, account } = view;
  const line = (text: string) => forTerminal(text, { singleLine: true });
  return `${chalk.bold(line(invoice.id))} ${chalk.dim('·')} no. ${line(invoice.number)} ${chalk.dim('·')} ${line(account.name)} (${account.id}) ${chalk.dim('·')} ${formatMoney(invoice.amountDue, invoice.currency, account.country)} due ${chalk.dim('·')} ${view.channels.join(' + ')}`;
}

export function problemLines(problems: readonly JournalProblem[], journal: string, chalk: ChalkInstance): string[] {
  return problems.map((p) => `  ${chalk.yellow('!')} ${journal}${p.line ? `:${p.line}` : ''} (byte ${p.offset}): an unreadable journal line was skipped — ${p.reason}: ${JSON.stringify(p.text)}`);
}
