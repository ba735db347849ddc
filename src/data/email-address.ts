import { domainToASCII } from 'node:url';

export type AddressVerdict =
  | { ok: true; address: string; domain: string }
  | { ok: false; reason: string; placeholder?: boolean };

const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const RESERVED_DOMAINS = ['example.com', 'example.net', 'example.org'];
const RESERVED_TLDS = ['example', 'test', 'invalid', 'localhost'];
// test@test.com, email@email.com: the same word twice, when the word is a placeholder (not mike@mike.ie).
const PLACEHOLDER_DOMAINS = new Set(['test', 'email', 'mail', 'user', 'name', 'abc', 'xyz', 'domain', 'sample', 'fake']);
const PLACEHOLDER_LOCALS = new Set(['none', 'na', 'n.a', 'null', 'unknown', 'nobody', 'noemail', 'no-email', 'noone', 'test', 'fake', 'asdf']);

/**
 * A recipient address, strictly: exactly one bare address (no display name, no list), no CR/LF (a header
 * injection vector), dot-atom local part, a resolvable-looking domain, and not a placeholder that
 * someone typed to get past a required field.
 */
export function checkRecipientAddress(raw: string): AddressVerdict {
  if (/[\r\n]/.test(raw)) return { ok: false, reason: 'contains a line break' };
  const value = raw.trim();
  if (value === '') return { ok: false, reason: 'is empty' };
  if (/[<>]/.test(value)) return { ok: false, reason: 'has a display name or angle brackets; only the bare address (name@domain) is allowed here' };
  if (/[,;]/.test(value) || /\s/.test(value)) return { ok: false, reason: /[,;]/.test(value) ? 'holds more than one address; give exactly one' : 'contains spaces' };
  return checkBareAddress(value);
}

export function checkBareAddress(value: string): AddressVerdict {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return { ok: false, reason: 'is not of the form name@domain' };
  const local = value.slice(0, at);
  const domainRaw = value.slice(at + 1);
  if (local.includes('@')) return { ok: false, reason: 'has more than one "@"' };
  if (local.length > 64) return { ok: false, reason: 'has a local part longer than 64 characters' };
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..') || !local.split('.').every((part) => LOCAL_ATOM.test(part))) {
    return { ok: false, reason: `has a local part ("${local}") with characters or dots that are not allowed` };
  }
  const domain = domainToASCII(domainRaw.toLowerCase());
  if (!domain) return { ok: false, reason: `has a domain ("${domainRaw}") that is not a valid host name` };
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return { ok: false, reason: `has a domain ("${domainRaw}") that is not a valid host name` };
  const tld = labels[labels.length - 1]!;
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) return { ok: false, reason: `has a domain ending ".${tld}", which is not a top-level domain` };
  if (value.length > 254) return { ok: false, reason: 'is longer than 254 characters' };
  const placeholder = placeholderReason(local.toLowerCase(), domain, labels);
  if (placeholder) return { ok: false, reason: placeholder, placeholder: true };
  return { ok: true, address: `${local}@${domain}`, domain };
}

function placeholderReason(local: string, domain: string, labels: string[]): string | undefined {
  if (RESERVED_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`)) || RESERVED_TLDS.includes(labels[labels.length - 1]!)) {
    return `uses ${domain}, a domain reserved for examples that receives no mail (a placeholder)`;
  }
  if (PLACEHOLDER_LOCALS.has(local) || (labels.length === 2 && labels[0] === local && PLACEHOLDER_DOMAINS.has(local))) {
    return `looks like a placeholder ("${local}@${domain}"), not a real mailbox`;
  }
  if (local.startsWith('noreply') || local.startsWith('no-reply') || local.startsWith('donotreply')) {
    return `is a no-reply address ("${local}@…"), which nobody reads`;
  }
  return undefined;
}

/** A sender ("From"): "Name <address>" or a bare address. */
export function parseMailbox(raw: string): { ok: true; name?: string; address: string } | { ok: false; reason: string } {
  if (/[\r\n]/.test(raw)) return { ok: false, reason: 'contains a line break' };
  const value = raw.trim();
  const named = /^(?:"([^"]*)"|([^<>"]*?))\s*<([^<>\s]+)>$/.exec(value);
  const address = named ? named[3]! : value;
  const name = named ? (named[1] ?? named[2])?.trim() || undefined : undefined;
  if (/[\s<>,;]/.test(address)) return { ok: false, reason: 'is not "Name <address@domain>" or "address@domain"' };
  const verdict = checkBareAddress(address);
  if (!verdict.ok && !verdict.placeholder) return { ok: false, reason: `address ${verdict.reason}` };
  return { ok: true, name, address };
}
