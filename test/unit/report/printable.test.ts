// The one sanitiser for human-facing text: reports show control characters escaped, messages drop them.
import { describe, expect, it } from 'vitest';
import { forMessage, forTerminal, printableDeep } from '../../../src/report/printable.js';

// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const CASES: Array<[string, string, string]> = [
  // [input, for a message, for the terminal]
  ['a\u001b[2Jb', 'ab', 'a\\x1b[2Jb'],
  ['\u001b]0;title\u0007Name', 'Name', '\\x1b]0;title\\x07Name'],
  ['\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\', 'click', '\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\'],
  ['ring\u0007', 'ring', 'ring\\x07'],
  ['over\rwrite', 'overwrite', 'over\\rwrite'],
  ['line\r\nbreak', 'line\nbreak', 'line\\r\nbreak'],
  ['tab\there', 'tab\there', 'tab\there'],
  ['\u202eRLO', 'RLO', '\\u202eRLO'],
  ['\u009b31mred', 'red', '\\x9b31mred'],
  ['del\u007f', 'del', 'del\\x7f'],
  ['O’Brien — Ærø 東京 \u200fש', 'O’Brien — Ærø 東京 \u200fש', 'O’Brien — Ærø 東京 \u200fש'],
];

describe('forMessage / forTerminal', () => {
  it.each(CASES)('%j', (input, message, terminal) => {
    expect(forMessage(input)).toBe(message);
    expect(forTerminal(input)).toBe(terminal);
    expect(forMessage(input)).not.toMatch(RAW);
    expect(forTerminal(input)).not.toMatch(RAW);
  });

  it('singleLine shows line breaks and tabs escaped too', () => {
    expect(forTerminal('a\nb\tc', { singleLine: true })).toBe('a\\nb\\tc');
  });

  it('printableDeep escapes every string of plain data and keeps getters unevaluated', () => {
    let evaluated = false;
    const value = { a: ['x\u0007'], b: { c: 'y\u001b[2J', n: 1 }, get lazy() { evaluated = true; return 'z'; } };
    const out = printableDeep(value);
    expect(out.a).toEqual(['x\\x07']);
    expect(out.b).toEqual({ c: 'y\\x1b[2J', n: 1 });
    expect(evaluated).toBe(false);
    expect(out.lazy).toBe('z');
  });
});
