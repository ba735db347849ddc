import type { JournalProblem, OutboxStore } from '../store/types.js';
import { foldHistory, type SendHistory } from './history.js';

export type HistoryRead = { history: SendHistory; problems: JournalProblem[] };

/** An invoice's sends from the outbox: no claim taken, nothing written. */
export async function readHistory(store: OutboxStore, invoiceId: string): Promise<HistoryRead> {
  const found = await store.lookup(invoiceId);
  return { history: foldHistory(found.records), problems: found.problems };
}

/** The same for one invoice of the outbox `journal:` names, opened and closed around the read. */
export async function readHistoryAt(spec: string, invoiceId: string): Promise<HistoryRead> {
  const { openStore } = await import('../store/open.js');
  const store = await openStore(spec);
  try {
    return await readHistory(store, invoiceId);
  } finally {
    await store.close();
  }
}
