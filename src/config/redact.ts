/**
 * Removes credentials from everything the tool writes. Known secret values (from config, the environment,
 * and tokens obtained at run time) are replaced wherever they occur, in every form a writer or a provider
 * might give them; well-known credential shapes are masked even when the value was never registered (a key
 * pasted into an invoice note, a provider echoing a token back).
 *
 * The redactor is applied at one boundary (src/io/sink.ts) to every byte the tool writes: standard output
 * and error, report files, the send journal and the outbox files of the file transports.
 */
import { SECRET_FIELDS } from './secrets.js';

const PATTERNS: Array<[RegExp, string]> = [
  [/\b([sr]k_(?:live|test)_)[A-Za-z0-9]{4,}/g, '$1[redacted]'],
  [/\b(whsec_)[A-Za-z0-9]{4,}/g, '$1[redacted]'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]'],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1[redacted]@'],
];

export const REDACTED = '[redacted]';

/**
 * Secrets at least this long are replaced wherever they occur. A shorter one ("ab", "7") would also
 * match ordinary words, numbers and identifiers — replacing those would garble messages and, in the
 * journal, the values a re-run reads back — so it is replaced in free text only as a whole token in a
 * credential context (after "password", "token", "key", … : see {@link Redactor.redact}). Where a
 * secret's value is shown as such (a config error describing a field, a field in a report) it is always
 * hidden, whatever its length: {@link Redactor.isSecret}, {@link Redactor.redactValue}.
 */
export const MIN_ANYWHERE = 4;

/** Base64 fragments shorter than this could occur by chance in other base64 (a message body, an id). */
const MIN_BASE64_CORE = 8;

/** Secrets at least this long are also found when a renderer wrapped them over lines. */
const MIN_WRAPPED = 8;

/**
 * What may be inserted inside a wrapped secret: optionally a colour reset, a quoted-printable soft break
 * (`=`) or none, a line break, then the next line's indentation, box or quote characters and colour.
 */
const BREAK = String.raw`(?:\x1b\[[0-9;]*m)*=?\r?\n[ \t│|>]*(?:\x1b\[[0-9;]*m)*`;

/** A credential word, as a field name or in prose: password, pass, auth_token, refresh_token, api key… */
const CONTEXT = String.raw`(?:pass(?:word|wd|phrase)?|token|secret|key|auth(?:orization)?|credentials?|bearer|basic)[A-Za-z_-]*`;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The secret as a renderer may have wrapped it: a run of spaces may have become any whitespace (a line
 * break and indentation), and a line break may have been inserted between two other characters. Built so
 * that no two parts can match the same text (one `\s+` per run, a break only between non-spaces): a
 * pattern with overlapping repetitions backtracks exponentially on long runs of whitespace.
 */
function wrappedPattern(secret: string): string {
  let out = '';
  let previous: 'space' | 'char' | undefined;
  for (const c of secret) {
    if (/\s/.test(c)) {
      if (previous !== 'space') out += String.raw`\s+`;
      previous = 'space';
    } else {
      if (previous === 'char') out += `(?:${BREAK})?`;
      out += escapeRegExp(c);
      previous = 'char';
    }
  }
  return out;
}

/** Every base64 run that contains `value` at some byte offset contains one of these (std and URL alphabets). */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    // Characters that depend on no byte but the secret's: from the first one after the k padding bytes
    // to the last one ending inside the secret.
    const start = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + bytes.length)) / 6);
    const core = encoded.slice(start, end);
    if (core.length < MIN_BASE64_CORE) continue;
    out.push(core);
    const url = core.replace(/\+/g, '-').replace(/\//g, '_');
    if (url !== core) out.push(url);
  }
  return out;
}

const htmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The forms a secret takes in what the tool writes or a provider echoes: escaped, encoded, base64. */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value]);
  // As JSON writes it (a quote, backslash or control character escaped), so a serialised report or
  // journal line can be redacted as text.
  forms.add(JSON.stringify(value).slice(1, -1));
  // URL-encoded (a query string, a form body, a doc_url quoting it), also with lower-case hex and `+`.
  const uri = encodeURIComponent(value);
  forms.add(uri);
  forms.add(uri.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  forms.add(uri.replace(/%20/g, '+'));
  forms.add(new URLSearchParams({ v: value }).toString().slice(2));
  // Escaped for XML/HTML (JUnit, an HTML email, a provider's HTML error page) and for both at once.
  forms.add(htmlEscape(value));
  forms.add(htmlEscape(value).replace(/'/g, '&#39;'));
  forms.add(htmlEscape(value).replace(/'/g, '&apos;'));
  for (const core of base64Cores(value)) forms.add(core);
  return [...forms];
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly encoded = new Set<string>();
  private literals: string[] = [];
  private wrapped: RegExp | undefined;
  private shortInContext: RegExp | undefined;
  private dirty = false;

  /**
   * Registers a secret, whatever its length (see {@link MIN_ANYWHERE} for how short ones are found).
   * Numbers count too: `pass: 123` in YAML is a number until it is used.
   */
  add(value: unknown): void {
    if (typeof value === 'number' || typeof value === 'bigint') value = String(value);
    // Blank is no secret: a variable set to spaces would otherwise redact every space of every report.
    if (typeof value !== 'string' || value.trim() === '' || this.secrets.has(value)) return;
    this.secrets.add(value);
    // Compiled on the next redact(): a config with many accounts registers many secrets in a row.
    this.dirty = true;
  }

  /** Forgets every registered secret: each in-process CLI run (src/cli/entry.ts) starts with its own. */
  reset(): void {
    this.secrets.clear();
    this.encoded.clear();
    this.literals = [];
    this.wrapped = undefined;
    this.shortInContext = undefined;
    this.dirty = false;
  }

  /**
   * Registers a string built from secrets (an encoded AUTH PLAIN, Basic or XOAUTH2 string), which is
   * replaced only as it is: it is long, and its parts are registered as secrets in their own right.
   */
  addEncoded(value: string): void {
    if (value.length < MIN_ANYWHERE || this.encoded.has(value)) return;
    this.encoded.add(value);
    this.dirty = true;
  }

  /** Whether `value` is a registered secret: a field showing it must hide it, whatever its length. */
  isSecret(value: unknown): boolean {
    return (typeof value === 'string' || typeof value === 'number') && this.secrets.has(String(value));
  }

  private compile(): void {
    this.dirty = false;
    const literals = new Set<string>();
    const wrapped: string[] = [];
    const short: string[] = [];
    for (const secret of this.secrets) {
      if (secret.length < MIN_ANYWHERE) {
        for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), htmlEscape(secret)])) short.push(escapeRegExp(form));
        continue;
      }
      for (const form of secretForms(secret)) if (form.length >= MIN_ANYWHERE) literals.add(form);
      if (secret.length >= MIN_WRAPPED) {
        wrapped.push(wrappedPattern(secret));
      }
    }
    for (const value of this.encoded) literals.add(value);
    // Longest first: a secret that contains another is replaced whole.
    this.literals = [...literals].sort((a, b) => b.length - a.length);
    this.wrapped = wrapped.length ? new RegExp(wrapped.sort((a, b) => b.length - a.length).join('|'), 'g') : undefined;
    this.shortInContext = short.length
      ? new RegExp(String.raw`(${CONTEXT}[^\n]{0,40}?[\s:="'(\[])(?:${short.sort((a, b) => b.length - a.length).join('|')})(?![A-Za-z0-9_])`, 'gi')
      : undefined;
  }

  redact(text: string): string {
    if (this.dirty) this.compile();
    let out = text;
    for (const secret of this.literals) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // Only text with a line break can hold a wrapped secret (most strings are one line).
    if (this.wrapped && out.includes('\n')) out = out.replace(this.wrapped, REDACTED);
    if (this.shortInContext) out = out.replace(this.shortInContext, `$1${REDACTED}`);
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /**
   * Deep copy of a JSON-like value with every string redacted, and the text of a credential field
   * (`pass`, `auth_token`, …) hidden whatever its length. A getter stays a getter (redacting what it
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
        } else if ((SECRET_FIELDS.has(k) && typeof d.value === 'string' && d.value !== '') || (typeof d.value === 'number' && this.isSecret(d.value))) {
          // A number is masked only when it is a secret: `summary.pass` of a report is a count.
          out[k] = REDACTED;
        } else {
          out[k] = this.redactValue(d.value);
        }
      }
      return out as T;
    }
    return value;
  }
}

/** The process-wide redactor: config loading registers secrets, the output boundary redacts through it. */
export const redactor = new Redactor();
