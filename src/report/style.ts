import { Chalk, supportsColor, type ChalkInstance } from 'chalk';
import type { CheckStatus } from '../engine/types.js';

/** Colour only for a terminal, never with --no-color or NO_COLOR; FORCE_COLOR wins over both tests. */
export function makeChalk(options: { color?: boolean; tty: boolean }): ChalkInstance {
  const env = process.env;
  if (options.color === false) return new Chalk({ level: 0 });
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return new Chalk({ level: supportsColor ? supportsColor.level : 1 });
  if ((env.NO_COLOR !== undefined && env.NO_COLOR !== '') || !options.tty) return new Chalk({ level: 0 });
  return new Chalk({ level: supportsColor ? supportsColor.level : 0 });
}

/** A symbol and a word for each status, so the report reads the same without colour. */
export const STATUS_LABEL: Record<CheckStatus, { symbol: string; word: string }> = {
  pass: { symbol: '✓', word: 'pass' },
  warn: { symbol: '!', word: 'warn' },
  fail: { symbol: '✗', word: 'fail' },
  skip: { symbol: '–', word: 'skip' },
  error: { symbol: '?', word: 'error' },
};

export function paint(chalk: ChalkInstance, status: CheckStatus, text: string): string {
  switch (status) {
    case 'pass': return chalk.green(text);
    case 'warn': return chalk.yellow(text);
    case 'fail': return chalk.red(text);
    case 'skip': return chalk.gray(text);
    case 'error': return chalk.magenta(text);
  }
}
