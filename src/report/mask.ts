import type { Invoice } from '../data/model.js';
import type { Account } from '../config/load.js';

/**
 * Masks personal contact details in text meant to leave the team (a support ticket, a CI annotation):
 * every email address becomes `d***@northwind-traders.com` (first letter and domain kept: the domain
 * is what delivery problems are about), every phone number `+1 ••• ••• 2671` (country code and last
 * digits kept: enough to tell numbers apart, not enough to call). The invoices' own contact values are
 * masked however they were written (`(415) 555-0134`, `555-0123`); other addresses and international
 * numbers (`+…`) are found by shape. Secrets are the redactor's job, not this one's.
 */
export interface Masker {
  /** masks every email address and phone number in the text (for data: messages, names) */
  text(value: string): string;
  /** masks only the invoices' own contact values (for guidance text whose examples are not anyone's) */
  contacts(value: string): string;
  email(address: string): string;
  phone(raw: string, region?: string): string;
}

type PhoneParser = (input: string, region: string | undefined) => { countryCallingCode: string; nationalNumber: string; valid: boolean } | undefined;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/;
// An international number as people write it: "+", then digits with spaces, dots, dashes or brackets.
const INTERNATIONAL_PHONE = /\+\d[\d ().-]{5,22}\d/;
const DOTS = '•••';

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return '***';
  const local = address.slice(0, at).trim();
  const domain = address.slice(at + 1).trim();
  return `${local ? local[0] : ''}***@${domain}`;
}

/**
 * A valid number as `+1 ••• ••• 2671` (country code and last four digits). A number that is not valid is
 * masked as written, every digit but the last two hidden (`555-0123` → `•••-••23`), so the mask does not
 * claim a country code the number does not have.
 */
export function maskPhoneWith(parse: PhoneParser | undefined, raw: string, region?: string): string {
  const value = raw.trim();
  const parsed = parse?.(value, region);
  if (parsed?.valid && parsed.nationalNumber.length >= 6) return `+${parsed.countryCallingCode} ${DOTS} ${DOTS} ${parsed.nationalNumber.slice(-4)}`;
  const digits = value.replace(/\D/g, '').length;
  const keep = digits >= 7 ? 2 : 0;
  let seen = 0;
  return value.replace(/\d/g, (d) => (++seen > digits - keep ? d : '•'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A masker for the contact details of these invoices. Phone numbers are parsed with the account's
 * country as the default region (the phone metadata is loaded only here, only for these formats).
 */
export async function createMasker(invoices: Iterable<Invoice>, accounts: ReadonlyMap<string, Account>): Promise<Masker> {
  const { parseWithMaxMetadata, isKnownRegion } = await import('../data/phone-metadata.js');
  const parse: PhoneParser = (input, region) => {
    try {
      const parsed = parseWithMaxMetadata(input, region && isKnownRegion(region) ? region : undefined);
      return parsed ? { countryCallingCode: String(parsed.countryCallingCode), nationalNumber: String(parsed.nationalNumber), valid: parsed.isValid() } : undefined;
    } catch {
      return undefined;
    }
  };
  const known = new Map<string, string>();
  for (const invoice of invoices) {
    const region = accounts.get(invoice.accountId)?.country;
    for (const contact of [invoice.customer, invoice.sendTo]) {
      const email = contact.email?.trim();
      if (email && email.length >= 5) known.set(email, maskEmail(email));
      const phone = contact.phone?.trim();
      if (phone && phone.replace(/\D/g, '').length >= 5) known.set(phone, maskPhoneWith(parse, phone, region));
    }
  }
  return makeMasker(parse, known);
}

/** Without the invoices (or the phone metadata): shapes only. Exported for tests and plain text. */
export function makeMasker(parse: PhoneParser | undefined, known: ReadonlyMap<string, string> = new Map()): Masker {
  const literals = [...known.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  // One pass, so a masked value is never masked again; an invoice's own values win over the shapes.
  const pattern = new RegExp([...literals, EMAIL.source, INTERNATIONAL_PHONE.source].map((p) => `(?:${p})`).join('|'), 'g');
  const own = literals.length > 0 ? new RegExp(literals.join('|'), 'g') : undefined;
  const phone = (raw: string, region?: string) => maskPhoneWith(parse, raw, region);
  return {
    email: maskEmail,
    phone,
    contacts(value) {
      return own ? value.replace(own, (match) => known.get(match) ?? match) : value;
    },
    text(value) {
      return value.replace(pattern, (match) => {
        const exact = known.get(match);
        if (exact !== undefined) return exact;
        if (match.includes('@')) return maskEmail(match);
        const digits = match.replace(/\D/g, '').length;
        return digits >= 7 && digits <= 15 ? phone(match) : match;
      });
    },
  };
}
