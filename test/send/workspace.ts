/**
 * A throw-away workspace for `send` tests: a config (JSON is YAML) pointing every account at the local
 * peers, invoices, and a journal of its own, in a temp folder. Each test gets a fresh one, so journals
 * and outboxes never leak between tests.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { resetPeers, startPeers, type Peers } from '../fakes/peers.js';
import { STRIPE_KEYS } from '../fakes/stripe.js';
import { TWILIO_SIDS, TWILIO_SERVICES, TWILIO_NUMBERS } from '../fakes/twilio.js';
import { SMTP_USER, type SmtpMessage } from '../fakes/smtp.js';
import { ROOT } from '../support/cli.js';
import { recordJson } from '../../src/store/sqlite.js';

export const CA = path.join(ROOT, 'test/fixtures/tls/ca.pem');
/** The customer every invoice goes to unless it says otherwise (the DNS peer knows the domain). */
export const CUSTOMER = { name: 'Dana Whitfield <b>&</b>', email: 'dana@northwind-traders.com', phone: '+14155552671' };

export interface SendWorkspace {
  dir: string;
  config: string;
  journal: string;
  outbox: string;
  env: Record<string, string>;
  cleanup(): void;
}

export function accountFor(peers: Peers, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Northwind Plumbing',
    country: 'US',
    channels: ['email', 'sms'],
    payments: { provider: 'stripe', stripe: { secret_key: STRIPE_KEYS.good, api_base: peers.stripe.url } },
    email: {
      from: 'Northwind Plumbing <billing@northwind-plumbing.com>',
      transport: 'smtp',
      smtp: { host: '127.0.0.1', port: peers.smtp.starttls.port, secure: false, require_tls: true, user: SMTP_USER, pass: '${SMTP_PASS}', ca_file: CA },
    },
    sms: { transport: 'twilio', twilio: { account_sid: TWILIO_SIDS.active, auth_token: '${TWILIO_AUTH_TOKEN}', messaging_service_sid: TWILIO_SERVICES.good, api_base: peers.twilio.url } },
    ...overrides,
  };
}

export function invoice(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    number: `2026-${id}`,
    account: 'shop',
    status: 'validated',
    customer: CUSTOMER,
    currency: 'USD',
    lines: [
      { description: 'Boiler service', quantity: 1, unit_amount: 9500 },
      { description: 'Valve <replacement>', quantity: 2, unit_amount: 1500 },
    ],
    issued_on: '2026-11-01',
    due_on: '2026-12-01',
    ...overrides,
  };
}

/**
 * `journal`: the outbox's `journal:` value (default: a SQLite database, state/outbox.db in the workspace; a
 * test/store/stores.ts entry gives another store's).
 */
export function makeWorkspace(peers: Peers, options: { accounts?: Record<string, Record<string, unknown>>; invoices?: Record<string, unknown>[]; journal?: string } = {}): SendWorkspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-send-'));
  const journal = options.journal ?? path.join(dir, 'state', 'outbox.db');
  const outbox = path.join(dir, 'outbox');
  const accounts = options.accounts ?? { shop: accountFor(peers) };
  const config = {
    version: 1,
    data: { invoices: './invoices.yaml' },
    journal,
    dns: { servers: [peers.env.DNS_SERVER], timeout_ms: 5000 },
    accounts,
  };
  writeFileSync(path.join(dir, 'invoice-doctor.yaml'), JSON.stringify(config, null, 2));
  writeFileSync(path.join(dir, 'invoices.yaml'), JSON.stringify(options.invoices ?? [invoice('INV-1')], null, 2));
  return {
    dir,
    config: path.join(dir, 'invoice-doctor.yaml'),
    journal,
    outbox,
    env: { ...peers.env },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export { TWILIO_NUMBERS, TWILIO_SIDS, TWILIO_SERVICES, STRIPE_KEYS };

// ---------------------------------------------------------------------------------------------------------------
// Helpers shared by the end-to-end send/status tests (send-gate.test.ts, status.test.ts).

export { resetPeers };

/**
 * The peers of a send test file: started once before its tests, closed after them, and reset after each
 * test, once `afterEachTest` has run (removing the test's workspace, say). The object is filled in when the
 * peers start, so a file can hold it in a constant.
 */
export function usePeers(afterEachTest?: () => void): Peers {
  const peers = {} as Peers;
  beforeAll(async () => {
    Object.assign(peers, await startPeers());
  });
  afterAll(async () => {
    await peers.close();
  });
  afterEach(() => {
    afterEachTest?.();
    resetPeers(peers);
  });
  return peers;
}

/** Every message any SMTP peer accepted. */
export function allSmtpMessages(peers: Peers): SmtpMessage[] {
  return Object.values(peers.smtp).flatMap((p) => (typeof p === 'object' && 'messages' in p ? p.messages : []));
}

/**
 * The outbox's records in append order, as stored (what `invoice-doctor journal export` prints). Synchronous,
 * for the many tests that filter it in one line: a SQLite outbox is read directly (no process, and no stale
 * `dist/`); another store (a `postgres://` journal) through `journal export` of the built CLI.
 */
export function readJournal(ws: SendWorkspace): Record<string, any>[] {
  if (!/^postgres(ql)?:\/\//.test(ws.journal)) {
    if (!existsSync(ws.journal)) return [];
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(ws.journal, { fileMustExist: true });
    try {
      return (db.prepare('SELECT json FROM events ORDER BY id').all() as Array<{ json: string }>).map((r) => JSON.parse(r.json) as Record<string, any>);
    } finally {
      db.close();
    }
  }
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/invoice-doctor.js'), 'journal', 'export', '--config', ws.config], { env: { ...process.env, ...ws.env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`journal export exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, any>);
}

/** Every byte of the outbox's files (the database and its WAL), as text: for "no secret anywhere" checks. */
export function journalBytes(ws: SendWorkspace): string {
  return ['', '-wal'].map((suffix) => (existsSync(`${ws.journal}${suffix}`) ? readFileSync(`${ws.journal}${suffix}`).toString('latin1') : '')).join('');
}

/**
 * Rewrites the outbox's records (SQLite only: a test that needs history a run cannot make, e.g. older
 * times, or a record lost). `edit` gets the records in order and returns the new list.
 */
export function rewriteJournal(ws: SendWorkspace, edit: (records: Record<string, any>[]) => Record<string, any>[]): void {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(ws.journal);
  try {
    const records = (db.prepare('SELECT json FROM events ORDER BY id').all() as Array<{ json: string }>).map((r) => JSON.parse(r.json) as Record<string, any>);
    const insert = db.prepare('INSERT INTO events (invoice, at, json) VALUES (?, ?, ?)');
    db.transaction(() => {
      db.prepare('DELETE FROM events').run();
      for (const r of edit(records)) insert.run(r.invoice, r.at, recordJson(r as never));
    })();
  } finally {
    db.close();
  }
}

/**
 * Moves the workspace's history into a JSONL journal as invoice-doctor 0.1 wrote it (`legacy/journal.jsonl`,
 * `tail` appended: a torn line, say) and points `journal:` at it: the next run imports it into
 * `legacy/journal.db`. Returns the JSONL file.
 */
export function toLegacyJournal(ws: SendWorkspace, tail = ''): string {
  const legacy = path.join(ws.dir, 'legacy', 'journal.jsonl');
  mkdirSync(path.dirname(legacy), { recursive: true });
  writeFileSync(legacy, `${readJournal(ws).map((l) => `${JSON.stringify(l)}\n`).join('')}${tail}`);
  rewriteConfig(ws, (c) => (c.journal = legacy));
  return legacy;
}

/** Edits the workspace's configuration in place (the journal and outbox stay): e.g. point Twilio elsewhere. */
export function rewriteConfig(ws: SendWorkspace, edit: (config: Record<string, any>) => void): void {
  const config = JSON.parse(readFileSync(ws.config, 'utf8')) as Record<string, any>;
  edit(config);
  writeFileSync(ws.config, JSON.stringify(config, null, 2));
}

/** A loopback port nothing listens on (bound, then closed again): connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
