import { describe, expect, it } from 'vitest';
import { checkBareAddress, checkRecipientAddress, parseMailbox } from '../../../src/data/email-address.js';

describe('checkRecipientAddress', () => {
  describe('accepts one valid bare address', () => {
    it.each([
      ['jane.doe@northwind-traders.com', 'jane.doe@northwind-traders.com', 'northwind-traders.com'],
      ['ap+invoices@mail.northwind-traders.co.uk', 'ap+invoices@mail.northwind-traders.co.uk', 'mail.northwind-traders.co.uk'],
      ["o'brien@northwind-traders.ie", "o'brien@northwind-traders.ie", 'northwind-traders.ie'],
      ['  jane@northwind-traders.com  ', 'jane@northwind-traders.com', 'northwind-traders.com'],
      ['Jane@Northwind-Traders.COM', 'Jane@northwind-traders.com', 'northwind-traders.com'],
    ])('%j', (raw, address, domain) => {
      expect(checkRecipientAddress(raw)).toEqual({ ok: true, address, domain });
    });

    it('an internationalised domain, converted to punycode', () => {
      expect(checkRecipientAddress('kontakt@bücher.de')).toEqual({ ok: true, address: 'kontakt@xn--bcher-kva.de', domain: 'xn--bcher-kva.de' });
    });

    it('an internationalised top-level domain', () => {
      expect(checkRecipientAddress('info@пример.рф')).toMatchObject({ ok: true, domain: 'xn--e1afmkfd.xn--p1ai' });
    });
  });

  describe('rejects', () => {
    it.each([
      ['CR/LF (header injection)', 'jane@northwind-traders.com\r\nBcc: all@northwind-traders.com', 'contains a line break'],
      ['a bare LF', 'jane@northwind-traders.com\n', 'contains a line break'],
      ['a bare CR', 'jane@northwind-traders.com\r', 'contains a line break'],
      ['an empty value', '   ', 'is empty'],
      ['a display name', 'Jane Doe <jane@northwind-traders.com>', 'has a display name or angle brackets'],
      ['angle brackets alone', '<jane@northwind-traders.com>', 'has a display name or angle brackets'],
      ['a comma list', 'jane@northwind-traders.com, ap@northwind-traders.com', 'holds more than one address'],
      ['a semicolon list', 'jane@northwind-traders.com;ap@northwind-traders.com', 'holds more than one address'],
      ['spaces', 'jane doe@northwind-traders.com', 'contains spaces'],
      ['no @', 'jane.northwind-traders.com', 'is not of the form name@domain'],
      ['no local part', '@northwind-traders.com', 'is not of the form name@domain'],
      ['no domain', 'jane@', 'is not of the form name@domain'],
      ['two @', 'jane@doe@northwind-traders.com', 'has more than one "@"'],
      ['consecutive dots', 'jane..doe@northwind-traders.com', 'has a local part ("jane..doe")'],
      ['a leading dot', '.jane@northwind-traders.com', 'has a local part (".jane")'],
      ['a single-label domain', 'jane@localhost', 'not a valid host name'],
      ['a trailing dot in the domain', 'jane@northwind-traders.com.', 'not a valid host name'],
      ['a label starting with a hyphen', 'jane@-northwind.com', 'not a valid host name'],
      ['a numeric top-level domain', 'jane@10.0.0.1', 'which is not a top-level domain'],
      ['a local part over 64 characters', `${'j'.repeat(65)}@northwind-traders.com`, 'longer than 64'],
      ['an address over 254 characters', `jane@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`, 'longer than 254'],
    ])('%s', (_what, raw, reason) => {
      const verdict = checkRecipientAddress(raw);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) {
        expect(verdict.reason).toContain(reason);
        expect(verdict.placeholder).toBeFalsy();
      }
    });
  });

  describe('rejects placeholders typed to get past a required field', () => {
    it.each([
      ['test@example.com', 'reserved for examples'],
      ['billing@example.org', 'reserved for examples'],
      ['jane@mail.example.net', 'reserved for examples'],
      ['jane@northwind.test', 'reserved for examples'],
      ['jane@northwind.invalid', 'reserved for examples'],
      ['jane@shop.example', 'reserved for examples'],
      ['none@northwind-traders.com', 'looks like a placeholder'],
      ['N.A@northwind-traders.com', 'looks like a placeholder'],
      ['test@northwind-traders.com', 'looks like a placeholder'],
      ['asdf@asdf.com', 'looks like a placeholder'],
      ['noreply@northwind-traders.com', 'is a no-reply address'],
      ['no-reply@northwind-traders.com', 'is a no-reply address'],
      ['donotreply@northwind-traders.com', 'is a no-reply address'],
    ])('%s', (raw, reason) => {
      const verdict = checkRecipientAddress(raw);
      expect(verdict).toMatchObject({ ok: false, placeholder: true });
      if (!verdict.ok) expect(verdict.reason).toContain(reason);
    });
  });

  it('checkBareAddress is the same verdict without the list/display-name screening', () => {
    expect(checkBareAddress('jane@northwind-traders.com')).toEqual({ ok: true, address: 'jane@northwind-traders.com', domain: 'northwind-traders.com' });
    expect(checkBareAddress('test@example.com')).toMatchObject({ ok: false, placeholder: true });
  });
});

describe('parseMailbox (the sender, email.from)', () => {
  it.each([
    ['Acme <billing@acmeplumbing.com>', 'Acme', 'billing@acmeplumbing.com'],
    ['Acme Plumbing <billing@acmeplumbing.com>', 'Acme Plumbing', 'billing@acmeplumbing.com'],
    ['"Acme Plumbing, Inc." <billing@acmeplumbing.com>', 'Acme Plumbing, Inc.', 'billing@acmeplumbing.com'],
    ['  Acme   <billing@acmeplumbing.com>  ', 'Acme', 'billing@acmeplumbing.com'],
    ['<billing@acmeplumbing.com>', undefined, 'billing@acmeplumbing.com'],
    ['billing@acmeplumbing.com', undefined, 'billing@acmeplumbing.com'],
  ])('accepts %j', (raw, name, address) => {
    expect(parseMailbox(raw)).toEqual({ ok: true, name, address });
  });

  it('accepts a no-reply sender (placeholder rules apply to recipients only)', () => {
    expect(parseMailbox('Acme <noreply@acmeplumbing.com>')).toEqual({ ok: true, name: 'Acme', address: 'noreply@acmeplumbing.com' });
  });

  it.each([
    ['Acme <billing@acmeplumbing.com>\r\nBcc: x@acmeplumbing.com', 'contains a line break'],
    ['Acme\n<billing@acmeplumbing.com>', 'contains a line break'],
    ['billing at acmeplumbing.com', 'is not "Name <address@domain>" or "address@domain"'],
    ['billing@acmeplumbing.com, ap@acmeplumbing.com', 'is not "Name <address@domain>" or "address@domain"'],
    ['Acme <billing@acmeplumbing.com', 'is not "Name <address@domain>" or "address@domain"'],
    ['Acme <billing@>', 'address is not of the form name@domain'],
    ['Acme <billing@acmeplumbing>', 'address has a domain ("acmeplumbing") that is not a valid host name'],
    ['', 'address is not of the form name@domain'],
  ])('rejects %j', (raw, reason) => {
    const r = parseMailbox(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});
