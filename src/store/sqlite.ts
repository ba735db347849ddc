import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { safeJournalLine } from '../io/sink.js';
import { tornAppendDue } from '../send/failpoints.js';
import { SqliteWriter } from './sqlite-writer.js';
import { checkComplete, checkInvoiceId, codeOf, ioError, JournalError, LockBusyError, NOTHING_SENT } from './errors.js';
import type { ClaimOptions, InvoiceClaim, JournalLookup, JournalProblem, JournalRecord, LockHolder, OutboxStore } from './types.js';

/**
 * The SQLite outbox: one database file (default `./.invoice-doctor/outbox.db`) that any number of
 * processes on one host share. Plain SQL in this one module (better-sqlite3 is synchronous and has no
 * dialect to hide): a query layer would only stand between us and PRAGMAs we need by name.
 *
 * Durability: WAL with synchronous=FULL, so a committed append is on disk (the WAL is fsynced at each
 * commit) before `append` resolves; one append is one transaction, so a crash leaves a record whole or
 * absent — never torn. Writers wait for each other up to the busy timeout.
 *
 * Tables (schema version in `PRAGMA user_version`, migrated forward by MIGRATIONS):
 *  - events: every record, in append order (autoincrement id), its invoice indexed;
 *  - claims: one row per invoice being sent (pid, host, since, token);
 *  - problems: unreadable lines found while importing a JSONL journal (torn last lines), reported to the
 *    invoices they may concern exactly as the JSONL reader reported them;
 *  - meta: where the database came from (an imported journal).
 *
 * Damage is refused, never read as "nothing was sent": SQLite's own errors (SQLITE_CORRUPT,
 * SQLITE_NOTADB), a file shorter than its header says, a file deleted or emptied while the witness file
 * beside it (`<db>.witness`, written when the database is created) says it existed, a WAL that is not one
 * or that was deleted after a crash (its shared-memory index left alone), and `PRAGMA quick_check` when
 * a crash may have left the file half written (a WAL at open: an unclean shutdown, or another process).
 */

type Db = BetterSqlite3.Database;

/** The database's format; each entry of MIGRATIONS brings it from its index to index + 1. */
export const SCHEMA_VERSION = 1;
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, invoice TEXT NOT NULL, at TEXT NOT NULL, json TEXT NOT NULL);
   CREATE INDEX events_invoice ON events (invoice, id);
   CREATE TABLE claims (invoice TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL, token TEXT NOT NULL);
   CREATE TABLE problems (id INTEGER PRIMARY KEY AUTOINCREMENT, invoice TEXT, offset INTEGER NOT NULL, line INTEGER, text TEXT NOT NULL, reason TEXT NOT NULL);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

/** How long a writer waits for another process's write transaction (they last a few milliseconds). */
const BUSY_TIMEOUT_MS = 15_000;
const SQLITE_MAGIC = 'SQLite format 3\0';
const WAL_MAGICS = [0x377f0682, 0x377f0683];

export interface SqliteOpenOptions {
  /** message prefix for the command that opens it (unused for now; kept for symmetry with Postgres) */
  purpose?: string;
}

export async function openSqliteStore(file: string, _options: SqliteOpenOptions = {}): Promise<SqliteStore> {
  const resolved = path.resolve(file);
  try {
    const st = statSync(resolved);
    if (!st.isFile()) {
      const what = st.isDirectory() ? 'a folder' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : 'not a file';
      throw new JournalError('JOURNAL_UNREADABLE', `The outbox ${resolved} is not a regular file (it is ${what}).`, resolved, `Set \`journal:\` in the configuration to the path of a database file (default ./.invoice-doctor/outbox.db). ${NOTHING_SENT}`);
    }
  } catch (error) {
    if (error instanceof JournalError) throw error;
    if (codeOf(error) !== 'ENOENT') throw ioError('read', resolved, error);
  }
  const store = new SqliteStore(resolved);
  store.openIfExists();
  return store;
}

/** better-sqlite3, loaded on first use: `--help`, `checks` and `check` without a send history never load it. */
function driver(): typeof BetterSqlite3 {
  return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
}

export class SqliteStore implements OutboxStore {
  readonly kind = 'sqlite' as const;
  readonly where: string;
  private db: Db | null = null;
  /** the appends' own connection, on a worker thread (see sqlite-writer.ts) */
  private writer: SqliteWriter | undefined;
  private closed = false;
  private readonly witness: string;

  constructor(readonly file: string) {
    this.where = file;
    this.witness = `${file}.witness`;
  }

  /** Opens the database when it exists (checking it is one, whole); a missing one stays unopened until the first write. */
  openIfExists(): Db | null {
    if (this.db) return this.db;
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') throw ioError('read', this.file, error);
      if (existsSync(this.witness)) throw this.lost('is missing');
      return null;
    }
    if (size === 0) {
      if (existsSync(this.witness)) throw this.lost('is empty (0 bytes)');
      return null;
    }
    this.checkFiles(size);
    const walExisted = existsSync(`${this.file}-wal`);
    this.db = this.connect();
    // A WAL at open: a process died with transactions in it (or another one is running). Check the pages it
    // left before trusting what they say.
    if (walExisted) this.quickCheck();
    this.migrate();
    return this.db;
  }

  private ensureDb(): Db {
    if (this.closed) throw new TypeError(`outbox: ${this.file} is closed`); // a bug, not a state of the disk
    const existing = this.openIfExists();
    if (existing) return existing;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
    } catch (error) {
      throw ioError('write', this.file, error);
    }
    this.db = this.connect('write');
    this.migrate();
    return this.db;
  }

  private connect(action: 'read' | 'write' = 'read'): Db {
    const Database = driver();
    let db: Db | undefined;
    try {
      db = new Database(this.file);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      // This connection reads, and writes only migrations and imports; records and claims are written by the
      // writer thread's connection (sqlite-writer.ts).
      db.pragma('synchronous = FULL');
      // Read the schema now: a file that is not a database, or a damaged first page, says so here.
      db.pragma('user_version');
      return db;
    } catch (error) {
      db?.close();
      throw this.fault(action, error);
    }
  }

  /** Brings the schema to SCHEMA_VERSION (in one write transaction, so racing processes migrate once). */
  private migrate(): void {
    const db = this.db!;
    const version = (): number => db.pragma('user_version', { simple: true }) as number;
    try {
      if (version() > SCHEMA_VERSION) {
        throw new JournalError('JOURNAL_UNREADABLE', `The outbox ${this.file} was written by a newer invoice-doctor (schema ${version()}; this one reads up to ${SCHEMA_VERSION}).`, this.file, `Upgrade invoice-doctor. ${NOTHING_SENT}`);
      }
      if (version() === SCHEMA_VERSION) return;
      db.transaction(() => {
        for (let v = version(); v < SCHEMA_VERSION; v++) {
          db.exec(MIGRATIONS[v]!);
          db.pragma(`user_version = ${v + 1}`);
        }
      }).immediate();
    } catch (error) {
      throw this.fault('write', error);
    }
    this.writeWitness();
  }

  /** The witness beside the database: from now on, a missing or emptied database is damage, not a fresh start. */
  private writeWitness(): void {
    if (existsSync(this.witness)) return;
    try {
      writeFileSync(this.witness, `${JSON.stringify({ database: path.basename(this.file), created: new Date().toISOString(), note: 'invoice-doctor: this database exists; if it goes missing, sends recorded in it would be forgotten. Delete this file together with the database to start an empty outbox.' })}\n`, { flag: 'wx' });
      const fd = openSync(path.dirname(this.file), 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw ioError('write', this.witness, error);
    }
  }

  private lost(now: string): JournalError {
    return new JournalError(
      'JOURNAL_DAMAGED',
      `The outbox ${this.file} ${now}, but ${this.witness} shows it was created: the records of earlier sends were lost (deleted, emptied or replaced).`,
      this.file,
      `Restore ${this.file} from a backup. If you removed it on purpose and know which invoices were sent, delete ${this.witness} too to start an empty outbox. ${NOTHING_SENT}`,
    );
  }

  private damaged(why: string, cause?: unknown): JournalError {
    return new JournalError(
      'JOURNAL_DAMAGED',
      `The outbox ${this.file} is damaged: ${why}. Whether an invoice was already sent cannot be known from it.`,
      this.file,
      `Restore ${this.file} from a backup (with its -wal file, if there is one); the provider's logs (the SMTP server, Twilio's console) tell what was sent. ${NOTHING_SENT}`,
      { cause },
    );
  }

  /** The header and the WAL, before SQLite reads them: what a truncation or zeros leave. */
  private checkFiles(size: number): void {
    const header = Buffer.alloc(100);
    let read = 0;
    try {
      const fd = openSync(this.file, 'r');
      try {
        read = readSync(fd, header, 0, 100, 0);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw ioError('read', this.file, error);
    }
    if (read < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
      throw this.damaged(read < 100 ? `it is ${size} bytes long, shorter than a database header` : 'it does not start with the SQLite header (zero-filled or overwritten)');
    }
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    const pages = header.readUInt32BE(28);
    if (pageSize > 0 && pages * pageSize > size) throw this.damaged(`it is ${size} bytes long, but its header counts ${pages} pages of ${pageSize} bytes (truncated)`);

    const wal = `${this.file}-wal`;
    let walSize: number | null = null;
    try {
      walSize = statSync(wal).size;
    } catch {
      walSize = null;
    }
    const index = readWalIndex(`${this.file}-shm`);
    if (walSize !== null && walSize > 0) {
      const fd = openSync(wal, 'r');
      try {
        const walHeader = Buffer.alloc(32);
        readSync(fd, walHeader, 0, 32, 0);
        if (walSize < 32 || !WAL_MAGICS.includes(walHeader.readUInt32BE(0))) throw this.damaged(`its write-ahead log ${wal} is not one (zero-filled or overwritten): committed records in it would be lost`);
        // Each frame repeats the log's salts: a frame that does not (zeros, garbage) ends the log for SQLite,
        // silently dropping the records in it and after it. The first frame, and the last the index counts.
        const walPageSize = walHeader.readUInt32BE(8);
        const frameBytes = 24 + walPageSize;
        const frames = [1, ...(index && index.frames > 1 ? [index.frames] : [])].filter((n) => 32 + n * frameBytes <= walSize);
        for (const n of frames) {
          const frame = Buffer.alloc(24);
          readSync(fd, frame, 0, 24, 32 + (n - 1) * frameBytes);
          if (!frame.subarray(8, 16).equals(walHeader.subarray(16, 24))) throw this.damaged(`frame ${n} of its write-ahead log ${wal} is not one of the log's (zero-filled or overwritten): committed records in it would be lost`);
        }
      } finally {
        closeSync(fd);
      }
    }
    // SQLite creates the WAL before its shared-memory index and deletes it after: an index without its WAL
    // is a WAL deleted after a crash, with whatever it held.
    if (walSize === null && index !== null) {
      throw this.damaged(`its write-ahead log ${wal} is missing while its index ${this.file}-shm is there (deleted after a crash): committed records may have been lost`);
    }
    // The index counts the frames the WAL holds; SQLite writes the frames before it counts them, so a WAL
    // shorter than that was cut, and the records in its lost frames with it.
    if (walSize !== null && index !== null && index.frames > 0 && walSize < 32 + index.frames * (24 + index.pageSize)) {
      throw this.damaged(`its write-ahead log ${wal} is ${walSize} bytes long, but its index counts ${index.frames} frames of ${index.pageSize} bytes (truncated): committed records in it were lost`);
    }
  }

  private quickCheck(): void {
    let rows: Array<{ quick_check: string }>;
    try {
      rows = this.db!.pragma('quick_check') as Array<{ quick_check: string }>;
    } catch (error) {
      throw this.fault('read', error);
    }
    if (rows.length !== 1 || rows[0]!.quick_check !== 'ok') throw this.damaged(`SQLite's integrity check found: ${rows.slice(0, 3).map((r) => r.quick_check).join('; ')}`);
  }

  /** A SQLite or file-system error as a documented JournalError. */
  private fault(action: 'read' | 'write', error: unknown): JournalError {
    if (error instanceof JournalError) return error;
    const code = codeOf(error) ?? '';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return this.damaged(`SQLite reports ${code} (${(error as Error).message})`, error);
    // The shared-memory index could not be grown: on a full disk (tmpfs, /dev/shm) that is ENOSPC.
    if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE') return ioError('write', this.file, Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    if (code.startsWith('SQLITE_BUSY')) {
      return new JournalError(action === 'read' ? 'JOURNAL_UNREADABLE' : 'JOURNAL_UNWRITABLE', `The outbox ${this.file} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s.`, this.file, `Run the command again once the other invoice-doctor is done. ${NOTHING_SENT}`, { cause: error });
    }
    // Read-only, cannot open, I/O: ask the file system itself which errno it is, for a message a person can act on.
    const errno = probe(this.file, action);
    if (errno) return ioError(action, errno.file, errno.error);
    return ioError(action, this.file, error);
  }

  private run<T>(action: 'read' | 'write', task: () => T): T {
    try {
      return task();
    } catch (error) {
      throw this.fault(action, error);
    }
  }

  async lookup(invoice: string): Promise<JournalLookup> {
    checkInvoiceId(invoice);
    const db = this.openIfExists();
    if (!db) return { records: [], problems: [] };
    const { rows, problems } = this.run('read', () =>
      db.transaction(() => ({
        rows: db.prepare('SELECT id, json FROM events WHERE invoice = ? ORDER BY id').all(invoice) as Array<{ id: number; json: string }>,
        problems: db.prepare('SELECT offset, line, text, reason FROM problems WHERE invoice = ? OR invoice IS NULL ORDER BY id').all(invoice) as Array<{ offset: number; line: number | null; text: string; reason: string }>,
      }))(),
    );
    const records = rows.map((row) => this.parse(row.id, row.json));
    checkComplete(this.file, invoice, records);
    return { records, problems: problems.map((p): JournalProblem => (p.line === null ? { offset: p.offset, text: p.text, reason: p.reason } : { offset: p.offset, line: p.line, text: p.text, reason: p.reason })) };
  }

  private parse(id: number, json: string): JournalRecord {
    try {
      const record = JSON.parse(json) as JournalRecord;
      if (record && typeof record === 'object' && record.v === 1 && typeof record.invoice === 'string') return record;
    } catch {
      // below
    }
    throw this.damaged(`event ${id} is not a record (${JSON.stringify(json.slice(0, 40))})`);
  }

  async append(record: JournalRecord): Promise<void> {
    if (record === null || typeof record !== 'object' || record.v !== 1) throw new TypeError('outbox record: v must be 1');
    checkInvoiceId(record.invoice);
    const json = recordJson(record);
    const writer = this.writerFor();
    try {
      await writer.append({ invoice: record.invoice, at: String(record.at), json, ...(tornAppendDue() ? { dieBeforeCommit: true } : {}) });
    } catch (error) {
      throw this.fault('write', error);
    }
  }

  /**
   * Imports a legacy JSONL journal's records and problems in one transaction (all or nothing), unless the
   * database already has events (imported earlier, or written since): then nothing is done.
   */
  importJournal(source: string, records: readonly JournalRecord[], problems: ReadonlyArray<JournalProblem & { invoice: string | null }>): { imported: boolean; records: number; problems: number } {
    const db = this.ensureDb();
    return this.run('write', () =>
      db.transaction(() => {
        const already = db.prepare("SELECT value FROM meta WHERE key = 'imported_from'").get() as { value: string } | undefined;
        if (already || db.prepare('SELECT 1 FROM events LIMIT 1').get()) return { imported: false, records: 0, problems: 0 };
        const insert = db.prepare('INSERT INTO events (invoice, at, json) VALUES (?, ?, ?)');
        for (const r of records) insert.run(r.invoice, String(r.at), recordJson(r));
        const problem = db.prepare('INSERT INTO problems (invoice, offset, line, text, reason) VALUES (?, ?, ?, ?, ?)');
        for (const p of problems) problem.run(p.invoice, p.offset, p.line ?? null, p.text, p.reason);
        db.prepare("INSERT INTO meta (key, value) VALUES ('imported_from', ?)").run(JSON.stringify({ file: source, at: new Date().toISOString(), records: records.length, problems: problems.length }));
        return { imported: true, records: records.length, problems: problems.length };
      }).immediate(),
    );
  }

  async claim(invoice: string, options: ClaimOptions = {}): Promise<InvoiceClaim> {
    checkInvoiceId(invoice);
    const writer = this.writerFor();
    const deadline = Date.now() + Math.max(0, options.waitMs ?? 0);
    const host = os.hostname();
    for (;;) {
      const mine = { invoice, pid: process.pid, host, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
      let answer: Awaited<ReturnType<SqliteWriter['claim']>>;
      try {
        answer = await writer.claim(mine);
      } catch (error) {
        throw this.fault('write', error);
      }
      if (answer.held) return this.held(invoice, mine.token, answer.reclaimed ?? undefined);
      const holder: LockHolder = { pid: answer.holder!.pid, host: answer.holder!.host, since: answer.holder!.since };
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new LockBusyError(invoice, holder, this.file, `if no other invoice-doctor is running on ${holder.host}, a run there (or \`invoice-doctor send\` on this host, for a process that died here) takes its claim over.`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 25 + Math.random() * 25)));
    }
  }

  /** The writer thread (created with the database on the first write). */
  private writerFor(): SqliteWriter {
    this.ensureDb();
    this.writer ??= new SqliteWriter(this.file, BUSY_TIMEOUT_MS);
    return this.writer;
  }

  private held(invoice: string, token: string, reclaimed: LockHolder | undefined): InvoiceClaim {
    let released = false;
    const claim: InvoiceClaim = {
      where: this.file,
      release: async () => {
        if (released || this.closed || !this.writer) return;
        released = true;
        // Best effort: a claim that cannot be removed (read-only disk) is a dead process's claim, taken over
        // later; failing here would hide the report of a send that happened. Only ever our own row.
        await this.writer.release(invoice, token).catch(() => undefined);
      },
    };
    if (reclaimed) claim.reclaimed = { pid: reclaimed.pid, host: reclaimed.host, since: reclaimed.since };
    return claim;
  }

  async *all(): AsyncIterable<JournalRecord> {
    const db = this.openIfExists();
    if (!db) return;
    // In pages by id, so an export of a large outbox neither holds it all in memory nor a read transaction open.
    let after = 0;
    const page = db.prepare('SELECT id, json FROM events WHERE id > ? ORDER BY id LIMIT 1000');
    for (;;) {
      const rows = this.run('read', () => page.all(after) as Array<{ id: number; json: string }>);
      if (rows.length === 0) return;
      for (const row of rows) yield this.parse(row.id, row.json);
      after = rows[rows.length - 1]!.id;
    }
  }

  /** The legacy journal this database was imported from (undefined: none). */
  importedFrom(): string | undefined {
    const db = this.openIfExists();
    if (!db) return undefined;
    const row = this.run('read', () => db.prepare("SELECT value FROM meta WHERE key = 'imported_from'").get() as { value: string } | undefined);
    return row?.value;
  }

  /** Counts for messages and tests: events and problems held. */
  counts(): { events: number; problems: number } {
    const db = this.openIfExists();
    if (!db) return { events: 0, problems: 0 };
    return this.run('read', () => ({
      events: (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n,
      problems: (db.prepare('SELECT count(*) AS n FROM problems').get() as { n: number }).n,
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const db = this.db;
    this.db = null;
    try {
      await this.writer?.close();
      db?.close();
    } catch {
      // closing checkpoints the WAL; a failure leaves it for the next open, which replays it
    }
  }
}

/** A record as it is stored: `v` and `invoice` first, through the redaction boundary like every byte written. */
export function recordJson(record: JournalRecord): string {
  const { v, invoice, ...rest } = record;
  return safeJournalLine({ v, invoice, ...rest });
}

/** Which errno the file system gives for this action on the database, or its folder (null: none). */
function probe(file: string, action: 'read' | 'write'): { file: string; error: unknown } | null {
  const tryOpen = (target: string, flags: string) => {
    try {
      closeSync(openSync(target, flags));
      return null;
    } catch (error) {
      return codeOf(error) && codeOf(error) !== 'ENOENT' ? { file: target, error } : null;
    }
  };
  if (existsSync(file)) {
    const onFile = tryOpen(file, action === 'write' ? 'r+' : 'r');
    if (onFile) return onFile;
  }
  const dir = path.dirname(file);
  // Even to read, SQLite creates the log and its index (-wal, -shm) beside the database: the folder must take them.
  {
    const scratch = path.join(dir, `.invoice-doctor-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      writeFileSync(scratch, '', { flag: 'wx' });
      try {
        closeSync(openSync(scratch, 'r'));
      } finally {
        try {
          unlinkSync(scratch);
        } catch {
          // gone already
        }
      }
    } catch (error) {
      if (codeOf(error) && codeOf(error) !== 'ENOENT') return { file: dir, error };
      return tryOpen(dir, 'r');
    }
  }
  return null;
}

/**
 * The WAL index header SQLite keeps in `<db>-shm` (two copies at 0 and 48, native byte order): the frames
 * the WAL holds (mxFrame) and their page size. Null when there is no index, or it is not initialised.
 */
function readWalIndex(file: string): { frames: number; pageSize: number } | null {
  const header = Buffer.alloc(48);
  try {
    const fd = openSync(file, 'r');
    try {
      if (readSync(fd, header, 0, 48, 0) < 48) return null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const le = os.endianness() === 'LE';
  const u16 = (at: number) => (le ? header.readUInt16LE(at) : header.readUInt16BE(at));
  const u32 = (at: number) => (le ? header.readUInt32LE(at) : header.readUInt32BE(at));
  if (header[12] !== 1) return { frames: 0, pageSize: 0 }; // isInit: an index being built, or zeros
  const sz = u16(14);
  return { frames: u32(16), pageSize: (sz & 0xfe00) | ((sz & 0x0001) << 16) };
}
