import { existsSync } from 'node:fs';
import type { OutboxStore } from './types.js';
import type { ConfigFile } from '../config/schema.js';

/*
 * `journal:` → a store. A path is a SQLite database (the default, ./.invoice-doctor/outbox.db); a
 * `postgres://` or `postgresql://` URL is the shared Postgres outbox; a path to a legacy JSONL journal
 * (`*.jsonl`, or a file that starts like one) is imported once into a SQLite database beside it.
 * The drivers load only here, on first use.
 */

export interface OpenStoreOptions {
  /** told what happened when a JSONL journal is imported (stderr, for the CLI) */
  notice?: (line: string) => void;
  /** the config's `outbox:` section: the Postgres store's pool, timeouts and lease (defaults when absent) */
  outbox?: ConfigFile['outbox'];
}

export const isPostgresSpec = (spec: string) => /^postgres(ql)?:\/\//i.test(spec);

export async function openStore(spec: string, options: OpenStoreOptions = {}): Promise<OutboxStore> {
  if (isPostgresSpec(spec)) {
    const { openPostgresStore, postgresOptions } = await import('./postgres.js');
    return openPostgresStore(spec, postgresOptions(options.outbox));
  }
  const { legacyJournal, importLegacyJournal } = await import('./import-jsonl.js');
  if (await legacyJournal(spec)) return importLegacyJournal(spec, options);
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(spec);
}

/**
 * Whether `journal:` may hold any history, without loading a driver: false only for a SQLite outbox that
 * was never created (no database, no witness; no JSONL journal to import). Cheap enough per invoice.
 */
export function mayHoldHistory(spec: string): boolean {
  if (isPostgresSpec(spec)) return true;
  const db = /\.jsonl$/i.test(spec) ? spec.replace(/\.jsonl$/i, '.db') : spec;
  return existsSync(spec) || existsSync(db) || existsSync(`${db}.witness`);
}
