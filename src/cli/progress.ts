import type { InvoiceReport } from '../engine/types.js';
import { writeOut } from './output.js';

/** A status line on the terminal, redrawn as it changes. */
export interface StatusLine {
  set(text: string): void;
  /** writes report text to standard output, above the spinner line (streamed output) */
  print(text: string): void;
  stop(): void;
}

export interface Progress {
  update(done: number, total: number, last: InvoiceReport): void;
  print(text: string): void;
  stop(): void;
}

/**
 * Whether a progress line may be shown: an interactive stderr, not CI, not a dumb terminal, and a known
 * width (a pseudo-terminal given no size reports 0 columns, and ora's line count then never ends).
 */
export const progressShown = (): boolean => Boolean(process.stderr.isTTY) && !process.env.CI && process.env.TERM !== 'dumb' && (process.stderr.columns ?? 0) > 0;

/**
 * A spinner on stderr, on an interactive terminal only: never in CI, never when stderr is piped, so
 * logs and JSON stay clean. ora is imported only when it will be shown.
 */
export async function startStatusLine(text: string): Promise<StatusLine | undefined> {
  if (!progressShown()) return undefined;
  const { default: ora } = await import('ora');
  // Enabled explicitly: the decision is progressShown()'s (ora's own test treats an empty CI variable as CI).
  const spinner = ora({ text, stream: process.stderr, discardStdin: false, isEnabled: true }).start();
  return {
    set(next) {
      spinner.text = next;
    },
    print(out) {
      // ora hooks writes to stdout and stderr while it spins: it clears its line, lets the text through
      // and redraws below it. Clearing or rendering from here as well would re-enter that hook.
      writeOut(out);
    },
    stop() {
      spinner.stop();
    },
  };
}

/** " · ETA 12 s" from the pace so far; empty when done or before the first item. */
export function eta(started: number, done: number, total: number): string {
  return done > 0 && done < total ? ` · ETA ${Math.ceil((((Date.now() - started) / done) * (total - done)) / 1000)} s` : '';
}

/** check: done/total, invoices not ready so far, unknown and data errors, and the ETA. */
export async function startProgress(total: number): Promise<Progress | undefined> {
  const line = await startStatusLine(`Checking ${total} invoice${total === 1 ? '' : 's'}…`);
  if (!line) return undefined;
  let notReady = 0;
  let unknown = 0;
  let inputErrors = 0;
  const started = Date.now();
  return {
    update(done, all, last) {
      const states = Object.values(last.channels);
      if (last.invoice.status === 'input_error') inputErrors++;
      else if (states.includes('not_ready')) notReady++;
      else if (!last.ready) unknown++;
      const extra = `${unknown ? ` · ${unknown} unknown` : ''}${inputErrors ? ` · ${inputErrors} data error${inputErrors === 1 ? '' : 's'}` : ''}`;
      line.set(`Checked ${done}/${all} · ${notReady} not ready${extra}${eta(started, done, all)}`);
    },
    print: line.print,
    stop: line.stop,
  };
}
