// The one sanitiser for text that reaches a person: invoice and customer data (names, descriptions,
// numbers) end up in the human reports on a terminal and in the messages sent to customers, and both
// obey control characters. ESC starts sequences that clear the screen, set the window title or plant
// OSC 8 links; BEL rings; CR returns to the start of the line and overwrites it; the bidirectional
// overrides reorder what is shown ("Trojan Source"). None of those may come from data.

/**
 * Every character that can command a terminal or reorder text: C0 controls except tab and line feed,
 * DEL, C1 controls (U+0080–U+009F, among them the 8-bit CSI and OSC), and the bidi embeddings, overrides
 * and isolates. Marks that only hint direction (U+200E/U+200F) are left: right-to-left names need them.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Complete escape sequences, so that a message can drop them whole instead of leaving their parameters
 * behind as text: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \, OSC 8 links among them), DCS/SOS/PM/APC
 * (ESC P|X|^|_ … ESC \), and two-character escapes; also their 8-bit forms (U+009B, U+009D…).
 */
// eslint-disable-next-line no-control-regex
const SEQUENCE = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -~]?/g;

const visible = (ch: string): string => {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * For the human reports: every control character is shown as a visible escape (ESC as `\x1b`, BEL as
 * `\x07`, CR as `\r`), so a sequence in the data becomes inert text the reader can see and report, and
 * nothing in it reaches the terminal. Line feeds and tabs stay, except with `singleLine` (a name in a
 * header line), where they are shown as `\n` and `\t` too.
 */
export function forTerminal(text: string, options: { singleLine?: boolean } = {}): string {
  let out = text.replace(CONTROL, (ch) => (ch === '\r' ? '\\r' : visible(ch)));
  if (options.singleLine) out = out.replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return out;
}

/**
 * For the messages customers receive (email subject, text and HTML, SMS): escape sequences are removed
 * whole (an OSC 8 link keeps only its visible text), CRLF becomes a line feed, and every other control
 * character is removed, a lone CR among them (it would overwrite the line it ends). A line break is kept, so the message check still sees one in a subject.
 */
export function forMessage(text: string): string {
  return text.replace(SEQUENCE, '').replace(/\r\n/g, '\n').replace(CONTROL, '');
}

/**
 * A copy of a report's data with every string passed through forTerminal: the renderers then cannot
 * forget a field. Plain objects and arrays are copied; getters (an invoice's lazily computed source line)
 * are kept as getters, not evaluated; anything else (a Date, a Map) is kept as it is.
 */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return forTerminal(value) as T;
  if (Array.isArray(value)) return value.map((v) => printableDeep(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if ('value' in descriptor) copy[key] = printableDeep(descriptor.value);
    else Object.defineProperty(copy, key, { ...descriptor });
  }
  return copy as T;
}
