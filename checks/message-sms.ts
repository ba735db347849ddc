import { codeOf, defineCheck, reportFindings, type Finding, analyzeSms, SMS_MAX_CHARACTERS, SAMPLE_PAYMENT_LINK } from '../src/index.js';
import messageEmail from './message-email.js';

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
    // Owned by message.email, which declares them with their remediation: the SMS template fails the same way,
    // and reports it with the same code (the JSON contract), from that one definition.
    PLACEHOLDER_UNRESOLVED: codeOf(messageEmail, 'PLACEHOLDER_UNRESOLVED'),
    PAYMENT_LINK_MISSING: codeOf(messageEmail, 'PAYMENT_LINK_MISSING'),
    SMS_TOO_LONG: {
      severity: 'fail',
      summary: 'the SMS is longer than 1,600 characters',
      remediation: {
        cause: 'The text message is longer than the 1,600 characters Twilio accepts, so it would be rejected.',
        steps: [
          'Shorten the SMS template (accounts.<id>.templates.sms): keep the invoice number, amount and link; move details to the email.',
          'Shorten or drop the optional short message.',
        ],
        docs: 'https://www.twilio.com/docs/api/errors/21617',
      },
    },
    SMS_URL_SHORTENER: {
      severity: 'warn',
      summary: 'a public URL shortener link (carriers filter these)',
      remediation: {
        cause: 'The text message contains a public URL shortener link; carriers filter such messages as likely spam (Twilio error 30007).',
        steps: [
          'Remove the shortened link from the template or the short message and use the full payment link ({{payment_link}}).',
          "If you need short links, use a branded domain of your own (Twilio's Link Shortening on your messaging service).",
        ],
        docs: 'https://www.twilio.com/docs/api/errors/30007',
      },
    },
    SMS_UNICODE: {
      severity: 'warn',
      summary: 'characters outside GSM-7 shrink each segment to 70',
      remediation: {
        cause: 'The text message contains characters outside the GSM alphabet (emoji, curly quotes, some accents), which cuts each segment from 160 to 70 characters.',
        steps: [
          'Replace the characters listed (e.g. ’ → \', “ ” → ", – → -) in the template or the customer/account name.',
          "Or enable Twilio's Smart Encoding on the messaging service, which substitutes look-alike characters automatically.",
        ],
        docs: 'https://www.twilio.com/docs/messaging/services/smart-encoding',
      },
    },
    SMS_MULTI_SEGMENT: {
      severity: 'warn',
      summary: 'the SMS is sent as several segments',
      remediation: {
        cause: 'The text message does not fit in one SMS segment, so it is sent and billed as several parts (and some phones show them out of order).',
        steps: [
          'Shorten the SMS template (accounts.<id>.templates.sms) to fit one segment: 160 plain characters, or 70 if it has emoji or other special characters.',
          'This is a warning: the message will still be delivered.',
        ],
      },
    },
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
