import * as z from 'zod';
import { INVOICE_STATUSES } from './model.js';
import { LIMITS, idText, metadata, text } from '../config/limits.js';

const STATUS_ALIASES: Record<string, string> = { finalized: 'validated', finalised: 'validated', open: 'validated' };

const isCalendarDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

const date = z
  .string({ error: 'expected a date written YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date written YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, 'is not a real calendar date');

const minorUnits = z
  .number({ error: 'expected an integer amount in minor units (cents): 125.00 USD is written 12500' })
  .int('expected an integer amount in minor units (cents): 125.00 USD is written 12500')
  .refine(Number.isSafeInteger, 'is too large to be an amount');

// A phone number written without quotes is read by YAML as an integer, losing its "+" and leading zeros.
const phone = text(LIMITS.phone, { error: 'expected a phone number in quotes, e.g. "+14155550123" (unquoted, YAML reads it as a number and drops the + and leading zeros)' });
const email = text(LIMITS.email, { error: 'expected an email address as text' });
/** An id written as text or as a number (YAML reads `id: 1001` as one); either way kept as text. */
const id = z.union([idText(), z.number()]).transform(String);

export const ContactSchema = z.strictObject({ email: email.optional(), phone: phone.optional() });

export const CustomerSchema = z.strictObject({
  id,
  name: text(LIMITS.name).optional(),
  email: email.optional(),
  phone: phone.optional(),
  metadata: metadata().optional(),
});

export const InlineCustomerSchema = CustomerSchema.extend({ id: id.optional() });

export const LineSchema = z.strictObject({
  description: text(LIMITS.description).min(1),
  quantity: z.number().positive('must be greater than 0 (a credit is a line with a negative unit_amount)').default(1),
  unit_amount: minorUnits,
});

export const InvoiceSchema = z.strictObject({
  id,
  // Shown to customers, not used as a key: a line break in it is data a check reports (SUBJECT_INVALID).
  number: z.union([text(LIMITS.id).min(1), z.number()]).transform(String).optional(),
  account: idText().optional(),
  status: z.preprocess(
    (v) => (typeof v === 'string' ? (STATUS_ALIASES[v.toLowerCase()] ?? v.toLowerCase()) : v),
    z.enum(INVOICE_STATUSES),
  ),
  // An inline customer is validated on its own (see load.ts) so its errors name its own fields.
  customer: z.union([idText(), z.number().transform(String), z.record(z.string(), z.unknown())], { error: 'expected a customer id, or an inline customer { name, email, phone }' }),
  send_to: ContactSchema.optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'expected a three-letter ISO 4217 code such as USD'),
  lines: z.array(LineSchema).min(1, 'an invoice needs at least one line').max(LIMITS.lines, `has too many lines: at most ${LIMITS.lines.toLocaleString('en-US')}`),
  total: minorUnits.optional(),
  amount_paid: minorUnits.min(0, 'cannot be negative').default(0),
  issued_on: date.optional(),
  due_on: date.optional(),
  metadata: metadata().optional(),
});

export type InvoiceRecord = z.output<typeof InvoiceSchema>;
export type CustomerRecord = z.output<typeof CustomerSchema>;
export { STATUS_ALIASES };
