import { writeErr } from './output.js';

import { SIGNAL_EXIT, type StopSignal } from '../app/exit-codes.js';

export type { StopSignal };

export interface Interrupt {
  /** aborted on the first signal, with the signal's name as its reason */
  readonly signal: AbortSignal;
  /** resolves with the first signal's name */
  readonly received: Promise<StopSignal>;
  /** the first signal's name, once one came */
  readonly which: StopSignal | undefined;
  /** uninstalls the handlers: signals kill the process again as they normally do */
  dispose(): void;
}

/**
 * A graceful stop on Ctrl-C / SIGTERM. Without a handler Node dies on the spot, like SIGKILL: an email
 * whose final dot was on its way is then "unknown" for ever, although the server may answer a moment
 * later. With this, the first signal only asks the command to stop (`onFirst`, `signal` aborted): it
 * takes no new work, lets what is in flight finish and record its result, and reports. `boundMs` caps
 * that wait: past it the process exits anyway (what is still in flight stays open in the journal and is
 * reconciled by the next run). A second signal exits at once, with its own code.
 */
export function onInterrupt(options: { onFirst?: (signal: StopSignal) => void; boundMs?: number } = {}): Interrupt {
  const controller = new AbortController();
  let which: StopSignal | undefined;
  let resolve!: (signal: StopSignal) => void;
  const received = new Promise<StopSignal>((r) => (resolve = r));
  const handler = (signal: StopSignal) => {
    if (which !== undefined) {
      writeErr(`\n${signal} again: exiting at once. Anything still in flight is left open in the journal; the next run reconciles it before sending again.\n`);
      process.exit(SIGNAL_EXIT[signal]);
    }
    which = signal;
    controller.abort(signal);
    resolve(signal);
    options.onFirst?.(signal);
    if (options.boundMs !== undefined) {
      setTimeout(() => {
        writeErr(`Still not finished ${Math.round(options.boundMs! / 1000)} s after ${signal}: exiting. Anything still in flight is left open in the journal; the next run reconciles it before sending again.\n`);
        process.exit(SIGNAL_EXIT[signal]);
      }, options.boundMs).unref();
    }
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received,
    get which() {
      return which;
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
