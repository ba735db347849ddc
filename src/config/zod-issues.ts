import type { z } from 'zod';
import type { InputIssue } from '../errors.js';
import { locate, valueAt, type PathSegment, type SourceDocument } from './yaml-source.js';
import { didYouMean } from './suggest.js';
import { isSecretField } from './secrets.js';
import { redactor } from './redact.js';

type AnySchema = z.ZodType;
interface Def { type: string; shape?: Record<string, AnySchema>; innerType?: AnySchema; in?: AnySchema; out?: AnySchema; valueType?: AnySchema; element?: AnySchema }
const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps optional/default/pipe wrappers down to the schema that decides the shape. */
function core(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe') current = defOf(def.out!).type === 'transform' ? def.in! : def.out!;
    else return current;
  }
  return current;
}

/** The keys an object schema at `path` accepts, for did-you-mean on an unknown key. */
export function knownKeysAt(schema: AnySchema, path: readonly PathSegment[]): string[] {
  let current: AnySchema | undefined = core(schema);
  for (const segment of path) {
    if (!current) return [];
    const def = defOf(current);
    if (def.type === 'object') current = def.shape?.[segment as string];
    else if (def.type === 'record') current = def.valueType;
    else if (def.type === 'array') current = def.element;
    else return [];
    current = current && core(current);
  }
  const def = current && defOf(current);
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

export function describeValue(value: unknown, path: readonly PathSegment[]): string {
  if (value === undefined) return 'nothing';
  // A credential field, or a secret interpolated into another field (`port: ${SMTP_PASS}`), of any length.
  if (isSecretField(path) || redactor.isSecret(value)) return 'a value (hidden: it is a credential)';
  const text = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'a list' : value === null ? 'null (empty)' : typeof value === 'object' ? 'a mapping' : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export const dotted = (path: readonly PathSegment[]): string =>
  path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), '');

/**
 * Turns zod's issues into located, human messages: the field, the value found, what was expected, and
 * for unknown keys or enum values the closest valid spelling.
 */
export function toInputIssues(
  error: z.ZodError,
  src: SourceDocument,
  schema: AnySchema,
  options: { base?: PathSegment[]; unsetEnv?: Record<string, string> } = {},
): InputIssue[] {
  const base = options.base ?? [];
  const issues: InputIssue[] = [];
  // An unknown key first: a misspelt "acounts" explains the "accounts is required" that follows it.
  const ordered = [...error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  for (const issue of ordered) {
    const rel = issue.path as PathSegment[];
    const full = [...base, ...rel];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, rel);
      for (const key of issue.keys) {
        const pos = locate(src, [...full, key], { key: true });
        const accepted = known.length ? ` Accepted keys here: ${known.join(', ')}.` : '';
        issues.push({ path: dotted([...full, key]), file: src.file, ...pos, message: `unknown key "${key}".${didYouMean(key, known) || accepted}` });
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      const key = String(full[full.length - 1]);
      const why = (issue as { issues?: Array<{ message: string }> }).issues?.[0]?.message ?? issue.message;
      issues.push({ path: dotted(full), file: src.file, ...locate(src, full, { key: true }), message: `has the key "${key}", which is not a valid id: ${why}` });
      continue;
    }
    const value = valueAt(src.value, full);
    const pos = locate(src, full);
    const unset = options.unsetEnv?.[dotted(full).replace(/\[(\d+)\]/g, '.$1')];
    let message: string;
    if (unset) {
      message = `needs the environment variable ${unset}, which is not set`;
    } else if (value === null && full.length === 0) {
      message = 'is empty: the file holds no data';
    } else if (issue.code === 'invalid_type' && value === undefined) {
      message = `is required (expected ${issue.expected})`;
    } else if (issue.code === 'invalid_value' && 'values' in issue) {
      const allowed = issue.values as unknown[];
      const shown = allowed.map((v) => JSON.stringify(v)).join(', ');
      if (typeof value === 'string' && allowed.some((v) => typeof v === 'number' && String(v) === value)) {
        message = `is ${describeValue(value, full)}, text; expected the number ${shown}, written without quotes`;
      } else {
        const hint = typeof value === 'string' ? didYouMean(value, allowed.map(String)) : '';
        message = `is ${describeValue(value, full)}; expected ${allowed.length === 1 ? shown : `one of ${shown}`}.${hint}`;
      }
    } else if (issue.code === 'invalid_type') {
      // A schema's own wording ("expected an integer amount in minor units…") beats zod's "expected int".
      const own = issue.message.startsWith('Invalid input') ? `expected ${issue.expected === 'int' ? 'a whole number' : issue.expected}` : issue.message;
      message = `is ${describeValue(value, full)}; ${own}`;
    } else {
      message = `is ${describeValue(value, full)}: ${issue.message.replace(/^Invalid input: /, '')}`;
    }
    issues.push({ path: dotted(full), file: src.file, ...pos, message });
  }
  return issues;
}
