import { InputError } from '../errors.js';
import { didYouMean } from '../config/suggest.js';
import { CATEGORIES, type AnyCheck, type Category, type CodeMeta } from './types.js';

export interface CheckSource {
  check: AnyCheck;
  /** the plugin file it came from; undefined for built-ins */
  file?: string;
}

/**
 * The checks of a run, validated as a whole: unique ids, known dependencies, no cycles, and no account
 * check depending on an invoice check (its result is shared by invoices that may disagree).
 */
export class Registry {
  /** declared order: results are reported in this order */
  readonly checks: readonly AnyCheck[];
  private readonly byId = new Map<string, AnyCheck>();
  private readonly files = new Map<string, string | undefined>();
  private codeIndex?: Map<string, { check: AnyCheck; meta: CodeMeta }>;

  constructor(sources: readonly CheckSource[]) {
    for (const { check, file } of sources) {
      if (this.byId.has(check.id)) {
        const other = this.files.get(check.id);
        throw new InputError('PLUGIN_INVALID', `Two checks have the id "${check.id}" (${other ?? 'built-in'} and ${file ?? 'built-in'}).`, {
          issues: [{ path: 'plugins', file, message: `duplicate check id ${check.id}` }],
          hint: 'Give the plugin check its own id, e.g. prefix it with "custom.".',
        });
      }
      this.byId.set(check.id, check);
      this.files.set(check.id, file);
    }
    this.checks = sources.map((s) => s.check);
    for (const check of this.checks) {
      for (const dep of check.dependsOn ?? []) {
        const target = this.byId.get(dep);
        if (!target) throw this.invalid(check.id, `depends on "${dep}", which is not a check.${didYouMean(dep, this.byId.keys())}`);
        if (check.scope === 'account' && target.scope === 'invoice') throw this.invalid(check.id, `is account-scoped but depends on the invoice-scoped check "${dep}"; an account result is shared by all its invoices.`);
      }
    }
    const cycle = this.findCycle();
    if (cycle) throw this.invalid(cycle[0]!, `is part of a dependency cycle: ${cycle.join(' → ')}.`);
  }

  get(id: string): AnyCheck | undefined {
    return this.byId.get(id);
  }

  fileOf(id: string): string | undefined {
    return this.files.get(id);
  }

  /** code → the check declaring it and its metadata */
  codes(): ReadonlyMap<string, { check: AnyCheck; meta: CodeMeta }> {
    if (!this.codeIndex) {
      this.codeIndex = new Map();
      for (const check of this.checks) for (const [code, meta] of Object.entries(check.codes)) if (!this.codeIndex.has(code)) this.codeIndex.set(code, { check, meta });
    }
    return this.codeIndex;
  }

  /** every check that can return `code`, in the registry's order: its owner and those reporting it with codeOf (PLACEHOLDER_UNRESOLVED: message.email, message.sms) */
  checksWithCode(code: string): AnyCheck[] {
    return this.checks.filter((c) => Object.hasOwn(c.codes, code));
  }

  /**
   * Expands `--only`/`--skip` selectors (check ids or categories) to check ids; an unknown selector is a
   * usage error with the closest spelling.
   */
  resolveSelectors(selectors: readonly string[], flag: string): Set<string> {
    const ids = new Set<string>();
    for (const selector of selectors) {
      if (this.byId.has(selector)) {
        ids.add(selector);
      } else if (CATEGORIES.includes(selector as Category)) {
        for (const c of this.checks) if (c.category === selector) ids.add(c.id);
      } else {
        throw new InputError('USAGE', `${flag} ${selector}: no check or category has that name.${didYouMean(selector, [...this.byId.keys(), ...CATEGORIES])}`, {
          hint: 'List the checks with: invoice-doctor checks',
        });
      }
    }
    return ids;
  }

  /** The checks a run reports: --only (plus what they depend on), minus --skip. */
  select(only: ReadonlySet<string> | undefined, skip: ReadonlySet<string>): Set<string> {
    const chosen = new Set<string>();
    const add = (id: string) => {
      if (chosen.has(id) || skip.has(id)) return;
      chosen.add(id);
      for (const dep of this.byId.get(id)!.dependsOn ?? []) add(dep);
    };
    for (const check of this.checks) if (!only || only.has(check.id)) add(check.id);
    return chosen;
  }

  private findCycle(): string[] | undefined {
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (id: string): string[] | undefined => {
      if (state.get(id) === 'done') return undefined;
      if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
      state.set(id, 'visiting');
      stack.push(id);
      for (const dep of this.byId.get(id)!.dependsOn ?? []) {
        const found = visit(dep);
        if (found) return found;
      }
      stack.pop();
      state.set(id, 'done');
      return undefined;
    };
    for (const check of this.checks) {
      const found = visit(check.id);
      if (found) return found;
    }
    return undefined;
  }

  private invalid(id: string, message: string): InputError {
    const file = this.files.get(id);
    return new InputError('PLUGIN_INVALID', `Check "${id}"${file ? ` (${file})` : ''} ${message}`, {
      issues: [{ path: 'plugins', file, message }],
      hint: 'Fix dependsOn in the check definition; `invoice-doctor checks` lists the valid ids.',
    });
  }
}
