// Synchronous reads: invoice files are small, and a thread-pool round trip per file costs more than the read.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { InputError, locatedError, type InputIssue } from '../errors.js';
import { parseSource, locate, type SourceDocument, type PathSegment } from '../config/yaml-source.js';
import { toInputIssues, dotted } from '../config/zod-issues.js';
import { displayPath } from '../config/paths.js';
import { readInputFile, UnreadableFileError, type FileKind } from '../config/read-file.js';
import { CONTROL_CHARACTER, LIMITS } from '../config/limits.js';
import { didYouMean } from '../config/suggest.js';
import type { LoadedConfig } from '../config/load.js';
import { CustomerSchema, InlineCustomerSchema, InvoiceSchema, type CustomerRecord, type InvoiceRecord } from './schema.js';
import type { Customer, Invoice } from './model.js';

const DATA_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** A data problem tied to one invoice (when its id could be read) so a run can tell whose it is. */
export interface DataProblem {
  invoiceId?: string;
  issue: InputIssue;
}

export interface Workspace {
  /** the invoices that were loaded: every one for 'all', else the requested ones */
  invoices: Map<string, Invoice>;
  /** every invoice id found in the data, loaded or not (for "did you mean") */
  knownIds: Set<string>;
  problems: DataProblem[];
}

export interface Located<T> {
  record: T;
  src: SourceDocument;
  path: PathSegment[];
}

/**
 * Loads invoice data. With `wanted` ids, only the files that hold them are parsed in full (plus any
 * file whose ids a quick scan cannot tell, and any id found twice); every other file contributes its
 * ids alone, so checking one invoice does not cost parsing ten thousand.
 */
export async function loadWorkspace(loaded: LoadedConfig, wanted: ReadonlySet<string> | 'all' = 'all'): Promise<Workspace> {
  const problems: DataProblem[] = [];
  const resolve = invoiceResolver(loaded, loadCustomers(loaded, problems), problems);
  const knownIds = new Set<string>();
  const records = loadInvoiceRecords(loaded.config.data.invoices, problems, wanted, knownIds);
  const invoices = new Map<string, Invoice>();
  for (const item of records) {
    const invoice = resolve(item);
    if (invoice) invoices.set(invoice.id, invoice);
  }
  for (const p of problems) if (p.invoiceId) knownIds.add(p.invoiceId);
  return { invoices, knownIds, problems };
}

export interface Customers {
  valid: Map<string, Located<CustomerRecord>>;
  /**
   * Records whose id could be read but whose other fields are invalid, with their problems: an invoice
   * referring to one is blocked by those problems, not told that its (correct) reference is unknown.
   */
  invalid: Map<string, InputIssue[]>;
}

/**
 * Turns a validated invoice record into an Invoice: its account (or the default) must exist, its
 * customer must be found (or be a valid inline one), and its id must not have been seen before in
 * this run. A record that fails any of these adds its problems and gives undefined. With `unique`, the
 * caller has already ruled out duplicates, and no record is kept (a stream holds none).
 */
export function invoiceResolver(loaded: LoadedConfig, customers: Customers, problems: DataProblem[], options: { unique?: boolean } = {}): (item: Located<InvoiceRecord>) => Invoice | undefined {
  const firstSeen = new Map<string, Located<InvoiceRecord>>();
  return (item) => {
    const { record, src, path: at } = item;
    const problem = (field: PathSegment[], message: string, key = false) =>
      problems.push({ invoiceId: record.id, issue: { path: dotted([...at, ...field]), file: src.file, ...locate(src, [...at, ...field], { key }), message } });

    const earlier = firstSeen.get(record.id);
    if (earlier) {
      const pos = locate(earlier.src, [...earlier.path, 'id']);
      problem(['id'], `"${record.id}" is a duplicate: the same id is already used at ${earlier.src.file}:${pos?.line ?? '?'}. Invoice ids must be unique.`);
      return undefined;
    }
    if (!options.unique) firstSeen.set(record.id, item);

    const accountId = record.account ?? loaded.defaultAccount;
    if (!accountId) {
      problem([], `has no "account" and the configuration sets no defaults.account; add account: <id> (one of ${[...loaded.accounts.keys()].join(', ')}).`);
      return undefined;
    }
    if (!loaded.accounts.has(accountId)) {
      problem(['account'], `is "${accountId}", which is not an account in ${displayPath(loaded.file)}.${didYouMean(accountId, loaded.accounts.keys())}`);
      return undefined;
    }

    let customer: Customer;
    if (typeof record.customer === 'string') {
      const found = customers.valid.get(record.customer);
      if (!found) {
        const broken = customers.invalid.get(record.customer);
        if (broken) {
          for (const issue of broken) problems.push({ invoiceId: record.id, issue });
          return undefined;
        }
        const where = loaded.config.data.customers ? `the customers file ${displayPath(loaded.config.data.customers)}` : 'any customers file (data.customers is not set)';
        problem(['customer'], `is "${record.customer}", which is not in ${where}.${didYouMean(record.customer, customers.valid.keys())}`);
        return undefined;
      }
      customer = toCustomer(found.record);
    } else {
      const inline = InlineCustomerSchema.safeParse(record.customer);
      if (!inline.success) {
        for (const issue of toInputIssues(inline.error, src, InlineCustomerSchema, { base: [...at, 'customer'] })) problems.push({ invoiceId: record.id, issue });
        return undefined;
      }
      customer = toCustomer(inline.data);
    }
    return toInvoice(record, accountId, customer, src, at);
  };
}

// `id: INV-1001` at the top level of a one-invoice YAML file. Quoted, or plain starting with a letter
// (a plain 1001 or 0x10 is a number to YAML; those files are parsed in full). A comment needs a space
// before its "#": `id: INV#7` is the id "INV#7".
const topLevel = (key: string) => new RegExp(`^${key}:[ \\t]*(?:"([^"\\\\\\n]*)"|'([^'\\n]*)'|([A-Za-z][^\\n]*?))[ \\t]*(?:[ \\t]#.*)?$`, 'gm');
const TOP_LEVEL = { id: topLevel('id'), account: topLevel('account'), status: topLevel('status') };

/** The invoice ids a file holds, when a scan can tell for sure; undefined means "parse it". */
export function scanIds(text: string, file: string): string[] | undefined {
  if (!/\.ya?ml$/i.test(file) || /^[-[{]/m.test(text)) return undefined; // JSON, a top-level list, or flow style
  const id = scanField(text, 'id');
  return id === undefined ? undefined : [id];
}

/**
 * The value of a top-level field of a one-invoice YAML file, as YAML would read it, when a scan can tell
 * for sure (exactly one such line, a string, no ": " or tab inside); else undefined. Call only on a file
 * scanIds could read.
 */
export function scanField(text: string, key: keyof typeof TOP_LEVEL): string | undefined {
  const found = [...text.matchAll(TOP_LEVEL[key])];
  if (found.length !== 1) return undefined;
  const value = found[0]![1] ?? found[0]![2] ?? found[0]![3]!;
  const plain = found[0]![3] !== undefined;
  if (plain && (/: |\t/.test(value) || ['null', 'true', 'false', 'yes', 'no'].includes(value.toLowerCase()))) return undefined;
  // A value the schema would refuse is left to the full parse, which reports it at its line.
  if (value.length > LIMITS.id || CONTROL_CHARACTER.test(value)) return undefined;
  return value;
}

function toCustomer(record: Partial<CustomerRecord>): Customer {
  return { id: record.id, name: record.name, email: record.email, phone: record.phone, metadata: record.metadata ?? {} };
}

function toInvoice(record: InvoiceRecord, accountId: string, customer: Customer, src: SourceDocument, at: PathSegment[]): Invoice {
  const lines = record.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitAmount: l.unit_amount, amount: Math.round(l.quantity * l.unit_amount) }));
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  return {
    id: record.id,
    number: record.number ?? record.id,
    accountId,
    status: record.status,
    statusRaw: String(valueAtPath(src.value, [...at, 'status']) ?? record.status),
    customer,
    sendTo: { email: record.send_to?.email, phone: record.send_to?.phone },
    currency: record.currency.toUpperCase(),
    lines,
    total,
    declaredTotal: record.total,
    amountPaid: record.amount_paid,
    amountDue: total - record.amount_paid,
    issuedOn: record.issued_on,
    dueOn: record.due_on,
    metadata: record.metadata ?? {},
    source: sourceOf(src, at),
  };
}

/**
 * Where an invoice is defined. A parsed YAML document is large (its syntax tree and every position), so
 * the line is read now and the document is not kept: a batch of 10,000 one-invoice files would otherwise
 * hold 10,000 syntax trees. JSON keeps a getter: its positions need a second parse, worth paying only
 * when a report needs them.
 */
function sourceOf(src: SourceDocument, at: PathSegment[]): Invoice['source'] {
  if (Object.getOwnPropertyDescriptor(src, 'doc')?.get === undefined) return { file: src.file, line: locate(src, at)?.line };
  return {
    file: src.file,
    get line() {
      return locate(src, at)?.line;
    },
  };
}

function valueAtPath(value: unknown, at: PathSegment[]): unknown {
  return at.reduce<unknown>((node, seg) => (node as Record<string, unknown> | undefined)?.[seg as string], value);
}

/** The invoice files under data.invoices (a folder of .yaml/.yml/.json files, or one file), sorted. */
export function listInvoiceFiles(location: string): string[] {
  let info;
  try {
    info = statSync(location);
  } catch {
    throw new InputError('DATA_INVALID', `The invoices location ${displayPath(location)} (data.invoices in the configuration) does not exist.`, {
      hint: 'data.invoices is a folder of .yaml/.yml/.json invoices, or one file holding a list; relative paths are relative to the configuration file.',
    });
  }
  if (!info.isDirectory()) return [location];
  return readdirSync(location).filter((f) => DATA_EXTENSIONS.has(path.extname(f).toLowerCase())).sort().map((f) => path.join(location, f));
}

function loadInvoiceRecords(location: string, problems: DataProblem[], wanted: ReadonlySet<string> | 'all', knownIds: Set<string>): Array<Located<InvoiceRecord>> {
  const files = listInvoiceFiles(location);
  const texts = files.map((file) => ({ file, text: readText(file, problems, undefined, invoiceFileKind(location, file)) }));
  const scanned = texts.map(({ file, text }) => (text === undefined ? undefined : scanIds(text, file)));
  const seen = new Map<string, number>();
  for (const ids of scanned) for (const id of ids ?? []) seen.set(id, (seen.get(id) ?? 0) + 1);
  const out: Array<Located<InvoiceRecord>> = [];
  for (const [i, { file, text }] of texts.entries()) {
    if (text === undefined) continue;
    const ids = scanned[i];
    if (ids && wanted !== 'all' && ids.every((id) => !wanted.has(id) && seen.get(id) === 1)) {
      for (const id of ids) knownIds.add(id);
      continue;
    }
    for (const item of parseInvoiceFile(file, text, problems)) {
      knownIds.add(item.record.id);
      out.push(item);
    }
  }
  return out;
}

/** The valid invoice records of one file (one invoice, or a list); each invalid one adds its problems. */
export function parseInvoiceFile(file: string, text: string, problems: DataProblem[]): Array<Located<InvoiceRecord>> {
  const src = parseText(file, text, problems);
  if (!src) return [];
  const items: Array<{ value: unknown; path: PathSegment[] }> = Array.isArray(src.value)
    ? src.value.map((value, i) => ({ value, path: [i] }))
    : [{ value: src.value, path: [] }];
  const out: Array<Located<InvoiceRecord>> = [];
  for (const { value, path: at } of items) {
    const parsed = InvoiceSchema.safeParse(value);
    if (parsed.success) {
      out.push({ record: parsed.data, src, path: at });
      continue;
    }
    // The id the problems belong to, when it is one: an id that is itself the problem (too long, control
    // characters) would carry it into every report line, so such problems belong to the file instead.
    const rawId = value && typeof value === 'object' && 'id' in value ? readableId((value as { id: unknown }).id) : undefined;
    for (const issue of toInputIssues(parsed.error, src, InvoiceSchema, { base: at })) problems.push({ invoiceId: rawId, issue });
  }
  return out;
}

function readableId(id: unknown): string | undefined {
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  const text = String(id);
  return text.length > 0 && text.length <= LIMITS.id && !CONTROL_CHARACTER.test(text) ? text : undefined;
}

/** The customers file (data.customers), when there is one. */
export function loadCustomers(loaded: LoadedConfig, problems: DataProblem[]): Customers {
  const customers: Customers = { valid: new Map(), invalid: new Map() };
  const file = loaded.config.data.customers;
  if (!file) return customers;
  const src = readSource(file, problems, 'the customers file (data.customers)', 'customers');
  if (!src) return customers;
  if (!Array.isArray(src.value)) {
    problems.push({ issue: { path: '', file: src.file, line: 1, column: 1, message: 'the customers file must hold a list of customers: - { id: C-100, name: …, email: …, phone: … }' } });
    return customers;
  }
  src.value.forEach((value, i) => {
    const parsed = CustomerSchema.safeParse(value);
    if (!parsed.success) {
      const issues = toInputIssues(parsed.error, src, CustomerSchema as unknown as z.ZodType, { base: [i] });
      for (const issue of issues) problems.push({ issue });
      const id = value && typeof value === 'object' && 'id' in value ? readableId((value as { id: unknown }).id) : undefined;
      if (id !== undefined && !customers.valid.has(id)) customers.invalid.set(id, [...(customers.invalid.get(id) ?? []), ...issues]);
      return;
    }
    const earlier = customers.valid.get(parsed.data.id);
    if (earlier) {
      const first = locate(earlier.src, [...earlier.path, 'id']);
      problems.push({ issue: { path: `[${i}].id`, file: src.file, ...locate(src, [i, 'id']), message: `customer id "${parsed.data.id}" is a duplicate of the one at line ${first?.line ?? '?'}` } });
      return;
    }
    customers.valid.set(parsed.data.id, { record: parsed.data, src, path: [i] });
  });
  return customers;
}

/**
 * The text of an input file, through the one guard for input files (regular files only, size-capped):
 * a FIFO, a device or a directory among the invoices is a located problem, never a hang.
 */
export function readText(file: string, problems: DataProblem[], what = 'invoice file', kind: FileKind = 'invoice'): string | undefined {
  try {
    return readInputFile(file, kind);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    problems.push({ issue: { path: '', file: displayPath(file), message: `cannot read ${what}: ${error.detail}` } });
    return undefined;
  }
}

/** The size cap that applies to a file of data.invoices: one file holding the whole list may be larger. */
export function invoiceFileKind(location: string, file: string): FileKind {
  return file === location ? 'invoiceList' : 'invoice';
}

function parseText(file: string, text: string, problems: DataProblem[]): SourceDocument | undefined {
  try {
    return parseSource(text, displayPath(file), 'DATA_INVALID');
  } catch (error) {
    if (error instanceof InputError) {
      for (const issue of error.issues) problems.push({ issue });
      return undefined;
    }
    throw error;
  }
}

function readSource(file: string, problems: DataProblem[], what: string, kind: FileKind): SourceDocument | undefined {
  const text = readText(file, problems, what, kind);
  return text === undefined ? undefined : parseText(file, text, problems);
}

/**
 * The problems that stop a run for the requested invoices: every problem of those invoices, plus every
 * problem not tied to a known invoice (a file that does not parse might hold any of them).
 */
export function problemsFor(workspace: Workspace, ids: ReadonlySet<string> | 'all'): DataProblem[] {
  return distinctProblems(workspace.problems.filter((p) => ids === 'all' || p.invoiceId === undefined || ids.has(p.invoiceId)));
}

/**
 * Each problem once: a problem in a customer record is also filed under every invoice that refers to it
 * (so a batch reports those invoices as not loading), and a report of several lists it once.
 */
export function distinctProblems(problems: DataProblem[]): DataProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify([p.issue.file, p.issue.line, p.issue.column, p.issue.path, p.issue.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function dataError(problems: DataProblem[]): InputError {
  return locatedError('DATA_INVALID', problems.map((p) => p.issue), {
    subject: 'the invoice',
    hint: 'Fix the invoice data at the line named above, then run the check again. Invoice fields are described in the README under "Invoice data".',
  });
}
