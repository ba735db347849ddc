import { defineCheck, reportFindings, type Finding, parseMailbox, SAMPLE_PAYMENT_LINK } from '../src/index.js';

const MAX_SUBJECT = 255;

export default defineCheck({
  id: 'message.email',
  title: 'Invoice email renders',
  description: 'The email subject, text and HTML parts render from the account\'s templates (or the defaults) with no unresolved {{placeholder}}; the subject is one line; the body carries the payment link when payments are on; the sender (email.from) is set and valid.',
  category: 'message',
  channels: ['email'],
  scope: 'invoice',
  article: ['servinix/invoice-not-sending#description', 'ooti/cant-send-an-invoice#1'],
  codes: {
    EMAIL_TEMPLATE_MISSING: {
      severity: 'fail',
      summary: 'the email template is empty',
      remediation: {
        cause: 'The email template is empty, so there is no message to send.',
        steps: [
          'Open Settings → Invoicing → Emails → Email Templates and select or write the invoice template.',
          'In invoice-doctor\'s configuration, set accounts.<id>.templates.email_subject and email_text, or remove the empty key to use the built-in template.',
        ],
      },
    },
    PLACEHOLDER_UNRESOLVED: {
      severity: 'fail',
      summary: 'a {{placeholder}} has no value or is misspelt',
      remediation: {
        cause: 'The message template uses a placeholder that has no value for this invoice, or is misspelt, so the customer would see raw "{{…}}" text.',
        steps: [
          'Fix the spelling in the template; the placeholders available are listed by `invoice-doctor explain message.email` (or `message.sms`).',
          'If the placeholder is right but the value is missing (e.g. the customer has no name, the invoice no due date), add it to the customer record or the invoice.',
          'Run the check again to confirm the message renders completely.',
        ],
      },
    },
    SUBJECT_INVALID: {
      severity: 'fail',
      summary: 'the subject is empty, too long or has a line break',
      remediation: {
        cause: 'The email subject is empty, too long, or contains a line break, which mail servers reject or which lets text leak into the headers.',
        steps: [
          'Edit the subject template so it renders to one line of at most 255 characters (accounts.<id>.templates.email_subject).',
          'Check the values it includes (invoice number, account name) for stray line breaks.',
        ],
      },
    },
    PAYMENT_LINK_MISSING: {
      severity: 'fail',
      summary: 'the template has no {{payment_link}} although payments are on',
      remediation: {
        cause: 'Payments are on for this account, but the message template has no {{payment_link}}, so the customer would get no way to pay online.',
        steps: [
          'Add {{payment_link}} to the template (accounts.<id>.templates.email_text / email_html / sms).',
          'Or, if this account does not take card payments, set payments.provider: none.',
        ],
      },
    },
    SENDER_MISSING: {
      severity: 'fail',
      summary: 'no sender (email.from) is configured',
      remediation: {
        cause: 'No sender address is configured, so the email would have no From and most servers would refuse it.',
        steps: [
          'Set the sender in Settings → Invoicing → Emails → SMTP Settings (the address your SMTP account is allowed to send as).',
          'In invoice-doctor\'s configuration: accounts.<id>.email.from, e.g. "Acme Plumbing <billing@acme.com>".',
        ],
      },
    },
    SENDER_INVALID: {
      severity: 'fail',
      summary: 'the sender is not a valid address',
      remediation: {
        cause: 'The configured sender is not a valid address ("Name <address@domain>" or "address@domain").',
        steps: [
          'Correct accounts.<id>.email.from to the form "Acme Plumbing <billing@acme.com>".',
          'Use an address on a domain you send from (the one your SMTP or email integration is verified for).',
        ],
      },
    },
  },
  run(ctx) {
    const { account } = ctx;
    const email = ctx.facts.emailMessage();
    const findings: Finding[] = [];
    const add = (code: string, message: string, data?: Record<string, unknown>) => findings.push({ code, severity: 'fail', message, data });

    const t = account.templates ?? {};
    for (const key of ['email_subject', 'email_text', 'email_html'] as const) {
      if (t[key] !== undefined && t[key]!.trim() === '') add('EMAIL_TEMPLATE_MISSING', `templates.${key} is empty.`, { template: key });
    }
    // Without its own HTML template the HTML part is the text template escaped: its problems are the
    // text's, so they are reported once.
    const parts = [['subject', email.subject], ['text', email.text], ...(email.custom.html ? [['HTML', email.html] as const] : [])] as const;
    for (const [part, rendered] of parts) {
      if (rendered.unresolved.length > 0) {
        add('PLACEHOLDER_UNRESOLVED', `The ${part} has unresolved placeholder${rendered.unresolved.length > 1 ? 's' : ''} ${rendered.unresolved.map((u) => (u.includes('{') ? u : `{{${u}}}`)).join(', ')}.`, { part, unresolved: rendered.unresolved });
      }
    }
    const subject = email.subject.output;
    if (/[\r\n]/.test(subject)) add('SUBJECT_INVALID', 'The subject contains a line break.', { subject });
    else if (subject.trim() === '') add('SUBJECT_INVALID', 'The subject is empty.');
    else if (subject.length > MAX_SUBJECT) add('SUBJECT_INVALID', `The subject is ${subject.length} characters long (at most ${MAX_SUBJECT}).`);

    if (account.payments.provider !== 'none') {
      const missing = parts.filter(([p, r]) => p !== 'subject' && !r.output.includes(SAMPLE_PAYMENT_LINK)).map(([p]) => p);
      if (missing.length > 0) add('PAYMENT_LINK_MISSING', `Payments are on, but the ${missing.join(' and ')} part${missing.length > 1 ? 's have' : ' has'} no {{payment_link}}.`, { parts: missing });
    }

    const from = account.email?.from;
    const unset = account.unsetEnv['email.from'];
    if (from === undefined || from.trim() === '') {
      add('SENDER_MISSING', unset ? `email.from needs the environment variable ${unset}, which is not set.` : `No sender: accounts.${account.id}.email.from is not set.`, { variable: unset });
    } else {
      const sender = parseMailbox(from);
      if (!sender.ok) add('SENDER_INVALID', `The sender ${JSON.stringify(from)} ${sender.reason}.`, { from });
    }

    return reportFindings(ctx, findings, `"${subject}" renders completely${account.payments.provider !== 'none' ? ', payment link included' : ''}; from ${from}.`, {
      subject,
      textLength: email.text.output.length,
      customTemplates: email.custom,
    });
  },
});
