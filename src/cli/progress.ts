import type { InvoiceReport } from '../engine/types.js';
import { writeOut } from './output.js';

export interface Progress {
  update(done: number, total: number, last: InvoiceReport): void;
  /** writes report text to standard output without tearing the spinner line (streamed human output) */
  print(text: string): void;
  stop(): void;
}

/**
 * A spinner with done/total, the failures so far and an ETA, on an interactive terminal only: on
 * stderr, never in CI, never when stderr is piped, so logs and JSON stay clean. ora is imported only
 * when it will be shown.
 */
export async function startProgress(total: number): Promise<Progress | undefined> {
  if (!process.stderr.isTTY || process.env.CI || process.env.TERM === 'dumb') return undefined;
  const { default: ora } = await import('ora');
  const spinner = ora({ text: `Checking ${total} invoice${total === 1 ? '' : 's'}…`, stream: process.stderr, discardStdin: false }).start();
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
      const eta = done < all ? ` · ETA ${Math.ceil(((Date.now() - started) / done) * (all - done) / 1000)} s` : '';
      const extra = `${unknown ? ` · ${unknown} unknown` : ''}${inputErrors ? ` · ${inputErrors} data error${inputErrors === 1 ? '' : 's'}` : ''}`;
      spinner.text = `Checked ${done}/${all} · ${notReady} not ready${extra}${eta}`;
    },
    print(text) {
      // Only when both share the terminal does the spinner need clearing around the text.
      if (!process.stdout.isTTY) return void writeOut(text);
      spinner.clear();
      writeOut(text);
      spinner.render();
    },
    stop() {
      spinner.stop();
    },
  };
}
