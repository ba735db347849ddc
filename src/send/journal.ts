import { mkdir, open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { safeJournalLine } from '../io/sink.js';
import { classifyLine, codeOf, fsyncDirectory, JournalIndex, MAX_LINE_BYTES, sameKey, UNUSABLE } from './journal-index.js';
import type { IndexView, JournalIdentity, RawLine } from './journal-index.js';

/**
 * The send journal (outbox): an append-only JSONL file with an *intent* line before each external side
 * effect and a *result* line after it, so that a re-run after a crash knows what already happened and
 * sends each invoice exactly once. The journal is the only truth; `journal-index.ts` is a cache over it.
 *
 * Format: UTF-8, one JSON object per line, `\n`-terminated, blank lines ignored. A line that cannot be
 * read (a write cut by a crash, a damaged file) is never fatal and never silently skipped: lookups
 * report it as a JournalProblem to every invoice it may concern.
 */

/** One line of the journal. `invoice` is the key lookups use. Other fields are free-form JSON. */
export interface JournalRecord {
  v: 1;
  /** ISO time */
  at: string;
  invoice: string;
  [field: string]: unknown;
}

/** A line that could not be read: a write interrupted by a crash (torn last line), or a damaged file. */
export interface JournalProblem {
  /** byte offset of the line */
  offset: number;
  /** 1-based line number, when known */
  line?: number;
  /** first ≤120 chars, as found */
  text: string;
  /** e.g. "not valid JSON (the write was probably interrupted)" */
  reason: string;
}

export interface JournalLookup {
  /** this invoice's lines, in file order */
  records: JournalRecord[];
  /** unreadable lines that may concern this invoice (they mention its id) or cannot be attributed */
  problems: JournalProblem[];
}

/** Counters for tests and benchmarks: what lookups cost. */
export interface JournalStats {
  /** bytes read sequentially by index builds and catch-ups */
  bytesScanned: number;
  /** lines handed to JSON.parse (while indexing and while answering lookups) */
  linesParsed: number;
  /** lines read back at their indexed offset */
  linesRead: number;
  /** bytes read by positioned reads (lines, fingerprints) */
  bytesRead: number;
  /** bytes of index files read */
  indexBytesRead: number;
  /** full scans of the journal to (re)build the index */
  rebuilds: number;
  /** scans of only the part appended since the index was last brought up to date */
  catchUps: number;
  /** set when the index could not be saved (e.g. "EACCES"); lookups then index in memory */
  indexUnavailable?: string;
}

/** The journal could not be read or written. The message says which file and why, for a person. */
export class JournalError extends Error {
  readonly file: string;

  constructor(message: string, file: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JournalError';
    this.file = file;
  }
}

const NEWLINE = 0x0a;
const PROBLEM_TEXT_CHARS = 120;
/** Lookups that find the index disagreeing with the file rebuild it once, then fall back to a scan. */
const INDEXED_ATTEMPTS = 2;
/** How long a write in progress in another process may plausibly stay half-visible. */
const UNFINISHED_RECHECK_MS = 20;

export class Journal {
  readonly file: string;
  readonly stats: JournalStats = { bytesScanned: 0, linesParsed: 0, linesRead: 0, bytesRead: 0, indexBytesRead: 0, rebuilds: 0, catchUps: 0 };
  private readonly index: JournalIndex;
  private appendHandle: FileHandle | null = null;
  private closed = false;
  /** operations of one instance run one at a time: no duplicate rebuilds, appends in call order */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(file: string) {
    this.file = file;
    this.index = new JournalIndex(file, this.stats);
  }

  /**
   * Opens the journal at `file`; a missing file is an empty journal. Writes nothing: the directory is
   * created on the first append, so a dry run or `status` leaves no trace.
   */
  static async open(file: string): Promise<Journal> {
    const resolved = path.resolve(file);
    try {
      if (!(await stat(resolved)).isFile()) throw new JournalError(`The send journal ${resolved} is not a file.`, resolved);
    } catch (error) {
      if (error instanceof JournalError) throw error;
      if (codeOf(error) !== 'ENOENT' && codeOf(error) !== 'ENOTDIR') throw ioError('read', resolved, error);
    }
    return new Journal(resolved);
  }

  /** This invoice's records in file order, and the unreadable lines that may concern it. */
  async lookup(invoice: string): Promise<JournalLookup> {
    checkInvoiceId(invoice);
    return this.serially(async () => {
      const first = await this.lookupOnce(invoice);
      if (!first.unfinished) return first.answer;
      // The last line has no `\n` yet: most likely another process's write, caught half-copied.
      // Look again a moment later before reporting it as torn.
      await sleep(UNFINISHED_RECHECK_MS);
      return (await this.lookupOnce(invoice)).answer;
    });
  }

  private async lookupOnce(invoice: string): Promise<{ answer: JournalLookup; unfinished: boolean }> {
    let fh: FileHandle;
    try {
      fh = await open(this.file, 'r');
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return { answer: { records: [], problems: [] }, unfinished: false };
      throw ioError('read', this.file, error);
    }
    try {
      const st = await fh.stat({ bigint: true });
      const id: JournalIdentity = { ino: String(st.ino), dev: String(st.dev), size: Number(st.size) };
      if (id.size === 0) return { answer: { records: [], problems: [] }, unfinished: false };
      for (let attempt = 0; attempt < INDEXED_ATTEMPTS; attempt++) {
        const view = await this.index.sync(fh, id, attempt > 0);
        const answer = await this.answer(fh, view, invoice);
        if (answer !== UNUSABLE) return { answer, unfinished: view.tail !== null };
      }
      // Still disagreeing right after a rebuild: the file is changing under us. A scan is always right.
      const view = await this.index.scanAll(fh, id);
      const answer = await this.answer(fh, view, invoice);
      if (answer === UNUSABLE) throw new JournalError(`The send journal ${this.file} changed while it was being read. Try again.`, this.file);
      return { answer, unfinished: view.tail !== null };
    } catch (error) {
      throw ioError('read', this.file, error);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /**
   * Appends one record and resolves once it is on disk. One write() of the whole line on an O_APPEND
   * descriptor, so lines from concurrent processes never interleave; then fdatasync.
   */
  async append(record: JournalRecord): Promise<void> {
    if (record === null || typeof record !== 'object' || record.v !== 1) throw new TypeError('journal record: v must be 1');
    checkInvoiceId(record.invoice);
    // `v` and `invoice` first: a line cut short still says which invoice it was about.
    const { v, invoice, ...rest } = record;
    // The redaction boundary, as for every byte written: a provider's error quoting a key stays out.
    const json = safeJournalLine({ v, invoice, ...rest });
    return this.serially(async () => {
      if (this.closed) throw new JournalError(`The send journal ${this.file} is closed.`, this.file);
      try {
        const fh = await this.openForAppend();
        // A crash (ours or another process's) may have left a line without its `\n`: start a new line,
        // so that the fragment stays a separate, reported problem and this record stays intact.
        const separator = (await endsLine(fh)) ? '' : '\n';
        const data = Buffer.from(`${separator}${json}\n`, 'utf8');
        const { bytesWritten } = await fh.write(data, 0, data.length);
        if (bytesWritten !== data.length) {
          throw new JournalError(`Cannot write the send journal ${this.file}: only ${bytesWritten} of ${data.length} bytes were written (is the disk full?).`, this.file);
        }
        await fh.datasync();
      } catch (error) {
        throw ioError('write', this.file, error);
      }
    });
  }

  close(): Promise<void> {
    return this.serially(async () => {
      this.closed = true;
      const fh = this.appendHandle;
      this.appendHandle = null;
      await fh?.close();
    });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async openForAppend(): Promise<FileHandle> {
    if (this.appendHandle) return this.appendHandle;
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true });
    const existed = await stat(this.file).then(() => true, () => false);
    this.appendHandle = await open(this.file, 'a+');
    if (!existed) await fsyncDirectory(dir); // the new file's name must survive a power cut too
    return this.appendHandle;
  }

  /** Reads this invoice's lines at their indexed offsets; UNUSABLE when the index disagrees with the file. */
  private async answer(fh: FileHandle, view: IndexView, invoice: string): Promise<JournalLookup | typeof UNUSABLE> {
    const offsets = await view.offsets(invoice);
    const problemRefs = await view.problems();
    if (offsets === UNUSABLE || problemRefs === UNUSABLE) return UNUSABLE;

    const records: JournalRecord[] = [];
    for (const offset of uniqueSorted(offsets)) {
      if (offset >= view.covered) continue; // indexed by a concurrent catch-up beyond this lookup's moment
      const raw = await this.readLineAt(fh, offset, view.covered);
      if (!raw) return UNUSABLE;
      const line = classifyLine(raw.bytes, raw.tooLong, this.stats);
      if (line.kind !== 'record') return UNUSABLE;
      if (line.record.invoice !== invoice) {
        if (sameKey(line.record.invoice, invoice)) continue; // another id with the same index key
        return UNUSABLE;
      }
      records.push(line.record);
    }

    const problems: JournalProblem[] = [];
    const seen = new Set<number>();
    for (const ref of [...problemRefs].sort((a, b) => a.offset - b.offset)) {
      if (ref.offset >= view.covered || seen.has(ref.offset)) continue;
      seen.add(ref.offset);
      const raw = await this.readLineAt(fh, ref.offset, view.covered);
      if (!raw) return UNUSABLE;
      const line = classifyLine(raw.bytes, raw.tooLong, this.stats);
      if (line.kind !== 'problem') return UNUSABLE; // the bytes changed: not the line that was indexed
      if (concerns(line.text, invoice)) problems.push(problemOf(ref.offset, ref.line, line.text, line.reason));
    }

    if (view.tail) this.addTail(view.tail, invoice, records, problems);
    return { records, problems };
  }

  /**
   * The bytes after the last `\n`: a write cut by a crash, or one still in progress in another process.
   * A complete record there is returned (only its `\n` is missing); anything else is a problem.
   */
  private addTail(tail: RawLine, invoice: string, records: JournalRecord[], problems: JournalProblem[]): void {
    const line = classifyLine(tail.bytes, tail.tooLong, this.stats);
    if (line.kind === 'record') {
      if (line.record.invoice === invoice) records.push(line.record);
    } else if (line.kind === 'problem' && concerns(line.text, invoice)) {
      const reason = line.reason.startsWith('not valid JSON')
        ? 'incomplete last line: no newline at the end and not valid JSON (a write was interrupted, or is still in progress)'
        : `${line.reason} (last line, no newline at the end)`;
      problems.push(problemOf(tail.offset, tail.line, line.text, reason));
    }
  }

  /**
   * The complete line starting at `offset`, which must follow a `\n` and end with one before `limit`;
   * null when it does not (the index points into the middle of a line: stale).
   */
  private async readLineAt(fh: FileHandle, offset: number, limit: number): Promise<{ bytes: Buffer; tooLong: boolean } | null> {
    const from = offset === 0 ? 0 : offset - 1;
    const body = offset === 0 ? 0 : 1;
    this.stats.linesRead++;
    for (let want = 1024; ; want *= 8) {
      const length = Math.min(want, limit - from);
      if (length <= body) return null;
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await fh.read(buffer, 0, length, from);
      this.stats.bytesRead += bytesRead;
      const data = buffer.subarray(0, bytesRead);
      if (body === 1 && data[0] !== NEWLINE) return null;
      const nl = data.indexOf(NEWLINE, body);
      if (nl !== -1) {
        const tooLong = nl - body > MAX_LINE_BYTES;
        return { bytes: data.subarray(body, tooLong ? body + MAX_LINE_BYTES : nl), tooLong };
      }
      if (bytesRead < length || from + bytesRead >= limit) return null;
      if (bytesRead - body > MAX_LINE_BYTES) return { bytes: data.subarray(body, body + MAX_LINE_BYTES), tooLong: true };
    }
  }
}

/**
 * Whether the file ends with `\n`. A last byte that is not one may be another process's write caught
 * half-copied (a reader can see part of a multi-page write), so look again briefly before believing it
 * is torn: a separator then would only add a blank line, but there is no need for one.
 */
async function endsLine(fh: FileHandle): Promise<boolean> {
  const last = Buffer.alloc(1);
  for (let attempt = 0; ; attempt++) {
    const { size } = await fh.stat();
    if (size === 0) return true;
    await fh.read(last, 0, 1, size - 1);
    if (last[0] === NEWLINE) return true;
    if (attempt === 2) return false;
    await sleep(UNFINISHED_RECHECK_MS);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function checkInvoiceId(invoice: unknown): asserts invoice is string {
  if (typeof invoice !== 'string' || invoice === '') throw new TypeError('journal: the invoice id must be a non-empty string');
}

function uniqueSorted(offsets: number[]): number[] {
  return [...new Set(offsets)].sort((a, b) => a - b);
}

/** A complete `"invoice": "…"` member: a line cut inside the id could be about any id it is a prefix of. */
const ATTRIBUTION = /"invoice"\s*:\s*"(?:[^"\\]|\\.)*"/;

/** Does an unreadable line concern this invoice? Yes if it mentions the id, or says no invoice at all. */
function concerns(text: string, invoice: string): boolean {
  return text.includes(invoice) || text.includes(JSON.stringify(invoice).slice(1, -1)) || !ATTRIBUTION.test(text);
}

function problemOf(offset: number, line: number | undefined, text: string, reason: string): JournalProblem {
  let shown = text.slice(0, PROBLEM_TEXT_CHARS);
  if (/[\uD800-\uDBFF]$/.test(shown)) shown = shown.slice(0, -1); // do not cut a character in half
  return line ? { offset, line, text: shown, reason } : { offset, text: shown, reason };
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EIO: 'input/output error',
};

function ioError(action: 'read' | 'write', file: string, error: unknown): JournalError {
  if (error instanceof JournalError) return error;
  const code = codeOf(error);
  const why = (code && REASONS[code]) ?? code ?? (error instanceof Error ? error.message : String(error));
  return new JournalError(`Cannot ${action} the send journal ${file}: ${why}.`, file, { cause: error });
}
