import { recordJson } from './sqlite.js';
import { openStore, type OpenStoreOptions } from './open.js';

/**
 * `journal export`: every record of the outbox, in append order, one JSON line each, through the
 * redaction boundary (records are stored redacted; a secret registered since is masked too). For audits,
 * and to move an outbox between stores. Resolves with the number of records written.
 */
export async function exportJournal(spec: string, write: (chunk: string) => Promise<void> | void, options: OpenStoreOptions = {}): Promise<number> {
  const store = await openStore(spec, options);
  try {
    let count = 0;
    let chunk: string[] = [];
    for await (const record of store.all()) {
      chunk.push(recordJson(record));
      count++;
      if (chunk.length === 1000) {
        await write(`${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
    if (chunk.length > 0) await write(`${chunk.join('\n')}\n`);
    return count;
  } finally {
    await store.close();
  }
}
