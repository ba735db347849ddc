/**
 * The exit-code policy (src/app/exit-codes.ts), table-driven: results in → code out. The commands' codes are
 * also asserted end to end (test/cli, test/send); these pin the rules themselves, each in one place.
 */
import { describe, expect, test } from 'vitest';
import { InputError, StateError } from '../../../src/errors.js';
import { batchExitCode, checkExitCode, checkExitCodeFailOn, failureExitCode, sendExitCode, SIGNAL_EXIT, type FailOn } from '../../../src/app/exit-codes.js';
import type { CheckStatus, InvoiceReport } from '../../../src/engine/types.js';

function report(channel: 'ready' | 'not_ready' | 'unknown', statuses: CheckStatus[]): InvoiceReport {
  return {
    invoice: { id: 'INV-1', number: '1', account: 'acme', status: 'validated' },
    ready: channel === 'ready',
    channels: { email: channel },
    checks: statuses.map((status, i) => ({ id: `c.${i}`, title: 't', category: 'invoice', status, message: '', remediation: [], blockedBy: [], durationMs: 0, data: {} })),
  };
}

describe('exit codes', () => {
  test.each<[string, InvoiceReport[], FailOn, number]>([
    ['ready', [report('ready', ['pass'])], 'fail', 0],
    ['a failure', [report('not_ready', ['fail'])], 'fail', 1],
    ['an undetermined check only', [report('unknown', ['error'])], 'fail', 3],
    ['a failure wins over an unknown', [report('not_ready', ['fail']), report('unknown', ['error'])], 'fail', 1],
    ['a warning, --fail-on fail', [report('ready', ['warn'])], 'fail', 0],
    ['a warning, --fail-on warn', [report('ready', ['warn'])], 'warn', 1],
    ['a failure, --fail-on error', [report('not_ready', ['fail'])], 'error', 0],
    ['an unknown, --fail-on error', [report('unknown', ['error'])], 'error', 3],
  ])('check: %s → --fail-on %s', (_name, results, failOn, code) => {
    expect(checkExitCodeFailOn(results, failOn)).toBe(code);
    if (failOn === 'fail') expect(checkExitCode(results)).toBe(code);
  });

  test.each([
    [{ worst: 0, dataErrors: 0 }, 0],
    [{ worst: 3, dataErrors: 0 }, 3],
    [{ worst: 3, dataErrors: 1 }, 2],
    [{ worst: 1, dataErrors: 1 }, 1],
    [{ worst: 1, dataErrors: 1, interrupted: 'SIGINT' as const }, 130],
    [{ worst: 0, dataErrors: 0, interrupted: 'SIGTERM' as const }, 143],
  ])('a batch: %o → %i (a signal, then 1 over 2 over 3)', (run, code) => {
    expect(batchExitCode(run)).toBe(code);
  });

  test('send: a refusal is 1, a transient failure or an unknown 3, sent or already sent 0', () => {
    const r = (status: 'sent' | 'already_sent' | 'failed' | 'unknown', transient?: boolean) => ({ channel: 'email' as const, status, to: 'a@b.c', transient });
    expect(sendExitCode({ results: [r('sent'), r('already_sent')] })).toBe(0);
    expect(sendExitCode({ results: [r('sent'), r('failed')] })).toBe(1);
    expect(sendExitCode({ results: [r('failed', true)] })).toBe(3);
    expect(sendExitCode({ results: [r('unknown'), r('failed')] })).toBe(1);
    expect(sendExitCode({ results: [r('unknown')] })).toBe(3);
  });

  test('what stopped a command: bad input 2, a send state or anything unexpected 3; signals 130/143', () => {
    expect(failureExitCode(new InputError('USAGE', 'x'))).toBe(2);
    expect(failureExitCode(new StateError('JOURNAL_DAMAGED', 'x', 'journal.jsonl', 'h'))).toBe(3);
    expect(failureExitCode(new Error('x'))).toBe(3);
    expect(SIGNAL_EXIT).toEqual({ SIGINT: 130, SIGTERM: 143 });
  });
});
