export const INVOICE_STATUSES = ['draft', 'validated', 'sent', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface Contact {
  email?: string;
  phone?: string;
}

export interface Customer extends Contact {
  id?: string;
  name?: string;
  metadata: Record<string, unknown>;
}

export interface InvoiceLine {
  description: string;
  quantity: number;
  unitAmount: number;
  /** quantity × unit amount, rounded to whole minor units */
  amount: number;
}

/** An invoice as checks see it: validated, with its customer resolved and its totals computed. */
export interface Invoice {
  id: string;
  number: string;
  accountId: string;
  status: InvoiceStatus;
  /** the status as written in the data, e.g. "finalised" */
  statusRaw: string;
  customer: Customer;
  sendTo: Contact;
  currency: string;
  lines: InvoiceLine[];
  /** Σ line amounts, minor units */
  total: number;
  /** `total` as written in the data, when it was; compared with the computed total */
  declaredTotal?: number;
  amountPaid: number;
  /** total − paid, minor units */
  amountDue: number;
  issuedOn?: string;
  dueOn?: string;
  metadata: Record<string, unknown>;
  source: { file: string; line?: number };
}

const present = (value: string | undefined): string | undefined => (value !== undefined && value.trim() !== '' ? value : undefined);

/** Where to send: the invoice's own `send_to` wins over the customer record, field by field; blank is unset. */
export function recipientEmail(invoice: Invoice): string | undefined {
  return present(invoice.sendTo.email) ?? present(invoice.customer.email);
}

export function recipientPhone(invoice: Invoice): string | undefined {
  return present(invoice.sendTo.phone) ?? present(invoice.customer.phone);
}
