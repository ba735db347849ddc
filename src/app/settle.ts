import { displayJournal } from '../config/database-url.js';
import { InputError, StateError } from '../errors.js';
import { redactor } from '../config/redact.js';
import type { Invoice } from '../data/model.js';
import type { DeliveryChannel } from '../send/events.js';
import type { PersonSettleOutcome } from '../send/settle.js';
import { EXIT } from './exit-codes.js';
import { loadOneInvoice } from './invoices.js';
import { setup } from './setup.js';

/** Long enough for a ticket number and a sentence; the journal is not a place for an essay. */
export const SETTLE_NOTE_MAX = 500;

export interface SettleRequest {
  id: string;
  channel: DeliveryChannel;
  as: 'sent' | 'not-sent';
  /** why, in a few words, as typed (checked here: it goes into the journal) */
  note?: string;
  /** the operating-system user settling, when known */
  user?: string;
  config?: string;
}

export type SettleOutcome = { invoice: Invoice; journal: string } & (
  | { recorded: true; settlement: Extract<PersonSettleOutcome, { ok: true }>; exitCode: 0 }
  /** not recorded now: a send of this invoice in progress, or a journal that cannot be read, written or trusted */
  | { recorded: false; error: StateError; hint: string; exitCode: 3 }
);

/**
 * `settle <id> --channel email|sms --as sent|not-sent`: records the outcome of a try the tool cannot know
 * (an email whose final dot may have reached the server, an SMS Twilio could not be asked about) once a
 * person has verified it. Nothing unknown to settle is bad input (InputError, exit 2); a send state that
 * refuses the record is returned (exit 3, the send state's own codes, as `send` reports them).
 */
export async function settleInvoice(request: SettleRequest): Promise<SettleOutcome> {
  const { loaded } = await setup({ config: request.config, requireConfig: true });
  const config = loaded!;
  const invoice = await loadOneInvoice(config, request.id);
  // A note is free text a person typed: redacted like every output, so a pasted secret never reaches the journal.
  const note = parseSettleNote(request.note);
  // Reports name the outbox without a postgres URL's password.
  const journal = displayJournal(config.config.journal);
  const { settleByPerson } = await import('../send/settle.js');
  const { LockBusyError } = await import('../store/errors.js');
  let settlement: PersonSettleOutcome;
  try {
    // Twilio is asked first when it can be: a person's word settles an SMS only where Twilio cannot tell.
    const t = config.accounts.get(invoice.accountId)?.sms?.twilio;
    const twilio = t?.account_sid && t.auth_token ? { accountSid: t.account_sid.trim(), authToken: t.auth_token.trim(), apiBase: t.api_base, timeoutMs: 10_000 } : undefined;
    settlement = await settleByPerson({ journalFile: config.config.journal, outbox: config.config.outbox, invoice: invoice.id, account: invoice.accountId, channel: request.channel, as: request.as, user: request.user, note: note && redactor.redact(note), twilio });
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    const hint = error instanceof LockBusyError ? `Run settle again once that send has finished; \`invoice-doctor status ${invoice.id}\` then shows whether anything is left to settle.` : `Nothing was recorded. ${error.hint}`;
    return { invoice, journal, recorded: false, error, hint, exitCode: EXIT.UNKNOWN };
  }
  if (!settlement.ok) throw new InputError('NOTHING_TO_SETTLE', settlement.message, { hint: settlement.hint });
  return { invoice, journal, recorded: true, settlement, exitCode: EXIT.OK };
}

function parseSettleNote(value: string | undefined): string | undefined {
  const note = value?.trim();
  if (!note) return undefined;
  // eslint-disable-next-line no-control-regex -- the note is refused when it holds control characters
  if (/[\u0000-\u001f\u007f]/.test(note)) throw new InputError('USAGE', '--note: control characters (line breaks, tabs …) are not allowed in the note.');
  if (note.length > SETTLE_NOTE_MAX) throw new InputError('USAGE', `--note is ${note.length} characters; at most ${SETTLE_NOTE_MAX} are allowed.`, { hint: 'Put the details in your ticket and its number in the note.' });
  return note;
}
