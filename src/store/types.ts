/**
 * The outbox store: the one interface through which send, status, settle, `delivery.last-attempt`,
 * `journal export` and everything else read and write the send history. Two implementations: SQLite
 * (embedded, the default, `src/store/sqlite.ts`) and Postgres (shared by several hosts,
 * `src/store/postgres.ts`). Both pass the contract suite in `test/store/contract.ts`.
 *
 * The protocol above it does not change: an intent record before each external side effect, the
 * email's commit record just before its final dot, a result record after. `append` returns only once
 * the record is durable (SQLite: WAL + synchronous=FULL; Postgres: a committed transaction), so a
 * record the caller saw written survives any crash of this process or of the machine.
 *
 * Failure rule ("never twice"): a store that cannot be opened, read or written, or whose content does
 * not add up, throws a StateError (JOURNAL_UNREADABLE / JOURNAL_UNWRITABLE / JOURNAL_DAMAGED, exit 3);
 * it never answers "no records" for an invoice whose history it could not read.
 */

/** One event of the history. `invoice` is the key lookups use. Other fields are free-form JSON. */
export interface JournalRecord {
  v: 1;
  /** ISO time */
  at: string;
  invoice: string;
  [field: string]: unknown;
}

/**
 * Something the store found that may concern an invoice but could not read as a record (a torn line of
 * a JSONL journal being imported, say). Databases normally report none; the shape stays so that
 * reports and JSON keep their `journalProblems` field.
 */
export interface JournalProblem {
  /** byte offset (JSONL) or row id (database) of the unreadable entry */
  offset: number;
  /** 1-based line number, when known */
  line?: number;
  /** first ≤120 chars, as found */
  text: string;
  reason: string;
}

export interface JournalLookup {
  /** this invoice's records, in the order they were appended */
  records: JournalRecord[];
  problems: JournalProblem[];
}

/** Who holds (or held) an invoice's claim. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the claim was taken */
  since: string;
}

/**
 * The right to make side effects happen for one invoice: exactly one process holds it at a time, on
 * one host (SQLite) or across hosts (Postgres, a row with a lease the holder keeps renewing). A claim
 * whose holder died is taken over; the taker then settles the interrupted tries from the history
 * before sending anything, exactly as a re-run does (`reclaimed` tells it happened).
 */
export interface InvoiceClaim {
  release(): Promise<void>;
  /** set when a claim left by a dead process (or an expired lease) was taken over */
  reclaimed?: LockHolder;
  /** where the claim lives, for messages (never a secret) */
  readonly where: string;
}

export interface ClaimOptions {
  /** how long to wait for another holder before throwing INVOICE_LOCKED (default 0: one try) */
  waitMs?: number;
}

export interface OutboxStore {
  readonly kind: 'sqlite' | 'postgres';
  /** the database file or `postgres://host:port/db` with the password removed: safe to print */
  readonly where: string;
  /** This invoice's records in append order (and problems that may concern it). */
  lookup(invoice: string): Promise<JournalLookup>;
  /** Appends one record; resolves once it is durable. */
  append(record: JournalRecord): Promise<void>;
  /** Claims the invoice for sending (see InvoiceClaim); throws INVOICE_LOCKED past `waitMs`. */
  claim(invoice: string, options?: ClaimOptions): Promise<InvoiceClaim>;
  /** Every record, in append order, for `journal export`. */
  all(): AsyncIterable<JournalRecord>;
  close(): Promise<void>;
}
