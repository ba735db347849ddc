import type { ChalkInstance } from 'chalk';
import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import { formatMoney } from '../data/currencies.js';
import type { Remediation } from '../engine/types.js';
import type { ChannelDelivery, PaymentState } from '../send/delivery.js';
import type { SendHistory } from '../send/history.js';
import type { JournalProblem } from '../store/types.js';
import { problemLines } from './send.js';
import { forTerminal, printableDeep } from './printable.js';

export interface StatusView {
  invoice: Invoice;
  account: Account;
  journal: string;
  offline: boolean;
  history: SendHistory;
  channels: ChannelDelivery[];
  payment: PaymentState;
  /** remediation for the codes the channels report */
  remediation: Record<string, Remediation>;
  journalProblems: JournalProblem[];
}

export function statusJson(view: StatusView, exitCode: number): object {
  const { invoice, account } = view;
  return {
    schemaVersion: 1,
    command: 'status',
    exitCode,
    invoice: { id: invoice.id, number: invoice.number, account: account.id, status: invoice.status, amountDue: invoice.amountDue, currency: invoice.currency },
    paid: view.payment.paid ?? null,
    payment: { link: view.payment.link ?? null, paid: view.payment.paid ?? null, paidAt: view.payment.paidAt ?? null, unavailable: view.payment.unavailable ?? null },
    channels: Object.fromEntries(
      view.channels.map((c) => [
        c.channel,
        {
          state: c.state,
          attempts: c.attempts,
          to: c.to ?? null,
          at: c.at ?? null,
          messageId: c.messageId ?? null,
          response: c.response ?? null,
          sid: c.sid ?? null,
          smsStatus: c.smsStatus ?? null,
          file: c.file ?? null,
          twilioError: c.twilioError ?? null,
          code: c.code ?? null,
          settled: c.settled ? { as: c.settled.as, by: c.settled.by, user: c.settled.user ?? null, at: c.settled.at, note: c.settled.note ?? null, attempt: c.settled.attempt } : null,
          message: c.message,
          remediation: c.code ? view.remediation[c.code]?.steps ?? [] : [],
          docs: c.code ? view.remediation[c.code]?.docs ?? null : null,
        },
      ]),
    ),
    attempts: (['email', 'sms'] as const).flatMap((channel) =>
      view.history.attempts[channel].map((a) => ({
        channel,
        attempt: a.id,
        to: a.intent.to,
        startedAt: a.intent.at,
        outcome: a.result?.outcome ?? (a.commit ? 'unconfirmed' : 'interrupted'),
        finishedAt: a.result?.at ?? null,
        reconciled: a.result?.reconciled ?? null,
        settled: a.result?.settled ? { as: a.result.settled.as, by: a.result.settled.by, user: a.result.settled.user ?? null, note: a.result.settled.note ?? null } : null,
        error: a.result?.error ?? null,
      })),
    ),
    offline: view.offline,
    journal: { file: view.journal, problems: view.journalProblems },
  };
}

const STATE_WORD: Record<ChannelDelivery['state'], string> = {
  never: 'never sent',
  accepted: 'sent',
  delivered: 'delivered',
  undelivered: 'NOT delivered',
  failed: 'last try failed',
  unconfirmed: 'unconfirmed',
  unknown: 'status unknown',
};

export function renderStatusHuman(raw: StatusView, chalk: ChalkInstance): string {
  // Names, numbers, addresses and provider replies come from data and peers: shown escaped, never obeyed.
  const view = printableDeep(raw);
  const line = (text: string) => forTerminal(text, { singleLine: true });
  const { invoice, account, payment } = view;
  const money = (minor: number, currency: string) => formatMoney(minor, currency, account.country);
  const paidWord = payment.paid ? chalk.green.bold('Paid') : payment.link ? (payment.unavailable ? chalk.magenta('payment status unknown') : chalk.yellow('not paid yet')) : chalk.dim('no payment link sent');
  const out = [`${chalk.bold(line(invoice.id))} ${chalk.dim('·')} no. ${line(invoice.number)} ${chalk.dim('·')} ${line(account.name)} (${account.id}) ${chalk.dim('·')} ${money(invoice.amountDue, invoice.currency)} due ${chalk.dim('·')} ${paidWord}`];
  if (payment.link) {
    out.push(`  ${chalk.bold('Payment link')}  ${payment.link.url}  ${chalk.dim(`${money(payment.link.amount, payment.link.currency)}, created ${payment.link.createdAt}`)}`);
    if (payment.paid) out.push(`    ${chalk.green(`Paid${payment.paidAt ? ` on ${payment.paidAt}` : ''}: the invoice can be marked Paid.`)}`);
    if (payment.unavailable) out.push(`    ${chalk.magenta(`Could not ask Stripe: ${payment.unavailable}`)}`);
  }
  for (const c of view.channels) {
    const color = c.severity === 'fail' ? chalk.red : c.severity === 'error' ? chalk.magenta : c.severity === 'warn' ? chalk.yellow : c.state === 'never' ? chalk.dim : chalk.green;
    out.push(`  ${chalk.bold((c.channel === 'sms' ? 'SMS' : 'Email').padEnd(6))} ${color(STATE_WORD[c.state])}${c.attempts > 1 ? chalk.dim(` (${c.attempts} tries)`) : ''}${c.code ? chalk.dim(`  [${c.code}]`) : ''}`);
    if (c.state !== 'never') out.push(`    ${c.message}`);
    const r = c.code ? view.remediation[c.code] : undefined;
    if (r && c.severity) {
      if (r.cause) out.push(`    ${chalk.bold('Why:')} ${r.cause}`);
      r.steps.forEach((step, i) => out.push(`    ${i === 0 ? chalk.bold('Fix:') : '    '} ${i + 1}. ${step}`));
      if (r.docs) out.push(`    ${chalk.dim('Docs:')} ${r.docs}`);
    }
  }
  const attempts = (['email', 'sms'] as const).flatMap((channel) => view.history.attempts[channel].map((a) => ({ channel, a }))).sort((x, y) => x.a.intent.at.localeCompare(y.a.intent.at));
  if (attempts.length > 0) {
    out.push(`  ${chalk.bold('History')}`);
    for (const { channel, a } of attempts) {
      const outcome = a.result?.outcome ?? (a.commit ? 'unconfirmed' : 'interrupted');
      out.push(`    ${a.intent.at}  ${channel.padEnd(5)} to ${a.intent.to}  ${outcome}${a.result?.reconciled ? chalk.dim(` (${a.result.reconciled}${a.result.settled ? ` on ${a.result.at}` : ''})`) : ''}${a.result?.settled?.note ? chalk.dim(` — note: ${a.result.settled.note}`) : ''}${a.result?.error ? chalk.dim(` — ${a.result.error.message}`) : ''}`);
    }
  }
  if (view.offline) out.push(`  ${chalk.dim('(offline: Twilio and Stripe were not asked)')}`);
  out.push(...problemLines(view.journalProblems, view.journal, chalk));
  return `${out.join('\n')}\n`;
}
