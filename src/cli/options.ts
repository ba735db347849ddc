import { InputError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS } from '../engine/runner.js';

/** Option values as commander hands them over, turned into the typed values the use cases take. */

export function parseTimeout(value: string): number {
  const ms = Number(value);
  // setTimeout cannot wait longer than 2^31 - 1 ms (about 24.8 days); beyond, Node fires at once.
  if (!Number.isInteger(ms) || ms <= 0 || ms > 2 ** 31 - 1) throw new InputError('USAGE', `--timeout ${value}: expected a whole number of milliseconds from 1 to 2147483647 (default ${DEFAULT_TIMEOUT_MS}).`);
  return ms;
}

/** With --verbose, debug lines on standard error. */
export function debugLog(verbose: boolean | undefined, write: (text: string) => void): ((line: string) => void) | undefined {
  return verbose ? (line) => write(`[debug] ${line}\n`) : undefined;
}

/** The article's "short message": one SMS segment's worth, so it cannot push the text over the limits. */
export const NOTE_MAX = 160;

/** `send --message`: trimmed; refused with control characters or past NOTE_MAX characters (as an SMS counts them). */
export async function parseNote(message: string | undefined): Promise<string | undefined> {
  if (message === undefined) return undefined;
  const note = message.trim();
  if (note === '') return undefined;
  // eslint-disable-next-line no-control-regex -- the note is refused when it holds control characters
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(note)) throw new InputError('USAGE', '--message: control characters are not allowed in the message.');
  const { analyzeSms } = await import('../send/sms-encoding.js');
  const { characters } = analyzeSms(note);
  if (characters > NOTE_MAX) {
    throw new InputError('USAGE', `--message is ${characters} characters; at most ${NOTE_MAX} are allowed (a short note that keeps the SMS within its limits).`, { hint: 'Shorten the message, or put longer wording in the templates of the configuration.' });
  }
  return note;
}

/** `send --all --concurrency`: invoices sent at once. */
export function parseConcurrency(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InputError('USAGE', `--concurrency ${value}: expected a whole number from 1 to 64.`);
  return n;
}
