import { InputError, StateError, formatLocation } from '../errors.js';
import { writeErr, writeOut } from './output.js';
import { forTerminal } from '../report/printable.js';
import { failureExitCode } from '../app/exit-codes.js';

export function usageError(message: string): InputError {
  return new InputError('USAGE', message.replace(/^error: /, '').trim(), { hint: 'Run invoice-doctor --help (or invoice-doctor <command> --help) for usage.' });
}

/**
 * Reports what stopped a command and returns its exit code: 2 for bad input (nothing was checked), 3 for
 * a send state that cannot be trusted (StateError) or an unexpected internal failure (the outcome is unknown). Stack traces only with --verbose.
 */
export function reportFailure(error: unknown, options: { json: boolean; verbose: boolean; alreadyPrinted?: boolean }): number {
  if (error instanceof InputError) {
    if (options.json) {
      writeOut(`${JSON.stringify({ schemaVersion: 1, error: { code: error.code, message: error.message, hint: error.hint, issues: error.issues } }, null, 2)}\n`);
    } else if (!options.alreadyPrinted) {
      const lines = [`invoice-doctor: ${error.message}`];
      if (error.issues.length > 1) for (const issue of error.issues.slice(0, 20)) lines.push(`  ${[formatLocation(issue), issue.path].filter(Boolean).join('  ')}  ${issue.message}`);
      if (error.issues.length > 20) lines.push(`  … and ${error.issues.length - 20} more`);
      if (error.hint) lines.push(`hint: ${error.hint}`);
      // A message may quote a value from the files (an unknown key, a bad value): shown escaped, never obeyed.
      writeErr(`${forTerminal(lines.join('\n'))}\n`);
    }
    if (options.verbose && error.cause instanceof Error && error.cause.stack) writeErr(`${error.cause.stack}\n`);
    return failureExitCode(error);
  }
  if (error instanceof StateError) {
    // A documented condition of the send state (journal unreadable, unwritable, damaged): exit 3 like
    // any unknown outcome, but with its code and what to do instead of "report it".
    if (options.json) {
      writeOut(`${JSON.stringify({ schemaVersion: 1, error: { code: error.code, message: error.message, hint: error.hint, issues: [{ path: 'journal', file: error.file, message: error.message }] } }, null, 2)}\n`);
    } else if (!options.alreadyPrinted) {
      writeErr(`invoice-doctor: ${error.message}\nhint: ${error.hint}\n`);
    }
    if (options.verbose && error.stack) writeErr(`${error.stack}\n`);
    return failureExitCode(error);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (options.json) {
    writeOut(`${JSON.stringify({ schemaVersion: 1, error: { code: 'INTERNAL', message, issues: [] } }, null, 2)}\n`);
  }
  writeErr(`invoice-doctor: internal error: ${message}\n${options.verbose && error instanceof Error ? `${error.stack}\n` : 'Run again with --verbose for the stack trace, and report it.\n'}`);
  return failureExitCode(error);
}
