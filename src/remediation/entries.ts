import type { Remediation } from '../engine/types.js';

/**
 * The remediation catalogue: what each code means and what to do, in order, in the words a support
 * engineer can read to a customer. UI paths follow the help-centre articles in shared/seeds; steps that
 * concern invoice-doctor's own configuration name the config key. Support teams override or extend any
 * entry with `remediation: ./our-help-centre.yaml` in the configuration.
 */
export const REMEDIATION: Readonly<Record<string, Remediation>> = {
  // invoice.status
  INVOICE_DRAFT: {
    cause: 'The invoice is still a Draft. Only validated (finalised) invoices can be sent, and only they can carry a payment link.',
    steps: [
      'Open the invoice and review the lines, amounts and customer.',
      'Click "Mark as validated" (in Stripe-backed workspaces: "Finalise invoice").',
      'Send again: Send → Send Email (or Send payment link). A validated, sent invoice moves to the outbox.',
      'If the invoice data is a file, set `status: validated` in it once the invoice is final.',
    ],
  },
  INVOICE_VOID: {
    cause: 'The invoice was voided, so it must not be sent or paid.',
    steps: [
      'Check with the account owner whether the void was intended.',
      'If the customer still owes the amount, create a new invoice (duplicate the voided one) and validate it.',
      'Send the new invoice instead of the voided one.',
    ],
  },
  INVOICE_PAID: {
    cause: 'The invoice is already marked Paid; sending it again would ask the customer to pay twice.',
    steps: [
      'Check the payment on the invoice (Payments → the invoice) and in the "Paid this month" total.',
      'If the customer only needs a copy, send a receipt instead of a payment request.',
      'If the payment was recorded by mistake, remove the payment so the invoice has an outstanding balance, then send it.',
    ],
  },
  // invoice.balance
  BALANCE_ZERO: {
    cause: 'Nothing is outstanding on the invoice: the amount paid equals the total, so there is nothing for a payment link to collect.',
    steps: [
      'Check the payments recorded against the invoice (Payments → the invoice).',
      'If it is settled, mark it Paid instead of sending it.',
      'If a payment was recorded twice or by mistake, remove it; the outstanding balance then reappears.',
    ],
  },
  TOTALS_INCONSISTENT: {
    cause: "The invoice's amounts do not add up: the stated total differs from the sum of its lines, the total is not positive, or more has been paid than the total.",
    steps: [
      'Open the invoice and compare each line (quantity × unit price) with the total shown.',
      'Correct the wrong line, the stated total, or the recorded payment so that total = Σ lines and paid ≤ total.',
      'Remember that amounts in invoice files are integers in minor units: 125.00 USD is 12500.',
    ],
  },
  CURRENCY_UNKNOWN: {
    cause: 'The invoice currency is not an ISO 4217 currency in circulation, so no payment link can be created for it.',
    steps: [
      'Open the invoice and set its currency to a three-letter ISO 4217 code (USD, EUR, GBP, …).',
      "Use the currency your Stripe account settles in (Settings → Payments shows it) unless you have enabled others.",
    ],
    docs: 'https://docs.stripe.com/currencies',
  },
  BELOW_MINIMUM_CHARGE: {
    cause: 'The outstanding amount is below the minimum Stripe will charge in this currency, so the payment link would be rejected.',
    steps: [
      'Collect this small balance another way (cash, check, or add it to the next invoice).',
      'Or record it as written off, so the invoice can be closed.',
    ],
    docs: 'https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts',
  },
  // recipient.email
  EMAIL_MISSING: {
    cause: 'Neither the invoice ("Send to (email)") nor the customer record has an email address.',
    steps: [
      'Open the customer record for the invoice recipient and add a valid email address, then save.',
      'Or set it for this invoice only: the invoice → Mails tab → "Send to (email)" (possible while the invoice is Draft or Not Sent); in invoice files, `send_to: { email: … }`.',
      'Send the invoice again.',
    ],
  },
  EMAIL_INVALID: {
    cause: 'The recipient email address is not one mail can be delivered to (a typo, a name around it, a line break, or a placeholder such as test@example.com).',
    steps: [
      'Open the customer record (or the invoice\'s "Send to (email)" field) and correct the address: just name@domain, no name or angle brackets.',
      'Confirm the address with the customer if you are unsure of the spelling.',
      'Save and send the invoice again.',
    ],
  },
  // recipient.phone
  PHONE_MISSING: {
    cause: 'SMS was requested but neither the invoice nor the customer record has a phone number.',
    steps: [
      'Open the customer record and add a mobile phone number, in international form (+1 415 555 0123) if the customer is abroad, then save.',
      'Or send by email only: choose Email in the send dialog (`--channel email`).',
    ],
  },
  PHONE_INVALID: {
    cause: "The phone number on file is not a valid number for its country (too short or long, wrong prefix, or a missing country code for a number abroad).",
    steps: [
      'Open the customer record and correct the phone number; write numbers abroad with their country code (+44 7700 900123).',
      "Numbers without a country code are read as numbers of the account's country (accounts.<id>.country).",
      'Save and send again.',
    ],
  },
  PHONE_NOT_MOBILE: {
    cause: 'The number on file is a landline or a service number (toll-free, premium-rate), which cannot receive text messages.',
    steps: [
      "Ask the customer for a mobile number and save it on the customer record (or the invoice's send-to phone).",
      'Or send this invoice by email instead (`--channel email`).',
    ],
  },
  // message.email / message.sms
  EMAIL_TEMPLATE_MISSING: {
    cause: 'The email template is empty, so there is no message to send.',
    steps: [
      'Open Settings → Invoicing → Emails → Email Templates and select or write the invoice template.',
      'In invoice-doctor\'s configuration, set accounts.<id>.templates.email_subject and email_text, or remove the empty key to use the built-in template.',
    ],
  },
  PLACEHOLDER_UNRESOLVED: {
    cause: 'The message template uses a placeholder that has no value for this invoice, or is misspelt, so the customer would see raw "{{…}}" text.',
    steps: [
      'Fix the spelling in the template; the placeholders available are listed by `invoice-doctor explain message.email` (or `message.sms`).',
      'If the placeholder is right but the value is missing (e.g. the customer has no name, the invoice no due date), add it to the customer record or the invoice.',
      'Run the check again to confirm the message renders completely.',
    ],
  },
  SUBJECT_INVALID: {
    cause: 'The email subject is empty, too long, or contains a line break, which mail servers reject or which lets text leak into the headers.',
    steps: [
      'Edit the subject template so it renders to one line of at most 255 characters (accounts.<id>.templates.email_subject).',
      'Check the values it includes (invoice number, account name) for stray line breaks.',
    ],
  },
  PAYMENT_LINK_MISSING: {
    cause: 'Payments are on for this account, but the message template has no {{payment_link}}, so the customer would get no way to pay online.',
    steps: [
      'Add {{payment_link}} to the template (accounts.<id>.templates.email_text / email_html / sms).',
      'Or, if this account does not take card payments, set payments.provider: none.',
    ],
  },
  SENDER_MISSING: {
    cause: 'No sender address is configured, so the email would have no From and most servers would refuse it.',
    steps: [
      'Set the sender in Settings → Invoicing → Emails → SMTP Settings (the address your SMTP account is allowed to send as).',
      'In invoice-doctor\'s configuration: accounts.<id>.email.from, e.g. "Acme Plumbing <billing@acme.com>".',
    ],
  },
  SENDER_INVALID: {
    cause: 'The configured sender is not a valid address ("Name <address@domain>" or "address@domain").',
    steps: [
      'Correct accounts.<id>.email.from to the form "Acme Plumbing <billing@acme.com>".',
      'Use an address on a domain you send from (the one your SMTP or email integration is verified for).',
    ],
  },
  SMS_TOO_LONG: {
    cause: 'The text message is longer than the 1,600 characters Twilio accepts, so it would be rejected.',
    steps: [
      'Shorten the SMS template (accounts.<id>.templates.sms): keep the invoice number, amount and link; move details to the email.',
      'Shorten or drop the optional short message.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21617',
  },
  SMS_MULTI_SEGMENT: {
    cause: 'The text message does not fit in one SMS segment, so it is sent and billed as several parts (and some phones show them out of order).',
    steps: [
      'Shorten the SMS template (accounts.<id>.templates.sms) to fit one segment: 160 plain characters, or 70 if it has emoji or other special characters.',
      'This is a warning: the message will still be delivered.',
    ],
  },
  SMS_UNICODE: {
    cause: 'The text message contains characters outside the GSM alphabet (emoji, curly quotes, some accents), which cuts each segment from 160 to 70 characters.',
    steps: [
      'Replace the characters listed (e.g. ’ → \', “ ” → ", – → -) in the template or the customer/account name.',
      "Or enable Twilio's Smart Encoding on the messaging service, which substitutes look-alike characters automatically.",
    ],
    docs: 'https://www.twilio.com/docs/messaging/services/smart-encoding',
  },
  SMS_URL_SHORTENER: {
    cause: 'The text message contains a public URL shortener link; carriers filter such messages as likely spam (Twilio error 30007).',
    steps: [
      'Remove the shortened link from the template or the short message and use the full payment link ({{payment_link}}).',
      "If you need short links, use a branded domain of your own (Twilio's Link Shortening on your messaging service).",
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30007',
  },
  // engine
  CHECK_TIMEOUT: {
    cause: 'The check did not finish within its time limit, so the result is unknown, neither pass nor fail.',
    steps: [
      'Run the check again; a slow provider may have recovered.',
      'If it keeps timing out, raise the limit with --timeout (milliseconds) and check the service status of the provider involved.',
    ],
  },
  CHECK_CRASHED: {
    cause: 'The check itself failed with an unexpected error, so the result is unknown, neither pass nor fail.',
    steps: [
      'Run again with --verbose to see the stack trace.',
      'If the check is a plugin, fix it or remove it from `plugins` in the configuration; if it is built in, report the trace to the invoice-doctor maintainers.',
    ],
  },
};
