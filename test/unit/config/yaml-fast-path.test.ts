// parseSource reads well-formed YAML with js-yaml (fast, no positions) and everything else with `yaml`
// (positions for the error). The two must never disagree: for each document below, the value must be
// exactly what `yaml` reads, and a document `yaml` rejects must still be rejected, with its position.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseSource, locate } from '../../../src/config/yaml-source.js';
import { InputError } from '../../../src/errors.js';

const SCALARS = [
  '1_000', '1_000.5', '0x1F', '0x1_F', '0o17', '017', '09', '+12', '-0', '1e3', '1E3', '1.e3', '.5', '1.', '+.5', '-.5',
  '.inf', '-.Inf', '+.inf', '.NaN', '~', 'null', 'Null', 'NULL', 'TRUE', 'True', 'tRue', 'yes', 'No', 'on', 'off', 'y', 'n',
  '2026-11-01', '2026-11-01T10:00:00Z', '12:30', '1:20:30', '0b101', '0B1', '"x"', "'it''s'", '1e', '1_', '_1', '0x', '0o',
  '0.1_2', '1,000', '12e03', '+0x1F', '-0x1F', '0xff', '+0o7', '-0o7', '.e3', '1.5E+3', '0.', '00', '+1_000', '"+14155550123"',
  '+14155550123', '0044 20 7946 0000', 'a #comment', 'a#b', '"a\\tb"', "'a\\tb'", '"\\u00e9"', '""', "''", '[]', '{}',
  '[1, "2", three]', '{a: 1, b: [x, y]}', '|\n  line one\n  line two\n', '>-\n  folded\n  text\n', '|+\n  keep\n\n',
  'R&D', 'Parts & labour', '5 * 3', 'Thanks!', 'a: b', '"a: b"', '1.0', '-1.5e-3', '0x10p3', '!!str 12', '!!int "12"',
  '&a x', '*a', '!custom x', '9007199254740993', '123456789012345678901234567890', '-', '--', '- x', '?', ':', 'a:b',
];

const DOCUMENTS = [
  '',
  '# only a comment\n',
  '---\nid: A\n',
  '---\nid: A\n...\n',
  'id: A\n---\nid: B\n',
  'id: A\nid: B\n',
  '{a: 1, a: 2}\n',
  'a:\n  b: 1\n  b: 2\n',
  'a:\n\tb: 1\n',
  'a: 1\n b: 2\n',
  'a: [1, 2\n',
  'a: "unterminated\n',
  'a: b: c\n',
  '- a\n- b\n',
  '- id: A\n  lines:\n    - { description: x, quantity: 1, unit_amount: 100 }\n- id: B\n',
  'key with spaces: 1\n"quoted key": 2\n? complex\n: 3\n',
  'a: &x {b: 1}\nc: *x\n',
  'a: !!binary aGk=\n',
  'a: !!timestamp 2026-01-01\n',
  '<<: {a: 1}\nb: 2\n',
  'a: |\n  text\n b: 1\n',
  '%YAML 1.2\n---\na: 1\n',
  '%YAML 1.1\n---\na: yes\n',
  'a: 1 # comment\nb: 2#not-comment\n',
  '\uFEFFid: A\n',
  'a:\n  - 1\n  -2\n',
  'a: 1\r\nb: 2\r\n',
  `${'x'.repeat(1100)}: 1\n`,
  'a: @b\n',
  'a: `b`\n',
  'a: %b\n',
  'a:\n- 1\n- 2\n',
  'a:   \n  b\n',
  'a: "multi\n  line"\n',
  "a: 'multi\n\n  line'\n",
  'a: plain\n  continued\n',
  'a: 1\n\n\n# trailing\n',
  'a: b # c: d\n',
  'a: "x" y\n',
  '"a": 1\n"a": 2\n',
  'a: {b: 1,}\n',
  'a: [1,,2]\n',
];

/**
 * What `yaml` reads but parseSource refuses on purpose, on both paths, at the line:column given: a collection
 * as a key (stringified to "[ a, b ]" with a warning on stderr) and an alias inside its own anchor (a value
 * containing itself, on which every later walk recursed until the stack overflowed).
 */
const REFUSED: Array<[string, number, number]> = [
  ['[a, b]: 1\n', 1, 1],
  ['{a: 1}: 2\n', 1, 1],
  ['a: 1\n? [x, y]\n: 2\n', 2, 3],
  ['k: &k {a: 1}\n*k : 2\n', 2, 1],
  ['a: &ob\n  x: 1\n  <<: *ob\n', 3, 7],
  ['- &a [ *a ]\n', 1, 8],
  ['a: &a\n  b:\n    c: [1, *a]\n', 3, 12],
];

function viaYaml(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parse(text, { prettyErrors: false, uniqueKeys: true, strict: true, maxAliasCount: 100, logLevel: 'error' }) ?? null };
  } catch {
    return { ok: false };
  }
}

function viaParseSource(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: parseSource(text, 'x.yaml', 'DATA_INVALID').value };
  } catch (error) {
    return { ok: false, error };
  }
}

function agrees(text: string): void {
  const expected = viaYaml(text);
  const got = viaParseSource(text);
  if (expected.ok) {
    expect(got, JSON.stringify(text)).toEqual({ ok: true, value: expected.value });
  } else {
    expect(got.ok, `${JSON.stringify(text)} is rejected by yaml, so must be rejected`).toBe(false);
    const error = (got as { error: unknown }).error;
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues[0]?.line).toBeGreaterThan(0);
  }
}

describe('parseSource: the fast YAML path reads every document as the full parser does', () => {
  it.each(SCALARS)('a value %j', (scalar) => {
    agrees(`v: ${scalar}\n`);
    agrees(`- ${scalar}\n`);
    agrees(`v: [${scalar}]\n`);
  });

  it.each(DOCUMENTS.map((d) => [JSON.stringify(d).slice(0, 60), d]))('a document %s', (_, text) => {
    agrees(text);
  });

  it.each(REFUSED)('refuses %j at its line and column, on both paths', (text, line, column) => {
    const got = viaParseSource(text);
    expect(got.ok).toBe(false);
    const error = (got as { error: unknown }).error;
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues[0]).toMatchObject({ line, column });
    expect((error as InputError).message).toMatch(new RegExp(`^x\\.yaml:${line}:${column}: `));
    // named .json, the text is first tried as JSON: still refused, at the same place
    expect(() => parseSource(text, 'x.json', 'DATA_INVALID')).toThrow(new RegExp(`^x\\.json:${line}:${column}: `));
  });

  it('every YAML file in the repository\'s fixtures reads the same on both paths', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.ya?ml$/.test(name)) files.push(full);
      }
    };
    walk('fixtures');
    walk('test/fixtures');
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) agrees(readFileSync(file, 'utf8'));
  });

  it('a plain invoice file takes the fast path (its positions are parsed only when asked for)', () => {
    const src = parseSource('id: INV-1\nstatus: validated\nissued_on: 2026-11-01\nlines:\n  - { description: Boiler service, quantity: 1, unit_amount: -500 }\n', 'inv.yaml', 'DATA_INVALID');
    expect(Object.getOwnPropertyDescriptor(src, 'doc')?.get).toBeTypeOf('function');
  });

  it('an invoice file read on the fast path still maps a field to its line and column', () => {
    const src = parseSource('id: INV-1\naccount: main\ncustomer:\n  name: Dana\n  email: dana@x.test\n', 'inv.yaml', 'DATA_INVALID');
    expect(locate(src, ['customer', 'email'])).toEqual({ line: 5, column: 10 });
    expect(locate(src, ['account'], { key: true })).toEqual({ line: 2, column: 1 });
  });

  it('a "billion laughs" document is refused, not expanded', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    expect(() => parseSource(`${levels.join('\n')}\n`, 'x.yaml', 'DATA_INVALID')).toThrow();
  });
});
