import type { Remediation } from '../engine/types.js';

/**
 * Remediation for the codes no check declares, so none can own them: the runner's own results for a check
 * that timed out or crashed, and the send journal's state codes, which the runner reports for any check
 * whose facts read the journal (delivery.last-attempt) and which `send`, `settle` and `status` print too.
 * Every other code's remediation lives with the check that declares it (checks/<id>.ts).
 */
export const ENGINE_REMEDIATION: Readonly<Record<string, Remediation>> = {
  // the runner
  CHECK_TIMEOUT: {
    cause: 'The check did not finish within its time limit, so the result is unknown, neither pass nor fail.',
    steps: [
      'Run the check again; a slow provider may have recovered.',
      'If it keeps timing out, raise the limit with --timeout (milliseconds) and check the service status of the provider involved.',
    ],
  },
  CHECK_CRASHED: {
    cause: 'The check itself failed with an unexpected error, so the result is unknown, neither pass nor fail.',
    steps: [
      'Run again with --verbose to see the stack trace.',
      'If the check is a plugin, fix it or remove it from `plugins` in the configuration; if it is built in, report the trace to the invoice-doctor maintainers.',
    ],
  },
  // the outbox (the send history: a SQLite file, or a Postgres database)
  JOURNAL_UNREADABLE: {
    cause: 'The outbox (its SQLite file or a folder of its path, or its Postgres server) cannot be read, so what was already sent is unknown.',
    steps: [
      'Read the message: it names the file or the Postgres host and the reason (permission, a folder where a file should be, a disk error, a server that is down or refuses the login).',
      'Fix that, or set `journal:` in the configuration to the right file or `postgres://` address, then run again. Nothing is sent meanwhile.',
    ],
  },
  JOURNAL_UNWRITABLE: {
    cause: 'The outbox cannot be written (a read-only file or folder, a full disk, a read-only file system, a Postgres server that refuses writes), so nothing can be sent: every send is recorded before it happens.',
    steps: [
      'Free disk space, or make the folder of `journal:` writable for the user running invoice-doctor (on Postgres: grant the user INSERT and UPDATE on the outbox tables), then run again.',
    ],
  },
  JOURNAL_DAMAGED: {
    cause: 'The outbox (the send history) is damaged in a way that could hide a send (SQLite reports corruption, the database or its write-ahead log was truncated, zero-filled or deleted, or a JSONL journal to import has a damaged line), so whether the invoice was already sent is unknown.',
    steps: [
      'Restore the outbox database (with its -wal file) from a backup; for a JSONL journal being imported, repair the line the message names.',
      'Check the providers (the SMTP server, the Twilio console) for what was sent; record an unconfirmed send with `invoice-doctor settle` once the outbox is whole.',
    ],
  },
  INVOICE_LOCKED: {
    cause: 'Another invoice-doctor is sending this invoice (it holds the invoice\'s claim in the outbox), so this run sent nothing.',
    steps: [
      'Wait for the other run to finish, then run again: it will find the invoice sent.',
      'A claim left by a process that died on this host is taken over by the next run, which first settles what that process left unfinished; a claim held on another host waits for that host (on Postgres, until its lease ends).',
    ],
  },
};
