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
  // the send journal
  JOURNAL_UNREADABLE: {
    cause: 'The send journal (or a folder of its path) cannot be read, so what was already sent is unknown.',
    steps: [
      'Read the message: it names the file and the reason (permission, a folder where a file should be, a disk error).',
      'Fix that, or set `journal:` in the configuration to the right file, then run again. Nothing is sent meanwhile.',
    ],
  },
  JOURNAL_UNWRITABLE: {
    cause: 'The send journal or its lock file cannot be written (read-only file or folder, full disk, read-only file system), so nothing can be sent: every send is recorded before it happens.',
    steps: [
      'Free disk space, or make the folder of `journal:` writable for the user running invoice-doctor, then run again.',
    ],
  },
  JOURNAL_DAMAGED: {
    cause: 'The send journal is damaged in a way that could hide a send (zeros or garbage in a line, or it is shorter than, or gone while, its index says it was), so whether the invoice was already sent is unknown.',
    steps: [
      'Restore the journal from a backup, or repair the line the message names.',
      'Check the providers (the SMTP server, the Twilio console) for what was sent; then delete the `journal.jsonl.index` folder next to the journal (a cache, rebuilt from it).',
    ],
  },
  INVOICE_LOCKED: {
    cause: 'Another invoice-doctor is sending this invoice (it holds the lock file in `locks/` next to the journal), so this run sent nothing.',
    steps: [
      'Wait for the other run to finish, then run again: it will find the invoice sent.',
      'If no other invoice-doctor is running (the holder named in the message is gone), delete the lock file the message names.',
    ],
  },
};
