import type { InvoiceReport } from '../engine/types.js';

export interface Progress {
  update(done: number, total: number, last: InvoiceReport): void;
  stop(): void;
}

/**
 * A spinner with done/total on an interactive terminal only: on stderr, never in CI, never when stderr
 * is piped, so logs and JSON stay clean. ora is imported only when it will be shown.
 */
export async function startProgress(total: number): Promise<Progress | undefined> {
  if (!process.stderr.isTTY || process.env.CI || process.env.TERM === 'dumb') return undefined;
  const { default: ora } = await import('ora');
  const spinner = ora({ text: `Checking ${total} invoice${total === 1 ? '' : 's'}…`, stream: process.stderr, discardStdin: false }).start();
  let failed = 0;
  const started = Date.now();
  return {
    update(done, all, last) {
      if (!last.ready) failed++;
      const eta = done < all ? ` · ETA ${Math.ceil(((Date.now() - started) / done) * (all - done) / 1000)} s` : '';
      spinner.text = `Checked ${done}/${all} · ${failed} not ready${eta}`;
    },
    stop() {
      spinner.stop();
    },
  };
}
