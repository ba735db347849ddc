import { createHash, randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { constants, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { JournalRecord, JournalStats } from './journal.js';

/**
 * The rebuildable lookup cache of the send journal, so that a lookup costs the lines of one invoice
 * and not a scan of a journal that grows by a few lines per invoice sent, forever.
 *
 * On disk, next to the journal `<journal>`:
 *
 *   <journal>.index/watermark.json   {"v":2,"gen":"g-…","size":…,"lines":…,"ino":"…","dev":"…","fp":"…","delta":…,
 *                                     "deltaBytes":…,"deltaSum":"…","problemsBytes":…,"problemsSum":"…","sum":"…"}
 *   <journal>.index/<gen>.base       offsets of every line indexed by the last rebuild, bucketed by invoice
 *   <journal>.index/<gen>.delta      "<key> <offset>;" for lines indexed since (catch-ups append here)
 *   <journal>.index/<gen>.problems   "<offset> <line number>" of every unreadable line
 *
 * Every file proves itself before a lookup trusts it, because a file that reads as "no entry" (zero-
 * filled after a crash, truncated, an older copy) would make a sent invoice look unsent: the watermark
 * carries a checksum of its own fields, the length and checksum of the part of the delta and problems
 * files it vouches for; the base carries its generation in a checked header, its exact length, and a
 * checksum per bucket (so a lookup still reads one bucket, not the whole base). Whatever fails a check
 * is UNUSABLE: the index is rebuilt from the journal. The watermark's size is also the evidence that
 * the journal once was that long: a journal now shorter, or gone, lost records (see Journal.lookup).
 *
 * The watermark says "every complete line before byte `size` of the file with this inode is in
 * generation `gen`". A rebuild writes a generation whole and publishes it by renaming a new watermark
 * into place; catch-ups only append to its delta and problems. Every file of a live generation exists,
 * so a missing one means "a newer rebuild retired it", never "this invoice has no lines". Anything
 * that does not add up (another inode, a shorter file, changed bytes, an offset that points at another
 * invoice's line) throws the index away and the journal is scanned again: the journal is the truth.
 *
 * A base is one file however many invoices there are (one file per invoice cost 4 KB of disk and an
 * fsync each: 17 s and 400 MB to index 100,000 invoices), and a lookup reads one bucket of it: two small
 * reads. The delta is read whole, so it is kept short: past DELTA_MAX_ENTRIES the next catch-up rebuilds.
 *
 * Everything an index file claims is fsynced before the watermark that covers it is published: a
 * watermark that survives a power cut while an offset does not would make a sent invoice look unsent.
 */

/** Longest line we hold in memory. Journal records are a few hundred bytes; anything this long is damage. */
export const MAX_LINE_BYTES = 1 << 20;
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const WATERMARK = 'watermark.json';
/** Lines indexed by catch-ups before the next one rebuilds instead (~60 KB of delta read per lookup). */
const DELTA_MAX_ENTRIES = 2048;
/** Generations and temporary files older than this that nothing points at are left-overs of a crash. */
const ORPHAN_AGE_MS = 10 * 60_000;
const BASE_MAGIC = 'IDJ2';
const BASE_HEADER_BYTES = 16;
/** A fan-out row: where the bucket's entries start (uint32 LE), then the bucket's check (uint32 LE). */
const BASE_ROW_BYTES = 8;
const BASE_ENTRY_BYTES = 16;

/**
 * A file-name-safe, collision-resistant name for an invoice id, which may contain any character:
 * the readable part helps a person find the file, the hash keeps `A/1` and `A:1` (and `a` and `A` on a
 * case-insensitive disk) apart. Used for lock files.
 */
export function safeName(invoice: string): string {
  const readable = invoice.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 48);
  const hash = createHash('sha256').update(invoice, 'utf8').digest('hex').slice(0, 16);
  return `${readable}-${hash}`;
}

/**
 * The 64-bit index key of an invoice id (cyrb53's mixing, both halves kept). Not cryptographic and
 * need not be: two ids with one key only cost a line read, since every indexed line is checked.
 */
export function invoiceKey(invoice: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < invoice.length; i++) {
    const ch = invoice.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

export const sameKey = (a: string, b: string): boolean => {
  const [a1, a2] = invoiceKey(a);
  const [b1, b2] = invoiceKey(b);
  return a1 === b1 && a2 === b2;
};

const keyHex = ([h1, h2]: [number, number]) => h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');

export type ClassifiedLine =
  | { kind: 'blank' }
  | { kind: 'record'; record: JournalRecord }
  | { kind: 'problem'; reason: string; text: string };

/** The one rule for what a journal line is: a record, nothing (blank), or a problem to report. */
export function classifyLine(bytes: Buffer, tooLong: boolean, stats: JournalStats): ClassifiedLine {
  const text = bytes.toString('utf8');
  if (tooLong) return { kind: 'problem', reason: `line longer than ${MAX_LINE_BYTES} bytes (the file is damaged)`, text };
  if (text.trim() === '') return { kind: 'blank' };
  if (!isUtf8(bytes)) return { kind: 'problem', reason: 'not valid UTF-8 (the file is damaged)', text };
  stats.linesParsed++;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'problem', reason: 'not valid JSON (the write was probably interrupted)', text };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'problem', reason: 'not a JSON object', text };
  const record = value as Record<string, unknown>;
  if (typeof record.invoice !== 'string') return { kind: 'problem', reason: 'has no "invoice" text field', text };
  // A newer format may mean something this version cannot see; reporting it beats guessing.
  if (record.v !== 1) return { kind: 'problem', reason: `record version ${JSON.stringify(record.v) ?? 'missing'} is not one this version reads`, text };
  return { kind: 'record', record: record as JournalRecord };
}

/** One raw line: `bytes` excludes the `\n`; `tooLong` lines keep only their first MAX_LINE_BYTES. */
export interface RawLine {
  offset: number;
  /** 1-based line number */
  line: number;
  bytes: Buffer;
  tooLong: boolean;
}

export interface ProblemRef {
  offset: number;
  line?: number;
}

/** What one scan of a byte range found. */
export interface ScanBatch {
  /** offset just after the last complete (`\n`-terminated) line scanned */
  end: number;
  /** number of complete lines before `end` */
  lines: number;
  byInvoice: Map<string, number[]>;
  problems: ProblemRef[];
  /** bytes after the last `\n`: a torn write, or one still in progress */
  tail: RawLine | null;
}

/**
 * Reads [start, size) in chunks (the whole journal is never held as one string) and classifies every
 * complete line. Stops at `size` even if the file grew meanwhile: a lookup answers for one moment.
 */
export async function scanJournal(fh: FileHandle, start: number, size: number, linesBefore: number, stats: JournalStats): Promise<ScanBatch> {
  const batch: ScanBatch = { end: start, lines: linesBefore, byInvoice: new Map(), problems: [], tail: null };
  const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK_BYTES, size - start)));
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let lineStart = start;
  let position = start;

  const keep = (piece: Buffer) => {
    const room = MAX_LINE_BYTES - pendingBytes;
    if (piece.length > room) tooLong = true;
    const kept = piece.length > room ? piece.subarray(0, Math.max(0, room)) : piece;
    if (kept.length === 0) return;
    pending.push(Buffer.from(kept)); // the chunk buffer is reused: copy
    pendingBytes += kept.length;
  };
  const take = (last: Buffer): Buffer => {
    if (pending.length === 0) return last;
    keep(last);
    return Buffer.concat(pending, pendingBytes);
  };

  while (position < size) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, size - position), position);
    if (bytesRead === 0) break; // truncated under us; the next lookup sees the smaller file and rebuilds
    stats.bytesScanned += bytesRead;
    const data = chunk.subarray(0, bytesRead);
    let from = 0;
    for (;;) {
      const nl = data.indexOf(NEWLINE, from);
      if (nl === -1) {
        keep(data.subarray(from));
        break;
      }
      const bytes = take(data.subarray(from, nl)); // may find the line too long
      const line: RawLine = { offset: lineStart, line: batch.lines + 1, bytes, tooLong };
      const classified = classifyLine(line.bytes, line.tooLong, stats);
      if (classified.kind === 'record') {
        const list = batch.byInvoice.get(classified.record.invoice);
        if (list) list.push(line.offset);
        else batch.byInvoice.set(classified.record.invoice, [line.offset]);
      } else if (classified.kind === 'problem') {
        batch.problems.push({ offset: line.offset, line: line.line });
      }
      batch.lines++;
      lineStart = position + nl + 1;
      batch.end = lineStart;
      pending = [];
      pendingBytes = 0;
      tooLong = false;
      from = nl + 1;
    }
    position += bytesRead;
  }
  if (pendingBytes > 0 || tooLong) {
    batch.tail = { offset: lineStart, line: batch.lines + 1, bytes: Buffer.concat(pending, pendingBytes), tooLong };
  }
  return batch;
}

/** Returned by a view when the index changed under the lookup (a newer rebuild, a damaged file): rebuild, retry. */
export const UNUSABLE = Symbol('index unusable');
export type Unusable = typeof UNUSABLE;

/** What a lookup reads: offsets from the index, valid for the complete lines before `covered`. */
export interface IndexView {
  covered: number;
  tail: RawLine | null;
  offsets(invoice: string): Promise<number[] | Unusable>;
  problems(): Promise<ProblemRef[] | Unusable>;
}

interface Watermark {
  v: 2;
  gen: string;
  size: number;
  lines: number;
  ino: string;
  dev: string;
  /** hash of the first and the last 256 bytes before `size`: catches a file rewritten in place */
  fp: string;
  /** entries appended to the delta since the rebuild */
  delta: number;
  /** the first deltaBytes bytes of the delta are vouched for, and hash to deltaSum; later bytes are not yet */
  deltaBytes: number;
  deltaSum: string;
  problemsBytes: number;
  problemsSum: string;
  /** checksum of all the fields above: a watermark that is valid JSON but not the one written fails it */
  sum: string;
}

type WatermarkFields = Omit<Watermark, 'sum'>;

/** What part of the delta and problems files a watermark vouches for. */
type Vouched = Pick<Watermark, 'deltaBytes' | 'deltaSum' | 'problemsBytes' | 'problemsSum'>;

/** The identity of the open journal at the moment of a lookup. */
export interface JournalIdentity {
  ino: string;
  dev: string;
  size: number;
}

interface MemoryIndex extends JournalIdentity {
  lines: number;
  fp: string;
  byInvoice: Map<string, number[]>;
  problems: ProblemRef[];
}

export class JournalIndex {
  readonly dir: string;
  /** set once the index could not be written: from then on this instance indexes in memory */
  private memory: MemoryIndex | null = null;

  constructor(
    readonly journalFile: string,
    private readonly stats: JournalStats,
  ) {
    this.dir = `${journalFile}.index`;
  }

  /** Brings the index up to the complete lines of `fh` (already open, identified by `id`) and returns a view of it. */
  async sync(fh: FileHandle, id: JournalIdentity, rebuild: boolean): Promise<IndexView> {
    if (this.memory) return this.syncMemory(fh, id, rebuild);
    const wm = await this.readWatermark();
    if (!rebuild && wm && wm.ino === id.ino && wm.dev === id.dev && wm.size <= id.size && (await this.fingerprint(fh, wm.size)) === wm.fp) {
      if (wm.size === id.size) return this.diskView(wm.gen, wm, wm.size, null, null);
      this.stats.catchUps++;
      const batch = await scanJournal(fh, wm.size, id.size, wm.lines, this.stats);
      if (batch.end === wm.size) return this.diskView(wm.gen, wm, wm.size, null, batch.tail);
      const added = entryCount(batch.byInvoice);
      if (wm.delta + added <= DELTA_MAX_ENTRIES) {
        try {
          const vouched = await this.appendToGeneration(wm.gen, batch);
          if (vouched) {
            const fp = await this.fingerprint(fh, batch.end);
            const next = { ...withoutSum(wm), ...vouched, size: batch.end, lines: batch.lines, fp, delta: wm.delta + added };
            await this.writeWatermark(next);
            return this.diskView(wm.gen, next, batch.end, null, batch.tail);
          }
          // the generation was retired by a concurrent rebuild: build our own
        } catch (error) {
          // Not writable (status as another user, read-only disk, disk full): the saved index plus the
          // tail just read still answer this lookup; the next writer catches the index up.
          this.stats.indexUnavailable = describe(error);
          return this.diskView(wm.gen, wm, batch.end, batch, batch.tail);
        }
      }
      // else the delta is full: fold it into a new base
    }
    return this.rebuild(fh, id, wm?.gen);
  }

  /**
   * The journal length the saved index vouches for (every byte before it was once read as complete
   * lines), or null when there is no index that passes its checks. The journal only grows: less is loss.
   */
  async vouchedSize(): Promise<number | null> {
    return (await this.readWatermark())?.size ?? null;
  }

  /** A one-off index of the whole file in memory, for when the saved one keeps disagreeing with the file. */
  async scanAll(fh: FileHandle, id: JournalIdentity): Promise<IndexView> {
    const batch = await scanJournal(fh, 0, id.size, 0, this.stats);
    return memoryView(batch.end, batch.byInvoice, batch.problems, batch.tail);
  }

  private async rebuild(fh: FileHandle, id: JournalIdentity, previous: string | undefined): Promise<IndexView> {
    this.stats.rebuilds++;
    const batch = await scanJournal(fh, 0, id.size, 0, this.stats);
    const fp = await this.fingerprint(fh, batch.end);
    const gen = `g-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const problems = Buffer.from(formatProblems(batch.problems));
    const fields: WatermarkFields = {
      v: 2, gen, size: batch.end, lines: batch.lines, ino: id.ino, dev: id.dev, fp, delta: 0,
      deltaBytes: 0, deltaSum: checksum(Buffer.alloc(0)), problemsBytes: problems.length, problemsSum: checksum(problems),
    };
    try {
      await mkdir(this.dir, { recursive: true });
      await writeDurably(this.file(gen, 'base'), buildBase(gen, batch.byInvoice), 'wx');
      // Both always exist, even empty: a live generation has all its files.
      await writeDurably(this.file(gen, 'delta'), Buffer.alloc(0), 'wx');
      await writeDurably(this.file(gen, 'problems'), problems, 'wx');
      await fsyncDirectory(this.dir);
      await this.writeWatermark(fields);
    } catch (error) {
      this.stats.indexUnavailable = describe(error);
      await this.remove(gen);
      this.memory = { ...id, size: batch.end, lines: batch.lines, fp, byInvoice: batch.byInvoice, problems: batch.problems };
      return memoryView(batch.end, batch.byInvoice, batch.problems, batch.tail);
    }
    await this.retire(previous, gen).catch(() => undefined);
    return this.diskView(gen, fields, batch.end, null, batch.tail);
  }

  private async syncMemory(fh: FileHandle, id: JournalIdentity, rebuild: boolean): Promise<IndexView> {
    let m = this.memory!;
    const fits = !rebuild && m.ino === id.ino && m.dev === id.dev && m.size <= id.size && (await this.fingerprint(fh, m.size)) === m.fp;
    let tail: RawLine | null = null;
    if (!fits) {
      this.stats.rebuilds++;
      const batch = await scanJournal(fh, 0, id.size, 0, this.stats);
      m = this.memory = { ...id, size: batch.end, lines: batch.lines, fp: await this.fingerprint(fh, batch.end), byInvoice: batch.byInvoice, problems: batch.problems };
      tail = batch.tail;
    } else if (m.size < id.size) {
      this.stats.catchUps++;
      const batch = await scanJournal(fh, m.size, id.size, m.lines, this.stats);
      for (const [invoice, offsets] of batch.byInvoice) {
        const list = m.byInvoice.get(invoice);
        if (list) list.push(...offsets);
        else m.byInvoice.set(invoice, offsets);
      }
      m.problems.push(...batch.problems);
      if (batch.end !== m.size) {
        m.size = batch.end;
        m.lines = batch.lines;
        m.fp = await this.fingerprint(fh, batch.end);
      }
      tail = batch.tail;
    }
    return memoryView(m.size, m.byInvoice, m.problems, tail);
  }

  /**
   * Offsets from generation `gen`, plus those of `overlay` (a tail that could not be saved). Only the
   * part of the delta and problems files that `vouched` covers is read, and only if its checksum holds.
   */
  private diskView(gen: string, vouched: Vouched, covered: number, overlay: ScanBatch | null, tail: RawLine | null): IndexView {
    return {
      covered,
      tail,
      offsets: async (invoice) => {
        const key = invoiceKey(invoice);
        const base = await this.readBase(gen, key);
        const delta = await this.readVouched(this.file(gen, 'delta'), vouched.deltaBytes, vouched.deltaSum);
        if (base === UNUSABLE || delta === null) return UNUSABLE;
        const offsets = [...base, ...deltaOffsets(delta, key)];
        return overlay ? [...offsets, ...(overlay.byInvoice.get(invoice) ?? [])] : offsets;
      },
      problems: async () => {
        const text = await this.readVouched(this.file(gen, 'problems'), vouched.problemsBytes, vouched.problemsSum);
        if (text === null) return UNUSABLE;
        const refs: ProblemRef[] = [];
        for (const match of text.matchAll(/^(\d{1,15}) (\d{1,15})$/gm)) refs.push({ offset: Number(match[1]), line: Number(match[2]) });
        return overlay ? [...refs, ...overlay.problems] : refs;
      },
    };
  }

  /** The first `bytes` bytes of an index file, if they are there and hash to `sum`; else null (rebuild). */
  private async readVouched(file: string, bytes: number, sum: string): Promise<string | null> {
    let data: Buffer;
    try {
      data = await readRegular(file);
    } catch {
      return null; // gone (retired by a newer rebuild), unreadable or not a regular file: the journal is the truth
    }
    this.stats.indexBytesRead += data.length;
    if (data.length < bytes) return null; // truncated
    const vouched = data.subarray(0, bytes);
    return checksum(vouched) === sum ? vouched.toString('utf8') : null;
  }

  /**
   * The offsets of one key in a base: its bucket's row from the fan-out table, then that bucket's
   * entries, checked against the row's checksum (which also binds them to this generation and bucket).
   */
  private async readBase(gen: string, [h1, h2]: [number, number]): Promise<number[] | Unusable> {
    let fh: FileHandle;
    try {
      fh = await openRegular(this.file(gen, 'base'));
    } catch {
      return UNUSABLE;
    }
    try {
      const read = async (length: number, position: number): Promise<Buffer | null> => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await fh.read(buffer, 0, length, position);
        this.stats.indexBytesRead += bytesRead;
        return bytesRead === length ? buffer : null;
      };
      const header = await read(BASE_HEADER_BYTES, 0);
      if (!header || header.toString('latin1', 0, 4) !== BASE_MAGIC) return UNUSABLE;
      const bits = header.readUInt32LE(4);
      const count = header.readUInt32LE(8);
      if (bits < 1 || bits > 24 || header.readUInt32LE(12) !== check32(gen, 'header', bits, count)) return UNUSABLE;
      const rowsAt = BASE_HEADER_BYTES;
      const entriesAt = rowsAt + (2 ** bits + 1) * BASE_ROW_BYTES;
      if ((await fh.stat()).size !== entriesAt + count * BASE_ENTRY_BYTES) return UNUSABLE; // truncated or grown
      const bucket = h1 >>> (32 - bits);
      const rows = await read(2 * BASE_ROW_BYTES, rowsAt + bucket * BASE_ROW_BYTES);
      if (!rows) return UNUSABLE;
      const start = rows.readUInt32LE(0);
      const end = rows.readUInt32LE(BASE_ROW_BYTES);
      if (start > end || end > count) return UNUSABLE;
      const entries = start === end ? Buffer.alloc(0) : await read((end - start) * BASE_ENTRY_BYTES, entriesAt + start * BASE_ENTRY_BYTES);
      // A zero-filled row reads as "empty bucket": only its checksum tells it from a real one.
      if (!entries || rows.readUInt32LE(4) !== check32(gen, 'bucket', bucket, start, end, entries)) return UNUSABLE;
      const offsets: number[] = [];
      for (let at = 0; at < entries.length; at += BASE_ENTRY_BYTES) {
        if (entries.readUInt32LE(at) === h1 && entries.readUInt32LE(at + 4) === h2) offsets.push(entries.readDoubleLE(at + 8));
      }
      return offsets;
    } catch {
      return UNUSABLE;
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  private async readWatermark(): Promise<Watermark | null> {
    try {
      const wm = JSON.parse((await readRegular(path.join(this.dir, WATERMARK))).toString('utf8')) as Partial<Watermark>;
      const ok =
        wm.v === 2 && typeof wm.gen === 'string' && /^g-[a-z0-9-]+$/.test(wm.gen) && isCount(wm.size) && isCount(wm.lines) &&
        isCount(wm.delta) && typeof wm.ino === 'string' && typeof wm.dev === 'string' && typeof wm.fp === 'string' &&
        isCount(wm.deltaBytes) && typeof wm.deltaSum === 'string' && isCount(wm.problemsBytes) && typeof wm.problemsSum === 'string' &&
        typeof wm.sum === 'string' && wm.sum === watermarkSum(withoutSum(wm as Watermark));
      return ok ? (wm as Watermark) : null;
    } catch {
      return null; // missing, unreadable or damaged: rebuild
    }
  }

  private async writeWatermark(fields: WatermarkFields): Promise<void> {
    const target = path.join(this.dir, WATERMARK);
    const tmp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      const wm: Watermark = { ...fields, sum: watermarkSum(fields) };
      await writeDurably(tmp, Buffer.from(`${JSON.stringify(wm)}\n`), 'wx');
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw error;
    }
    await fsyncDirectory(this.dir);
  }

  /**
   * Appends a caught-up tail to generation `gen`; false when that generation was retired. Each file
   * gets one write, starting with a newline so that an earlier append cut by a crash stays on its own
   * (unterminated, ignored) line; its range was not yet vouched for, so it is indexed again anyway.
   * Returns what the next watermark vouches for (both files as they are now, read back), or null
   * when that generation was retired.
   */
  private async appendToGeneration(gen: string, batch: ScanBatch): Promise<Vouched | null> {
    const entries: string[] = [];
    for (const [invoice, offsets] of batch.byInvoice) {
      const hex = keyHex(invoiceKey(invoice));
      for (const offset of offsets) entries.push(`${hex} ${offset};\n`);
    }
    try {
      if (entries.length > 0) await writeDurably(this.file(gen, 'delta'), Buffer.from(`\n${entries.join('')}`), 'append-existing');
      if (batch.problems.length > 0) await writeDurably(this.file(gen, 'problems'), Buffer.from(`\n${formatProblems(batch.problems)}`), 'append-existing');
      // Read back rather than add up: a concurrent catch-up (or a crashed one) may have appended too.
      // What is there is entries of complete lines (offsets past this watermark's size are ignored by
      // lookups and indexed again by the next catch-up) or cut fragments, which lookups skip.
      const delta = await readRegular(this.file(gen, 'delta'));
      const problems = await readRegular(this.file(gen, 'problems'));
      return { deltaBytes: delta.length, deltaSum: checksum(delta), problemsBytes: problems.length, problemsSum: checksum(problems) };
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return null;
      throw error;
    }
  }

  /** Removes the generation this rebuild replaced, and left-overs of crashed rebuilds and writers. */
  private async retire(previous: string | undefined, keep: string): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.dir)) {
      const gen = /^(g-[a-z0-9-]+)\.(?:base|delta|problems)$/.exec(name)?.[1];
      if (gen === keep || !(gen || name.endsWith('.tmp'))) continue;
      const full = path.join(this.dir, name);
      try {
        if (gen === previous || now - (await stat(full)).mtimeMs > ORPHAN_AGE_MS) await unlink(full);
      } catch {
        // someone else is cleaning up too
      }
    }
  }

  private async remove(gen: string): Promise<void> {
    for (const kind of ['base', 'delta', 'problems'] as const) await rm(this.file(gen, kind), { force: true }).catch(() => undefined);
  }

  private file(gen: string, kind: 'base' | 'delta' | 'problems'): string {
    return path.join(this.dir, `${gen}.${kind}`);
  }

  /** Hash of size + first 256 + last 256 bytes before `size`: a cheap "same file, same bytes" check. */
  private async fingerprint(fh: FileHandle, size: number): Promise<string> {
    const head = Buffer.alloc(Math.min(256, size));
    const tail = Buffer.alloc(Math.min(256, size));
    if (head.length > 0) {
      const a = await fh.read(head, 0, head.length, 0);
      const b = await fh.read(tail, 0, tail.length, size - tail.length);
      this.stats.bytesRead += a.bytesRead + b.bytesRead;
    }
    return createHash('sha256').update(String(size)).update(head).update(tail).digest('hex').slice(0, 32);
  }
}

function memoryView(covered: number, byInvoice: Map<string, number[]>, problems: ProblemRef[], tail: RawLine | null): IndexView {
  return {
    covered,
    tail,
    offsets: async (invoice) => [...(byInvoice.get(invoice) ?? [])],
    problems: async () => [...problems],
  };
}

/**
 * A base: a 16-byte header (magic, bucket bits, entry count, check of these and the generation), a
 * fan-out table of 2^bits + 1 rows (bucket b is entries [row b, row b+1), with row b's check over the
 * generation, b, that range and its entries), then 16-byte entries (key high, key low: uint32 LE;
 * offset: float64 LE, exact below 2^53) grouped by bucket = top `bits` of the key. About four entries
 * per bucket, so a lookup reads ~100 bytes besides its own lines, and checks all of them.
 */
function buildBase(gen: string, byInvoice: Map<string, number[]>): Buffer {
  const count = entryCount(byInvoice);
  const bits = Math.min(24, Math.max(4, Math.ceil(Math.log2(Math.max(1, count) / 4))));
  const buckets = 2 ** bits;
  const entriesAt = BASE_HEADER_BYTES + (buckets + 1) * BASE_ROW_BYTES;
  const base = Buffer.alloc(entriesAt + count * BASE_ENTRY_BYTES);
  base.write(BASE_MAGIC, 0, 'latin1');
  base.writeUInt32LE(bits, 4);
  base.writeUInt32LE(count, 8);
  base.writeUInt32LE(check32(gen, 'header', bits, count), 12);
  const keyed = [...byInvoice].map(([invoice, offsets]) => ({ key: invoiceKey(invoice), offsets }));
  const starts = new Uint32Array(buckets + 1); // counting sort: bucket sizes, then running starts
  for (const { key, offsets } of keyed) starts[(key[0] >>> (32 - bits)) + 1]! += offsets.length;
  for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!;
  const next = starts.slice(0, buckets);
  for (const { key, offsets } of keyed) {
    const bucket = key[0] >>> (32 - bits);
    for (const offset of offsets) {
      const at = entriesAt + next[bucket]!++ * BASE_ENTRY_BYTES;
      base.writeUInt32LE(key[0], at);
      base.writeUInt32LE(key[1], at + 4);
      base.writeDoubleLE(offset, at + 8);
    }
  }
  for (let b = 0; b <= buckets; b++) {
    const row = BASE_HEADER_BYTES + b * BASE_ROW_BYTES;
    base.writeUInt32LE(starts[b]!, row);
    if (b === buckets) break; // the last row only ends the last bucket
    const entries = base.subarray(entriesAt + starts[b]! * BASE_ENTRY_BYTES, entriesAt + starts[b + 1]! * BASE_ENTRY_BYTES);
    base.writeUInt32LE(check32(gen, 'bucket', b, starts[b]!, starts[b + 1]!, entries), row + 4);
  }
  return base;
}

/** 32 bits of SHA-256 over the parts: tells damage (zeros, an older copy) from what was written. */
function check32(...parts: Array<string | number | Buffer>): number {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(typeof part === 'number' ? `${part}\u0000` : typeof part === 'string' ? `${part}\u0000` : part);
  return hash.digest().readUInt32LE(0);
}

function checksum(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 32);
}

function withoutSum(wm: Watermark): WatermarkFields {
  const { sum: _sum, ...fields } = wm;
  return fields;
}

function watermarkSum(fields: WatermarkFields): string {
  const f = fields;
  // Field by field, in a fixed order: not JSON.stringify's key order of whatever object was passed.
  return checksum(Buffer.from([f.v, f.gen, f.size, f.lines, f.ino, f.dev, f.fp, f.delta, f.deltaBytes, f.deltaSum, f.problemsBytes, f.problemsSum].join('\u0000')));
}

/** The offsets of one key in a delta; entries cut short by a crash (no `;`) are skipped. */
function deltaOffsets(text: string, key: [number, number]): number[] {
  const needle = `${keyHex(key)} `;
  const offsets: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    if (at > 0 && text[at - 1] !== '\n') continue;
    const end = text.indexOf(';', at);
    const newline = text.indexOf('\n', at);
    if (end === -1 || (newline !== -1 && newline < end)) continue;
    const digits = text.slice(at + needle.length, end);
    if (/^\d{1,15}$/.test(digits)) offsets.push(Number(digits));
  }
  return offsets;
}

function entryCount(byInvoice: Map<string, number[]>): number {
  let count = 0;
  for (const offsets of byInvoice.values()) count += offsets.length;
  return count;
}

function formatProblems(problems: ProblemRef[]): string {
  return problems.map((p) => `${p.offset} ${p.line ?? 0}\n`).join('');
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * One write, then fdatasync: an index file must be on disk before a watermark vouches for it.
 * 'append-existing' appends without creating: appending to a retired generation must fail, not revive it.
 */
async function writeDurably(file: string, data: Buffer, mode: 'wx' | 'append-existing'): Promise<void> {
  const fh = await open(file, mode === 'wx' ? 'wx' : constants.O_WRONLY | constants.O_APPEND);
  try {
    const { bytesWritten } = await fh.write(data, 0, data.length);
    if (bytesWritten !== data.length) throw Object.assign(new Error(`short write to ${file}`), { code: 'EIO' });
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Makes new names in a directory durable (POSIX); not possible, nor needed, on Windows. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // EISDIR/EPERM on Windows; the rename itself is still atomic
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describe(error: unknown): string {
  return codeOf(error) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * The index is a cache in a folder anyone can put things in: a FIFO or a device where an index file should
 * be must not make a lookup wait or read forever. Opened non-blocking and checked on the descriptor; what is
 * not a regular file is an error (ENOTREG), which the callers treat as "rebuild from the journal".
 */
async function openRegular(file: string): Promise<FileHandle> {
  const fh = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  const st = await fh.stat().catch(async (error: unknown) => {
    await fh.close().catch(() => undefined);
    throw error;
  });
  if (!st.isFile()) {
    await fh.close().catch(() => undefined);
    throw Object.assign(new Error(`${file} is not a regular file`), { code: 'ENOTREG' });
  }
  return fh;
}

/** A whole index file (they are small: a watermark, a delta, a problems list), through openRegular. */
async function readRegular(file: string): Promise<Buffer> {
  const fh = await openRegular(file);
  try {
    return await fh.readFile();
  } finally {
    await fh.close().catch(() => undefined);
  }
}
