import os from 'node:os';
import { InputError } from '../errors.js';
import { redactor } from '../config/redact.js';
import { settleInvoice, type SettleOutcome } from '../app/settle.js';
import { makeChalk } from '../report/style.js';
import { problemLines } from '../report/send.js';
import type { DeliveryChannel } from '../send/events.js';
import { writeOut } from './output.js';

export interface SettleOptions {
  channel?: string;
  as?: string;
  note?: string;
  json?: boolean;
  config?: string;
  verbose?: boolean;
  color?: boolean;
}

/**
 * `settle <id> --channel email|sms --as sent|not-sent`: the options → the settle use case → what was
 * recorded, or why not. Exit 0 recorded · 2 usage/input error or nothing unknown to settle · 3 not
 * recorded now (another process is sending the invoice, or the journal cannot be read, written or trusted).
 */
export async function settleCommand(id: string, opts: SettleOptions): Promise<number> {
  const channel = parseSettleChannel(opts.channel);
  const as = parseAs(opts.as);
  const outcome = await settleInvoice({ id, channel, as, note: opts.note, user: osUser(), config: opts.config });
  const chalk = makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) });
  writeOut(opts.json ? settleJson(outcome, channel, as) : settleHuman(outcome, channel, as, chalk));
  return outcome.exitCode;
}

function settleJson(outcome: SettleOutcome, channel: DeliveryChannel, as: string): string {
  const { invoice } = outcome;
  if (!outcome.recorded) {
    const { error, hint } = outcome;
    return `${JSON.stringify(redactor.redactValue({ schemaVersion: 1, command: 'settle', exitCode: outcome.exitCode, error: { code: error.code, message: error.message, hint } }), null, 2)}\n`;
  }
  const { attempt, result, journalProblems } = outcome.settlement;
  const settled = result.settled!;
  return `${JSON.stringify(redactor.redactValue({
    schemaVersion: 1,
    command: 'settle',
    exitCode: outcome.exitCode,
    invoice: { id: invoice.id, account: invoice.accountId },
    channel,
    as,
    outcome: result.outcome,
    settled: { at: result.at, by: settled.by, user: settled.user ?? null, note: settled.note ?? null },
    attempt: { id: attempt.id, to: attempt.intent.to, startedAt: attempt.intent.at, committed: attempt.commit !== undefined, messageId: attempt.intent.messageId ?? null },
    journal: { file: outcome.journal, problems: journalProblems },
  }), null, 2)}\n`;
}

function settleHuman(outcome: SettleOutcome, channel: DeliveryChannel, as: string, chalk: ReturnType<typeof makeChalk>): string {
  const { invoice, journal } = outcome;
  if (!outcome.recorded) return `${chalk.red.bold('Not settled:')} ${redactor.redact(outcome.error.message)}\n${chalk.dim(`hint: ${redactor.redact(outcome.hint)}`)}\n`;
  const { attempt, result, journalProblems } = outcome.settlement;
  const settled = result.settled!;
  const label = channel === 'email' ? 'email' : 'SMS';
  const next = as === 'sent'
    ? `It counts as sent: \`invoice-doctor send ${invoice.id}\` reports it as already sent, and \`send --all\` skips it.`
    : `It counts as not sent: the next \`invoice-doctor send ${invoice.id}\` (or \`send --all\`) sends the ${label} once.`;
  return `${[
    `${chalk.green('✓')} ${chalk.bold(invoice.id)} ${label} recorded as ${chalk.bold(as === 'sent' ? 'sent' : 'not sent')} by ${settled.user ?? 'a person'} on ${result.at}${settled.note ? ` ("${settled.note}")` : ''}.`,
    `  Closed the try of ${attempt.intent.at} to ${attempt.intent.to}${attempt.intent.messageId ? ` (Message-ID ${attempt.intent.messageId})` : ''}.`,
    `  ${next}`,
    ...problemLines(journalProblems, journal, chalk),
    `  ${chalk.dim(`Journal: ${journal}`)}`,
  ].join('\n')}\n`;
}

function parseSettleChannel(value: string | undefined): DeliveryChannel {
  if (value === 'email' || value === 'sms') return value;
  throw new InputError('USAGE', value === undefined ? 'settle needs --channel email or --channel sms: the channel whose outcome you verified.' : `--channel ${value}: expected email or sms (one channel: each is settled on its own).`, {
    hint: 'invoice-doctor status <id> shows which channel is unconfirmed.',
  });
}

function parseAs(value: string | undefined): 'sent' | 'not-sent' {
  if (value === 'sent' || value === 'not-sent') return value;
  throw new InputError('USAGE', value === undefined ? 'settle needs --as sent or --as not-sent: what you verified.' : `--as ${value}: expected sent or not-sent.`, {
    hint: '--as sent: the customer has it (it will not be sent again) · --as not-sent: it never arrived (the next send sends it once).',
  });
}

/** The operating-system user running settle, when the system can tell (containers may have none). */
function osUser(): string | undefined {
  try {
    const name = os.userInfo().username.trim();
    if (name) return name;
  } catch {
    // no passwd entry for this uid: fall back to the environment
  }
  return process.env.USER?.trim() || process.env.LOGNAME?.trim() || process.env.USERNAME?.trim() || undefined;
}
