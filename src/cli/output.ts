import { writeFileSync, renameSync, mkdirSync, rmSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { installOutputBoundary, safeText } from '../io/sink.js';
import { InputError } from '../errors.js';

/** Standard output. Redacted by the output boundary (src/io/sink.ts), like every byte the tool writes. */
export function writeOut(text: string): void {
  installOutputBoundary();
  process.stdout.write(text);
}

/**
 * Standard output in chunks of up to 64 kB, flushed on the next turn of the event loop: a batch writes
 * one line per invoice, and each write to a pipe is a system call. A chunk holds whole lines, so the
 * boundary never sees a secret cut in two.
 */
export function bufferedOut(limit = 64 * 1024): { write(text: string): void; flush(): void } {
  let parts: string[] = [];
  let size = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (size === 0) return;
    const text = parts.join('');
    parts = [];
    size = 0;
    writeOut(text);
  };
  return {
    write(text) {
      parts.push(text);
      size += text.length;
      if (size >= limit) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

/** Standard error, through the same boundary. */
export function writeErr(text: string): void {
  installOutputBoundary();
  process.stderr.write(text);
}

/** Writes a report file atomically (temp file + rename), so a reader never sees half a report. */
function describeKind(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

export function writeReportFile(file: string, text: string): void {
  const target = path.resolve(file);
  const temp = `${target}.${process.pid}.tmp`;
  // The report replaces a regular file (written beside it, then renamed over it). Renaming over a FIFO or a
  // device would replace that special file itself — as root, /dev/stdout or /dev/null for the whole machine.
  let existing: Stats | undefined;
  try {
    existing = statSync(target);
  } catch {
    existing = undefined; // not there yet: created
  }
  if (existing && !existing.isFile()) {
    throw new InputError('OUTPUT_FAILED', `Cannot write the report to ${file}: it is ${describeKind(existing)}, not a regular file.`, { hint: 'Give --output a file path, or omit --output and redirect the output (`> file`, `| command`).' });
  }
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(temp, safeText(text));
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new InputError('OUTPUT_FAILED', `Cannot write the report to ${file}: ${(error as Error).message}.`, { hint: 'Check that the folder is writable, or omit --output to print to the terminal.' });
  }
}
