import { isUtf8 } from 'node:buffer';
import { JournalError, NOTHING_SENT, checkComplete } from '../store/errors.js';
import type { JournalProblem, JournalRecord } from '../store/types.js';

/**
 * The reader of the legacy send journal (invoice-doctor up to 0.1: an fsync'd JSONL file), kept to import
 * such a journal once into the SQLite outbox (src/store/import-jsonl.ts). Its rules are the ones that
 * journal was read by:
 *
 * Format: UTF-8, one JSON object per line, `\n`-terminated, blank lines ignored.
 * - A *torn* line is what a write cut by a crash leaves: the start of a line as it was written
 *   (`{"v":1,"…`, printable JSON text of one record, possibly cut inside a character). Each line was
 *   written and fsynced before its side effect, so a torn line never stands for something that happened:
 *   it is a problem reported to the invoice it names (or to every invoice, when its id is cut), and
 *   otherwise ignored.
 * - Anything else unreadable is *damage* (zeros, bytes that are not UTF-8 or contain control bytes, text
 *   that is not the start of a record, a record of a format this version does not read, a commit or
 *   result without its intent). Damage may have swallowed whole records, so whether any invoice was sent
 *   cannot be known from the file: the import is refused.
 */

export const MAX_LINE_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const PROBLEM_TEXT_CHARS = 120;

export interface LegacyJournal {
  records: JournalRecord[];
  /** torn lines, each with the invoice it names (null: its id was cut, it may concern any invoice) */
  problems: Array<JournalProblem & { invoice: string | null }>;
}

type ClassifiedLine = { kind: 'blank' } | { kind: 'record'; record: JournalRecord } | { kind: 'problem'; reason: string; text: string };

/** The one rule for what a journal line is: a record, nothing (blank), or a problem. */
export function classifyLine(bytes: Buffer, tooLong: boolean): ClassifiedLine {
  const text = bytes.toString('utf8');
  if (tooLong) return { kind: 'problem', reason: `line longer than ${MAX_LINE_BYTES} bytes (the file is damaged)`, text };
  if (text.trim() === '') return { kind: 'blank' };
  if (!isUtf8(bytes)) return { kind: 'problem', reason: 'not valid UTF-8 (the file is damaged)', text };
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

/** Reads a whole legacy journal; throws JOURNAL_DAMAGED (with `command`, what to run instead) on damage. */
export function readLegacyJournal(data: Buffer, file: string, command: string): LegacyJournal {
  const records: JournalRecord[] = [];
  const problems: LegacyJournal['problems'] = [];
  const damage: JournalProblem[] = [];
  let offset = 0;
  let line = 0;
  while (offset < data.length) {
    line++;
    const nl = data.indexOf(NEWLINE, offset);
    const end = nl === -1 ? data.length : nl;
    const tooLong = end - offset > MAX_LINE_BYTES;
    const bytes = data.subarray(offset, tooLong ? offset + MAX_LINE_BYTES : end);
    const tail = nl === -1;
    const classified = classifyLine(bytes, tooLong);
    if (classified.kind === 'record') records.push(classified.record);
    else if (classified.kind === 'problem') {
      if (isTorn(bytes, tooLong)) {
        const reason = tail && classified.reason.startsWith('not valid JSON') ? 'incomplete last line: no newline at the end and not valid JSON (a write was interrupted, or is still in progress)' : classified.reason;
        problems.push({ ...problemOf(offset, line, classified.text, reason), invoice: attributed(classified.text) });
      } else {
        damage.push(problemOf(offset, line, classified.text, tail ? `${classified.reason} (last line, no newline at the end)` : classified.reason));
      }
    }
    offset = end + 1;
  }
  if (damage.length > 0) throw damaged(file, damage, command);
  const byInvoice = new Map<string, JournalRecord[]>();
  for (const r of records) byInvoice.set(r.invoice, [...(byInvoice.get(r.invoice) ?? []), r]);
  try {
    for (const [invoice, list] of byInvoice) checkComplete(file, invoice, list);
  } catch (error) {
    if (error instanceof JournalError) throw new JournalError('JOURNAL_DAMAGED', error.message, file, `${error.hint} Then run \`${command}\` to import it.`);
    throw error;
  }
  return { records, problems };
}

function damaged(file: string, damage: JournalProblem[], command: string): JournalError {
  const [first] = damage as [JournalProblem];
  const reason = first.reason.replace(' (the write was probably interrupted)', ''); // it was not: it is damage
  const where = `${file}${first.line ? `:${first.line}` : ''} (byte ${first.offset})`;
  // A few characters are enough to find the line; zeros would print as a wall of \u0000.
  const shown = `${JSON.stringify(first.text.slice(0, 40))}${first.text.length > 40 ? '…' : ''}`;
  const more = damage.length > 1 ? ` (and ${damage.length - 1} more damaged line${damage.length > 2 ? 's' : ''})` : '';
  return new JournalError(
    'JOURNAL_DAMAGED',
    `The send journal ${file} cannot be imported into the outbox database: it is damaged at ${where}: ${reason}: ${shown}${more}. That is not a line invoice-doctor writes, nor one cut short by a crash, and it could hide the record of a send.`,
    file,
    `Restore the journal from a backup, or repair or remove the damaged line${damage.length > 1 ? 's' : ''} if you know what ${damage.length > 1 ? 'they were' : 'it was'}; then run \`${command}\` to import it. The provider's logs (the SMTP server, Twilio's console) tell what was sent. ${NOTHING_SENT}`,
  );
}

/** How every line starts: lines were written with `v` first; the order of the other keys is not relied on. */
const LINE_START = '{"v":1,"';
/** A complete `"invoice": "…"` member: a line cut inside the id could be about any id it is a prefix of. */
const ATTRIBUTION = /"invoice"\s*:\s*("(?:[^"\\]|\\.)*")/;
// eslint-disable-next-line no-control-regex
const FOREIGN = /[\u0000-\u001f\u007f\ufffd]/;

/** Another record starts inside this line: lines joined by a lost newline, or by zeros over one. */
const joined = (text: string): boolean => /\{\s*"v"\s*:/.test(text.slice(1));

/** The invoice a torn line names with its complete id; null when the id was cut. */
function attributed(text: string): string | null {
  const m = ATTRIBUTION.exec(text);
  if (!m) return null;
  try {
    return JSON.parse(m[1]!) as string;
  } catch {
    return null;
  }
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
