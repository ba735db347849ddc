import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import { formatMoney } from '../data/currencies.js';
import { DEFAULT_TEMPLATES, OPTIONAL_VARIABLES, TEMPLATE_VARIABLES } from './templates.js';
import { forMessage } from '../report/printable.js';

/**
 * The one renderer of customer messages: `send` sends what it returns and the message checks validate
 * exactly the same output, so a check that passes means the message that goes out is well-formed.
 */

export interface MessageInput {
  account: Account;
  invoice: Invoice;
  /** the payment link; undefined when payments are off */
  paymentLink?: string;
  /** the optional short message from `send --message` */
  note?: string;
}

export interface Rendered {
  output: string;
  /** placeholders that had no value, or were not placeholders we know ("{{custmer_name}}") */
  unresolved: string[];
  /** names of the placeholders the template used */
  used: string[];
}

export interface RenderedEmail {
  subject: Rendered;
  text: Rendered;
  html: Rendered;
  /** which templates came from config (the rest are defaults) */
  custom: { subject: boolean; text: boolean; html: boolean };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

export function paymentsEnabled(account: Account): boolean {
  return account.payments.provider !== 'none';
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function formatDate(iso: string | undefined, country: string): string | undefined {
  if (!iso) return undefined;
  let f = dateFormats.get(country);
  if (!f) dateFormats.set(country, (f = new Intl.DateTimeFormat(`en-${country}`, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })));
  return f.format(new Date(`${iso}T00:00:00Z`)).replace(/[\u00a0\u202f]/g, ' ');
}

export function messageVariables({ account, invoice, paymentLink, note }: MessageInput): Record<string, string | undefined> {
  const money = (minor: number) => formatMoney(minor, invoice.currency, account.country);
  return {
    invoice_id: invoice.id,
    invoice_number: invoice.number,
    customer_name: invoice.customer.name,
    account_name: account.name,
    currency: invoice.currency,
    total: money(invoice.total),
    amount_paid: money(invoice.amountPaid),
    amount_due: money(invoice.amountDue),
    issued_date: formatDate(invoice.issuedOn, account.country),
    due_date: formatDate(invoice.dueOn, account.country),
    // Plain "x", not "×": the multiplication sign is outside GSM-7 and would make every SMS UCS-2.
    lines: invoice.lines.map((l) => `- ${l.description} x ${l.quantity}: ${money(l.amount)}`).join('\n'),
    payment_link: paymentLink,
    message: note?.trim() ?? '',
  };
}

export function renderTemplate(template: string, vars: Record<string, string | undefined>, options: { html?: boolean } = {}): Rendered {
  const unresolved: string[] = [];
  const used: string[] = [];
  let output = template.replace(PLACEHOLDER, (match, name: string, offset: number) => {
    used.push(name);
    // "{{{name}}}" or "{{name}}}": a brace too many would be sent to the customer around the value.
    if (template[offset - 1] === '{' || template[offset + match.length] === '}') {
      unresolved.push(`${template[offset - 1] === '{' ? '{' : ''}${match}${template[offset + match.length] === '}' ? '}' : ''}`);
      return match;
    }
    const value = Object.hasOwn(TEMPLATE_VARIABLES, name) ? vars[name] : undefined;
    if (value === undefined || (value === '' && !OPTIONAL_VARIABLES.has(name))) {
      unresolved.push(name || match);
      return match;
    }
    if (!options.html) return value;
    const escaped = escapeHtml(value);
    return name === 'lines' || name === 'message' ? escaped.replace(/\n/g, '<br>\n') : escaped;
  });
  // A "{{" left over, or "{name}}", is a placeholder typed wrong ("{{customer_name}", "{{ customer name }}").
  // Other "}}" are not: CSS in an HTML template ends nested rules with it.
  for (const stray of template.replace(PLACEHOLDER, '').match(/\{\{[^{}]*\}{0,2}|\{\s*[A-Za-z_][\w.-]*\s*\}\}/g) ?? []) unresolved.push(stray.trim());
  // Customer data and templates alike may hold escape sequences, BEL or CR (a name pasted from a terminal,
  // a spreadsheet cell): none reaches a customer's mail client or phone. Line breaks stay, so the message
  // check still sees (and refuses) one in a subject.
  output = forMessage(output).replace(/\n{3,}/g, '\n\n').trim();
  return { output, unresolved: [...new Set(unresolved)], used };
}

// The text was rendered with HTML escaping, so its multi-line values already end their lines in <br>:
// only the remaining bare line breaks become <br>.
const DEFAULT_HTML = (text: string): string =>
  `<!doctype html>\n<html><body style="font-family: sans-serif; line-height: 1.5">\n<p>${text
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.replace(/(?<!<br>)\n/g, '<br>\n'))
    .join('</p>\n<p>')}</p>\n</body></html>`;

export function renderEmail(input: MessageInput): RenderedEmail {
  const t = input.account.templates ?? {};
  const vars = messageVariables(input);
  const withLink = paymentsEnabled(input.account);
  const textTemplate = t.email_text ?? (withLink ? DEFAULT_TEMPLATES.email_text_with_link : DEFAULT_TEMPLATES.email_text_without_link);
  const subject = renderTemplate(t.email_subject ?? DEFAULT_TEMPLATES.email_subject, vars);
  const text = renderTemplate(textTemplate, vars);
  // Without an HTML template, the HTML part is the text template rendered with HTML escaping.
  const html = t.email_html !== undefined ? renderTemplate(t.email_html, vars, { html: true }) : wrap(renderTemplate(textTemplate, vars, { html: true }));
  return { subject, text, html, custom: { subject: t.email_subject !== undefined, text: t.email_text !== undefined, html: t.email_html !== undefined } };
}

function wrap(r: Rendered): Rendered {
  return { ...r, output: DEFAULT_HTML(r.output) };
}

export function renderSms(input: MessageInput): Rendered & { custom: boolean } {
  const t = input.account.templates ?? {};
  const template = t.sms ?? (paymentsEnabled(input.account) ? DEFAULT_TEMPLATES.sms_with_link : DEFAULT_TEMPLATES.sms_without_link);
  return { ...renderTemplate(template, messageVariables(input)), custom: t.sms !== undefined };
}
