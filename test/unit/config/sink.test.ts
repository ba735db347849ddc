import { describe, expect, it } from 'vitest';
import { redactor } from '../../../src/config/redact.js';
import { addAccessToken, addLoginForms } from '../../../src/config/secrets.js';
import { safeContent, safeJournalLine } from '../../../src/io/sink.js';

describe('the redaction boundary for files', () => {
  const secret = 'sink-test-Secret/+value';
  redactor.add(secret);

  it('a journal line is redacted and stays one valid JSON line', () => {
    const line = safeJournalLine({ v: 1, invoice: 'INV-1', error: `Invalid API Key provided: ${secret}`, quoted: `say "${secret}"` });
    expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toEqual({ v: 1, invoice: 'INV-1', error: 'Invalid API Key provided: [redacted]', quoted: 'say "[redacted]"' });
  });

  it('bytes (an .eml message) are redacted, in UTF-8 or not; untouched bytes come back as they were', () => {
    const eml = Buffer.from(`Subject: x\r\n\r\nkey ${secret} é\r\n`, 'utf8');
    expect(safeContent(eml).toString()).toBe('Subject: x\r\n\r\nkey [redacted] é\r\n');
    const latin1 = Buffer.concat([Buffer.from([0xe9, 0x20]), Buffer.from(secret)]);
    expect(Buffer.from(safeContent(latin1) as Buffer).toString('latin1')).toBe('\xe9 [redacted]');
    const clean = Buffer.from([0xff, 0x00, 0x41]);
    expect(safeContent(clean)).toBe(clean);
  });

  it('the strings a client builds from a login and a short password (AUTH PLAIN, Basic, XOAUTH2) are known', () => {
    addLoginForms(redactor, 'billing@acme.test', 'pw');
    addAccessToken(redactor, 'billing@acme.test', 'ya29.sink-test-token');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const blob of [b64('\0billing@acme.test\0pw'), b64('billing@acme.test:pw'), b64('user=billing@acme.test\x01auth=Bearer ya29.sink-test-token\x01\x01')]) {
      expect(redactor.redact(`535 ${blob} rejected`)).toBe('535 [redacted] rejected');
    }
  });
});
