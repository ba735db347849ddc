import type { Registry } from '../engine/registry.js';
import type { Remediation } from '../engine/types.js';
import { ENGINE_REMEDIATION } from './engine-codes.js';

/** code → the fields a team's remediation file sets (each optional) */
export type RemediationOverrides = Record<string, Partial<Remediation>>;

/**
 * Remediation by code: the user's overrides (their help centre's wording), then the entry of the check that
 * declares the code (built-in or plugin: checks/<id>.ts), then the engine's own codes (engine-codes.ts).
 * An override replaces only the fields it sets.
 */
export class RemediationCatalog {
  constructor(
    private readonly registry: Registry,
    private readonly overrides: RemediationOverrides = {},
  ) {}

  lookup(code: string): Remediation | undefined {
    const fromCheck = this.registry.codes().get(code)?.meta.remediation;
    const base = fromCheck ?? ENGINE_REMEDIATION[code];
    const own = this.overrides[code];
    if (!base && !own) return undefined;
    return {
      cause: own?.cause ?? base?.cause ?? '',
      steps: own?.steps ?? base?.steps ?? [],
      docs: own?.docs ?? base?.docs,
    };
  }

  isOverridden(code: string): boolean {
    return Object.hasOwn(this.overrides, code);
  }
}
