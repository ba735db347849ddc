import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/config/redact.js';

describe('Redactor', () => {
  it('finds a secret in serialised JSON too, where quotes, backslashes and line breaks are escaped', () => {
    const r = new Redactor();
    const secret = 'pa"ss\\wo\nrd-123';
    r.add(secret);
    const line = JSON.stringify({ message: `login failed for ${secret}` });
    expect(line).not.toContain(secret);
    const out = r.redact(line);
    expect(out).toBe(JSON.stringify({ message: 'login failed for [redacted]' }));
    expect(JSON.parse(out)).toEqual({ message: 'login failed for [redacted]' });
    expect(r.redact(`raw ${secret}`)).toBe('raw [redacted]');
  });

  it('masks credential shapes it was never told about', () => {
    const r = new Redactor();
    expect(r.redact('key sk_live_abcdef123456 and Bearer abcdefgh.ijk and smtp://user:hunter22@host')).toBe('key sk_live_[redacted] and Bearer [redacted] and smtp://user:[redacted]@host');
  });
});

describe('Redactor.redactValue', () => {
  it('copies deeply with every string redacted, and keeps a getter lazy (called only when read, then redacted)', () => {
    const r = new Redactor();
    r.add('s3cret-value');
    let calls = 0;
    const source = {
      file: 'a.yaml',
      get line() {
        calls++;
        return 's3cret-value at 7';
      },
    };
    const copy = r.redactValue({ list: ['x s3cret-value'], nested: { source } });
    expect(copy.list).toEqual(['x [redacted]']);
    expect(calls).toBe(0);
    expect(copy.nested.source.line).toBe('[redacted] at 7');
    expect(calls).toBe(1);
    expect(JSON.parse(JSON.stringify(copy))).toEqual({ list: ['x [redacted]'], nested: { source: { file: 'a.yaml', line: '[redacted] at 7' } } });
  });
});
