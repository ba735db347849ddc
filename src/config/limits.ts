// Bounds on every string and list read from the configuration and the invoice data. Without them one
// bad value (a 10 MB account name) is copied into every message, report line and check of a run: 52 s
// and 1.9 GB for `check --all` on the demo. Each bound is far above any real value and is listed in the
// README ("Limits on input"); a value over it is an input error (exit 2) at its line and column.
import * as z from 'zod';

export const LIMITS = {
  /** invoice ids, invoice numbers, customer ids, account ids, and references to them */
  id: 128,
  /** account and customer names */
  name: 200,
  /** an email address (RFC 5321's path limit) */
  email: 254,
  /** a sender: "Display Name <address>" */
  from: 400,
  phone: 64,
  /** a line description, and any text in invoice or customer metadata */
  description: 1000,
  /** one message template (email subject, text, HTML, SMS) */
  template: 10_000,
  /** host names (DNS limit), and host:port */
  host: 260,
  /** file paths and URLs */
  path: 4096,
  /** keys, tokens, passwords (an OAuth2 refresh token can run to a few kilobytes) */
  secret: 8192,
  /** other short settings: Stripe/Twilio ids, sender numbers */
  setting: 256,
  /** lines on one invoice */
  lines: 1000,
  /** keys in one metadata mapping, and entries in lists such as plugins */
  entries: 100,
} as const;

/**
 * Characters that must not be part of an id: C0 and C1 controls (ESC starts terminal escape sequences,
 * BEL rings, CR overwrites the line), DEL, and the bidirectional overrides that reorder text on screen.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function describeControl(text: string): string {
  const ch = CONTROL_CHARACTER.exec(text)?.[0];
  if (ch === undefined) return '';
  const names: Record<string, string> = { '\u001b': 'ESC', '\u0007': 'BEL', '\r': 'CR', '\n': 'a line break', '\t': 'a tab', '\u0000': 'NUL', '\u007f': 'DEL' };
  return names[ch] ?? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

const tooLong = (max: number, length?: number) => `too long${length === undefined ? '' : ` (${length.toLocaleString('en-US')} characters)`}: at most ${max.toLocaleString('en-US')} characters`;

/** A string of at most `max` characters. */
export const text = (max: number, options: { error?: string } = {}) =>
  z.string(options.error ? { error: options.error } : undefined).max(max, { error: (issue) => tooLong(max, typeof issue.input === 'string' ? issue.input.length : undefined) });

/** An id or a reference to one: 1–128 characters, no control characters (they would reach terminals). */
export const idText = (options: { error?: string } = {}) =>
  text(LIMITS.id, options)
    .min(1)
    .refine((s) => !CONTROL_CHARACTER.test(s), { message: 'contains a control character; an id may hold only printable characters' });

/**
 * Free-form metadata: any YAML value, but every string in it bounded and at most LIMITS.entries keys or
 * items per level, so a plugin reading it cannot be handed an unbounded value.
 */
export const metadata = () =>
  z.record(text(LIMITS.id), z.unknown()).superRefine((value, ctx) => {
    const walk = (node: unknown, path: Array<string | number>, depth: number): void => {
      if (typeof node === 'string') {
        if (node.length > LIMITS.description) ctx.addIssue({ code: 'custom', path, message: tooLong(LIMITS.description, node.length) });
      } else if (node !== null && typeof node === 'object') {
        const entries = Object.entries(node);
        if (entries.length > LIMITS.entries) ctx.addIssue({ code: 'custom', path, message: `has ${entries.length} entries: at most ${LIMITS.entries}` });
        else if (depth > 10) ctx.addIssue({ code: 'custom', path, message: 'is nested more than 10 levels deep' });
        else for (const [k, v] of entries) walk(v, [...path, Array.isArray(node) ? Number(k) : k], depth + 1);
      }
    };
    walk(value, [], 0);
  });
