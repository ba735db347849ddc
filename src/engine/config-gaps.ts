import type { Account } from '../config/load.js';

/** A setting a check needs that the account leaves empty, and why it is empty. */
export interface ConfigGap {
  /** relative to the account, e.g. payments.stripe.secret_key */
  field: string;
  /** the environment variable the config reads it from, when that is unset */
  variable?: string;
}

/**
 * The required settings among `fields` that are empty. A `${VAR}` left unset is not a config error
 * (so `--offline` and the demo run without secrets); the check that needs it names the variable.
 */
export function configGaps(account: Account, fields: readonly string[], options: { section?: string; except?: readonly string[] } = {}): ConfigGap[] {
  const gaps: ConfigGap[] = [];
  for (const field of fields) {
    const value = field.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), account);
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      gaps.push({ field, variable: account.unsetEnv[field] });
    }
  }
  // Every `${VAR}` left unset under the section, required or not: an optional setting that silently falls
  // back to its default (no connected account → the platform's own; no api_base → the real service; no user
  // → no login) is not what the configuration asked for.
  if (options.section !== undefined) {
    const prefix = `${options.section}.`;
    for (const [field, variable] of Object.entries(account.unsetEnv)) {
      if (field.startsWith(prefix) && !options.except?.includes(field) && !gaps.some((g) => g.field === field)) gaps.push({ field, variable });
    }
  }
  return gaps;
}

/** "accounts.acme.payments.stripe.secret_key (from ${STRIPE_SECRET_KEY}, which is not set)" */
export function describeGaps(account: Account, gaps: readonly ConfigGap[]): string {
  return gaps
    .map((g) => `accounts.${account.id}.${g.field}${g.variable ? ` (read from \${${g.variable}}, which is not set in the environment)` : ''}`)
    .join(', ');
}
