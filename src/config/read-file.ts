// The one way input files are read (configuration, customers, remediation, invoice files, plugin paths).
// A path the user gives may name anything: a FIFO that never delivers EOF, /dev/zero or /dev/urandom that
// never end, a directory, a socket, or a regular file of gigabytes. Each of those would hang the run or
// grow it without bound, so only regular files are read, and only up to a cap per kind of file.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { displayPath } from './paths.js';

const MiB = 1024 * 1024;

/**
 * What a file is for, and how large it may be. Documented in the README ("Limits on input"): a
 * configuration or one invoice is a few kilobytes, so 1 MiB is generous; a customers file or one file
 * holding the whole invoice list grows with the business, so it may be larger.
 */
export const FILE_KINDS = {
  config: { what: 'the configuration file', note: '', cap: 1 * MiB },
  remediation: { what: 'the remediation file', note: ' (the "remediation" key of the configuration)', cap: 1 * MiB },
  invoice: { what: 'an invoice file', note: '', cap: 1 * MiB },
  invoiceList: { what: 'the invoices file', note: ' (data.invoices)', cap: 64 * MiB },
  customers: { what: 'the customers file', note: ' (data.customers)', cap: 64 * MiB },
  plugin: { what: 'the plugin', note: '', cap: Number.POSITIVE_INFINITY },
  caFile: { what: 'the CA certificate file', note: ' (ca_file)', cap: 1 * MiB },
} as const;

export type FileKind = keyof typeof FILE_KINDS;

/** Why a file was not read; `message` names the path and says what it is instead of a readable file. */
export class UnreadableFileError extends Error {
  readonly path: string;
  readonly reason: 'missing' | 'not-regular' | 'too-large' | 'io';
  readonly hint: string;
  /** what is wrong, without the path: "it is a FIFO (named pipe), not a regular file" */
  readonly detail: string;
  isDirectory = false;
  constructor(file: string, kind: FileKind, reason: UnreadableFileError['reason'], detail: string, hint: string) {
    super(`Cannot read ${FILE_KINDS[kind].what} ${displayPath(file)}${FILE_KINDS[kind].note}: ${detail}.`);
    this.name = 'UnreadableFileError';
    this.detail = detail;
    this.path = file;
    this.reason = reason;
    this.hint = hint;
  }
}

/** "a directory", "a FIFO (named pipe)", …: what a path is when it is not a regular file. */
export function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function formatSize(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${bytes} bytes`;
}

function notRegular(file: string, kind: FileKind, stats: Stats): UnreadableFileError {
  const error = new UnreadableFileError(file, kind, 'not-regular', `it is ${describeFileType(stats)}, not a regular file`, 'Give the path of a regular file (a symbolic link to one is fine).');
  error.isDirectory = stats.isDirectory();
  return error;
}

function tooLarge(file: string, kind: FileKind, size: string): UnreadableFileError {
  // "1 MiB, over the limit of 1 MiB" says nothing: just over the cap, the size is given in bytes.
  if (size === formatSize(FILE_KINDS[kind].cap)) size = `${(statSafe(file) ?? FILE_KINDS[kind].cap + 1).toLocaleString('en-US')} bytes`;
  return new UnreadableFileError(file, kind, 'too-large', `it is ${size}, over the limit of ${formatSize(FILE_KINDS[kind].cap)} for ${FILE_KINDS[kind].what.replace(/^the /, 'a ')}`,
    'Check that the path names the intended file; the size limits are listed in the README under "Limits on input".');
}

function ioError(file: string, kind: FileKind, error: unknown): UnreadableFileError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UnreadableFileError(file, kind, 'missing', 'it does not exist', 'Check the path; relative paths in the configuration are relative to its folder.');
  if (code === 'EISDIR') return Object.assign(new UnreadableFileError(file, kind, 'not-regular', 'it is a directory, not a regular file', 'Give the path of a regular file.'), { isDirectory: true });
  return new UnreadableFileError(file, kind, 'io', (error as Error).message, 'Check the file\'s permissions.');
}

function statSafe(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/** Throws UnreadableFileError unless `file` is (or links to) a regular file; for paths read by others (plugins). */
export function assertRegularFile(file: string, kind: FileKind): void {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    throw ioError(file, kind, error);
  }
  if (!stats.isFile()) throw notRegular(file, kind, stats);
  if (stats.size > FILE_KINDS[kind].cap) throw tooLarge(file, kind, formatSize(stats.size));
}

/**
 * Reads a regular file as UTF-8, refusing anything else. A stat of the path first keeps devices from even
 * being opened; the open is non-blocking (a FIFO swapped in meanwhile does not wait for a writer) and the
 * decision is made again on the opened descriptor, so a path replaced between the two checks is caught.
 * The read stops one byte past the cap, so a file that grows while read (or lies about its size, as files
 * under /proc do) still cannot make the run unbounded.
 */
export function readInputFile(file: string, kind: FileKind): string {
  assertRegularFile(file, kind);
  const cap = FILE_KINDS[kind].cap;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw ioError(file, kind, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegular(file, kind, stats);
    if (stats.size > cap) throw tooLarge(file, kind, formatSize(stats.size));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(stats.size - total, 0) + 1, cap - total + 1, 4 * MiB) || 1);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw ioError(file, kind, error);
      }
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > cap) throw tooLarge(file, kind, `more than ${formatSize(cap)}`);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
