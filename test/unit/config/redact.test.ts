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
