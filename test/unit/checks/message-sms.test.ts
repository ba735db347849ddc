import { describe, expect, it } from 'vitest';
import { SAMPLE_PAYMENT_LINK } from '../../../src/engine/facts.js';
import { declaredCodes, makeAccount, makeInvoice, runOne } from '../../helpers/factories.js';

const ID = 'message.sms';
const invoice = makeInvoice();
const withSms = (sms: string, extra: Parameters<typeof makeAccount>[0] = {}) => makeAccount({ ...extra, templates: { sms } });
const findingCodes = (data: Record<string, unknown>) => (data.findings as Array<{ code: string }>).map((f) => f.code);

describe('message.sms', () => {
  it('declares exactly the codes exercised here', () => {
    expect(declaredCodes(ID)).toEqual(['PAYMENT_LINK_MISSING', 'PLACEHOLDER_UNRESOLVED', 'SMS_MULTI_SEGMENT', 'SMS_TOO_LONG', 'SMS_UNICODE', 'SMS_URL_SHORTENER']);
  });

  describe('passes', () => {
    it('the default template: one GSM-7 segment, payment link included', async () => {
      const r = await runOne(ID, invoice, makeAccount());
      const expected = `Acme Plumbing: invoice INV-1001 for $125.00 is due Jul 15, 2025. Pay here: ${SAMPLE_PAYMENT_LINK}`;
      expect(r.status).toBe('pass');
      expect(r.code).toBeUndefined();
      expect(r.message).toBe(`${expected.length} characters, GSM-7, 1 segment.`);
      expect(r.data).toEqual({ characters: expected.length, encoding: 'GSM-7', segments: 1, units: expected.length, preview: expected });
      expect(r.remediation).toEqual([]);
    });

    it('the default template without a link when payments are off', async () => {
      const r = await runOne(ID, invoice, makeAccount({ payments: { provider: 'none' } }));
      expect(r.status).toBe('pass');
      expect(r.data).toMatchObject({ preview: 'Acme Plumbing: invoice INV-1001 for $125.00 is due Jul 15, 2025.', segments: 1 });
    });

    it('a branded short link is not a public shortener', async () => {
      const r = await runOne(ID, invoice, withSms('Pay {{amount_due}}: {{payment_link}} or https://pay.acmeplumbing.com/x'));
      expect(r.status).toBe('pass');
    });
  });

  it('PLACEHOLDER_UNRESOLVED for a misspelt placeholder', async () => {
    const r = await runOne(ID, invoice, withSms('{{account_name}}: hi {{custmer_name}}, pay {{payment_link}}'));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('PLACEHOLDER_UNRESOLVED');
    expect(r.message).toBe('Unresolved placeholder {{custmer_name}}.');
    expect(r.data).toMatchObject({ unresolved: ['custmer_name'] });
    expect(r.data.preview).toContain('{{custmer_name}}');
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('PLACEHOLDER_UNRESOLVED for a malformed placeholder ("{{customer_name}")', async () => {
    const r = await runOne(ID, invoice, withSms('Hi {{customer_name}, pay {{payment_link}}'));
    expect(r.code).toBe('PLACEHOLDER_UNRESOLVED');
    expect(r.data).toMatchObject({ unresolved: ['{{customer_name}'] });
  });

  it('PAYMENT_LINK_MISSING when payments are on and the template has no link', async () => {
    const r = await runOne(ID, invoice, withSms('{{account_name}}: invoice {{invoice_number}} for {{amount_due}} is due.'));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('PAYMENT_LINK_MISSING');
    expect(r.message).toBe('Payments are on, but the SMS template has no {{payment_link}}.');
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('SMS_TOO_LONG beyond 1,600 characters', async () => {
    const filler = 'a'.repeat(1600);
    const r = await runOne(ID, invoice, withSms(`${filler} {{payment_link}}`));
    const characters = 1600 + 1 + SAMPLE_PAYMENT_LINK.length;
    expect(r.status).toBe('fail');
    expect(r.code).toBe('SMS_TOO_LONG');
    expect(r.message).toMatch(new RegExp(`^The SMS is ${characters} characters; Twilio accepts at most 1600\\.`));
    expect(r.data).toMatchObject({ characters, encoding: 'GSM-7' });
    expect(findingCodes(r.data)).toEqual(['SMS_TOO_LONG', 'SMS_MULTI_SEGMENT']);
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('a message of exactly 1,600 characters is not too long (only multi-segment)', async () => {
    const r = await runOne(ID, invoice, withSms(`${'a'.repeat(1600 - 1 - SAMPLE_PAYMENT_LINK.length)} {{payment_link}}`));
    expect(r.status).toBe('warn');
    expect(r.code).toBe('SMS_MULTI_SEGMENT');
    expect(r.data).toMatchObject({ characters: 1600, segments: 11 });
  });

  it('SMS_URL_SHORTENER (warn) for a public shortener link', async () => {
    const r = await runOne(ID, invoice, withSms('Pay {{amount_due}} at {{payment_link}} - details: https://bit.ly/3abcXYZ'));
    expect(r.status).toBe('warn');
    expect(r.code).toBe('SMS_URL_SHORTENER');
    expect(r.message).toBe('It contains a bit.ly link (https://bit.ly/3abcXYZ), which carriers filter as spam.');
    expect(r.data).toMatchObject({ link: 'https://bit.ly/3abcXYZ' });
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('SMS_UNICODE (warn) for characters outside GSM-7, naming them', async () => {
    const r = await runOne(ID, invoice, withSms('Pay {{amount_due}} ✓ {{payment_link}}'));
    expect(r.status).toBe('warn');
    expect(r.code).toBe('SMS_UNICODE');
    expect(r.message).toContain('"✓"');
    expect(r.message).toContain('70 characters per segment');
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('SMS_UNICODE comes from a value too (a curly apostrophe in the account name)', async () => {
    const r = await runOne(ID, invoice, makeAccount({ name: 'Zoë’s Plumbing' }));
    expect(r.code).toBe('SMS_UNICODE');
    expect(r.message).toContain('"ë" "’"');
    expect(r.data).toMatchObject({ encoding: 'UCS-2' });
    // the default message with a link is longer than 70 UCS-2 units, so it also splits
    expect(findingCodes(r.data)).toEqual(['SMS_UNICODE', 'SMS_MULTI_SEGMENT']);
  });

  it('SMS_MULTI_SEGMENT (warn) past 160 GSM-7 characters', async () => {
    const template = `{{payment_link}} ${'b'.repeat(160 - SAMPLE_PAYMENT_LINK.length)}`; // 161 characters
    const r = await runOne(ID, invoice, withSms(template));
    expect(r.status).toBe('warn');
    expect(r.code).toBe('SMS_MULTI_SEGMENT');
    expect(r.message).toBe('161 characters in GSM-7 are sent as 2 segments (billed as 2 messages).');
    expect(r.data).toMatchObject({ characters: 161, segments: 2, encoding: 'GSM-7' });
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('160 GSM-7 characters are still one segment', async () => {
    const r = await runOne(ID, invoice, withSms(`{{payment_link}} ${'b'.repeat(159 - SAMPLE_PAYMENT_LINK.length)}`));
    expect(r.status).toBe('pass');
    expect(r.message).toBe('160 characters, GSM-7, 1 segment.');
  });

  it('counts the optional message as empty and trims what it leaves', async () => {
    const r = await runOne(ID, invoice, withSms('Pay: {{payment_link}} {{message}}'));
    expect(r.status).toBe('pass');
    expect(r.data.preview).toBe(`Pay: ${SAMPLE_PAYMENT_LINK}`);
  });

  it('leads with a failure over warnings', async () => {
    const r = await runOne(ID, invoice, withSms('✓ https://bit.ly/x {{custmer}}'));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('PLACEHOLDER_UNRESOLVED');
    expect(findingCodes(r.data)).toEqual(['PLACEHOLDER_UNRESOLVED', 'PAYMENT_LINK_MISSING', 'SMS_URL_SHORTENER', 'SMS_UNICODE']);
  });

  it('is skipped when only email is requested', async () => {
    const r = await runOne(ID, invoice, withSms('{{nope}}'), { channels: ['email'] });
    expect(r.status).toBe('skip');
  });
});
