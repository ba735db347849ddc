import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { codeOf, safeName } from './journal-index.js';
import { ioError } from './journal.js';
import { StateError } from '../errors.js';

/**
 * One sender per invoice at a time, across processes: the journal says what happened, the lock makes
 * sure nobody else is making something happen to the same invoice between our lookup and our send.
 *
 * A lock is the file `<journal dir>/locks/<safe id>.lock` holding {pid, host, since}. It is created
 * with its content in one step (write a unique temporary file, then link() it to the lock name, which
 * fails if the name exists), so a lock file is never seen empty. A lock whose process is dead (same
 * host, pid gone) is taken over; a lock held by a live process, or by another host (whose pids we
 * cannot check), is waited for and then reported.
 */

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken */
  since: string;
}

export interface InvoiceLock {
  release(): Promise<void>;
  /** set when a lock left by a dead process was taken over */
  reclaimed?: LockHolder;
  /** the lock file, for messages */
  readonly file: string;
}

/** Another process holds the invoice's lock: exit 3 with INVOICE_LOCKED (a documented state, not a crash). */
export class LockBusyError extends StateError {
  readonly holder: LockHolder;
  readonly invoice: string;
  readonly lockFile: string;

  constructor(invoice: string, holder: LockHolder, lockFile: string) {
    const who = holder.pid > 0 ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : `an unknown process (its lock file is unreadable), since ${holder.since}`;
    super(
      'INVOICE_LOCKED',
      `Invoice ${invoice} is being sent by another invoice-doctor (${who}); its lock is ${lockFile}.`,
      lockFile,
      `Wait for it to finish, then run again; if no other invoice-doctor is running, delete ${lockFile}. Nothing was sent by this run.`,
    );
    this.name = 'LockBusyError';
    this.invoice = invoice;
    this.holder = holder;
    this.lockFile = lockFile;
  }
}

/** An unreadable lock file cannot name its process; after this long nobody is plausibly still sending. */
const UNREADABLE_STALE_MS = 10 * 60_000;

interface LockContent extends LockHolder {
  invoice: string;
  /** tells two locks of one process apart (they share pid and host) */
  token: string;
}

interface SeenLock {
  raw: string;
  holder: LockHolder;
  /** false when the content could not be parsed: judged by age instead of by pid */
  readable: boolean;
  mtimeMs: number;
}

/** Waits up to waitMs (default 0: one try), polling every 25–50 ms, for the lock of this invoice, then throws LockBusyError. */
export async function acquireInvoiceLock(journalFile: string, invoice: string, options: { waitMs?: number } = {}): Promise<InvoiceLock> {
  if (typeof invoice !== 'string' || invoice === '') throw new TypeError('lock: the invoice id must be a non-empty string');
  const dir = path.join(path.dirname(path.resolve(journalFile)), 'locks');
  const lockFile = path.join(dir, `${safeName(invoice)}.lock`);
  try {
    return await acquire(dir, lockFile, invoice, options);
  } catch (error) {
    // A folder or disk that refuses the lock refuses the send: a documented error naming the file, not a crash.
    if (error instanceof LockBusyError || codeOf(error) === undefined) throw error;
    throw ioError('write', lockFile, error, 'the lock file');
  }
}

async function acquire(dir: string, lockFile: string, invoice: string, options: { waitMs?: number }): Promise<InvoiceLock> {
  await mkdir(dir, { recursive: true });
  const deadline = Date.now() + Math.max(0, options.waitMs ?? 0);
  let reclaimed: LockHolder | undefined;

  for (;;) {
    const content: LockContent = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), invoice, token: randomBytes(8).toString('hex') };
    const raw = `${JSON.stringify(content)}\n`;
    if (await create(lockFile, raw)) return held(lockFile, raw, reclaimed);

    const seen = await readLock(lockFile);
    if (seen === null) continue; // released in the meantime: try again at once
    if (isStale(seen) && (await takeOver(lockFile, seen))) {
      reclaimed = seen.holder;
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new LockBusyError(invoice, seen.holder, lockFile);
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 25 + Math.random() * 25)));
  }
}

/** Creates the lock file with its content, atomically. False if it exists. */
async function create(lockFile: string, raw: string): Promise<boolean> {
  const tmp = `${lockFile}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, raw, { flag: 'wx' });
  try {
    await link(tmp, lockFile);
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(codeOf(error) ?? '')) throw error;
    // A file system without hard links: exclusive create, then write. A reader may briefly see it
    // empty; empty locks count as held (until they are old), so that is safe.
    return createExclusive(lockFile, raw);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function createExclusive(lockFile: string, raw: string): Promise<boolean> {
  try {
    const fh = await open(lockFile, 'wx');
    try {
      await fh.writeFile(raw);
    } finally {
      await fh.close();
    }
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
}

async function readLock(lockFile: string): Promise<SeenLock | null> {
  let raw: string;
  let mtimeMs: number;
  try {
    const fh = await open(lockFile, 'r');
    try {
      mtimeMs = (await fh.stat()).mtimeMs;
      raw = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return null;
    throw error;
  }
  try {
    const c = JSON.parse(raw) as Partial<LockContent>;
    if (Number.isSafeInteger(c.pid) && c.pid! > 0 && typeof c.host === 'string' && typeof c.since === 'string') {
      return { raw, holder: { pid: c.pid!, host: c.host, since: c.since }, readable: true, mtimeMs };
    }
  } catch {
    // unreadable: judged by age below
  }
  return { raw, holder: { pid: 0, host: 'unknown', since: new Date(mtimeMs).toISOString() }, readable: false, mtimeMs };
}

function isStale(seen: SeenLock): boolean {
  if (!seen.readable) return Date.now() - seen.mtimeMs > UNREADABLE_STALE_MS;
  // Another host's pids mean nothing here: only a person can tell that lock is abandoned.
  return seen.holder.host === os.hostname() && !isAlive(seen.holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) !== 'ESRCH'; // EPERM: alive, another user's
  }
}

/**
 * Removes a stale lock without removing a fresh one that a racing taker put in its place: move the
 * file aside under a unique name (atomic), check it is the very stale lock we judged, then delete it.
 * If it is not, the racer won: put its lock back. True when the stale lock was removed by us.
 */
async function takeOver(lockFile: string, seen: SeenLock): Promise<boolean> {
  const aside = `${lockFile}.${process.pid}-${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockFile, aside);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return false;
    throw error;
  }
  let same = false;
  try {
    const raw = await readFile(aside, 'utf8');
    same = raw === seen.raw && (seen.readable || Date.now() - (await stat(aside)).mtimeMs > UNREADABLE_STALE_MS);
  } catch {
    same = false;
  }
  if (!same) {
    try {
      await link(aside, lockFile); // fails with EEXIST only if a third process took the free name meanwhile
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') await rename(aside, lockFile).catch(() => undefined);
    }
  }
  await unlink(aside).catch(() => undefined);
  return same;
}

function held(lockFile: string, raw: string, reclaimed: LockHolder | undefined): InvoiceLock {
  let released = false;
  const lock: InvoiceLock = {
    file: lockFile,
    async release() {
      if (released) return;
      released = true;
      // Best effort: a lock that cannot be removed (read-only disk) is a dead process's lock, taken over later;
      // failing here would hide the report of a send that happened.
      await removeOwn().catch(() => undefined);
    },
  };
  const removeOwn = async () => {
    const current = await readFile(lockFile, 'utf8');
    // Only ever delete our own lock: after a takeover the file may be someone else's.
    if (current === raw) await unlink(lockFile);
  };
  if (reclaimed) lock.reclaimed = reclaimed;
  return lock;
}
