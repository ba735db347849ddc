/**
 * The Postgres outbox against a real PostgreSQL server (test/support/postgres.ts): what only this store
 * has — migrations, leases across processes, the fencing of a taken-over holder, the server's faults
 * and its password. The behaviour both stores share is in the contract suite (test/store/contract.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPostgresStore, postgresOptions, type PostgresOptions } from '../../src/store/postgres.js';
import type { OutboxStore } from '../../src/store/types.js';
import { StateError } from '../../src/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';
import { redactor } from '../../src/config/redact.js';
import { displayJournal } from '../../src/config/database-url.js';
import { adminQuery, createDatabase, databaseUrl, dropDatabase, postgresServer, usePostgresDatabase, type TestDatabase } from '../support/postgres.js';
import { ROOT } from '../support/cli.js';

const OPTIONS: PostgresOptions = { poolMax: 4, connectTimeoutMs: 10_000, queryTimeoutMs: 10_000, leaseSeconds: 30 };

const record = (invoice: string, fields: Record<string, unknown> = {}) => ({ v: 1 as const, at: new Date().toISOString(), invoice, ...fields });

/** Stores opened by a test, closed after the file. */
const opened: OutboxStore[] = [];
async function open(url: string, options: Partial<PostgresOptions> = {}): Promise<OutboxStore> {
  const store = await openPostgresStore(url, { ...OPTIONS, ...options });
  opened.push(store);
  return store;
}
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

/** The rejection of `promise`, which must be a StateError. */
async function stateError(promise: Promise<unknown>): Promise<StateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StateError);
  return error as StateError;
}

// ── Child processes: the store bundled once, so each test can run real separate processes ──────────
let childDir: string;
let childScript: string;

beforeAll(async () => {
  childDir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-pg-child-'));
  // CommonJS with pg inside: the bundle runs from the temp folder without node_modules.
  await build({ entryPoints: [path.join(ROOT, 'src/store/postgres.ts')], outfile: path.join(childDir, 'store.cjs'), bundle: true, format: 'cjs', platform: 'node', target: 'node20', external: ['pg-native'], logLevel: 'error' });
  childScript = path.join(childDir, 'child.cjs');
  writeFileSync(
    childScript,
    `const { openPostgresStore } = require('./store.cjs');
const [mode, url, invoice, lease] = process.argv.slice(2);
(async () => {
  const store = await openPostgresStore(url, { poolMax: 2, connectTimeoutMs: 20000, queryTimeoutMs: 20000, leaseSeconds: Number(lease || 30) });
  if (mode === 'migrate') { await store.close(); process.stdout.write('migrated\\n'); return; }
  if (mode === 'hold') {
    await store.claim(invoice);
    await store.append({ v: 1, at: new Date().toISOString(), invoice, step: 'email', phase: 'intent', attempt: 'a1' });
    process.stdout.write('claimed\\n');
    setInterval(() => undefined, 1000);
  }
})().catch((e) => { process.stderr.write(String(e.code) + ' ' + e.message + '\\n'); process.exit(3); });
`,
  );
}, 60_000);
afterAll(() => {
  if (childDir) rmSync(childDir, { recursive: true, force: true });
});

interface Child {
  pid: number;
  /** resolves with the first line the child prints on stdout */
  firstLine: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill(): void;
}

function child(args: string[]): Child {
  const proc = spawn(process.execPath, [childScript, ...args], { cwd: childDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onLine: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (onLine = resolve));
  proc.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stdout.includes('\n')) onLine(stdout.split('\n')[0]!);
  });
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    proc.once('close', (code, signal) => {
      onLine(`(exited: ${stderr.trim()})`);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { pid: proc.pid!, firstLine, exited, kill: () => proc.kill('SIGKILL') };
}

// ── Migrations ────────────────────────────────────────────────────────────────────────────────────
describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase('migrate');
  });
  afterAll(async () => {
    await dropDatabase(db.name);
  });

  test('an empty database gets the schema; re-opening migrates nothing and keeps the history', async () => {
    const first = await open(db.url);
    const versions = await adminQuery('SELECT version, name FROM invoice_doctor.schema_migrations ORDER BY version', db.name);
    expect(versions).toEqual([{ version: 1, name: 'events and claims' }]);
    const tables = await adminQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'invoice_doctor' ORDER BY table_name", db.name);
    expect(tables.map((t) => t.table_name)).toEqual(['claims', 'events', 'schema_migrations']);
    // Nothing lands in the application's own schema.
    expect(await adminQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", db.name)).toEqual([]);
    await first.append(record('INV-1', { step: 'link', phase: 'result' }));
    await first.close();

    const second = await open(db.url);
    expect(await adminQuery('SELECT version FROM invoice_doctor.schema_migrations', db.name)).toEqual([{ version: 1 }]);
    expect((await second.lookup('INV-1')).records).toHaveLength(1);
  });

  test('four processes opening a new database at once: one migrates, the others wait and find it done', async () => {
    const fresh = await createDatabase('race');
    try {
      const children = [1, 2, 3, 4].map(() => child(['migrate', fresh.url]));
      const exits = await Promise.all(children.map((c) => c.exited));
      for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, stdout: 'migrated\n' });
      expect(await adminQuery('SELECT version FROM invoice_doctor.schema_migrations', fresh.name)).toEqual([{ version: 1 }]);
      // And many pools of this process at once (each its own session).
      const stores = await Promise.all([1, 2, 3, 4, 5, 6].map(() => openPostgresStore(fresh.url, OPTIONS)));
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await dropDatabase(fresh.name);
    }
  });

  test('a database migrated by a newer invoice-doctor is refused, not written to', async () => {
    const newer = await createDatabase('newer');
    try {
      await (await openPostgresStore(newer.url, OPTIONS)).close();
      await adminQuery("INSERT INTO invoice_doctor.schema_migrations (version, name) VALUES (99, 'from the future')", newer.name);
      const error = await stateError(openPostgresStore(newer.url, OPTIONS));
      expect(error.code).toBe('JOURNAL_UNREADABLE');
      expect(error.message).toMatch(/newer invoice-doctor \(schema version 99; this one knows up to 1\)/);
    } finally {
      await dropDatabase(newer.name);
    }
  });
});

// ── Appends and lookups ──────────────────────────────────────────────────────────────────────────
describe('the history', () => {
  const db = usePostgresDatabase('history');

  test('where names the database without its password; records come back in append order, exactly', async () => {
    const store = await open(db.url);
    const { port, password } = postgresServer();
    expect(store.kind).toBe('postgres');
    expect(store.where).toBe(`postgres://postgres@127.0.0.1:${port}/${db.name}`);
    expect(store.where).not.toContain(password);
    const written = [record('INV-A', { n: 1, nested: { ü: 'é', list: [1, null] } }), record('INV-B', { n: 2 }), record('INV-A', { n: 3, text: 'line\nbreak "quoted" \u0000' })];
    for (const r of written) await store.append(r);
    expect((await store.lookup('INV-A')).records).toEqual([written[0], written[2]]);
    expect((await store.lookup('INV-B')).records).toEqual([written[1]]);
    expect(await store.lookup('INV-none')).toEqual({ records: [], problems: [] });
    const all: unknown[] = [];
    for await (const r of store.all()) all.push(r);
    expect(all).toEqual(written);
  });

  test('a secret in a record never reaches a row', async () => {
    const store = await open(db.url);
    const secret = `sk_sec_${Math.random().toString(36).slice(2)}XYZ`;
    redactor.add(secret);
    await store.append(record('INV-S', { note: `the key is ${secret}` }));
    const rows = await adminQuery("SELECT record FROM invoice_doctor.events WHERE invoice = 'INV-S'", db.name);
    expect(rows).toHaveLength(1);
    expect(String(rows[0]!.record)).not.toContain(secret);
    expect(String(rows[0]!.record)).toContain('[redacted]');
  });

  test('rows deleted by hand (a result without its intent) are refused, never read as "not sent"', async () => {
    const store = await open(db.url);
    await store.append(record('INV-D', { step: 'email', phase: 'intent', attempt: 'x1' }));
    await store.append(record('INV-D', { step: 'email', phase: 'result', attempt: 'x1', status: 'sent' }));
    await adminQuery(`DELETE FROM invoice_doctor.events WHERE invoice = 'INV-D' AND record LIKE '%"intent"%'`, db.name);
    const error = await stateError(store.lookup('INV-D'));
    expect(error.code).toBe('JOURNAL_DAMAGED');
  });
});

// ── Claims and leases ────────────────────────────────────────────────────────────────────────────
describe('claims', () => {
  const db = usePostgresDatabase('claims');

  test('a claim is exclusive; released, it can be taken at once', async () => {
    const a = await open(db.url);
    const b = await open(db.url);
    const claim = await a.claim('INV-1');
    expect(claim.reclaimed).toBeUndefined();
    expect(claim.where).toBe(a.where);
    const busy = await stateError(b.claim('INV-1'));
    expect(busy.code).toBe('INVOICE_LOCKED');
    expect(busy.message).toContain(`process ${process.pid} on ${os.hostname()}`);
    await claim.release();
    const again = await b.claim('INV-1');
    expect(again.reclaimed).toBeUndefined();
    await again.release();
  });

  test('releases not waited for still land before close() ends', async () => {
    const store = await openPostgresStore(db.url, { ...OPTIONS, poolMax: 1 });
    const claims = await Promise.all(['INV-R1', 'INV-R2', 'INV-R3'].map((id) => store.claim(id)));
    for (const claim of claims) void claim.release();
    await store.close();
    expect(await adminQuery("SELECT count(*)::int AS n FROM invoice_doctor.claims WHERE invoice LIKE 'INV-R_'", db.name)).toEqual([{ n: 0 }]);
  });

  test('a waiter gets the claim once the holder releases it', async () => {
    const a = await open(db.url);
    const b = await open(db.url);
    const claim = await a.claim('INV-W');
    const waiting = b.claim('INV-W', { waitMs: 30_000 });
    await new Promise((r) => setTimeout(r, 200));
    await claim.release();
    const got = await waiting;
    expect(got.reclaimed).toBeUndefined();
    await got.release();
  });

  /** A child process that claims `invoice` (and records an intent), then is SIGKILLed. */
  async function deadHolder(invoice: string, leaseSeconds: number, elsewhere = false): Promise<number> {
    const holder = child(['hold', db.url, invoice, String(leaseSeconds)]);
    expect(await holder.firstLine).toBe('claimed');
    holder.kill();
    await holder.exited;
    // As if it had run on another host: its pid means nothing here, only its lease counts.
    if (elsewhere) await adminQuery(`UPDATE invoice_doctor.claims SET holder_node = 'another-machine' WHERE invoice = '${invoice}'`, db.name);
    return holder.pid;
  }

  test('a live holder keeps its claim', async () => {
    const holder = child(['hold', db.url, 'INV-LIVE', '300']);
    try {
      expect(await holder.firstLine).toBe('claimed');
      const store = await open(db.url);
      const busy = await stateError(store.claim('INV-LIVE', { waitMs: 300 }));
      expect(busy.code).toBe('INVOICE_LOCKED');
      expect(busy.message).toContain(`process ${holder.pid} on ${os.hostname()}`);
    } finally {
      holder.kill();
      await holder.exited;
    }
  });

  test('a dead holder of this machine is taken over at once, with `reclaimed` naming it and its history intact', async () => {
    const pid = await deadHolder('INV-DEAD-HERE', 300);
    const store = await open(db.url);
    const claim = await store.claim('INV-DEAD-HERE');
    expect(claim.reclaimed).toMatchObject({ pid, host: os.hostname() });
    expect(Date.parse(claim.reclaimed!.since)).not.toBeNaN();
    // The interrupted try is there for the taker to settle.
    expect((await store.lookup('INV-DEAD-HERE')).records).toMatchObject([{ step: 'email', phase: 'intent', attempt: 'a1' }]);
    await claim.release();
    expect((await store.claim('INV-DEAD-HERE')).reclaimed).toBeUndefined();
  });

  test('a dead holder of another machine is not taken over before its lease runs out', async () => {
    const pid = await deadHolder('INV-DEAD-AWAY', 300, true);
    const store = await open(db.url);
    const busy = await stateError(store.claim('INV-DEAD-AWAY'));
    expect(busy.code).toBe('INVOICE_LOCKED');
    expect(busy.message).toContain(`process ${pid} on ${os.hostname()}`);
    expect(busy.hint).toMatch(/expires at \d{4}-/);
  });

  test('a dead holder of another machine is taken over once its lease ran out, with `reclaimed` naming it', async () => {
    const pid = await deadHolder('INV-LEASE-OVER', 3, true);
    const store = await open(db.url);
    const claim = await store.claim('INV-LEASE-OVER', { waitMs: 60_000 });
    expect(claim.reclaimed).toMatchObject({ pid, host: os.hostname() });
    expect((await store.lookup('INV-LEASE-OVER')).records).toMatchObject([{ step: 'email', phase: 'intent', attempt: 'a1' }]);
    await claim.release();
  });

  test('the holder renews its lease: the claim outlives the lease it was taken with', async () => {
    const a = await open(db.url, { leaseSeconds: 3 });
    const b = await open(db.url);
    await a.claim('INV-RENEW');
    const [{ expires_at: first }] = (await adminQuery("SELECT expires_at FROM invoice_doctor.claims WHERE invoice = 'INV-RENEW'", db.name)) as Array<{ expires_at: Date }>;
    // Wait, on the database's clock, until the first lease is over.
    for (;;) {
      const [{ over }] = (await adminQuery(`SELECT now() > '${first!.toISOString()}'::timestamptz AS over`, db.name)) as Array<{ over: boolean }>;
      if (over) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const [{ expires_at: later }] = (await adminQuery("SELECT expires_at FROM invoice_doctor.claims WHERE invoice = 'INV-RENEW'", db.name)) as Array<{ expires_at: Date }>;
    expect(later!.getTime()).toBeGreaterThan(first!.getTime());
    expect((await stateError(b.claim('INV-RENEW'))).code).toBe('INVOICE_LOCKED');
  });

  test('a holder whose lease ran out and was taken over can record nothing more, and its release leaves the new claim alone', async () => {
    const stalled = await open(db.url);
    const taker = await open(db.url);
    const old = await stalled.claim('INV-FENCE');
    await stalled.append(record('INV-FENCE', { step: 'email', phase: 'intent', attempt: 'old' }));
    // As if the holder had been suspended past its lease.
    await adminQuery("UPDATE invoice_doctor.claims SET expires_at = now() - interval '1 second' WHERE invoice = 'INV-FENCE'", db.name);
    const fresh = await taker.claim('INV-FENCE');
    expect(fresh.reclaimed).toMatchObject({ pid: process.pid });
    const refused = await stateError(stalled.append(record('INV-FENCE', { step: 'email', phase: 'result', attempt: 'old' })));
    expect(refused.code).toBe('JOURNAL_UNWRITABLE');
    expect(refused.message).toMatch(/taken over by another invoice-doctor/);
    await old.release();
    expect(await adminQuery("SELECT count(*)::int AS n FROM invoice_doctor.claims WHERE invoice = 'INV-FENCE'", db.name)).toEqual([{ n: 1 }]);
    expect((await taker.lookup('INV-FENCE')).records.map((r) => r.attempt)).toEqual(['old']);
    await taker.append(record('INV-FENCE', { step: 'email', phase: 'intent', attempt: 'new' }));
    await fresh.release();
    expect(await adminQuery("SELECT count(*)::int AS n FROM invoice_doctor.claims WHERE invoice = 'INV-FENCE'", db.name)).toEqual([{ n: 0 }]);
  });

  test('a statement held up past query_timeout_ms is an error naming the setting, not a hang', async () => {
    const store = await open(db.url, { queryTimeoutMs: 300 });
    await (await store.claim('INV-SLOW')).release();
    const pg = (await import('pg')).default;
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      // Another session holds the claims table (an administrator's long transaction, say).
      await blocker.query('LOCK TABLE invoice_doctor.claims IN ACCESS EXCLUSIVE MODE');
      const error = await stateError(store.claim('INV-SLOW-2'));
      expect(error.code).toBe('JOURNAL_UNWRITABLE');
      expect(error.message).toMatch(/query_timeout_ms/);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
  });
});

// ── Faults and the password ──────────────────────────────────────────────────────────────────────
describe('a database that cannot be used', () => {
  test('nothing listening: JOURNAL_UNREADABLE naming host:port, without the password', async () => {
    const port = await closedPort();
    const password = `pw-down-${Math.random().toString(36).slice(2)}`;
    const error = await stateError(openPostgresStore(`postgres://app:${password}@127.0.0.1:${port}/outbox`, OPTIONS));
    expect(error.code).toBe('JOURNAL_UNREADABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toMatch(/refused the connection/);
    expect(error.file).toBe(`postgres://app@127.0.0.1:${port}/outbox`);
    expect(`${error.message} ${error.hint} ${error.file}`).not.toContain(password);
  });

  test('a server that never answers: an error after connect_timeout_ms, not a hang', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const error = await stateError(openPostgresStore(`postgres://app:pw-silent-xyz@127.0.0.1:${port}/outbox`, { ...OPTIONS, connectTimeoutMs: 500 }));
      expect(error.code).toBe('JOURNAL_UNREADABLE');
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toMatch(/connect_timeout_ms/);
      expect(error.message).not.toContain('pw-silent-xyz');
    } finally {
      silent.close();
    }
  });

  test('a wrong password: the login refusal names host:port, never the password tried', async () => {
    const { port } = postgresServer();
    const wrong = `wrong-${Math.random().toString(36).slice(2)}`;
    const error = await stateError(openPostgresStore(`postgres://postgres:${wrong}@127.0.0.1:${port}/postgres`, OPTIONS));
    expect(error.code).toBe('JOURNAL_UNREADABLE');
    expect(error.message).toMatch(new RegExp(`Postgres at 127\\.0\\.0\\.1:${port} refused the login: password authentication failed`));
    expect(`${error.message} ${error.hint}`).not.toContain(wrong);
  });

  test('a server echoing the password (a database named after it) never leaks it', async () => {
    const server = postgresServer();
    // The server's message quotes the database name, which here holds the password.
    const error = await stateError(openPostgresStore(databaseUrl(server, `x${server.password}`), OPTIONS));
    expect(error.code).toBe('JOURNAL_UNREADABLE');
    expect(error.message).toMatch(/database "x\[redacted\]" does not exist/);
    expect(`${error.message} ${error.hint} ${error.file}`).not.toContain(server.password);
  });

  test('the password given as ?password= works and is just as secret', async () => {
    const db = await createDatabase('qp');
    try {
      const server = postgresServer();
      const store = await open(`postgres://postgres@127.0.0.1:${server.port}/${db.name}?password=${encodeURIComponent(server.password)}`);
      expect(store.where).toBe(`postgres://postgres@127.0.0.1:${server.port}/${db.name}`);
      expect(redactor.redact(`x ${server.password} y`)).toBe('x [redacted] y');
    } finally {
      await dropDatabase(db.name);
    }
  });
});

// ── Config ───────────────────────────────────────────────────────────────────────────────────────
describe('config: journal: postgres://… and the outbox: section', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-pg-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (journal: string, extra: string[] = []) => {
    const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, ['version: 1', 'data: { invoices: ./invoices }', `journal: "${journal}"`, ...extra, 'accounts:', '  acme: { name: Acme, country: US }', ''].join('\n'));
    return file;
  };

  test('${DATABASE_URL} is used as it is (not as a path), its password registered as a secret; outbox: has defaults', async () => {
    const password = `pw-env-${Math.random().toString(36).slice(2)}`;
    const url = `postgres://app:${password}@db.internal:6543/ledger`;
    const loaded = await loadConfig(write('${DATABASE_URL}'), { DATABASE_URL: url });
    expect(loaded.config.journal).toBe(url);
    expect(redactor.redact(`failed: ${password}`)).toBe('failed: [redacted]');
    expect(loaded.config.outbox).toEqual({ pool_max: 10, connect_timeout_ms: 5_000, query_timeout_ms: 15_000, lease_seconds: 30 });
    expect(postgresOptions(loaded.config.outbox)).toEqual({ poolMax: 10, connectTimeoutMs: 5_000, queryTimeoutMs: 15_000, leaseSeconds: 30 });
  });

  test('the outbox is named without its password in messages and reports', () => {
    expect(displayJournal('postgres://app:s3cr%40t@db.internal:6543/ledger?sslmode=require&password=x')).toBe('postgres://app@db.internal:6543/ledger');
    expect(displayJournal('postgresql://db.internal/ledger')).toBe('postgres://db.internal:5432/ledger');
    expect(displayJournal('/srv/outbox.db')).toBe('/srv/outbox.db');
  });

  test('outbox: settings are read and checked', async () => {
    const loaded = await loadConfig(write('./outbox.db', ['outbox: { pool_max: 3, lease_seconds: 12 }']), {});
    expect(loaded.config.outbox).toEqual({ pool_max: 3, connect_timeout_ms: 5_000, query_timeout_ms: 15_000, lease_seconds: 12 });
    await expect(loadConfig(write('./outbox.db', ['outbox: { pool_max: 0 }']), {})).rejects.toThrow(/outbox\.pool_max/);
  });

  test('an unset ${DATABASE_URL} is a config error, never a silent fall-back to a local outbox', async () => {
    const error = await loadConfig(write('${DATABASE_URL}'), {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe('CONFIG_INVALID');
    expect((error as InputError).message).toMatch(/journal .*DATABASE_URL.*not set/);
  });
});

/** A loopback port nobody listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
