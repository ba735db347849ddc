import { Journal, type JournalProblem } from './journal.js';
import { foldHistory, type SendHistory } from './history.js';

/** An invoice's sends from the journal: no lock taken, no journal line written (the lookup may refresh the index cache beside it). */
export async function readHistory(journalFile: string, invoiceId: string): Promise<{ history: SendHistory; problems: JournalProblem[] }> {
  const journal = await Journal.open(journalFile);
  try {
    const found = await journal.lookup(invoiceId);
    return { history: foldHistory(found.records), problems: found.problems };
  } finally {
    await journal.close();
  }
}
