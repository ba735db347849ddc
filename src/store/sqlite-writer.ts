import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The appends of a SQLite outbox, committed on a thread of their own with group commit.
 *
 * Each append must be on disk before it resolves (WAL + synchronous=FULL: an fsync per commit, ~5 ms on
 * this class of disk). better-sqlite3 is synchronous, so on the main thread that fsync would stop every
 * other send of a batch — its SMTP dialogue, its Stripe request — for its whole length. Here a worker
 * thread holds its own connection: while it waits for one fsync, the appends that other sends make pile
 * up, and the next transaction commits them all with one fsync. Each append still resolves only once its
 * own transaction is committed; their order in the table is the order they were made in.
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

interface Reply {
  ids: number[];
  error?: { code?: string; message: string };
}

const WORKER_SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const insert = db.prepare('INSERT INTO events (invoice, at, json) VALUES (?, ?, ?)');
const commit = db.transaction((batch) => {
  for (const m of batch) {
    insert.run(m.invoice, m.at, m.json);
    if (m.dieBeforeCommit) process.kill(process.pid, 'SIGKILL');
  }
});
parentPort.on('message', (first) => {
  // Everything that arrived while the last transaction was being made durable goes into this one.
  const batch = [];
  let close = false;
  for (let m = { message: first }; m; m = receiveMessageOnPort(parentPort)) {
    if (m.message === 'close') close = true;
    else batch.push(m.message);
  }
  if (batch.length > 0) {
    try {
      commit.immediate(batch);
      parentPort.postMessage({ ids: batch.map((m) => m.id) });
    } catch (error) {
      parentPort.postMessage({ ids: batch.map((m) => m.id), error: { code: error && error.code, message: String(error && error.message) } });
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
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private failed: Error | undefined;

  constructor(file: string, busyTimeoutMs: number) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, busyTimeoutMs } });
    this.worker.on('message', (reply: Reply | 'closed') => {
      if (reply === 'closed') return;
      for (const id of reply.ids) {
        const w = this.waiting.get(id);
        this.waiting.delete(id);
        if (!w) continue;
        if (reply.error) w.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
        else w.resolve();
      }
      if (this.waiting.size === 0) this.worker.unref();
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

  append(record: PendingAppend): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref(); // an append in flight keeps the process alive until it is durable
      this.worker.postMessage({ id, ...record });
    });
  }

  /** Waits for the appends in flight, then closes the worker's connection (checkpointing the WAL). */
  async close(): Promise<void> {
    if (this.failed) return;
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
