/**
 * The contract every outbox store passes (SQLite: test/store/sqlite.test.ts; Postgres: its own file).
 * `factory` makes one fresh store per test; its `open()` may be called several times to get independent
 * handles on the same store (two "processes" in one test). `spec`, when given, is the `journal:` value
 * of that store: a child process opens it too, to leave a claim behind when it dies.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { redactor } from '../../src/config/redact.js';
import { LockBusyError } from '../../src/store/errors.js';
import type { JournalRecord, OutboxStore } from '../../src/store/types.js';
import { ROOT } from '../support/cli.js';

export interface StoreFactory {
  open(): Promise<OutboxStore>;
  cleanup(): Promise<void>;
  /** the store's `journal:` value, for a child process to open it */
  spec?: string;
}

const rec = (invoice: string, fields: Record<string, unknown> = {}): JournalRecord => ({ v: 1, at: new Date().toISOString(), invoice, step: 'link', phase: 'intent', ...fields });

async function collect(iterable: AsyncIterable<JournalRecord>): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  for await (const r of iterable) out.push(r);
  return out;
}

/** A child process that opens the store, claims `invoice`, prints its pid and SIGKILLs itself: a claim left by the dead. */
let childScript: string | undefined;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'store-contract-'));
async function claimAndDie(spec: string, invoice: string): Promise<number> {
  // The peers tier shares this module between files (isolate: false): a suite's afterAll may have removed it.
  if (!childScript || !existsSync(childScript)) {
    mkdirSync(scratch, { recursive: true });
    childScript = path.join(scratch, 'claim-and-die.mjs');
    await build({
      stdin: {
        contents: `import { openStore } from ${JSON.stringify(path.join(ROOT, 'src/store/open.ts'))};
const [spec, invoice] = process.argv.slice(2);
const store = await openStore(spec);
await store.claim(invoice);
process.stdout.write(String(process.pid) + '\\n', () => process.kill(process.pid, 'SIGKILL'));`,
        resolveDir: ROOT,
        loader: 'ts',
      },
      outfile: childScript,
      bundle: true,
      format: 'esm',
      platform: 'node',
      external: ['better-sqlite3', 'pg-native'],
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
      logLevel: 'error',
    });
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript!, spec, invoice], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' && /^\d+\n$/.test(out) ? resolve(Number(out)) : reject(new Error(`child did not die holding the claim: ${signal} ${out} ${err}`))));
  });
}

export function runStoreContract(name: string, factory: () => Promise<StoreFactory>): void {
  describe(`outbox store contract: ${name}`, () => {
    let f: StoreFactory;
    const handles: OutboxStore[] = [];
    const open = async () => {
      const s = await f.open();
      handles.push(s);
      return s;
    };
    afterEach(async () => {
      for (const h of handles.splice(0)) await h.close();
      await f?.cleanup();
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    const fresh = async () => {
      f = await factory();
      return open();
    };

    it('an empty store: no records, no problems, nothing in all()', async () => {
      const s = await fresh();
      expect(await s.lookup('INV-1')).toEqual({ records: [], problems: [] });
      expect(await collect(s.all())).toEqual([]);
      expect(s.where).not.toBe('');
    });

    it('append then lookup: this invoice only, in append order', async () => {
      const s = await fresh();
      await s.append(rec('INV-1', { n: 1 }));
      await s.append(rec('INV-2', { n: 2 }));
      await s.append(rec('INV-1', { n: 3 }));
      const found = await s.lookup('INV-1');
      expect(found.records.map((r) => r.n)).toEqual([1, 3]);
      expect(found.records[0]).toMatchObject({ v: 1, invoice: 'INV-1', step: 'link', phase: 'intent' });
      expect(found.problems).toEqual([]);
      expect((await s.lookup('INV-2')).records.map((r) => r.n)).toEqual([2]);
      expect((await s.lookup('INV-3')).records).toEqual([]);
    });

    it('many invoices: each lookup finds its own records', async () => {
      const s = await fresh();
      for (let i = 0; i < 300; i++) await s.append(rec(`INV-${i % 100}`, { n: i }));
      for (const i of [0, 1, 57, 99]) expect((await s.lookup(`INV-${i}`)).records.map((r) => r.n)).toEqual([i, i + 100, i + 200]);
      expect((await s.lookup('INV-100')).records).toEqual([]);
    });

    it('ids with odd characters are keys like any other (no prefix, case or escape confusion)', async () => {
      const s = await fresh();
      const ids = ['INV/1', 'inv/1', "O'Brien; DROP TABLE events;--", 'a%b_c', 'ü-Ω-😀', ' spaced ', 'INV/10', 'line\nbreak', '\\'];
      for (const [i, id] of ids.entries()) await s.append(rec(id, { n: i }));
      for (const [i, id] of ids.entries()) expect((await s.lookup(id)).records.map((r) => [r.invoice, r.n])).toEqual([[id, i]]);
    });

    it('records survive closing and reopening (durable)', async () => {
      const s = await fresh();
      await s.append(rec('INV-1', { n: 1 }));
      await s.close();
      const again = await open();
      expect((await again.lookup('INV-1')).records.map((r) => r.n)).toEqual([1]);
      await again.append(rec('INV-1', { n: 2 }));
      const third = await open();
      expect((await third.lookup('INV-1')).records.map((r) => r.n)).toEqual([1, 2]);
    });

    it('all(): every record in append order', async () => {
      const s = await fresh();
      for (let i = 0; i < 2500; i++) await s.append(rec(`INV-${i % 7}`, { n: i }));
      const all = await collect(s.all());
      expect(all.map((r) => r.n)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    });

    it('a claim is exclusive between two handles, per invoice; release frees it', async () => {
      const a = await fresh();
      const b = await open();
      const held = await a.claim('INV-1');
      expect(held.reclaimed).toBeUndefined();
      const busy = await b.claim('INV-1').catch((e: unknown) => e);
      expect(busy).toBeInstanceOf(LockBusyError);
      expect(busy).toMatchObject({ code: 'INVOICE_LOCKED', holder: { pid: process.pid, host: os.hostname(), since: expect.any(String) } });
      const other = await b.claim('INV-2'); // other invoices are not blocked
      await other.release();
      await held.release();
      await held.release(); // idempotent
      const mine = await b.claim('INV-1');
      expect(mine.reclaimed).toBeUndefined();
      await mine.release();
    });

    it('waitMs: a second claimer waits for the release (and gives up after waitMs)', async () => {
      const a = await fresh();
      const b = await open();
      const held = await a.claim('INV-1');
      await expect(b.claim('INV-1', { waitMs: 100 })).rejects.toBeInstanceOf(LockBusyError);
      let got = false;
      const waiting = b.claim('INV-1', { waitMs: 20_000 }).then((c) => {
        got = true;
        return c;
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(got).toBe(false);
      await held.release();
      const claim = await waiting;
      expect(claim.reclaimed).toBeUndefined();
      await claim.release();
    });

    it("a dead process's claim is taken over, and the taker is told (reclaimed)", async () => {
      await fresh();
      if (!f.spec) throw new Error('the factory must give `spec` for this test');
      const pid = await claimAndDie(f.spec, 'INV-DEAD');
      const s = await open();
      const claim = await s.claim('INV-DEAD');
      expect(claim.reclaimed).toMatchObject({ pid, host: os.hostname(), since: expect.any(String) });
      await claim.release();
      const next = await s.claim('INV-DEAD');
      expect(next.reclaimed).toBeUndefined();
      await next.release();
    }, 30_000);

    it('a record carrying a secret is stored redacted', async () => {
      const secret = 'a-registered-password-9f3k2';
      redactor.add(secret);
      const s = await fresh();
      await s.append(rec('INV-1', { error: { message: `the server said: bad key ${secret}` } }));
      const stored = JSON.stringify([...(await s.lookup('INV-1')).records, ...(await collect(s.all()))]);
      expect(stored).not.toContain(secret);
      expect(stored).toContain('[redacted]');
    });

    it('close is idempotent', async () => {
      const s = await fresh();
      await s.append(rec('INV-1'));
      await s.close();
      await s.close();
    });
  });
}
