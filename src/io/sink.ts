import { redactor } from '../config/redact.js';

/**
 * The redaction boundary: every byte the tool writes passes through here, so no secret reaches a
 * terminal, a log, a report file, the send journal or an outbox file — whoever wrote it.
 *
 *  - Standard output and error: the streams' `write` is wrapped once ({@link installOutputBoundary}), so
 *    our reports, commander's usage errors, ora's spinner, readline's prompt, console.* and Node's
 *    warnings are all redacted without any of them knowing. Writers give whole lines or blocks (a secret
 *    cut over two writes would not be recognised).
 *  - Files: {@link safeText} / {@link safeContent} are applied by the few functions that write files
 *    (report file, journal line, outbox message), right before the bytes go to disk.
 *
 * Writers do not redact: they hand their text to these. What the boundary cannot undo is a transformation
 * of the text before it: Markdown or GitHub-annotation escaping, truncation. Those renderers are given
 * values already redacted (`redactor.redactValue` on the report a command renders, `oneLine` for provider
 * messages); the boundary then still sees every byte, including what such a renderer added.
 */

/** Text as it may be written: every registered secret (in each of its forms) and credential shape masked. */
export function safeText(text: string): string {
  return redactor.redact(text);
}

/**
 * A journal record as the line to write: serialised, then redacted as text (the redactor knows each secret
 * as JSON escapes it). Should a replacement ever break the JSON (a secret spanning quotes), the record is
 * redacted value by value instead: a journal line must stay readable.
 */
export function safeJournalLine(record: object): string {
  const line = safeText(JSON.stringify(record));
  try {
    JSON.parse(line);
    return line;
  } catch {
    return JSON.stringify(redactor.redactValue(record));
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes as they may be written (an .eml message is a Buffer). Decoded as UTF-8 — or byte for byte as
 * latin1 when it is not UTF-8, which keeps every other byte as it was — redacted, and encoded back the
 * same way; unchanged bytes are returned as they came.
 */
export function safeContent(content: Buffer | Uint8Array | string): Buffer | string {
  if (typeof content === 'string') return safeText(content);
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  let encoding: BufferEncoding = 'utf8';
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    encoding = 'latin1';
    text = bytes.toString('latin1');
  }
  const out = safeText(text);
  return out === text ? bytes : Buffer.from(out, encoding);
}

/** The streams whose `write` already passes the boundary (the process's own, or an in-process run's). */
const guarded = new WeakSet<NodeJS.WritableStream>();

/**
 * Wraps the `write` of the current process.stdout and process.stderr so everything written to them is
 * redacted first. Idempotent per stream; the CLI calls it before anything else (an in-process run calls it
 * once it has put its own streams in place), and the output helpers call it too, so no path can skip it.
 */
export function installOutputBoundary(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (guarded.has(stream)) continue;
    guarded.add(stream);
    const original = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') {
        // A string with an explicit non-text encoding (hex, base64) is bytes in disguise: left as is.
        const encoding = typeof rest[0] === 'string' ? rest[0] : 'utf8';
        return original(/^utf-?8$/i.test(encoding) ? safeText(chunk) : chunk, ...rest);
      }
      if (chunk instanceof Uint8Array) return original(safeContent(chunk), ...rest);
      return original(chunk, ...rest);
    }) as typeof stream.write;
  }
}

/**
 * Node prints an uncaught error from native code past the streams: the CLI process prints it through
 * them instead, and exits 3. Only for the process (src/cli/bin.ts): an in-process run must not take over
 * its host's error handling.
 */
export function reportUncaughtErrors(): void {
  process.on('uncaughtException', (error: unknown) => {
    const verbose = process.argv.includes('--verbose');
    const text = error instanceof Error ? (verbose ? (error.stack ?? error.message) : error.message) : String(error);
    process.stderr.write(`invoice-doctor: internal error: ${text}\n${verbose ? '' : 'Run again with --verbose for the stack trace, and report it.\n'}`);
    process.exit(3);
  });
}
