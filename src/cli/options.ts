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
