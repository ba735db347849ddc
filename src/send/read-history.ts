import type { OpenStoreOptions } from '../store/open.js';
import type { JournalProblem, OutboxStore } from '../store/types.js';
import { foldHistory, type SendHistory } from './history.js';

export type HistoryRead = { history: SendHistory; problems: JournalProblem[] };

/** An invoice's sends from the outbox: no claim taken, nothing written. */
export async function readHistory(store: OutboxStore, invoiceId: string): Promise<HistoryRead> {
  const found = await store.lookup(invoiceId);
  return { history: foldHistory(found.records), problems: found.problems };
}

/** The same for one invoice of the outbox `journal:` names, opened and closed around the read. */
export async function readHistoryAt(spec: string, invoiceId: string, options: OpenStoreOptions = {}): Promise<HistoryRead> {
  const { openStore } = await import('../store/open.js');
  const store = await openStore(spec, options);
  try {
    return await readHistory(store, invoiceId);
  } finally {
    await store.close();
  }
}

/** The outbox of one run, opened on its first read and shared by every invoice of the run. */
export interface HistoryReader {
  read(invoiceId: string): Promise<HistoryRead>;
  close(): Promise<void>;
}

/**
 * A `check --all` of 10,000 invoices reads 10,000 histories: opening the outbox for each (a SQLite file's
 * integrity probe, a Postgres pool and login) would cost more than the reads. A store that cannot be opened
 * fails every read alike (the same StateError), never "nothing sent" for some.
 */
export function historyReader(spec: string, options: OpenStoreOptions = {}): HistoryReader {
  let opened: Promise<OutboxStore> | undefined;
  return {
    async read(invoiceId) {
      opened ??= import('../store/open.js').then(({ openStore }) => openStore(spec, options));
      return readHistory(await opened, invoiceId);
    },
    async close() {
      const store = await opened?.catch(() => undefined);
      await store?.close();
    },
  };
}
