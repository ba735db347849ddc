import { isUtf8 } from 'node:buffer';
import { mkdir, open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StateError, type StateErrorCode } from '../errors.js';
import { safeJournalLine } from '../io/sink.js';
import { classifyLine, codeOf, fsyncDirectory, JournalIndex, MAX_LINE_BYTES, sameKey, UNUSABLE } from './journal-index.js';
import type { IndexView, JournalIdentity, RawLine } from './journal-index.js';

/**
 * The send journal (outbox): an append-only JSONL file with an *intent* line before each external side
 * effect and a *result* line after it, so that a re-run after a crash knows what already happened and
 * sends each invoice exactly once. The journal is the only truth; `journal-index.ts` is a cache over it.
 *
 * Format: UTF-8, one JSON object per line, `\n`-terminated, blank lines ignored.
 *
 * Unreadable lines, and the rule that decides between "report it" and "refuse":
 * - A *torn* line is what a write cut by a crash leaves: the start of a line as `append` writes it
 *   (`{"v":1,"…`, printable JSON text of one record, possibly cut inside a character), at the end of the
 *   file or followed by the next append's line. Each line is written and fsynced before its side
 *   effect, so a torn line never stands for something that happened: it is reported (a JournalProblem,
 *   to every invoice it may concern) and otherwise ignored.
 * - Anything else unreadable is *damage* (zeros, bytes that are not UTF-8 or contain control bytes,
 *   text that is not the start of a record, a record of a format this version does not read). Damage
 *   may have swallowed whole records (a zero-filled region erases the newlines between them), so it
 *   concerns every invoice it does not clearly belong to (a complete id in the printable text of one
 *   record). A lookup of such an invoice throws JOURNAL_DAMAGED: whether it was sent is not knowable
 *   from this file, and guessing "never" would send it twice.
 * - A journal that is shorter than, or missing while, its index vouches it was: records were lost,
 *   JOURNAL_DAMAGED for every invoice.
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

/**
 * The journal could not be read or written, or is damaged in a way that could hide a record: the
 * message says which file and why, the hint what to do. Exit 3; nothing is sent while it stands.
 */
export class JournalError extends StateError {
  constructor(code: StateErrorCode, message: string, file: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, file, hint, options);
    this.name = 'JournalError';
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
      const st = await stat(resolved);
      if (!st.isFile()) {
        const what = st.isDirectory() ? 'a folder' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : 'not a file';
        throw new JournalError('JOURNAL_UNREADABLE', `The send journal ${resolved} is not a regular file (it is ${what}).`, resolved, `Set \`journal:\` in the configuration to the path of a file (default ./.invoice-doctor/journal.jsonl). ${NOTHING_SENT}`);
      }
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
      if (!first.unfinished) return this.checkComplete(invoice, first.answer);
      // The last line has no `\n` yet: most likely another process's write, caught half-copied.
      // Look again a moment later before reporting it as torn.
      await sleep(UNFINISHED_RECHECK_MS);
      return this.checkComplete(invoice, (await this.lookupOnce(invoice)).answer);
    });
  }

  /**
   * A try's commit or result is written only after its intent was flushed, so one without its intent is
   * not what a crash leaves: the intent line was lost (deleted, or cut short in the middle of the file).
   * What that try was — and so whether the invoice was sent — cannot be known: refuse, never "not sent".
   */
  private checkComplete(invoice: string, answer: JournalLookup): JournalLookup {
    const intents = new Set<string>();
    for (const r of answer.records) {
      if ((r.step !== 'email' && r.step !== 'sms') || typeof r.attempt !== 'string') continue;
      const key = `${r.step}:${r.attempt}`;
      if (r.phase === 'intent') intents.add(key);
      else if ((r.phase === 'commit' || r.phase === 'result') && !intents.has(key)) {
        throw new JournalError(
          'JOURNAL_DAMAGED',
          `The send journal ${this.file} has the ${r.phase} of a ${r.step === 'email' ? 'email' : 'SMS'} try of invoice ${invoice} (attempt ${r.attempt}, ${String(r.at)}) without its intent line, which is always written first: lines were lost, so whether ${invoice} was already sent cannot be known from the journal.`,
          this.file,
          `Restore the journal from a backup; the provider's logs (the SMTP server, Twilio's console) tell whether ${invoice} was sent (then record it with \`invoice-doctor settle\`, once the journal is whole). ${NOTHING_SENT}`,
        );
      }
    }
    return answer;
  }

  private async lookupOnce(invoice: string): Promise<{ answer: JournalLookup; unfinished: boolean }> {
    // Read before the journal's size: the journal only grows, so a concurrent append cannot make this look like loss.
    const vouched = await this.index.vouchedSize();
    let fh: FileHandle;
    try {
      fh = await open(this.file, 'r');
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') throw ioError('read', this.file, error);
      this.checkNotShrunk(vouched, null);
      return { answer: { records: [], problems: [] }, unfinished: false };
    }
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      const id: JournalIdentity = { ino: String(st.ino), dev: String(st.dev), size: Number(st.size) };
      this.checkNotShrunk(vouched, id.size);
      if (id.size === 0) return { answer: { records: [], problems: [] }, unfinished: false };
      for (let attempt = 0; attempt < INDEXED_ATTEMPTS; attempt++) {
        const view = await this.index.sync(fh, id, attempt > 0);
        const answer = await this.answer(fh, view, invoice);
        if (answer !== UNUSABLE) return { answer, unfinished: view.tail !== null };
      }
      // Still disagreeing right after a rebuild: the file is changing under us. A scan is always right.
      const view = await this.index.scanAll(fh, id);
      const answer = await this.answer(fh, view, invoice);
      if (answer === UNUSABLE) throw new JournalError('JOURNAL_UNREADABLE', `The send journal ${this.file} changed while it was being read.`, this.file, `Run the command again. ${NOTHING_SENT}`);
      return { answer, unfinished: view.tail !== null };
    } catch (error) {
      throw ioError('read', this.file, error);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /** A journal shorter than its index says it was (or gone) lost records: refuse rather than forget sends. */
  private checkNotShrunk(vouched: number | null, size: number | null): void {
    if (vouched === null || vouched === 0 || (size !== null && size >= vouched)) return;
    const now = size === null ? 'is missing' : `is ${size} bytes long`;
    throw new JournalError(
      'JOURNAL_DAMAGED',
      `The send journal ${this.file} ${now}, but its index (${this.index.dir}) shows it held ${vouched} bytes: records of earlier sends were lost (truncated, deleted or replaced by an older copy).`,
      this.file,
      `Restore ${this.file} from a backup. If you replaced or emptied it on purpose and know which invoices were sent, delete the folder ${this.index.dir} (a cache, rebuilt from the journal). ${NOTHING_SENT}`,
    );
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
      if (this.closed) throw new TypeError(`journal: ${this.file} is closed`); // a bug, not a state of the disk
      try {
        const fh = await this.openForAppend();
        // A crash (ours or another process's) may have left a line without its `\n`: start a new line,
        // so that the fragment stays a separate, reported problem and this record stays intact.
        const separator = (await endsLine(fh)) ? '' : '\n';
        const data = Buffer.from(`${separator}${json}\n`, 'utf8');
        const { bytesWritten } = await fh.write(data, 0, data.length);
        if (bytesWritten !== data.length) {
          throw Object.assign(new Error(`only ${bytesWritten} of ${data.length} bytes were written`), { code: 'ENOSPC' });
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
    const damage: JournalProblem[] = [];
    const seen = new Set<number>();
    for (const ref of [...problemRefs].sort((a, b) => a.offset - b.offset)) {
      if (ref.offset >= view.covered || seen.has(ref.offset)) continue;
      seen.add(ref.offset);
      const raw = await this.readLineAt(fh, ref.offset, view.covered);
      if (!raw) return UNUSABLE;
      const line = classifyLine(raw.bytes, raw.tooLong, this.stats);
      if (line.kind !== 'problem') return UNUSABLE; // the bytes changed: not the line that was indexed
      if (concerns(line.text, invoice)) (isTorn(raw.bytes, raw.tooLong) ? problems : damage).push(problemOf(ref.offset, ref.line, line.text, line.reason));
    }

    if (view.tail) this.addTail(view.tail, invoice, records, problems, damage);
    if (damage.length > 0) throw this.damaged(invoice, damage);
    return { records, problems };
  }

  private damaged(invoice: string, damage: JournalProblem[]): JournalError {
    const [first] = damage as [JournalProblem];
    const reason = first.reason.replace(' (the write was probably interrupted)', ''); // it was not: it is damage
    const where = `${this.file}${first.line ? `:${first.line}` : ''} (byte ${first.offset})`;
    // A few characters are enough to find the line; zeros would print as a wall of \u0000.
    const shown = `${JSON.stringify(first.text.slice(0, 40))}${first.text.length > 40 ? '…' : ''}`;
    const more = damage.length > 1 ? ` (and ${damage.length - 1} more damaged line${damage.length > 2 ? 's' : ''})` : '';
    return new JournalError(
      'JOURNAL_DAMAGED',
      `The send journal is damaged at ${where}: ${reason}: ${shown}${more}. That is not a line invoice-doctor writes, nor one cut short by a crash, and it could hide a record of invoice ${invoice}: whether ${invoice} was already sent cannot be known from the journal.`,
      this.file,
      `Restore the journal from a backup, or repair or remove the damaged line${damage.length > 1 ? 's' : ''} if you know what ${damage.length > 1 ? 'they were' : 'it was'} (then delete the folder ${this.index.dir}, a cache rebuilt from the journal). The provider's logs (the SMTP server, Twilio's console) tell whether ${invoice} was sent. ${NOTHING_SENT}`,
    );
  }

  /**
   * The bytes after the last `\n`: a write cut by a crash, or one still in progress in another process.
   * A complete record there is returned (only its `\n` is missing); anything else is a problem.
   */
  private addTail(tail: RawLine, invoice: string, records: JournalRecord[], problems: JournalProblem[], damage: JournalProblem[]): void {
    const line = classifyLine(tail.bytes, tail.tooLong, this.stats);
    if (line.kind === 'record') {
      if (line.record.invoice === invoice) records.push(line.record);
    } else if (line.kind === 'problem' && concerns(line.text, invoice) && !isTorn(tail.bytes, tail.tooLong)) {
      damage.push(problemOf(tail.offset, tail.line, line.text, `${line.reason} (last line, no newline at the end)`));
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

/** How every line starts: `append` writes `v` first; the order of the other keys is not relied on. */
const LINE_START = '{"v":1,"';
/** A complete `"invoice": "…"` member: a line cut inside the id could be about any id it is a prefix of. */
const ATTRIBUTION = /"invoice"\s*:\s*"(?:[^"\\]|\\.)*"/;

// eslint-disable-next-line no-control-regex
const FOREIGN = /[\u0000-\u001f\u007f\ufffd]/;

/** Another record starts inside this line: lines joined by a lost newline, or by zeros over one. */
const joined = (text: string): boolean => /\{\s*"v"\s*:/.test(text.slice(1));

/**
 * Does an unreadable line concern this invoice? Yes if it mentions the id, or is not clearly another
 * invoice's: no complete id, bytes no line of ours holds (zeros, control bytes, replaced invalid
 * UTF-8: damage may have joined them to the rest of any line), or the start of a second record.
 */
function concerns(text: string, invoice: string): boolean {
  if (text.includes(invoice) || text.includes(JSON.stringify(invoice).slice(1, -1))) return true;
  // (a character cut at the very end is what a torn write leaves, not a foreign byte)
  return !ATTRIBUTION.test(text) || FOREIGN.test(text.replace(/\ufffd+$/, '')) || joined(text);
}

/**
 * Is this unreadable line what a cut write leaves — the start of one line of ours: `{"v":1,"…`,
 * printable UTF-8 (a character may be cut at the very end), one record only, not complete JSON —
 * rather than damage?
 */
function isTorn(bytes: Buffer, tooLong: boolean): boolean {
  if (tooLong || bytes.length === 0) return false;
  const head = bytes.subarray(0, LINE_START.length).toString('latin1');
  if (!LINE_START.startsWith(head)) return false;
  let end = bytes.length;
  for (let i = 0; i < 3 && end > 0 && (bytes[end - 1]! & 0xc0) === 0x80; i++) end--;
  if (end > 0 && bytes[end - 1]! >= 0xc0) end--;
  else if (end < bytes.length) end = bytes.length; // continuation bytes of a complete character: keep them
  const whole = bytes.subarray(0, end);
  if (!isUtf8(whole)) return false;
  const text = whole.toString('utf8');
  if (FOREIGN.test(text) || joined(text)) return false;
  try {
    JSON.parse(text);
    return false; // complete JSON that is still a problem (not a record, another version): not a cut
  } catch {
    return true;
  }
}

function problemOf(offset: number, line: number | undefined, text: string, reason: string): JournalProblem {
  let shown = text.slice(0, PROBLEM_TEXT_CHARS);
  if (/[\uD800-\uDBFF]$/.test(shown)) shown = shown.slice(0, -1); // do not cut a character in half
  return line ? { offset, line, text: shown, reason } : { offset, text: shown, reason };
}

/** Said of every refusal: the journal is written before each side effect, so a stop here sends nothing more. */
const NOTHING_SENT = 'Nothing more is sent until the journal can be read and written: each send is recorded before it happens.';

/** What an errno means for a person, and what to do about it. */
const IO_ERRORS: Record<string, { why: string; fix: string }> = {
  EACCES: { why: 'permission denied', fix: 'give the user running invoice-doctor read and write access to it and its folder, or set `journal:` in the configuration to a path it can write' },
  EPERM: { why: 'operation not permitted (the file or its folder may be read-only or immutable)', fix: 'check its permissions and attributes (`lsattr`: the immutable flag), or set `journal:` in the configuration to a writable path' },
  EROFS: { why: 'the file system is read-only', fix: 'remount that file system read-write, or set `journal:` in the configuration to a path on a writable disk' },
  ENOSPC: { why: 'the disk is full', fix: 'free some space on that disk, then run the command again' },
  EDQUOT: { why: 'the disk quota is exhausted', fix: 'free some space (or raise the quota), then run the command again' },
  EISDIR: { why: 'it is a folder, not a file', fix: 'set `journal:` in the configuration to the path of a file (default ./.invoice-doctor/journal.jsonl)' },
  ENOTDIR: { why: 'a part of its path is a file, not a folder', fix: 'set `journal:` in the configuration to a path whose folders are folders, or move the file that is in the way' },
  EIO: { why: 'input/output error (the disk failed)', fix: 'check the disk (the system log says more); restore the journal from a backup if it is damaged' },
  EMFILE: { why: 'too many open files', fix: 'raise the open-file limit (`ulimit -n`) or run fewer commands at once, then run again' },
  ENFILE: { why: 'too many open files on this system', fix: 'close some programs, then run the command again' },
  ELOOP: { why: 'too many symbolic links in its path', fix: 'set `journal:` in the configuration to a path without a symbolic-link loop' },
  ENAMETOOLONG: { why: 'its path is too long', fix: 'set `journal:` in the configuration to a shorter path' },
};

/**
 * An I/O error on the send state as a documented JournalError: the file, the errno in words, what to
 * do. `what` names the file's role ("the send journal", "the lock file").
 */
export function ioError(action: 'read' | 'write', file: string, error: unknown, what = 'the send journal'): JournalError {
  if (error instanceof JournalError) return error;
  const code = codeOf(error);
  const known = code ? IO_ERRORS[code] : undefined;
  const why = known ? `${known.why} (${code})` : (code ?? (error instanceof Error ? error.message : String(error)));
  const fix = known?.fix ?? 'check the file and the disk, then run the command again';
  return new JournalError(action === 'read' ? 'JOURNAL_UNREADABLE' : 'JOURNAL_UNWRITABLE', `Cannot ${action} ${what} ${file}: ${why}.`, file, `${fix[0]!.toUpperCase()}${fix.slice(1)}. ${NOTHING_SENT}`, { cause: error });
}
