import os from 'node:os';
import { InputError, StateError } from '../errors.js';
import { redactor } from '../config/redact.js';
import { makeChalk } from '../report/style.js';
import { problemLines } from '../report/send.js';
import type { DeliveryChannel } from '../send/events.js';
import { setup } from '../app/setup.js';
import { loadOneInvoice } from '../app/invoices.js';
import { writeOut } from './output.js';
import { EXIT } from '../app/exit-codes.js';

export interface SettleOptions {
  channel?: string;
  as?: string;
  note?: string;
  json?: boolean;
  config?: string;
  verbose?: boolean;
  color?: boolean;
}

/** Long enough for a ticket number and a sentence; the journal is not a place for an essay. */
export const SETTLE_NOTE_MAX = 500;

/**
 * `settle <id> --channel email|sms --as sent|not-sent`: records the outcome of a try the tool cannot know
 * (an email whose final dot may have reached the server, an SMS Twilio could not be asked about) once a
 * person has verified it. Exit 0 recorded · 2 usage/input error or nothing unknown to settle · 3 not
 * recorded now (another process is sending the invoice, or the journal cannot be read, written or trusted:
 * the send state's own codes, as `send` reports them).
 */
export async function settleCommand(id: string, opts: SettleOptions): Promise<number> {
  const channel = parseSettleChannel(opts.channel);
  const as = parseAs(opts.as);
  const { loaded } = await setup({ config: opts.config, requireConfig: true });
  const config = loaded!;
  const invoice = await loadOneInvoice(config, id);
  // A note is free text a person typed: redacted like every output, so a pasted secret never reaches the journal.
  const note = parseSettleNote(opts.note);
  const journalFile = config.config.journal;
  const chalk = makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) });
  const { settleByPerson } = await import('../send/settle.js');
  const { LockBusyError } = await import('../send/lock.js');
  let outcome: Awaited<ReturnType<typeof settleByPerson>>;
  try {
    // Twilio is asked first when it can be: a person's word settles an SMS only where Twilio cannot tell.
    const t = config.accounts.get(invoice.accountId)?.sms?.twilio;
    const twilio = t?.account_sid && t.auth_token ? { accountSid: t.account_sid.trim(), authToken: t.auth_token.trim(), apiBase: t.api_base, timeoutMs: 10_000 } : undefined;
    outcome = await settleByPerson({ journalFile, invoice: invoice.id, account: invoice.accountId, channel, as, user: osUser(), note: note && redactor.redact(note), twilio });
  } catch (error) {
    // Not recorded: a send of this invoice in progress (INVOICE_LOCKED), or a journal that cannot be read,
    // written or trusted (JOURNAL_*) — the same codes and exit 3 as `send`, with a hint for settling.
    if (!(error instanceof StateError)) throw error;
    const hint = error instanceof LockBusyError ? `Run settle again once that send has finished; \`invoice-doctor status ${invoice.id}\` then shows whether anything is left to settle.` : `Nothing was recorded. ${error.hint}`;
    if (opts.json) writeOut(`${JSON.stringify(redactor.redactValue({ schemaVersion: 1, command: 'settle', exitCode: EXIT.UNKNOWN, error: { code: error.code, message: error.message, hint } }), null, 2)}\n`);
    else writeOut(`${chalk.red.bold('Not settled:')} ${redactor.redact(error.message)}\n${chalk.dim(`hint: ${redactor.redact(hint)}`)}\n`);
    return EXIT.UNKNOWN;
  }
  if (!outcome.ok) {
    throw new InputError('NOTHING_TO_SETTLE', outcome.message, { hint: outcome.hint });
  }
  const { attempt, result } = outcome;
  const settled = result.settled!;
  const label = channel === 'email' ? 'email' : 'SMS';
  if (opts.json) {
    writeOut(`${JSON.stringify(redactor.redactValue({
      schemaVersion: 1,
      command: 'settle',
      exitCode: 0,
      invoice: { id: invoice.id, account: invoice.accountId },
      channel,
      as,
      outcome: result.outcome,
      settled: { at: result.at, by: settled.by, user: settled.user ?? null, note: settled.note ?? null },
      attempt: { id: attempt.id, to: attempt.intent.to, startedAt: attempt.intent.at, committed: attempt.commit !== undefined, messageId: attempt.intent.messageId ?? null },
      journal: { file: journalFile, problems: outcome.journalProblems },
    }), null, 2)}\n`);
    return 0;
  }
  const next = as === 'sent'
    ? `It counts as sent: \`invoice-doctor send ${invoice.id}\` reports it as already sent, and \`send --all\` skips it.`
    : `It counts as not sent: the next \`invoice-doctor send ${invoice.id}\` (or \`send --all\`) sends the ${label} once.`;
  const out = [
    `${chalk.green('✓')} ${chalk.bold(invoice.id)} ${label} recorded as ${chalk.bold(as === 'sent' ? 'sent' : 'not sent')} by ${settled.user ?? 'a person'} on ${result.at}${settled.note ? ` ("${settled.note}")` : ''}.`,
    `  Closed the try of ${attempt.intent.at} to ${attempt.intent.to}${attempt.intent.messageId ? ` (Message-ID ${attempt.intent.messageId})` : ''}.`,
    `  ${next}`,
    ...problemLines(outcome.journalProblems, journalFile, chalk),
    `  ${chalk.dim(`Journal: ${journalFile}`)}`,
  ];
  writeOut(`${out.join('\n')}\n`);
  return 0;
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

function parseSettleNote(value: string | undefined): string | undefined {
  const note = value?.trim();
  if (!note) return undefined;
  // eslint-disable-next-line no-control-regex -- the note is refused when it holds control characters
  if (/[\u0000-\u001f\u007f]/.test(note)) throw new InputError('USAGE', '--note: control characters (line breaks, tabs …) are not allowed in the note.');
  if (note.length > SETTLE_NOTE_MAX) throw new InputError('USAGE', `--note is ${note.length} characters; at most ${SETTLE_NOTE_MAX} are allowed.`, { hint: 'Put the details in your ticket and its number in the note.' });
  return note;
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
