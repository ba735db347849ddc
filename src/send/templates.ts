/** The wording used when an account's config sets no template. Placeholders: see TEMPLATE_VARIABLES. */
export const DEFAULT_TEMPLATES = {
  email_subject: 'Invoice {{invoice_number}} from {{account_name}}',
  email_text_with_link: [
    'Hello {{customer_name}},',
    '',
    'Invoice {{invoice_number}} for {{amount_due}} is due {{due_date}}.',
    '',
    '{{lines}}',
    'Total: {{total}}',
    'Amount due: {{amount_due}}',
    '',
    'Pay securely online: {{payment_link}}',
    '',
    '{{message}}',
    '',
    'Thank you,',
    '{{account_name}}',
  ].join('\n'),
  email_text_without_link: [
    'Hello {{customer_name}},',
    '',
    'Invoice {{invoice_number}} for {{amount_due}} is due {{due_date}}.',
    '',
    '{{lines}}',
    'Total: {{total}}',
    'Amount due: {{amount_due}}',
    '',
    '{{message}}',
    '',
    'Thank you,',
    '{{account_name}}',
  ].join('\n'),
  sms_with_link: '{{account_name}}: invoice {{invoice_number}} for {{amount_due}} is due {{due_date}}. Pay here: {{payment_link}} {{message}}',
  sms_without_link: '{{account_name}}: invoice {{invoice_number}} for {{amount_due}} is due {{due_date}}. {{message}}',
} as const;

/** Every placeholder a template may use, with what it becomes. */
export const TEMPLATE_VARIABLES: Readonly<Record<string, string>> = {
  invoice_id: 'the invoice id (INV-1001)',
  invoice_number: 'the number shown to customers',
  customer_name: "the customer's name",
  account_name: 'the account (business) name',
  currency: 'the ISO currency code',
  total: 'the invoice total, formatted',
  amount_paid: 'the amount already paid, formatted',
  amount_due: 'the outstanding amount, formatted',
  issued_date: 'the issue date',
  due_date: 'the due date',
  lines: 'the line items, one per line',
  payment_link: 'the Stripe payment link (only when payments.provider is stripe)',
  message: 'the optional short message given to `send --message` (may be empty)',
};

/** Placeholders that may render empty without being "unresolved". */
export const OPTIONAL_VARIABLES: ReadonlySet<string> = new Set(['message']);
