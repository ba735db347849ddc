import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { codeOf, ioError } from './errors.js';
import type { OpenStoreOptions } from './open.js';
import type { OutboxStore } from './types.js';

/*
 * Existing JSONL journals (invoice-doctor 0.1): when `journal:` names one, it is imported once into a
 * SQLite database beside it (`journal.jsonl` → `journal.db`, same folder), in one transaction, and the
 * JSONL file is left untouched. Later runs find the database already imported and use it. A journal
 * that is damaged (by the rules it was always read by, src/send/journal.ts) is not imported: the refusal
 * says what to repair and the command that imports it then.
 */

const IMPORT_COMMAND = 'invoice-doctor journal export > /dev/null';

/** `journal:` names a legacy JSONL journal: `*.jsonl`, or a file that starts like one of its records. */
export async function legacyJournal(spec: string): Promise<boolean> {
  if (/\.jsonl$/i.test(spec)) return true;
  const head = Buffer.alloc(8);
  try {
    const fd = openSync(path.resolve(spec), 'r');
    try {
      readSync(fd, head, 0, 8, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false; // missing, a folder…: the SQLite store says what is wrong with it
  }
  return head.toString('latin1').startsWith('{"v":');
}

/** The database a JSONL journal is imported into: its name with `.db` for `.jsonl`, in the same folder. */
export function importTarget(spec: string): string {
  const file = path.resolve(spec);
  return path.join(path.dirname(file), `${path.basename(file).replace(/\.jsonl$/i, '')}.db`);
}

export async function importLegacyJournal(spec: string, options: OpenStoreOptions): Promise<OutboxStore> {
  const source = path.resolve(spec);
  const { openSqliteStore } = await import('./sqlite.js');
  let data: Buffer;
  try {
    data = readFileSync(source);
  } catch (error) {
    // No journal to import (never sent anything): the database beside it is the outbox.
    if (codeOf(error) === 'ENOENT') return openSqliteStore(importTarget(spec));
    throw ioError('read', source, error, 'the send journal');
  }
  const store = await openSqliteStore(importTarget(spec));
  try {
    if (store.importedFrom() !== undefined) return store;
    const { readLegacyJournal } = await import('../send/journal.js');
    const journal = readLegacyJournal(data, source, IMPORT_COMMAND);
    const done = store.importJournal(source, journal.records, journal.problems);
    if (done.imported) {
      const notice = options.notice ?? ((line: string) => process.stderr.write(`${line}\n`));
      notice(
        `invoice-doctor: imported the send journal ${source} into the outbox database ${store.where}: ${done.records} record${done.records === 1 ? '' : 's'}${done.problems ? `, ${done.problems} torn line${done.problems === 1 ? '' : 's'} kept as reported problems` : ''}. The JSONL file was left as it was and is no longer read; set \`journal: ${path.relative(process.cwd(), store.where) || store.where}\` to say so.`,
      );
    }
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}
