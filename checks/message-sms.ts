import { defineCheck, reportFindings, type Finding, analyzeSms, SMS_MAX_CHARACTERS, SAMPLE_PAYMENT_LINK } from '../src/index.js';

// Public shorteners carriers filter (Twilio error 30007); a branded short domain is fine.
const SHORTENERS = /\bhttps?:\/\/(?:www\.)?(bit\.ly|tinyurl\.com|goo\.gl|ow\.ly|t\.co|is\.gd|buff\.ly|rebrand\.ly|cutt\.ly|shorturl\.at|tiny\.cc|rb\.gy|t\.ly|v\.gd|s\.id)\/\S*/i;

export default defineCheck({
  id: 'message.sms',
  title: 'Invoice SMS renders',
  description: 'The SMS renders from the account\'s template (or the default) with no unresolved {{placeholder}}, carries the payment link when payments are on, fits Twilio\'s 1,600-character limit, and is counted in segments as the carrier does (GSM-7: 160, or 153 per part; UCS-2: 70, or 67 per part). Rendered with a payment link of typical length.',
  category: 'message',
  channels: ['sms'],
  scope: 'invoice',
  article: ['servinix/invoice-not-sending#description', 'servinix/send-a-payment-link#6'],
  codes: {
    PLACEHOLDER_UNRESOLVED: { severity: 'fail', summary: 'a {{placeholder}} has no value or is misspelt' },
    PAYMENT_LINK_MISSING: { severity: 'fail', summary: 'the template has no {{payment_link}} although payments are on' },
    SMS_TOO_LONG: { severity: 'fail', summary: 'the SMS is longer than 1,600 characters' },
    SMS_URL_SHORTENER: { severity: 'warn', summary: 'a public URL shortener link (carriers filter these)' },
    SMS_UNICODE: { severity: 'warn', summary: 'characters outside GSM-7 shrink each segment to 70' },
    SMS_MULTI_SEGMENT: { severity: 'warn', summary: 'the SMS is sent as several segments' },
  },
  run(ctx) {
    const sms = ctx.facts.smsMessage();
    const text = sms.output;
    const enc = analyzeSms(text);
    const stats = { characters: enc.characters, encoding: enc.encoding, segments: enc.segments, units: enc.units };
    const findings: Finding[] = [];
    if (sms.unresolved.length > 0) {
      findings.push({ code: 'PLACEHOLDER_UNRESOLVED', severity: 'fail', message: `Unresolved placeholder${sms.unresolved.length > 1 ? 's' : ''} ${sms.unresolved.map((u) => (u.includes('{') ? u : `{{${u}}}`)).join(', ')}.`, data: { unresolved: sms.unresolved } });
    }
    if (ctx.account.payments.provider !== 'none' && !text.includes(SAMPLE_PAYMENT_LINK)) {
      findings.push({ code: 'PAYMENT_LINK_MISSING', severity: 'fail', message: 'Payments are on, but the SMS template has no {{payment_link}}.' });
    }
    if (enc.characters > SMS_MAX_CHARACTERS) {
      findings.push({ code: 'SMS_TOO_LONG', severity: 'fail', message: `The SMS is ${enc.characters} characters; Twilio accepts at most ${SMS_MAX_CHARACTERS}.` });
    }
    const shortener = SHORTENERS.exec(text);
    if (shortener) findings.push({ code: 'SMS_URL_SHORTENER', severity: 'warn', message: `It contains a ${shortener[1]} link (${shortener[0]}), which carriers filter as spam.`, data: { link: shortener[0] } });
    if (enc.encoding === 'UCS-2') {
      findings.push({ code: 'SMS_UNICODE', severity: 'warn', message: `Characters outside GSM-7 (${enc.nonGsm.map((c) => JSON.stringify(c)).join(' ')}) make it UCS-2: 70 characters per segment instead of 160.`, data: { nonGsmCharacters: enc.nonGsm } });
    }
    if (enc.segments > 1) {
      findings.push({ code: 'SMS_MULTI_SEGMENT', severity: 'warn', message: `${enc.characters} characters in ${enc.encoding} are sent as ${enc.segments} segments (billed as ${enc.segments} messages).` });
    }
    return reportFindings(ctx, findings, `${enc.characters} characters, ${enc.encoding}, ${enc.segments} segment${enc.segments === 1 ? '' : 's'}.`, { ...stats, preview: text });
  },
});
