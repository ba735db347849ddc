import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireInvoiceLock, LockBusyError } from '../../../src/send/lock.js';
import { safeName } from '../../../src/send/journal-index.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

let dir: string;
let journalFile: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lock-test-'));
  journalFile = path.join(dir, 'journal.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lockFile = (invoice: string) => path.join(dir, 'locks', `${safeName(invoice)}.lock`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pid of a process that has exited (and, this soon, not been reused). */
async function deadPid(): Promise<number> {
  const { stdout } = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(stdout);
}

async function writeLock(invoice: string, content: string) {
  await mkdir(path.join(dir, 'locks'), { recursive: true });
  await writeFile(lockFile(invoice), content);
}

describe('acquireInvoiceLock', () => {
  it('writes {pid, host, since} to locks/<safe id>.lock and removes it on release', async () => {
    const lock = await acquireInvoiceLock(journalFile, 'INV/1');
    expect(lock.reclaimed).toBeUndefined();
    expect(lock.file).toBe(lockFile('INV/1'));
    expect(JSON.parse(await readFile(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname(), since: expect.any(String) });
    await lock.release();
    await lock.release(); // idempotent
    expect(await readdir(path.join(dir, 'locks'))).toEqual([]); // no temporary files left either
  });

  it('makes a second acquirer wait until the first releases', async () => {
    const first = await acquireInvoiceLock(journalFile, 'INV-1');
    let secondHeld = false;
    const second = acquireInvoiceLock(journalFile, 'INV-1', { waitMs: 5_000 }).then((lock) => {
      secondHeld = true;
      return lock;
    });
    await sleep(200);
    expect(secondHeld).toBe(false);
    const other = await acquireInvoiceLock(journalFile, 'INV-2'); // other invoices are not blocked
    await other.release();
    await first.release();
    const lock = await second;
    expect(lock.reclaimed).toBeUndefined();
    await lock.release();
  });

  it('throws LockBusyError naming the holder after waitMs', async () => {
    const first = await acquireInvoiceLock(journalFile, 'INV-1');
    const error = await acquireInvoiceLock(journalFile, 'INV-1', { waitMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockBusyError);
    const busy = error as LockBusyError;
    expect(busy.holder).toEqual({ pid: process.pid, host: os.hostname(), since: expect.any(String) });
    expect(busy.message).toContain(`process ${process.pid} on ${os.hostname()}`);
    expect(busy.message).toContain(lockFile('INV-1'));
    // a documented state (exit 3, INVOICE_LOCKED, what to do), not an internal error
    expect(busy).toMatchObject({ code: 'INVOICE_LOCKED', file: lockFile('INV-1'), hint: expect.stringContaining(`delete ${lockFile('INV-1')}`) });
    // without waitMs: one try
    await expect(acquireInvoiceLock(journalFile, 'INV-1')).rejects.toBeInstanceOf(LockBusyError);
    await first.release();
  });

  it('takes over a lock left by a dead process and says so', async () => {
    const pid = await deadPid();
    const stale = { pid, host: os.hostname(), since: '2025-01-01T00:00:00.000Z' };
    await writeLock('INV-1', JSON.stringify(stale));
    const lock = await acquireInvoiceLock(journalFile, 'INV-1');
    expect(lock.reclaimed).toEqual(stale);
    expect(JSON.parse(await readFile(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(await readdir(path.join(dir, 'locks'))).toEqual([]);
  });

  it('lets exactly one of several racing takers have a stale lock at a time', async () => {
    await writeLock('INV-1', JSON.stringify({ pid: await deadPid(), host: os.hostname(), since: '2025-01-01T00:00:00.000Z' }));
    let holders = 0;
    let maxHolders = 0;
    const reclaimed: boolean[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const lock = await acquireInvoiceLock(journalFile, 'INV-1', { waitMs: 10_000 });
        reclaimed.push(lock.reclaimed !== undefined);
        holders++;
        maxHolders = Math.max(maxHolders, holders);
        await sleep(10);
        holders--;
        await lock.release();
      }),
    );
    expect(maxHolders).toBe(1);
    expect(reclaimed.filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });

  it('does not take over a lock of a live process, or of another host', async () => {
    await writeLock('INV-1', JSON.stringify({ pid: process.ppid, host: os.hostname(), since: '2025-01-01T00:00:00.000Z' }));
    await expect(acquireInvoiceLock(journalFile, 'INV-1', { waitMs: 60 })).rejects.toMatchObject({ holder: { pid: process.ppid } });
    const elsewhere = { pid: await deadPid(), host: `not-${os.hostname()}`, since: '2025-01-01T00:00:00.000Z' };
    await writeLock('INV-2', JSON.stringify(elsewhere));
    await expect(acquireInvoiceLock(journalFile, 'INV-2', { waitMs: 60 })).rejects.toMatchObject({ holder: elsewhere });
  });

  it('treats an unreadable lock file as held until it is 10 minutes old', async () => {
    await writeLock('INV-1', '');
    const error = (await acquireInvoiceLock(journalFile, 'INV-1', { waitMs: 60 }).catch((e: unknown) => e)) as LockBusyError;
    expect(error).toBeInstanceOf(LockBusyError);
    expect(error.holder.pid).toBe(0);
    expect(error.message).toContain('unknown process');
    const old = new Date(Math.floor((Date.now() - 11 * 60_000) / 1000) * 1000); // whole seconds: exact mtime
    await utimes(lockFile('INV-1'), old, old);
    const lock = await acquireInvoiceLock(journalFile, 'INV-1');
    expect(lock.reclaimed).toEqual({ pid: 0, host: 'unknown', since: old.toISOString() });
    await lock.release();
  });

  it('release never removes a lock that is no longer ours', async () => {
    const lock = await acquireInvoiceLock(journalFile, 'INV-1');
    const theirs = JSON.stringify({ pid: process.ppid, host: os.hostname(), since: new Date().toISOString() });
    await writeFile(lock.file, theirs); // as if taken over after we were thought dead
    await lock.release();
    expect(await readFile(lock.file, 'utf8')).toBe(theirs);
  });

  it('puts the locks next to the journal, creating the directories', async () => {
    const nested = path.join(dir, 'a', 'b', 'journal.jsonl');
    const lock = await acquireInvoiceLock(nested, 'INV-1');
    expect(lock.file).toBe(path.join(dir, 'a', 'b', 'locks', `${safeName('INV-1')}.lock`));
    await lock.release();
  });
});

describe('acquireInvoiceLock across processes', () => {
  let bundleDir: string;
  beforeAll(async () => {
    bundleDir = await mkdtemp(path.join(os.tmpdir(), 'lock-bundle-'));
    await build({
      entryPoints: { lock: path.join(root, 'src/send/lock.ts') },
      outdir: bundleDir, outExtension: { '.js': '.mjs' }, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'silent',
    });
  });
  afterAll(async () => {
    await rm(bundleDir, { recursive: true, force: true });
  });

  it('4 processes × 25 read-modify-writes under one invoice lock lose no update', async () => {
    const counter = path.join(dir, 'counter');
    await writeFile(counter, '0');
    const child = () => run(process.execPath, [path.join(here, 'journal-child.mjs'), bundleDir, 'lock', journalFile, 'INV-1', counter, '25']);
    await Promise.all(Array.from({ length: 4 }, child));
    expect(await readFile(counter, 'utf8')).toBe('100');
    expect(await readdir(path.join(dir, 'locks'))).toEqual([]);
  }, 60_000);
});
