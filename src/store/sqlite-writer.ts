import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The writes of a SQLite outbox (records, and the claims of the invoices being sent), committed on a thread
 * of their own with group commit.
 *
 * Each append must be on disk before it resolves (WAL + synchronous=FULL: an fsync per commit, ~5 ms on
 * this class of disk). better-sqlite3 is synchronous, so on the main thread that fsync would stop every
 * other send of a batch — its SMTP dialogue, its Stripe request — for its whole length. Here a worker
 * thread holds its own connection: while it waits for one fsync, the appends that other sends make pile
 * up, and the next transaction commits them all with one fsync. Each append still resolves only once its
 * own transaction is committed; their order in the table is the order they were made in. Claims go through
 * the same connection, so this process's writes never wait for each other on SQLite's lock (its busy
 * handler sleeps in steps of milliseconds); other processes' writes are waited for up to the busy timeout.
 *
 * The worker's code is a string (`eval`), so it needs no file of its own in the bundle.
 */

export interface PendingAppend {
  invoice: string;
  at: string;
  json: string;
  /** the torn-append failpoint: the worker dies inside this append's transaction, before its commit */
  dieBeforeCommit?: boolean;
}

interface ClaimReply {
  held?: boolean;
  holder?: { pid: number; host: string; since: string };
  reclaimed?: { pid: number; host: string; since: string };
}

interface Reply {
  replies: Array<ClaimReply & { id: number }>;
  error?: { code?: string; message: string };
}

export interface ClaimRequest {
  invoice: string;
  pid: number;
  host: string;
  since: string;
  token: string;
}

const WORKER_SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('journal_mode = WAL');
let sync = '';
const insert = db.prepare('INSERT INTO events (invoice, at, json) VALUES (?, ?, ?)');
const select = db.prepare('SELECT pid, host, since FROM claims WHERE invoice = ?');
const upsert = db.prepare('INSERT INTO claims (invoice, pid, host, since, token) VALUES (?, ?, ?, ?, ?) ON CONFLICT (invoice) DO UPDATE SET pid = excluded.pid, host = excluded.host, since = excluded.since, token = excluded.token');
const remove = db.prepare('DELETE FROM claims WHERE invoice = ? AND token = ?');
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code !== 'ESRCH'; // EPERM: alive, another user's
  }
};
const apply = (m) => {
  if (m.op === 'append') {
    insert.run(m.invoice, m.at, m.json);
    if (m.dieBeforeCommit) process.kill(process.pid, 'SIGKILL');
    return { id: m.id };
  }
  if (m.op === 'release') {
    remove.run(m.invoice, m.token);
    return { id: m.id };
  }
  // claim: free, or left by a process that died on this host (another host's pids mean nothing here)
  const row = select.get(m.invoice);
  if (row && !(row.host === m.host && !alive(row.pid))) return { id: m.id, held: false, holder: row };
  upsert.run(m.invoice, m.pid, m.host, m.since, m.token);
  return { id: m.id, held: true, reclaimed: row };
};
const commit = db.transaction((batch) => batch.map(apply));
parentPort.on('message', (first) => {
  // Everything that arrived while the last transaction was being made durable goes into this one.
  const batch = [];
  let close = false;
  for (let m = { message: first }; m; m = receiveMessageOnPort(parentPort)) {
    if (m.message === 'close') close = true;
    else batch.push(m.message);
  }
  if (batch.length > 0) {
    // A record must be on disk before its append resolves (FULL: the WAL is fsynced at commit); a claim need
    // not survive a power cut, as its holder does not either (NORMAL: no fsync of its own).
    const want = batch.some((m) => m.op === 'append') ? 'FULL' : 'NORMAL';
    if (want !== sync) db.pragma('synchronous = ' + (sync = want));
    try {
      parentPort.postMessage({ replies: commit.immediate(batch) });
    } catch (error) {
      parentPort.postMessage({ replies: batch.map((m) => ({ id: m.id })), error: { code: error && error.code, message: String(error && error.message) } });
    }
  }
  if (close) {
    db.close();
    parentPort.postMessage('closed');
  }
});
`;

export class SqliteWriter {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: ClaimReply) => void; reject: (error: Error) => void }>();
  private failed: Error | undefined;
  private closing = false;

  constructor(file: string, busyTimeoutMs: number) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, busyTimeoutMs } });
    this.worker.on('message', (reply: Reply | 'closed') => {
      if (reply === 'closed') return;
      for (const { id, ...answer } of reply.replies) {
        const w = this.waiting.get(id);
        this.waiting.delete(id);
        if (!w) continue;
        if (reply.error) w.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
        else w.resolve(answer);
      }
      // Idle: let the process exit — unless close() is waiting for the worker to close its connection.
      if (this.waiting.size === 0 && !this.closing) this.worker.unref();
    });
    const fail = (error: Error) => {
      this.failed = error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(Object.assign(new Error(`the outbox writer stopped (exit ${code})`), { code: 'SQLITE_IOERR' })));
    this.worker.unref();
  }

  async append(record: PendingAppend): Promise<void> {
    await this.ask({ op: 'append', ...record });
  }

  /** Takes the claim if it is free or its holder died on this host; else says who holds it. One transaction. */
  claim(request: ClaimRequest): Promise<ClaimReply> {
    return this.ask({ op: 'claim', ...request });
  }

  async release(invoice: string, token: string): Promise<void> {
    await this.ask({ op: 'release', invoice, token });
  }

  private ask(message: Record<string, unknown>): Promise<ClaimReply> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<ClaimReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref(); // a write in flight keeps the process alive until it is done
      this.worker.postMessage({ id, ...message });
    });
  }

  /** Waits for the appends in flight, then closes the worker's connection (checkpointing the WAL). */
  async close(): Promise<void> {
    if (this.failed) return;
    this.closing = true;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      this.worker.once('exit', done);
      this.worker.on('message', (m) => {
        if (m === 'closed') void this.worker.terminate().then(done, done);
      });
      this.worker.ref();
      this.worker.postMessage('close');
    });
  }
}
