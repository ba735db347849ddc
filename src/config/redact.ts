/**
 * Removes credentials from everything the tool writes. Known secret values (from config and the
 * environment) are replaced wherever they occur; well-known credential shapes are masked even when the
 * value was never registered (a key pasted into an invoice note, a provider echoing a token back).
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/\b([sr]k_(?:live|test)_)[A-Za-z0-9]{4,}/g, '$1[redacted]'],
  [/\b(whsec_)[A-Za-z0-9]{4,}/g, '$1[redacted]'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]'],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1[redacted]@'],
];

export const REDACTED = '[redacted]';

export class Redactor {
  private readonly secrets = new Set<string>();
  private ordered: string[] = [];

  /** Registers a secret; values too short to be a credential would redact ordinary words, so are ignored. */
  add(value: unknown): void {
    if (typeof value !== 'string' || value.length < 4 || this.secrets.has(value)) return;
    this.secrets.add(value);
    // As JSON writes it (a quote, backslash or control character escaped), so a serialised report
    // can be redacted as text: NDJSON lines are redacted once, as written, not value by value.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.secrets.add(escaped);
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /**
   * Deep copy of a JSON-like value with every string redacted. A getter stays a getter (redacting what it
   * returns): an invoice's source line, for one, is worked out only if a report asks for it.
   */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
        if (!d.enumerable) continue;
        if (d.get) {
          const get = d.get;
          Object.defineProperty(out, k, { enumerable: true, configurable: true, get: () => this.redactValue(get.call(value)) });
        } else {
          out[k] = this.redactValue(d.value);
        }
      }
      return out as T;
    }
    return value;
  }
}

/** The process-wide redactor: config loading registers secrets, every output path redacts through it. */
export const redactor = new Redactor();
