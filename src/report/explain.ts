/**
 * What `checks` and `explain` say about a check, as data: the CLI renders it for a terminal or JSON, and
 * the generated docs pages (src/docs) render the same data as Markdown, so the two cannot drift apart.
 */
import { describeArticleRef } from '../remediation/articles.js';
import { DEFAULT_TEMPLATES, TEMPLATE_VARIABLES } from '../send/templates.js';
import type { AnyCheck, Remediation } from '../engine/types.js';
import type { Registry } from '../engine/registry.js';
import type { RemediationCatalog } from '../remediation/catalog.js';
import { articleRefs, checkSummary } from './check-summary.js';

export { articleRefs, checkSummary };

/** A default template as `explain` and the check's docs page show it. */
export interface DefaultTemplate {
  /** the `templates` key it stands in for */
  template: string;
  /** when it is the one used */
  when: string;
  /** the template; null when the default is derived from another one (`note` says how) */
  text: string | null;
  note?: string;
}

/**
 * The wording a message check renders when the account's config sets no template, per check: data, read from
 * the same DEFAULT_TEMPLATES the renderer (src/send/render.ts) uses, so what is shown is what is sent.
 */
const DEFAULT_TEMPLATES_BY_CHECK: Readonly<Record<string, readonly DefaultTemplate[]>> = {
  'message.email': [
    { template: 'email_subject', when: 'always', text: DEFAULT_TEMPLATES.email_subject },
    { template: 'email_text', when: 'payments on: with the payment link', text: DEFAULT_TEMPLATES.email_text_with_link },
    { template: 'email_text', when: 'payments off', text: DEFAULT_TEMPLATES.email_text_without_link },
    { template: 'email_html', when: 'always', text: null, note: 'the email_text in use, its values HTML-escaped, each paragraph a <p>, each line break a <br>' },
  ],
  'message.sms': [
    { template: 'sms', when: 'payments on: with the payment link', text: DEFAULT_TEMPLATES.sms_with_link },
    { template: 'sms', when: 'payments off', text: DEFAULT_TEMPLATES.sms_without_link },
  ],
};

/** Everything `explain <check-id>` says about a check, as data: `explain` and the generated docs pages (src/docs) both render it. */
export interface CheckExplanation {
  summary: ReturnType<typeof checkSummary>;
  scope: string;
  /** how the check treats the network and `--offline`; undefined when it never asks a service */
  network: string | undefined;
  dependsOn: string[];
  /** the article steps it mirrors, described */
  mirrors: string[];
  codes: Array<{ code: string; severity: string; summary: string } & Partial<Remediation>>;
  /** for message checks: the placeholders a template may use */
  placeholders: Readonly<Record<string, string>> | undefined;
  defaultTemplates: readonly DefaultTemplate[] | undefined;
}

export function explainCheck(check: AnyCheck, registry: Registry, catalog: RemediationCatalog): CheckExplanation {
  return {
    summary: checkSummary(check, registry.fileOf(check.id)),
    scope: check.scope === 'account' ? 'once per account' : 'per invoice',
    network: check.needsNetwork ? (check.runsOffline ? 'needs the network (with --offline, decides only what needs no service)' : 'needs the network (skipped with --offline)') : undefined,
    dependsOn: [...(check.dependsOn ?? [])],
    mirrors: articleRefs(check).map(describeArticleRef),
    codes: Object.entries(check.codes).map(([c, meta]) => ({ code: c, severity: meta.severity, summary: meta.summary, ...catalog.lookup(c) })),
    placeholders: check.category === 'message' ? TEMPLATE_VARIABLES : undefined,
    defaultTemplates: DEFAULT_TEMPLATES_BY_CHECK[check.id],
  };
}

