import { StateError, type StateErrorCode } from '../errors.js';
import type { JournalRecord, LockHolder } from './types.js';

/*
 * What both stores (SQLite, Postgres) say when the outbox cannot be trusted, and the checks they share.
 * Every refusal ends with NOTHING_SENT: each record is written before its side effect, so a store that
 * cannot be read or written stops the send before anything happens.
 */

/** Said of every refusal: the outbox is written before each side effect, so a stop here sends nothing more. */
export const NOTHING_SENT = 'Nothing more is sent until the outbox can be read and written: each send is recorded before it happens.';

/**
 * The outbox could not be read or written, or is damaged in a way that could hide a record: the message
 * says which store and why, the hint what to do. Exit 3; nothing is sent while it stands.
 */
export class JournalError extends StateError {
  constructor(code: StateErrorCode, message: string, file: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, file, hint, options);
    this.name = 'JournalError';
  }
}

/** Another process holds the invoice's claim: exit 3 with INVOICE_LOCKED (a documented state, not a crash). */
export class LockBusyError extends StateError {
  readonly holder: LockHolder;
  readonly invoice: string;

  constructor(invoice: string, holder: LockHolder, where: string, release: string) {
    super(
      'INVOICE_LOCKED',
      `Invoice ${invoice} is being sent by another invoice-doctor (process ${holder.pid} on ${holder.host}, since ${holder.since}); its claim is in ${where}.`,
      where,
      `Wait for it to finish, then run again; ${release} Nothing was sent by this run.`,
    );
    this.name = 'LockBusyError';
    this.invoice = invoice;
    this.holder = holder;
  }
}

export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What an errno means for a person, and what to do about it. */
const IO_ERRORS: Record<string, { why: string; fix: string }> = {
  EACCES: { why: 'permission denied', fix: 'give the user running invoice-doctor read and write access to it and its folder, or set `journal:` in the configuration to a path it can write' },
  EPERM: { why: 'operation not permitted (the file or its folder may be read-only or immutable)', fix: 'check its permissions and attributes (`lsattr`: the immutable flag), or set `journal:` in the configuration to a writable path' },
  EROFS: { why: 'the file system is read-only', fix: 'remount that file system read-write, or set `journal:` in the configuration to a path on a writable disk' },
  ENOSPC: { why: 'the disk is full', fix: 'free some space on that disk, then run the command again' },
  EDQUOT: { why: 'the disk quota is exhausted', fix: 'free some space (or raise the quota), then run the command again' },
  EISDIR: { why: 'it is a folder, not a file', fix: 'set `journal:` in the configuration to the path of a file (default ./.invoice-doctor/outbox.db)' },
  ENOTDIR: { why: 'a part of its path is a file, not a folder', fix: 'set `journal:` in the configuration to a path whose folders are folders, or move the file that is in the way' },
  EIO: { why: 'input/output error (the disk failed)', fix: 'check the disk (the system log says more); restore the outbox from a backup if it is damaged' },
  EMFILE: { why: 'too many open files', fix: 'raise the open-file limit (`ulimit -n`) or run fewer commands at once, then run again' },
  ENFILE: { why: 'too many open files on this system', fix: 'close some programs, then run the command again' },
  ELOOP: { why: 'too many symbolic links in its path', fix: 'set `journal:` in the configuration to a path without a symbolic-link loop' },
  ENAMETOOLONG: { why: 'its path is too long', fix: 'set `journal:` in the configuration to a shorter path' },
};

/**
 * An I/O error on the send state as a documented JournalError: the file, the errno in words, what to
 * do. `what` names the file's role ("the outbox", "the send journal").
 */
export function ioError(action: 'read' | 'write', file: string, error: unknown, what = 'the outbox'): JournalError {
  if (error instanceof JournalError) return error;
  const code = codeOf(error);
  const known = code ? IO_ERRORS[code] : undefined;
  const why = known ? `${known.why} (${code})` : (code ?? (error instanceof Error ? error.message : String(error)));
  const fix = known?.fix ?? 'check the file and the disk, then run the command again';
  return new JournalError(action === 'read' ? 'JOURNAL_UNREADABLE' : 'JOURNAL_UNWRITABLE', `Cannot ${action} ${what} ${file}: ${why}.`, file, `${fix[0]!.toUpperCase()}${fix.slice(1)}. ${NOTHING_SENT}`, { cause: error });
}

/**
 * A try's commit or result is written only after its intent was durable, so one without its intent is
 * not what a crash leaves: the intent was lost. What that try was — and so whether the invoice was sent —
 * cannot be known: refuse, never "not sent". Both stores run it on every lookup.
 */
export function checkComplete(where: string, invoice: string, records: readonly JournalRecord[]): void {
  const intents = new Set<string>();
  for (const r of records) {
    if ((r.step !== 'email' && r.step !== 'sms') || typeof r.attempt !== 'string') continue;
    const key = `${r.step}:${r.attempt}`;
    if (r.phase === 'intent') intents.add(key);
    else if ((r.phase === 'commit' || r.phase === 'result') && !intents.has(key)) {
      throw new JournalError(
        'JOURNAL_DAMAGED',
        `The outbox ${where} has the ${r.phase} of a ${r.step === 'email' ? 'email' : 'SMS'} try of invoice ${invoice} (attempt ${r.attempt}, ${String(r.at)}) without its intent, which is always written first: records were lost, so whether ${invoice} was already sent cannot be known from the outbox.`,
        where,
        `Restore the outbox from a backup; the provider's logs (the SMTP server, Twilio's console) tell whether ${invoice} was sent (then record it with \`invoice-doctor settle\`, once the outbox is whole). ${NOTHING_SENT}`,
      );
    }
  }
}

export function checkInvoiceId(invoice: unknown): asserts invoice is string {
  if (typeof invoice !== 'string' || invoice === '') throw new TypeError('outbox: the invoice id must be a non-empty string');
}
