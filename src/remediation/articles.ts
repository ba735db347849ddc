/**
 * The help-centre articles the checks mirror (shared/seeds). A check's `article` is `<article>#<step>`.
 */
export interface Article {
  title: string;
  source: string;
  steps: Readonly<Record<string, string>>;
}

export const ARTICLES: Readonly<Record<string, Article>> = {
  'servinix/invoice-not-sending': {
    title: 'Invoice not sending',
    source: 'Servinix help centre',
    steps: {
      '1': 'Try this first, step 1: Settings → Payments, Connect tab; if it shows "Complete onboarding", Continue onboarding and finish the Stripe setup.',
      '2': 'Try this first, step 2: the customer record has a valid email address (email) or a mobile phone number (SMS).',
      '3': 'Try this first, step 3: Settings → Phone Numbers; "Twilio account not found" or "A2P registration not found".',
      '4': 'Try this first, step 4: Settings → Integrations, Email row; "Needs Attention" means re-authenticate.',
      draft: 'If that didn\'t work: the invoice is still in Draft; only finalised invoices can be sent with a payment link.',
      description: 'The article\'s description: message body validation.',
      gather: 'If that didn\'t work: note the error shown after Send and gather the invoice number, contact details and error text.',
    },
  },
  'servinix/send-a-payment-link': {
    title: 'Send a payment link',
    source: 'Servinix help centre',
    steps: {
      before: 'Before you start: Stripe is connected and the invoice has an outstanding balance.',
      '4': 'Step 4: choose SMS (phone number on file), Email (address on file), or both.',
      '5': 'Step 5: review the recipient details; override the address or phone number if needed.',
      '6': 'Step 6: optionally add a short message to accompany the link.',
      troubleshooting: 'Troubleshooting: "Send payment link" unavailable while onboarding is incomplete; customer did not receive the link.',
    },
  },
  'ooti/cant-send-an-invoice': {
    title: "I can't send an invoice from OOTI",
    source: 'OOTI help centre',
    steps: {
      '1': 'Step 1: Settings → Invoicing → Emails → SMTP Settings; the Status is Verified, and the email template uses those SMTP settings.',
      '2': 'Step 2: the customer\'s email address is entered in "Send to (email)".',
      '3': 'Step 3: the invoice is validated (Mark as validated), then Send → Send Email.',
    },
  },
};

/** "servinix/invoice-not-sending#1" → a readable line, or the raw reference when unknown. */
export function describeArticleRef(ref: string): string {
  const [id, step] = ref.split('#');
  const article = ARTICLES[id!];
  if (!article) return ref;
  const stepText = step ? article.steps[step] : undefined;
  return `${article.source}, "${article.title}"${stepText ? ` — ${stepText}` : step ? ` #${step}` : ''}`;
}
