/**
 * A check's metadata as `checks --json` lists it. Kept apart from explain.ts, which loads the default
 * templates: `checks` is on the start-up path and needs none of that.
 */
import type { AnyCheck } from '../engine/types.js';

export function articleRefs(check: AnyCheck): string[] {
  return check.article === undefined ? [] : typeof check.article === 'string' ? [check.article] : [...check.article];
}

export function checkSummary(check: AnyCheck, file?: string): object {
  return {
    id: check.id,
    title: check.title,
    description: check.description,
    category: check.category,
    channels: check.channels,
    scope: check.scope,
    dependsOn: check.dependsOn ?? [],
    needsNetwork: Boolean(check.needsNetwork),
    runsOffline: Boolean(check.runsOffline),
    article: articleRefs(check),
    codes: Object.entries(check.codes).map(([code, meta]) => ({ code, severity: meta.severity, summary: meta.summary })),
    plugin: file ?? null,
  };
}


