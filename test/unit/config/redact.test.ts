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

describe('Redactor: the forms a secret takes', () => {
  const secret = 'p@ss/w0rd+&=Ω 9 "q"';
  const r = new Redactor();
  r.add(secret);

  it('URL-encoded (upper- and lower-case hex, `+` for spaces) and HTML/XML-escaped', () => {
    const uri = encodeURIComponent(secret);
    for (const form of [uri, uri.toLowerCase(), new URLSearchParams({ v: secret }).toString().slice(2), secret.replace(/&/g, '&amp;').replace(/"/g, '&quot;')]) {
      expect(r.redact(`see https://x.test/?k=${form}&z=1`)).toBe('see https://x.test/?k=[redacted]&z=1');
    }
  });

  it('base64 at any byte offset, as inside an AUTH PLAIN string or a Basic header (standard and URL alphabets)', () => {
    for (const prefix of ['', 'a', 'ab', '\0user@x.test\0', 'AC123:']) {
      const encoded = Buffer.from(`${prefix}${secret}`, 'utf8').toString('base64');
      const out = r.redact(`AUTH PLAIN ${encoded}`);
      expect(out).toContain('[redacted]');
      // Whatever is left cannot be decoded back to the secret.
      expect(Buffer.from(out.slice(11).replace('[redacted]', ''), 'base64').toString('utf8')).not.toContain(secret);
      expect(r.redact(encoded.replace(/\+/g, '-').replace(/\//g, '_'))).toContain('[redacted]');
    }
  });

  it('wrapped over lines by a renderer (with indentation, a colour reset, a quoted-printable soft break)', () => {
    const long = 'correct horse battery staple';
    const w = new Redactor();
    w.add(long);
    expect(w.redact('pass: correct horse\n      battery staple.')).toBe('pass: [redacted].');
    expect(w.redact('token correct horse batt\x1b[39m\n  \x1b[2mery staple')).toBe('token [redacted]');
    expect(w.redact('correct horse battery st=\r\naple')).toBe('[redacted]');
  });
});

describe('Redactor: short secrets (under 4 characters)', () => {
  const r = new Redactor();
  for (const s of ['x', 'ab', 'q7z']) r.add(s);

  it('are masked as a whole token after a credential word, in prose, fields and JSON', () => {
    expect(r.redact('535 5.7.8 invalid: password x (AUTH PLAIN …)')).toBe('535 5.7.8 invalid: password [redacted] (AUTH PLAIN …)');
    expect(r.redact('Authenticate: auth token ab was refused')).toBe('Authenticate: auth token [redacted] was refused');
    expect(r.redact('{"auth_token":"q7z","v":1}')).toBe('{"auth_token":"[redacted]","v":1}');
    expect(r.redact('secret_key: x')).toBe('secret_key: [redacted]');
  });

  it('are left alone elsewhere: ordinary words, numbers and JSON stay intact', () => {
    const text = '{"v":1,"step":"email","note":"Valve x 2, abc, ab-12"}';
    expect(r.redact(text)).toBe(text);
  });

  it('are always hidden as the value of a credential field, whatever their length', () => {
    expect(r.isSecret('x')).toBe(true);
    expect(r.isSecret('y')).toBe(false);
    r.add(7);
    expect(r.redactValue({ smtp: { pass: 'x', host: 'x' }, twilio: { auth_token: 7 }, summary: { pass: 3 } })).toEqual({ smtp: { pass: '[redacted]', host: 'x' }, twilio: { auth_token: '[redacted]' }, summary: { pass: 3 } });
  });
});
