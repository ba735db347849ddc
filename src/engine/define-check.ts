import { CATEGORIES, type AnyCheck, type CheckDefinition, type CodeMeta, type Scope } from './types.js';

const ID = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;
const CODE = /^[A-Z][A-Z0-9_]*$/;

/**
 * Declares a check. Built-in checks and plugins use this same function, so a plugin can do anything a
 * built-in can. It validates the shape at load time (a broken plugin is reported by file, before any run)
 * and returns the definition unchanged.
 */
export function defineCheck<S extends Scope>(definition: CheckDefinition<S>): CheckDefinition<S> {
  const problems = checkShapeProblems(definition);
  if (problems.length > 0) {
    const label = typeof (definition as { id?: unknown })?.id === 'string' ? `check "${(definition as { id: string }).id}"` : 'a check';
    throw new TypeError(`defineCheck: ${label} is not valid: ${problems.join('; ')}`);
  }
  return Object.freeze(definition);
}

/**
 * A code `owner` declares, for another check that reports the same condition with the same code (message.sms
 * reports message.email's PLACEHOLDER_UNRESOLVED): the owner's definition, remediation included, marked with
 * the owner's id. The code stays declared once; `explain CODE` lists every check that returns it.
 */
export function codeOf(owner: Pick<AnyCheck, 'id' | 'codes'>, code: string): CodeMeta {
  const meta = owner.codes[code];
  if (!meta) throw new TypeError(`codeOf: check "${owner.id}" declares no code ${code}`);
  if (meta.owner !== undefined) throw new TypeError(`codeOf: ${code} belongs to "${meta.owner}", not "${owner.id}": take it from its owner`);
  return Object.freeze({ ...meta, owner: owner.id });
}

/** Every way `value` falls short of a check definition, in words a plugin author can act on. */
export function checkShapeProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object') return ['expected an object created with defineCheck({ id, title, … })'];
  const c = value as Partial<AnyCheck> & Record<string, unknown>;
  const problems: string[] = [];
  if (typeof c.id !== 'string' || !ID.test(c.id)) problems.push(`id must be dotted lower-case like "custom.po-number" (got ${JSON.stringify(c.id)})`);
  if (typeof c.title !== 'string' || !c.title.trim()) problems.push('title must be a non-empty string');
  if (typeof c.description !== 'string' || !c.description.trim()) problems.push('description must be a non-empty string');
  if (!CATEGORIES.includes(c.category as never)) problems.push(`category must be one of ${CATEGORIES.join(', ')} (got ${JSON.stringify(c.category)})`);
  if (!Array.isArray(c.channels) || c.channels.length === 0 || c.channels.some((ch) => ch !== 'email' && ch !== 'sms')) problems.push('channels must be a non-empty list of "email" and/or "sms"');
  if (c.scope !== 'invoice' && c.scope !== 'account') problems.push('scope must be "invoice" or "account"');
  if (c.dependsOn !== undefined && (!Array.isArray(c.dependsOn) || c.dependsOn.some((d) => typeof d !== 'string'))) problems.push('dependsOn must be a list of check ids');
  if (c.needsNetwork !== undefined && typeof c.needsNetwork !== 'boolean') problems.push('needsNetwork must be true or false');
  if (c.runsOffline !== undefined && typeof c.runsOffline !== 'boolean') problems.push('runsOffline must be true or false');
  if (c.appliesTo !== undefined && typeof c.appliesTo !== 'function') problems.push('appliesTo must be a function');
  if (typeof c.run !== 'function') problems.push('run must be a function (ctx) => ctx.pass(…) | ctx.fail(CODE, …)');
  if (!c.codes || typeof c.codes !== 'object') {
    problems.push('codes must map each code the check can return to { severity: "fail" | "warn" | "error", summary }');
  } else {
    for (const [code, meta] of Object.entries(c.codes)) {
      if (!CODE.test(code)) problems.push(`code "${code}" must be UPPER_SNAKE_CASE`);
      if (!meta || !['fail', 'warn', 'error'].includes(meta.severity)) problems.push(`code ${code} needs severity "fail", "warn" or "error"`);
      if (!meta || typeof meta.summary !== 'string') problems.push(`code ${code} needs a summary`);
      if (meta && meta.owner !== undefined && typeof meta.owner !== 'string') problems.push(`code ${code}: owner must be the id of the check that declares it (use codeOf)`);
      const r = meta?.remediation;
      if (r !== undefined && (typeof r.cause !== 'string' || !Array.isArray(r.steps) || r.steps.some((s) => typeof s !== 'string'))) problems.push(`code ${code}: remediation needs { cause: string, steps: string[] }`);
    }
  }
  return problems;
}
