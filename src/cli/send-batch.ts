import type { SendProgress } from '../app/send.js';
import { SIGNAL_EXIT } from '../app/exit-codes.js';
import { isLive } from '../app/send-parts.js';
import { makeChalk } from '../report/style.js';
import { batchBrokenLine, batchResultLine, renderBatchHuman, renderBatchJson, renderBatchReview } from '../report/send-batch.js';
import { writeErr, writeOut } from './output.js';
import { confirm } from './confirm.js';
import { eta, startStatusLine, type StatusLine } from './progress.js';
import { onInterrupt } from './interrupt.js';
import { debugLog } from './options.js';
import type { SendOptions, SendScreen } from './send.js';

/**
 * `send --all` on screen: each invoice's line as soon as it is decided (unless --json), a status line on an
 * interactive terminal saying which phase the batch is in and how far, one question for the whole batch,
 * and the summary table (or the JSON report) at the end.
 */
export function batchScreen(opts: SendOptions, timeoutMs: number): SendScreen {
  const chalk = makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) });
  let line: StatusLine | undefined;
  const stopLine = () => {
    line?.stop();
    line = undefined;
  };
  const print = (text: string) => {
    if (opts.json) return;
    if (line) line.print(text);
    else writeOut(text);
  };
  // Ctrl-C / SIGTERM. Before sending starts nothing is being written: stop at once. While sending: start no
  // new invoice (nor the next channel of one in flight), let the deliveries in flight finish and journal their
  // results, bounded by the timeout, then print the partial summary and exit 130 / 143. A second signal exits at once.
  let sending: Readonly<SendProgress> | undefined;
  const interrupt = onInterrupt({
    boundMs: 2 * timeoutMs + 2_000,
    onFirst: (signal) => {
      stopLine();
      if (!sending) {
        writeErr(`\nInterrupted (${signal}) before sending started: nothing was sent.\n`);
        process.exit(SIGNAL_EXIT[signal]);
      }
      writeErr(`\nStopping (${signal}): no new invoice is started; waiting for the ${sending.inFlight} in flight to finish and record their results. ${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again exits at once.\n`);
    },
  });
  return {
    stop: interrupt.signal,
    events: {
      loaded: async ({ invoices, broken }) => {
        line = await startStatusLine(`Reading the send history of ${invoices} invoice${invoices === 1 ? '' : 's'}…`);
        if (!opts.json) for (const r of broken) writeOut(batchBrokenLine(r, chalk));
      },
      decided: (item) => {
        if (sending) line?.set(`Sent ${sending.done}/${sending.total} · ${sending.failed} failed${sending.unknown ? ` · ${sending.unknown} unknown` : ''}${eta(sending.startedAt, sending.done, sending.total)}`);
        print(batchResultLine(item, chalk));
      },
      checked: (done, total) => line?.set(`Checking ${done}/${total} invoices before sending…`),
      confirm: async (ready) => {
        if (opts.yes) return true;
        stopLine();
        writeErr(renderBatchReview(ready));
        return confirm(ready.some((i) => isLive(i.account)) ? `${chalk.yellow.bold('LIVE Stripe key:')} this creates real payment links customers can pay. Send now? [y/N] ` : 'Send now? [y/N] ');
      },
      sending: async (progress) => {
        sending = progress;
        line ??= await startStatusLine(`Sending ${progress.total} invoice${progress.total === 1 ? '' : 's'}…`);
      },
      debug: debugLog(opts.verbose, writeErr),
      notice: (line) => writeErr(`${line}\n`),
    },
    end(outcome) {
      stopLine();
      if (outcome.cancelled) {
        writeErr('Cancelled: nothing was sent.\n');
        return outcome.exitCode;
      }
      const end = { ...outcome, dryRun: Boolean(opts.dryRun) };
      writeOut(opts.json ? renderBatchJson(end) : renderBatchHuman(end, chalk));
      return outcome.exitCode;
    },
    dispose() {
      stopLine();
      interrupt.dispose();
    },
  };
}
