import { InputError, StateError } from '../errors.js';
import type { InvoiceReport } from '../engine/types.js';
import type { SendView } from '../report/send.js';
import type { StatusView } from '../report/status.js';

/**
 * The exit codes (contract: docs/json-and-exit-codes.md, and each command's --help) and the policy that
 * picks one, in one place. Every command returns one of these; only src/cli/main.ts sets the process's.
 */
export const EXIT = {
  /** ready · sent (or already sent) · recorded · nothing wrong to report */
  OK: 0,
  /** not ready (a check failed) · refused, cancelled or rejected by a provider · the last send failed */
  FAILED: 1,
  /** usage, configuration or input error: nothing was checked or sent */
  INPUT: 2,
  /** could not determine: a check errored, a service did not answer, an outcome is unknown */
  UNKNOWN: 3,
} as const;

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Stopped by a signal: the shell's convention, 128 + the signal's number. */
export const SIGNAL_EXIT: Record<StopSignal, 130 | 143> = { SIGINT: 130, SIGTERM: 143 };

/** The exit code of a run that ended on its own (0, 1, 3); 2 is for input, signals have their own. */
export type RunExit = 0 | 1 | 3;

/** --fail-on: the least severe result that makes `check` exit non-zero, on the scale warn < fail < error. */
export type FailOn = 'warn' | 'fail' | 'error';

/** `check` (contract): 0 ready, 1 something failed, 3 nothing failed but something is unknown. */
export function checkExitCode(results: readonly InvoiceReport[]): RunExit {
  const states = results.flatMap((r) => Object.values(r.channels));
  if (states.includes('not_ready')) return EXIT.FAILED;
  if (states.includes('unknown') || results.some((r) => r.checks.some((c) => c.status === 'error'))) return EXIT.UNKNOWN;
  return EXIT.OK;
}

/**
 * The exit code under --fail-on (contract). `fail` (default) is the historical rule: 1 when an invoice
 * is not ready, else 3 when a check could not be determined, else 0. `warn` adds warnings to what makes
 * it 1 (as --strict does, without changing readiness in the report). `error` makes only an undetermined
 * check non-zero (3): failures and warnings exit 0 — for jobs whose failures are judged elsewhere (a
 * JUnit report) but which must notice that the checks themselves could not run.
 */
export function checkExitCodeFailOn(results: readonly InvoiceReport[], failOn: FailOn): RunExit {
  const code = checkExitCode(results);
  switch (failOn) {
    case 'fail':
      return code;
    case 'warn':
      return code !== EXIT.FAILED && results.some((r) => r.checks.some((c) => c.status === 'warn')) ? EXIT.FAILED : code;
    case 'error':
      return results.some((r) => Object.values(r.channels).includes('unknown') || r.checks.some((c) => c.status === 'error')) ? EXIT.UNKNOWN : EXIT.OK;
  }
}

/** The more severe of two run exits: 1 over 3 over 0. */
export function worseExit(a: RunExit, b: RunExit): RunExit {
  return a === EXIT.FAILED || b === EXIT.FAILED ? EXIT.FAILED : a === EXIT.UNKNOWN || b === EXIT.UNKNOWN ? EXIT.UNKNOWN : EXIT.OK;
}

/**
 * A batch (`check --all`, `send --all`): a signal's code when one stopped it, whatever was done before;
 * else 1 (something is not ready, refused or failed) over 2 (some invoice data does not load) over 3
 * (something could not be determined). A data error is definite and needs a fix; an unknown may pass on a re-run.
 */
export function batchExitCode(run: { worst: number; dataErrors: number; interrupted?: StopSignal }): number {
  if (run.interrupted) return SIGNAL_EXIT[run.interrupted];
  if (run.worst === EXIT.FAILED) return EXIT.FAILED;
  if (run.dataErrors > 0) return EXIT.INPUT;
  return run.worst === EXIT.UNKNOWN ? EXIT.UNKNOWN : EXIT.OK;
}

/** `send` of one invoice (contract): 0 sent or already sent, 1 refused or rejected, 3 outcome unknown or retry later. */
export function sendExitCode(view: Pick<SendView, 'results'>): RunExit {
  if (view.results.some((r) => r.status === 'failed' && !r.transient)) return EXIT.FAILED;
  if (view.results.some((r) => r.status === 'unknown' || (r.status === 'failed' && r.transient))) return EXIT.UNKNOWN;
  return EXIT.OK;
}

/** `status`: 0 nothing wrong to report · 1 the last send failed or did not arrive · 3 something could not be read now. */
export function statusExitCode(view: Pick<StatusView, 'channels' | 'payment'>): RunExit {
  if (view.channels.some((c) => c.severity === 'fail')) return EXIT.FAILED;
  if (view.channels.some((c) => c.severity === 'error') || view.payment.unavailable) return EXIT.UNKNOWN;
  return EXIT.OK;
}

/**
 * What stopped a command: 2 for bad input (nothing was checked or sent), 3 for a send state that cannot be
 * trusted (StateError: journal unreadable, unwritable, damaged, an invoice locked) or an unexpected internal
 * failure (the outcome is unknown).
 */
export function failureExitCode(error: unknown): 2 | 3 {
  if (error instanceof InputError) return EXIT.INPUT;
  if (error instanceof StateError) return EXIT.UNKNOWN;
  return EXIT.UNKNOWN;
}
