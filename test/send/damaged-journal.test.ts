/**
 * Issue 11 and 13, "never twice": the outbox is the source of truth. After real sends (payment link, email
 * through the SMTP peer, SMS through the Twilio peer), the database and its write-ahead log are damaged as
 * a crash or a failing disk leaves them (zero-filled after the header, truncated, deleted), and `send`,
 * `send --all`, `status` and `check` run again: each refuses (JOURNAL_DAMAGED, exit 3) and no peer ever sees
 * a second message. Then the disk refuses to read or write (a folder that is a file, an outbox that is a
 * folder, an immutable file or folder, a full disk, a read-only file system): a documented error naming the
 * path, exit 3, nothing sent.
 *
 * Tests run as root, who ignores file permissions: read-only is made with `chattr +i` (immutable:
 * EPERM even for root) and a read-only tmpfs (EROFS), a full disk with a small tmpfs (ENOSPC).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPeers, type Peers } from '../fakes/peers.js';
import { runCli } from '../support/cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import type { CliResult } from '../support/cli.js';
import { allSmtpMessages, invoice, makeWorkspace, resetPeers, type SendWorkspace } from './workspace.js';

let peers: Peers;
let ws: SendWorkspace | undefined;
/** Undo steps for what a test did outside plain files (immutable flags, mounts): run even if it failed. */
const undo: Array<() => void> = [];

beforeAll(async () => {
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
});
afterEach(() => {
  for (const step of undo.splice(0).reverse()) {
    try {
      step();
    } catch {
      // already undone
    }
  }
  ws?.cleanup();
  ws = undefined;
  resetPeers(peers);
});

const cli = (w: SendWorkspace, args: string[]) => runCli([...args, '--config', w.config], { env: w.env });
const json = (r: CliResult) => JSON.parse(r.stdout) as Record<string, any>;
const emails = () => allSmtpMessages(peers).length;
const smses = () => peers.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')).length;
const links = () => peers.stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_links').length;

/**
 * Two invoices sent. `crashed`: the second send is SIGKILLed right after its last record, so its records are
 * still in the write-ahead log (a clean exit checkpoints the log into the database and removes it).
 */
async function sentWorkspace(crashed = false): Promise<SendWorkspace> {
  const w = makeWorkspace(peers, { invoices: [invoice('INV-1'), invoice('INV-2')] });
  expect((await cli(w, ['send', 'INV-1', '--yes', '--json'])).code).toBe(0);
  if (crashed) {
    const died = await spawnCli(['send', 'INV-2', '--yes', '--json', '--config', w.config], { env: { ...w.env, INVOICE_DOCTOR_FAILPOINTS: 'after-sms' } }).exited;
    expect(died.signal).toBe('SIGKILL');
    expect(statSync(`${w.journal}-wal`).size).toBeGreaterThan(0);
  } else {
    expect((await cli(w, ['send', 'INV-2', '--yes', '--json'])).code).toBe(0);
    expect(existsSync(`${w.journal}-wal`)).toBe(false);
  }
  expect([emails(), smses(), links()]).toEqual([2, 2, 2]);
  return w;
}

/** The outbox's files (database, WAL, its index, the witness), to put back between damages. */
function snapshot(journal: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const f of [journal, `${journal}-wal`, `${journal}-shm`, `${journal}.witness`]) if (existsSync(f)) files.set(f, readFileSync(f));
  return files;
}

function restore(journal: string, files: Map<string, Buffer>): void {
  for (const f of [journal, `${journal}-wal`, `${journal}-shm`, `${journal}.witness`]) if (!files.has(f)) rmSync(f, { force: true });
  for (const [f, data] of files) writeFileSync(f, data);
}

type Damage = [string, (file: string, header: number) => void];
/** How a crash or a failing disk leaves a file. `header`: bytes kept as they were (a file's header, the journal's first line). */
const DAMAGES: Damage[] = [
  ['zero-filled after its header', (file, header) => {
    const data = readFileSync(file);
    data.fill(0, Math.min(header, data.length));
    writeFileSync(file, data);
  }],
  ['truncated', (file, header) => truncateSync(file, Math.min(header, statSync(file).size))],
  ['deleted', (file) => rmSync(file)],
];

/** The exit code and what each invoice's re-run says, and that no peer saw anything new. */
async function rerun(w: SendWorkspace, ids: string[]): Promise<Array<{ code: number; outcome?: string; error?: string; out: string }>> {
  const before = [emails(), smses(), links()];
  const results = [];
  for (const id of ids) {
    const r = await cli(w, ['send', id, '--yes', '--json']);
    const out = json(r);
    results.push({ code: r.code, outcome: out.outcome as string | undefined, error: out.error?.code as string | undefined, out: r.stdout + r.stderr });
  }
  expect([emails(), smses(), links()], 'no peer saw a second message').toEqual(before);
  return results;
}

/** Each refusal: send, send --all, status and check (delivery.last-attempt) — exit 3, JOURNAL_DAMAGED, nothing sent. */
async function expectRefused(w: SendWorkspace, what: string): Promise<void> {
  const results = await rerun(w, ['INV-1', 'INV-2']);
  for (const r of results) {
    expect(r, what).toMatchObject({ code: 3, error: 'JOURNAL_DAMAGED' });
    expect(r.out, what).toContain(w.journal);
    expect(r.out, what).not.toContain('report it');
  }
  const human = await cli(w, ['send', 'INV-2', '--yes']);
  expect(human.code, what).toBe(3);
  expect(human.stderr, what).toMatch(/^invoice-doctor: The outbox .*outbox\.db.*\nhint: .*(backup|Restore)/s);
  expect(human.stderr).not.toMatch(/internal error|at .*\.js:\d+/);

  const before = [emails(), smses(), links()];
  const all = await cli(w, ['send', '--all', '--yes', '--json']);
  expect(all.code, `send --all, ${what}`).toBe(3);
  expect(all.stdout + all.stderr).toContain('JOURNAL_DAMAGED');
  const status = await cli(w, ['status', 'INV-1', '--offline', '--json']);
  expect(status.code, `status, ${what}`).toBe(3);
  expect(json(status).error.code).toBe('JOURNAL_DAMAGED');
  const check = await cli(w, ['check', 'INV-1', '--offline', '--json']);
  expect(check.code, `check, ${what}`).toBe(3);
  const last = (json(check).results[0].checks as Array<Record<string, any>>).find((c) => c.id === 'delivery.last-attempt')!;
  expect(last.status, `delivery.last-attempt, ${what}`).toBe('error');
  expect(JSON.stringify(last), JSON.stringify(last)).toContain('JOURNAL_DAMAGED');
  expect([emails(), smses(), links()]).toEqual(before);
}

describe('damage to the outbox never sends an invoice again', () => {
  it('the database zero-filled after its header, truncated, or deleted: refused (JOURNAL_DAMAGED, exit 3) by send, send --all, status and check', async () => {
    ws = await sentWorkspace();
    const pristine = snapshot(ws.journal);
    for (const [what, damage] of [...DAMAGES, ['truncated to nothing', (file: string) => truncateSync(file, 0)] as Damage]) {
      restore(ws.journal, pristine);
      damage(ws.journal, 100);
      await expectRefused(ws, `database ${what}`);
    }
    // Whole again: both are already sent.
    restore(ws.journal, pristine);
    expect((await rerun(ws, ['INV-1', 'INV-2'])).map((r) => r.outcome)).toEqual(['already_sent', 'already_sent']);
  }, 300_000);

  it('after a crash, its write-ahead log (holding the last send) zero-filled, truncated or deleted: refused, never sent again', async () => {
    ws = await sentWorkspace(true);
    const wal = `${ws.journal}-wal`;
    const pristine = snapshot(ws.journal);
    for (const [what, damage] of DAMAGES) {
      restore(ws.journal, pristine);
      damage(wal, 32);
      await expectRefused(ws, `WAL ${what}`);
    }
    restore(ws.journal, pristine);
    expect((await rerun(ws, ['INV-1', 'INV-2'])).map((r) => r.outcome)).toEqual(['already_sent', 'already_sent']);
  }, 300_000);
});

describe('a journal that cannot be read or written: a documented error naming the path, exit 3, nothing sent', () => {
  const refused = (r: CliResult, code: string, pathPart: string, why: RegExp) => {
    expect(r.code).toBe(3);
    const out = json(r);
    expect(out.error).toMatchObject({ code, message: expect.stringContaining(pathPart), hint: expect.any(String) });
    expect(out.error.message).toMatch(why);
    expect(r.stdout + r.stderr).not.toMatch(/internal error|report it/);
  };
  const nothingSent = () => expect([emails(), smses(), links()]).toEqual([0, 0, 0]);
  const chattr = (flag: '+i' | '-i', target: string) => execFileSync('chattr', [flag, target]);
  const mount = (...args: string[]) => execFileSync('mount', args);

  it('a folder of its path is a file (ENOTDIR), or the journal is a folder: JOURNAL_UNREADABLE', async () => {
    ws = makeWorkspace(peers);
    writeFileSync(path.dirname(ws.journal), 'a file where the state folder should be');
    refused(await cli(ws, ['send', 'INV-1', '--yes', '--json']), 'JOURNAL_UNREADABLE', ws.journal, /a part of its path is a file, not a folder \(ENOTDIR\)/);
    refused(await cli(ws, ['status', 'INV-1', '--offline', '--json']), 'JOURNAL_UNREADABLE', ws.journal, /ENOTDIR/);
    rmSync(path.dirname(ws.journal));
    mkdirSync(ws.journal, { recursive: true });
    refused(await cli(ws, ['send', 'INV-1', '--yes', '--json']), 'JOURNAL_UNREADABLE', ws.journal, /not a regular file \(it is a folder\)/);
    const all = await cli(ws, ['send', '--all', '--yes', '--json']);
    expect(all.code).toBe(3);
    expect(all.stdout).toContain('JOURNAL_UNREADABLE');
    nothingSent();
  }, 60_000);

  it('a read-only (immutable) journal file: JOURNAL_UNWRITABLE before any side effect, for send and send --all', async () => {
    ws = makeWorkspace(peers, { invoices: [invoice('INV-1'), invoice('INV-2')] });
    expect((await cli(ws, ['send', 'INV-1', '--yes', '--json'])).code).toBe(0);
    resetPeers(peers);
    chattr('+i', ws.journal);
    undo.push(() => chattr('-i', ws!.journal));
    refused(await cli(ws, ['send', 'INV-2', '--yes', '--json']), 'JOURNAL_UNWRITABLE', ws.journal, /Cannot write the outbox .*operation not permitted.*\(EPERM\)/);
    const all = await cli(ws, ['send', '--all', '--yes', '--json']);
    expect(all.code).toBe(3);
    expect(all.stdout).toContain('Cannot write the outbox');
    nothingSent();
    // INV-1 is still "already sent": reading works
    expect(json(await cli(ws, ['send', 'INV-1', '--yes', '--json'])).outcome).toBe('already_sent');
  }, 60_000);

  it('a read-only (immutable) state folder: JOURNAL_UNWRITABLE naming it', async () => {
    ws = makeWorkspace(peers);
    const stateDir = path.dirname(ws.journal);
    mkdirSync(stateDir);
    chattr('+i', stateDir);
    undo.push(() => chattr('-i', stateDir));
    refused(await cli(ws, ['send', 'INV-1', '--yes', '--json']), 'JOURNAL_UNWRITABLE', stateDir, /Cannot write the outbox .*\(EPERM\)/);
    nothingSent();
  }, 60_000);

  it('a full disk (ENOSPC, a 1 MiB tmpfs) and a read-only file system (EROFS): JOURNAL_UNWRITABLE', async () => {
    ws = makeWorkspace(peers, { invoices: [invoice('INV-1'), invoice('INV-2')] });
    const stateDir = path.dirname(ws.journal);
    mkdirSync(stateDir);
    mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', stateDir);
    undo.push(() => execFileSync('umount', ['-l', stateDir]));
    expect((await cli(ws, ['send', 'INV-1', '--yes', '--json'])).code).toBe(0);
    resetPeers(peers);

    // Fill the disk: write until the file system says ENOSPC.
    const filler = path.join(stateDir, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4096', 'count=256'], { stdio: 'ignore' });
    } catch {
      // dd stops at ENOSPC: that is the point
    }
    refused(await cli(ws, ['send', 'INV-2', '--yes', '--json']), 'JOURNAL_UNWRITABLE', stateDir, /the disk is full \(ENOSPC\)/);
    nothingSent();
    // SQLite needs room for the log's shared-memory index even to read: on a full disk reading is refused the
    // same way (never "not sent"), and works again once there is room.
    refused(await cli(ws, ['send', 'INV-1', '--yes', '--json']), 'JOURNAL_UNWRITABLE', stateDir, /the disk is full \(ENOSPC\)/);
    nothingSent();
    rmSync(filler);
    expect(json(await cli(ws, ['send', 'INV-1', '--yes', '--json'])).outcome).toBe('already_sent');

    mount('-o', 'remount,ro', stateDir);
    // SQLite cannot open a WAL database on a read-only file system at all (it must create the log beside it):
    // refused as unreadable, naming the cause, for the invoice sent and the one not sent alike.
    for (const id of ['INV-2', 'INV-1']) refused(await cli(ws, ['send', id, '--yes', '--json']), 'JOURNAL_UNREADABLE', stateDir, /the file system is read-only \(EROFS\)/);
    nothingSent();
    mount('-o', 'remount,rw', stateDir);
    expect(json(await cli(ws, ['send', 'INV-1', '--yes', '--json'])).outcome).toBe('already_sent');
    expect(existsSync(ws.journal)).toBe(true);
  }, 60_000);
});
