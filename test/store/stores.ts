/**
 * The outbox stores every store-parameterised test runs against. Each entry says how to make a fresh,
 * empty outbox for one test: the `journal:` value to put in a configuration (a SQLite file path, a
 * postgres:// URL) and how to remove it afterwards.
 *
 * Use: `for (const store of STORES) describe(`… (${store.name})`, () => { … store.fresh() … })`.
 * To add a store (Postgres): push an entry whose `fresh()` returns a new empty database's spec — say, a new
 * database on the test server — and whose cleanup drops it. The send and crash-safety tests then run on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, dropDatabase } from '../support/postgres.js';

export interface StoreUnderTest {
  name: 'sqlite' | 'postgres';
  /**
   * A fresh, empty outbox: `journal` is the value for `journal:` in a configuration (an absolute path, or a
   * URL). `dir`: a folder the test owns, where a file store may put its database (else a temporary one).
   */
  fresh(dir?: string): Promise<{ journal: string; cleanup(): Promise<void> }>;
  /**
   * Whether a crash in the middle of an append can leave a readable trace (a torn JSONL line did; a
   * database transaction leaves the record whole or absent, so: false).
   */
  tornRecordsVisible: boolean;
}

export const SQLITE: StoreUnderTest = {
  name: 'sqlite',
  tornRecordsVisible: false,
  async fresh(dir) {
    const base = dir ?? mkdtempSync(path.join(os.tmpdir(), 'outbox-sqlite-'));
    return {
      journal: path.join(base, 'state', 'outbox.db'),
      cleanup: async () => {
        if (!dir) rmSync(base, { recursive: true, force: true });
      },
    };
  },
};

/** A new database on the run's test server (test/support/postgres.ts), dropped by cleanup. */
export const POSTGRES: StoreUnderTest = {
  name: 'postgres',
  tornRecordsVisible: false,
  async fresh() {
    const db = await createDatabase('outbox');
    return { journal: db.url, cleanup: () => dropDatabase(db.name) };
  },
};

export const STORES: StoreUnderTest[] = [SQLITE, POSTGRES];
