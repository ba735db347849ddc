/**
 * The shared outbox: the send history and the invoice claims in a Postgres database, so that several
 * `send --all` processes — on several hosts, CI runners, containers whose disks vanish — send each invoice
 * exactly once between them. Plain SQL in this one module (three tables, a dozen statements): a query
 * builder would add a dependency and a layer without removing any dialect question here.
 *
 * - Schema: created and migrated by the tool itself (MIGRATIONS below), in its own Postgres schema
 *   `invoice_doctor` so it never meets an application's tables (a Rails `schema_migrations`, say). Each
 *   migration runs in one transaction under `pg_advisory_xact_lock`, so two processes starting at once
 *   neither race nor fail: the second waits, then finds the work done.
 * - Events: one row per record, appended by one INSERT in autocommit — committed, hence durable, when it
 *   returns (`synchronous_commit=on` is set for our sessions whatever the server's default). Read back in
 *   id order. The record is stored as the redacted JSON text the JSONL journal held (exact round trip; no
 *   secret in any row).
 * - Claims: one row per invoice with its holder and a lease (`expires_at`, on the database's clock, so
 *   hosts' clocks do not matter). Taken by INSERT, or taken over by one atomic UPDATE only when the lease
 *   expired; the holder renews it every third of the lease. A holder that died leaves its lease to run
 *   out; the taker gets `reclaimed` and settles the interrupted try from the history, as a re-run does.
 * - A holder on this very machine (same kernel boot, same pid namespace) whose process is gone is taken
 *   over at once instead of at the end of its lease: a re-run after a crash does not wait. Other hosts'
 *   processes cannot be checked, and a container sharing our host name is not "this machine": for them,
 *   the lease decides.
 * - Fencing: an append for an invoice this process claimed is written only while the claim is still
 *   ours (the INSERT locks the claim row FOR SHARE). A holder that stalled past its lease (suspended VM,
 *   long GC) and was taken over can therefore not record an intent — so it sends nothing more — and the
 *   taker, whose takeover waits for such an append to commit, always sees it.
 *
 * pg is imported lazily, inside openPostgresStore: `--help`, `checks` and SQLite users never load it.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient, PoolConfig, QueryResult, QueryResultRow } from 'pg';
import { StateError, type StateErrorCode } from '../errors.js';
import { tornAppendDue } from '../send/failpoints.js';
import { checkComplete, LockBusyError, NOTHING_SENT } from './errors.js';
import { redactor } from '../config/redact.js';
import { parseDatabaseUrl, type DatabaseUrl } from '../config/database-url.js';
import { safeJournalLine, safeText } from '../io/sink.js';
import type { ClaimOptions, InvoiceClaim, JournalLookup, JournalProblem, JournalRecord, LockHolder, OutboxStore } from './types.js';

/** The `outbox:` section of the config, as the store takes it. */
export interface PostgresOptions {
  /** connections this process may open at most (`outbox.pool_max`) */
  poolMax: number;
  /** a connection not ready after this long is an error (`outbox.connect_timeout_ms`), never a hang */
  connectTimeoutMs: number;
  /** a statement running longer is cancelled by the server, a reply that never comes is given up (`outbox.query_timeout_ms`) */
  queryTimeoutMs: number;
  /** how long a claim stays valid without renewal (`outbox.lease_seconds`): a dead holder's invoices wait this long */
  leaseSeconds: number;
}

/** The defaults of the `outbox:` section (src/config/schema.ts states the same). */
export const POSTGRES_DEFAULTS: PostgresOptions = { poolMax: 10, connectTimeoutMs: 5_000, queryTimeoutMs: 15_000, leaseSeconds: 30 };

/** The config's `outbox:` section (snake case, as written) as PostgresOptions. */
export function postgresOptions(outbox: Partial<{ pool_max: number; connect_timeout_ms: number; query_timeout_ms: number; lease_seconds: number }> = {}): PostgresOptions {
  return {
    poolMax: outbox.pool_max ?? POSTGRES_DEFAULTS.poolMax,
    connectTimeoutMs: outbox.connect_timeout_ms ?? POSTGRES_DEFAULTS.connectTimeoutMs,
    queryTimeoutMs: outbox.query_timeout_ms ?? POSTGRES_DEFAULTS.queryTimeoutMs,
    leaseSeconds: outbox.lease_seconds ?? POSTGRES_DEFAULTS.leaseSeconds,
  };
}

/** Our schema: every table the tool creates lives in it. */
export const SCHEMA = 'invoice_doctor';

/**
 * The migrations, in order; a version once released is never edited (a database migrated by it would
 * not be migrated again), only followed by a new one.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'events and claims',
    sql: `
      CREATE TABLE ${SCHEMA}.events (
        id bigserial PRIMARY KEY,
        invoice text NOT NULL,
        at timestamptz,
        record text NOT NULL
      );
      CREATE INDEX events_invoice ON ${SCHEMA}.events (invoice, id);
      CREATE TABLE ${SCHEMA}.claims (
        invoice text PRIMARY KEY,
        holder_pid integer NOT NULL,
        holder_host text NOT NULL,
        holder_node text,
        token text NOT NULL,
        since timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );`,
  },
];

/**
 * The statements, sent unnamed: named (prepared once per connection) saved about a tenth of the client's
 * CPU in a measure of 1,000 invoices, not worth breaking a PgBouncer in transaction mode (before 1.21),
 * where a connection's prepared statements vanish between transactions.
 */
const SQL = {
  lookup: `SELECT id, record FROM ${SCHEMA}.events WHERE invoice = $1 ORDER BY id`,
  append: `INSERT INTO ${SCHEMA}.events (invoice, at, record) VALUES ($1, $2, $3)`,
  // Fenced: written only while our claim stands. FOR SHARE makes a concurrent takeover wait for this
  // commit (and so see this record), or makes this insert see the takeover and write nothing.
  appendFenced: `INSERT INTO ${SCHEMA}.events (invoice, at, record)
    SELECT $1, $2, $3 FROM (SELECT 1 FROM ${SCHEMA}.claims WHERE invoice = $1 AND token = $4 FOR SHARE) AS ours`,
  claim: `INSERT INTO ${SCHEMA}.claims (invoice, holder_pid, holder_host, holder_node, token, since, expires_at)
    VALUES ($1, $2, $3, $4, $5, now(), now() + make_interval(secs => $6))
    ON CONFLICT (invoice) DO NOTHING`,
  // Taken over only when the lease ran out, or from the very claim ($7) seen held by a gone process of
  // this machine; `old` (locked first) is the holder replaced.
  takeOver: `UPDATE ${SCHEMA}.claims AS c
       SET holder_pid = $2, holder_host = $3, holder_node = $4, token = $5, since = now(), expires_at = now() + make_interval(secs => $6)
      FROM (SELECT invoice, holder_pid, holder_host, since FROM ${SCHEMA}.claims WHERE invoice = $1 FOR UPDATE) AS old
     WHERE c.invoice = old.invoice AND (c.expires_at < now() OR c.token = $7)
    RETURNING old.holder_pid, old.holder_host, old.since`,
  holder: `SELECT holder_pid, holder_host, holder_node, token, since, expires_at FROM ${SCHEMA}.claims WHERE invoice = $1`,
  renew: `UPDATE ${SCHEMA}.claims SET expires_at = now() + make_interval(secs => $3) WHERE invoice = $1 AND token = $2`,
  release: `DELETE FROM ${SCHEMA}.claims WHERE invoice = $1 AND token = $2`,
  page: `SELECT id, record FROM ${SCHEMA}.events WHERE id > $1 ORDER BY id LIMIT 1000`,
} as const;

/** Any constant key shared by every invoice-doctor: the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x1d0c_0001;

/**
 * Opens the outbox at `url`: connects (bounded by the connect timeout), creates or migrates the schema,
 * and returns the store. A database that cannot be reached, refuses us or times out is a StateError
 * naming the host and port (JOURNAL_UNREADABLE), never a crash or a hang; its password is never shown.
 */
export async function openPostgresStore(url: string, options: PostgresOptions): Promise<OutboxStore> {
  const parsed = parseDatabaseUrl(url);
  // The config loader registered these already; a caller that did not load a config (a test, a
  // benchmark) must be just as safe: pg's own messages may quote the URL or parts of it.
  redactor.add(url);
  for (const secret of parsed?.secrets ?? []) redactor.add(secret);
  if (!parsed) {
    // Not quoted: an unparsable URL may be one whose password was not percent-encoded.
    throw new StateError('JOURNAL_UNREADABLE', 'The outbox URL in `journal:` is not a valid postgres:// URL.', 'postgres://', `Write it as postgres://user:password@host:port/database (percent-encode "@", ":" and "/" in the password). ${NOTHING_SENT}`);
  }
  let pg: typeof import('pg');
  try {
    pg = (await import('pg')).default as unknown as typeof import('pg');
  } catch (error) {
    throw new StateError('JOURNAL_UNREADABLE', `The Postgres client (the npm package pg) could not be loaded: ${error instanceof Error ? error.message : String(error)}.`, parsed.where, `Reinstall invoice-doctor (npm ci). ${NOTHING_SENT}`, { cause: error });
  }
  const config: PoolConfig = {
    connectionString: url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // The server cancels a statement past the timeout; the client gives up waiting a little later (a
    // server that stopped answering altogether), so the server's clearer error normally comes first.
    statement_timeout: options.queryTimeoutMs,
    query_timeout: options.queryTimeoutMs + 2_000,
    // Our commits are the outbox's durability: on, whatever the server's default.
    options: '-c synchronous_commit=on',
    application_name: 'invoice-doctor',
    idleTimeoutMillis: 10_000,
    // An idle pool must not keep the process alive once the command is done.
    allowExitOnIdle: true,
  };
  const pool = new pg.Pool(config);
  // An idle connection the server closed (restart, admin) emits here; unhandled, it would crash the
  // process. The next query opens a new connection or reports the fault where it matters.
  pool.on('error', () => undefined);
  const store = new PostgresStore(pool, parsed, options);
  try {
    await store.migrate();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw store.fault('read', error);
  }
  return store;
}

interface HeldClaim {
  token: string;
  timer: NodeJS.Timeout;
}

class PostgresStore implements OutboxStore {
  readonly kind = 'postgres' as const;
  readonly where: string;
  private readonly host: string;
  private readonly leaseSeconds: number;
  /** claims this process holds, by invoice: appends for them are fenced by the claim's token */
  private readonly held = new Map<string, HeldClaim>();
  /** releases under way: close() lets them land first (a caller may release without waiting) */
  private readonly releasing = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly url: DatabaseUrl,
    options: PostgresOptions,
  ) {
    // Redacted too: a database or user named after the password (it happens) would otherwise show it.
    this.where = safeText(url.where);
    this.host = os.hostname();
    this.leaseSeconds = options.leaseSeconds;
  }

  /** Brings the schema to the newest version this build knows; a no-op (one query) when it is there. */
  async migrate(): Promise<void> {
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    let current = await this.version(this.pool);
    if (current > latest) throw this.newerSchema(current, latest);
    while (current < latest) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        // Waits for another process migrating at the same moment; released by COMMIT/ROLLBACK.
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
        current = await this.version(client);
        if (current > latest) throw this.newerSchema(current, latest);
        const next = MIGRATIONS.find((m) => m.version === current + 1);
        if (next) {
          await client.query(next.sql);
          await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, name) VALUES ($1, $2)`, [next.version, next.name]);
          current = next.version;
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
  }

  /** The schema's version: 0 when nothing was created yet. */
  private async version(db: Pool | PoolClient): Promise<number> {
    try {
      const result = await db.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${SCHEMA}.schema_migrations`);
      return result.rows[0]?.version ?? 0;
    } catch (error) {
      // 3F000 invalid_schema_name, 42P01 undefined_table: a database we never migrated.
      if (pgCode(error) === '3F000' || pgCode(error) === '42P01') return 0;
      throw error;
    }
  }

  private newerSchema(current: number, latest: number): StateError {
    return new StateError(
      'JOURNAL_UNREADABLE',
      `The outbox ${this.where} was migrated by a newer invoice-doctor (schema version ${current}; this one knows up to ${latest}).`,
      this.where,
      `Upgrade invoice-doctor on this host to the version the other hosts run. ${NOTHING_SENT}`,
    );
  }

  async lookup(invoice: string): Promise<JournalLookup> {
    this.checkOpen();
    let rows: Array<{ id: string; record: string }>;
    try {
      rows = (await this.run<{ id: string; record: string }>('lookup', [keyOf(invoice)])).rows;
    } catch (error) {
      throw this.fault('read', error);
    }
    const records: JournalRecord[] = [];
    const problems: JournalProblem[] = [];
    for (const row of rows) {
      const record = parseRecord(row.record);
      if (!record) problems.push({ offset: Number(row.id), text: row.record.slice(0, 120), reason: 'not a record this version of invoice-doctor can read' });
      // The key column is the id made storable (see keyOf): ids it maps together are told apart here.
      else if (record.invoice === invoice) records.push(record);
    }
    checkComplete(this.where, invoice, records);
    return { records, problems };
  }

  async append(record: JournalRecord): Promise<void> {
    this.checkOpen();
    const line = safeJournalLine(record);
    // The row holds the record as written (redacted); its key is the invoice as the line says it.
    const invoice = (JSON.parse(line) as JournalRecord).invoice;
    if (typeof invoice !== 'string' || invoice === '') throw new TypeError('outbox: a record needs a non-empty invoice id');
    const at = typeof record.at === 'string' && !Number.isNaN(Date.parse(record.at)) ? record.at : null;
    const claim = this.held.get(record.invoice);
    let inserted: number;
    try {
      const [statement, values] = claim ? (['appendFenced', [keyOf(invoice), at, line, claim.token]] as const) : (['append', [keyOf(invoice), at, line]] as const);
      // Crash test (INVOICE_DOCTOR_FAILPOINTS=torn-append-N): die inside this append's transaction, the row
      // written and not committed. The server rolls it back: a record is whole or absent, never torn.
      if (tornAppendDue()) await this.dieMidAppend(SQL[statement], [...values]);
      const result = await this.run(statement, [...values]);
      inserted = result.rowCount ?? 0;
    } catch (error) {
      throw this.fault('write', error);
    }
    if (inserted !== 1) {
      this.stopRenewing(record.invoice);
      throw new StateError(
        'JOURNAL_UNWRITABLE',
        `This process's claim on invoice ${record.invoice} in ${this.where} was taken over by another invoice-doctor: its lease ran out while this process was stalled, so this process records and sends nothing more for it.`,
        this.where,
        `The other process settles what this one started. If processes stall this long, raise outbox.lease_seconds. Nothing more was sent by this run.`,
      );
    }
  }

  async claim(invoice: string, options: ClaimOptions = {}): Promise<InvoiceClaim> {
    this.checkOpen();
    if (typeof invoice !== 'string' || invoice === '') throw new TypeError('outbox: the invoice id must be a non-empty string');
    if (this.held.has(invoice)) throw new Error(`outbox: invoice ${invoice} is already claimed by this process`);
    const key = keyOf(invoice);
    const deadline = Date.now() + Math.max(0, options.waitMs ?? 0);
    const token = randomBytes(12).toString('hex');
    const here = thisNode();
    const me = [key, process.pid, this.host, here, token, this.leaseSeconds];
    // The token of a claim seen held by a gone process of this machine: taken over on the next round.
    let deadToken: string | null = null;
    for (;;) {
      let seen: ClaimRow | undefined;
      try {
        const fresh = await this.run('claim', me);
        if (fresh.rowCount === 1) return this.hold(invoice, token);
        const taken = await this.run<{ holder_pid: number; holder_host: string; since: Date }>('takeOver', [...me, deadToken]);
        const old = taken.rows[0];
        if (old) return this.hold(invoice, token, { pid: old.holder_pid, host: old.holder_host, since: old.since.toISOString() });
        seen = (await this.run<ClaimRow>('holder', [key])).rows[0];
      } catch (error) {
        throw this.fault('write', error);
      }
      if (!seen) continue; // released in the meantime: try again at once
      if (here && seen.holder_node === here && seen.token !== deadToken && !isAlive(seen.holder_pid)) {
        deadToken = seen.token;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new LockBusyError(invoice, { pid: seen.holder_pid, host: seen.holder_host, since: seen.since.toISOString() }, this.where, `if that process is gone, its claim expires at ${seen.expires_at.toISOString()} and is then taken over (the interrupted try is settled first).`);
      // Polled, not notified: a claim is held for one invoice's sends (a second or so), and polling
      // needs no connection held open per waiter.
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 50 + Math.random() * 100)));
    }
  }

  private hold(invoice: string, token: string, reclaimed?: LockHolder): InvoiceClaim {
    const key = keyOf(invoice);
    // Renewed at a third of the lease, so two renewals may fail (a network blip) before it runs out.
    const timer = setInterval(() => {
      this.run('renew', [key, token, this.leaseSeconds])
        .then((result) => {
          // Taken over (we stalled past the lease): stop renewing; the fenced append refuses our records.
          if (result.rowCount === 0) this.stopRenewing(invoice, token);
        })
        .catch(() => undefined); // retried at the next tick; the lease covers the gap
    }, (this.leaseSeconds * 1000) / 3);
    // The renewal must not keep a finished process alive.
    timer.unref();
    this.held.set(invoice, { token, timer });
    let released = false;
    const claim: InvoiceClaim = {
      where: this.where,
      release: async () => {
        if (released) return;
        released = true;
        this.stopRenewing(invoice, token);
        // Best effort: a claim that cannot be deleted (the database went away) expires with its lease;
        // failing here would hide the report of a send that happened.
        const done = this.run('release', [key, token]).catch(() => undefined);
        this.releasing.add(done);
        await done;
        this.releasing.delete(done);
      },
    };
    if (reclaimed) claim.reclaimed = reclaimed;
    return claim;
  }

  private stopRenewing(invoice: string, token?: string): void {
    const held = this.held.get(invoice);
    if (!held || (token !== undefined && held.token !== token)) return;
    clearInterval(held.timer);
    this.held.delete(invoice);
  }

  async *all(): AsyncIterable<JournalRecord> {
    this.checkOpen();
    // In pages by id, so a large history is never held in memory at once.
    let after = '0';
    for (;;) {
      let rows: Array<{ id: string; record: string }>;
      try {
        rows = (await this.run<{ id: string; record: string }>('page', [after])).rows;
      } catch (error) {
        throw this.fault('read', error);
      }
      for (const row of rows) {
        const record = parseRecord(row.record);
        if (!record) throw new StateError('JOURNAL_DAMAGED', `Row ${row.id} of ${SCHEMA}.events in ${this.where} is not a record this version of invoice-doctor can read.`, this.where, 'Restore the table from a backup, or upgrade invoice-doctor.');
        yield record;
      }
      if (rows.length < 1000) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const held of this.held.values()) clearInterval(held.timer);
    this.held.clear();
    // A pool that is ending serves no query still waiting for a connection: let the releases land first.
    await Promise.all(this.releasing);
    await this.pool.end().catch(() => undefined);
  }

  private async dieMidAppend(sql: string, values: unknown[]): Promise<never> {
    const client = await this.pool.connect();
    await client.query('BEGIN');
    await client.query(sql, values);
    process.kill(process.pid, 'SIGKILL');
    throw new Error('unreachable: killed');
  }

  private run<R extends QueryResultRow = QueryResultRow>(statement: keyof typeof SQL, values: unknown[]): Promise<QueryResult<R>> {
    return this.pool.query<R>(SQL[statement], values);
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('outbox: the Postgres store is closed');
  }

  /** A pg or network error as the StateError the CLI reports: what failed, where (host:port), what to do. */
  fault(action: 'read' | 'write', error: unknown): StateError {
    if (error instanceof StateError) return error;
    const code: StateErrorCode = action === 'read' ? 'JOURNAL_UNREADABLE' : 'JOURNAL_UNWRITABLE';
    const at = `${this.url.host}:${this.url.port}`;
    const { why, fix } = describe(error, at, this.url);
    return new StateError(code, safeText(`Cannot ${action} the outbox ${this.where}: ${why}.`), this.where, safeText(`${fix} ${NOTHING_SENT}`), { cause: error });
  }
}

interface ClaimRow {
  holder_pid: number;
  holder_host: string;
  holder_node: string | null;
  token: string;
  since: Date;
  expires_at: Date;
}

/**
 * This machine as far as process ids mean anything: the kernel's boot id and our pid namespace (Linux).
 * A pid is checked only against a claim made under the same pair. Elsewhere, undefined: leases only.
 */
let node: string | null | undefined;
function thisNode(): string | null {
  if (node !== undefined) return node;
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const pidNamespace = readlinkSync('/proc/self/ns/pid');
    node = boot && pidNamespace ? `${boot}/${pidNamespace}` : null;
  } catch {
    node = null;
  }
  return node;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return pgCode(error) !== 'ESRCH'; // EPERM: alive, another user's
  }
}

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What went wrong, in words, and what to do; the server's own message is redacted by the caller. */
function describe(error: unknown, at: string, url: DatabaseUrl): { why: string; fix: string } {
  const code = pgCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const server = `Postgres at ${at}`;
  switch (code) {
    case 'ECONNREFUSED':
      return { why: `${server} refused the connection (is it running, on that port?)`, fix: `Start Postgres or correct the host and port in \`journal:\`.` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { why: `the host ${url.host} was not found (${code})`, fix: 'Correct the host in `journal:`, or check DNS.' };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
    case 'EPIPE':
      return { why: `the connection to ${server} failed (${code})`, fix: 'Check the network path to the database, then run the command again.' };
    case '28P01':
    case '28000':
      return { why: `${server} refused the login: ${message}`, fix: 'Check the user and password in `journal:` (or DATABASE_URL) and the server\'s pg_hba.conf.' };
    case '3D000':
      return { why: `${server}: ${message}`, fix: 'Create the database (CREATE DATABASE …) or correct its name in `journal:`; invoice-doctor creates its tables itself.' };
    case '57014':
      return { why: `a statement on ${server} ran past outbox.query_timeout_ms and was cancelled`, fix: 'Check the database\'s load and locks, or raise outbox.query_timeout_ms.' };
    case '42501':
      return { why: `${server} denied a permission: ${message}`, fix: `The user in \`journal:\` needs CREATE on the database the first time (to create the schema ${SCHEMA}), then read and write on its tables.` };
    case '57P01':
    case '57P02':
    case '57P03':
    case '53300':
      return { why: `${server} is not accepting work: ${message}`, fix: 'Wait for the database to be available (or raise its max_connections, or lower outbox.pool_max), then run the command again.' };
  }
  if (/timeout expired|timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(message)) {
    return { why: `${server} did not answer within outbox.connect_timeout_ms`, fix: 'Check that Postgres is running and reachable at that address (a firewall that drops packets looks like this), or raise outbox.connect_timeout_ms.' };
  }
  if (/Query read timeout/i.test(message)) {
    return { why: `${server} stopped answering (no reply within outbox.query_timeout_ms)`, fix: 'Check the database and the network path to it, then run the command again.' };
  }
  if (/Connection terminated/i.test(message)) {
    return { why: `${server} closed the connection: ${message}`, fix: 'Check the server\'s log (a restart, an administrator, a proxy), then run the command again.' };
  }
  return { why: `${server}: ${message}${code ? ` (${code})` : ''}`, fix: 'Check the database and the `journal:` URL, then run the command again.' };
}

/**
 * The invoice id as the key column stores it. Postgres text holds no NUL character, and the driver
 * sends a lone surrogate as U+FFFD: ids that differ only there share a key (and a claim, which is
 * merely cautious); lookup tells their records apart by the record's own id.
 */
function keyOf(invoice: string): string {
  return invoice.replace(/\0/g, '\uFFFD');
}

function parseRecord(text: string): JournalRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<JournalRecord> | null;
    if (value && typeof value === 'object' && value.v === 1 && typeof value.invoice === 'string') return value as JournalRecord;
  } catch {
    // reported by the caller
  }
  return undefined;
}
