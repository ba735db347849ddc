// A batch's invoices, read one file at a time as the checks ask for them, so memory does not grow with
// the number of invoices: only the ids of the files still to read (and the few files that had to be
// parsed up front) are held.
import type { LoadedConfig } from '../config/load.js';
import { STATUS_ALIASES } from './schema.js';
import type { Invoice } from './model.js';
import {
  invoiceFileKind, invoiceResolver, listInvoiceFiles, loadCustomers, parseInvoiceFile, readText, scanField, scanIds,
  type DataProblem, type Located,
} from './load.js';
import type { InvoiceRecord } from './schema.js';

export interface InvoiceFilter {
  account?: string;
  /** a canonical status (aliases already resolved) */
  status?: string;
}

/** One step of a stream: the next invoice, or the problems of a file (or invoice) that does not load. */
export type StreamItem = { invoice: Invoice } | { problems: DataProblem[] };

export interface InvoiceStream {
  /** items still to come, counting one per file to read: shrinks when a file turns out not to match */
  remaining(): number;
  next(): StreamItem | undefined;
}

/**
 * Opens the invoices under data.invoices as a stream. A quick scan of every file reads its id (and its
 * account and status lines, to leave out files the filter excludes without parsing them); the files a
 * scan cannot read for sure (lists, JSON, flow style, numeric ids) and every file whose id appears more
 * than once are parsed up front, in file order, so a duplicate is reported against the first file as
 * in a full load. The rest are parsed one by one, when next() reaches them.
 */
export function openInvoiceStream(loaded: LoadedConfig, filter: InvoiceFilter = {}): InvoiceStream {
  const upFront: DataProblem[] = [];
  const customers = loadCustomers(loaded, upFront);
  const location = loaded.config.data.invoices;
  const files = listInvoiceFiles(location);
  const read = (file: string, problems: DataProblem[]) => readText(file, problems, undefined, invoiceFileKind(location, file));

  const lazy: Array<{ file: string; order: number; id: string; excluded: boolean }> = [];
  const eager: Array<{ file: string; text: string }> = [];
  const idCount = new Map<string, number>();
  for (const [order, file] of files.entries()) {
    const text = read(file, upFront);
    if (text === undefined) continue;
    const ids = scanIds(text, file);
    if (!ids) {
      eager.push({ file, text });
      continue;
    }
    const id = ids[0]!;
    idCount.set(id, (idCount.get(id) ?? 0) + 1);
    lazy.push({ file, order, id, excluded: excludedByScan(text, filter) });
  }

  // Up front: the files a scan cannot read, and any file sharing an id with another, in file order.
  const parsed = new Map<string, Array<Located<InvoiceRecord>>>();
  const eagerProblems = new Map<string, DataProblem[]>();
  const parseNow = (file: string, text: string | undefined) => {
    const problems: DataProblem[] = [];
    text ??= read(file, problems);
    parsed.set(file, text === undefined ? [] : parseInvoiceFile(file, text, problems));
    eagerProblems.set(file, problems);
  };
  for (const { file, text } of eager) {
    parseNow(file, text);
    for (const item of parsed.get(file)!) idCount.set(item.record.id, (idCount.get(item.record.id) ?? 0) + 1);
  }
  const rest: typeof lazy = [];
  for (const entry of lazy) {
    // A duplicate is reported even when one of its files is outside the filter.
    if (idCount.get(entry.id)! > 1) parseNow(entry.file, undefined);
    else if (!entry.excluded) rest.push(entry);
  }
  const problems: DataProblem[] = [...upFront];
  const resolveEager = invoiceResolver(loaded, customers, problems);
  // Each item with its file's place, so the stream keeps file order (a JSON report lists results so).
  const ready: Array<{ order: number; item: StreamItem }> = [];
  for (const [order, file] of files.entries()) {
    problems.push(...(eagerProblems.get(file) ?? []));
    for (const item of parsed.get(file) ?? []) {
      const invoice = resolveEager(item);
      if (invoice && matches(invoice, filter)) ready.push({ order, item: { invoice } });
    }
  }
  if (problems.length > 0) ready.unshift({ order: -1, item: { problems } });

  const lazyProblems: DataProblem[] = [];
  const resolveLazy = invoiceResolver(loaded, customers, lazyProblems, { unique: true });
  let nextReady = 0;
  let nextLazy = 0;
  return {
    remaining: () => ready.length - nextReady + rest.length - nextLazy,
    next() {
      for (;;) {
        if (nextReady < ready.length && (nextLazy >= rest.length || ready[nextReady]!.order < rest[nextLazy]!.order)) return ready[nextReady++]!.item;
        if (nextLazy >= rest.length) return undefined;
        const { file } = rest[nextLazy++]!;
        lazyProblems.length = 0;
        const text = read(file, lazyProblems);
        const invoices = (text === undefined ? [] : parseInvoiceFile(file, text, lazyProblems)).map(resolveLazy).filter((i) => i !== undefined);
        if (lazyProblems.length > 0) return { problems: [...lazyProblems] };
        const invoice = invoices.find((i) => matches(i, filter));
        if (invoice) return { invoice };
      }
    },
  };
}

/** True when the file's own account or status line names another than the filter asks for. */
function excludedByScan(text: string, filter: InvoiceFilter): boolean {
  if (filter.account) {
    const account = scanField(text, 'account');
    if (account !== undefined && account !== filter.account) return true;
  }
  if (filter.status) {
    const raw = scanField(text, 'status');
    const status = raw === undefined ? undefined : (STATUS_ALIASES[raw.toLowerCase()] ?? raw.toLowerCase());
    if (status !== undefined && status !== filter.status) return true;
  }
  return false;
}

function matches(invoice: Invoice, filter: InvoiceFilter): boolean {
  return (!filter.account || invoice.accountId === filter.account) && (!filter.status || invoice.status === filter.status);
}
