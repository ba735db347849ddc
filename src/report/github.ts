import type { CheckResult, RunReport } from '../engine/types.js';
import type { Masker } from './mask.js';

/**
 * GitHub Actions annotations (workflow commands), printed when GITHUB_ACTIONS=true in addition to the
 * report. They go to standard error: the runner reads workflow commands from both streams of a `run`
 * step (actions/runner ScriptHandler: one OutputManager, with the command manager, per stream), and
 * standard output belongs to the report, which may be JSON, NDJSON, JUnit or redirected to a file or
 * to $GITHUB_STEP_SUMMARY.
 *
 * GitHub shows at most 10 error and 10 warning annotations per step, and silently drops the rest, so
 * at most ANNOTATIONS_PER_KIND of each are printed; when there are more, a notice says how many were left
 * out and where the whole report is.
 */
export const ANNOTATIONS_PER_KIND = 10;

export interface AnnotationOptions {
  /** warnings make the exit non-zero (--strict, --fail-on warn): annotate them as errors */
  warningsFail: boolean;
  masker?: Masker;
  /** where the full report is: a file, or "the step's log" */
  reportLocation: string;
}

/** `%`, CR and LF in a command's message (actions/toolkit `escapeData`); other control characters are dropped. */
export function escapeData(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are removed from workflow commands
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '').replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** In a property (title=…) also `:` and `,`, which end the property (actions/toolkit `escapeProperty`). */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderAnnotations(report: RunReport, options: AnnotationOptions): string {
  const mask = (text: string) => options.masker?.text(text) ?? text;
  // Remediation steps are guidance: their examples are nobody's; only the invoices' own contacts are masked there.
  const maskContacts = (text: string) => options.masker?.contacts(text) ?? text;
  const found: Record<'error' | 'warning', string[]> = { error: [], warning: [] };
  for (const r of report.results) {
    const invoice = r.invoice.number && r.invoice.number !== r.invoice.id ? `${r.invoice.id} (no. ${oneLine(r.invoice.number)})` : r.invoice.id;
    for (const c of r.checks) {
      const kind = c.status === 'fail' || c.status === 'error' || (c.status === 'warn' && options.warningsFail) ? 'error' : c.status === 'warn' ? 'warning' : undefined;
      if (!kind) continue;
      const title = `${invoice} ${c.title}${c.status === 'error' ? ' (could not be determined)' : ''}`;
      found[kind].push(`::${kind} title=${escapeProperty(mask(title))}::${escapeData(body(c, mask, maskContacts))}\n`);
    }
  }
  const lines = [...found.error.slice(0, ANNOTATIONS_PER_KIND), ...found.warning.slice(0, ANNOTATIONS_PER_KIND)];
  const left = { error: Math.max(0, found.error.length - ANNOTATIONS_PER_KIND), warning: Math.max(0, found.warning.length - ANNOTATIONS_PER_KIND) };
  if (left.error + left.warning > 0) {
    const parts = [left.error > 0 ? `${left.error} more error${left.error === 1 ? '' : 's'}` : '', left.warning > 0 ? `${left.warning} more warning${left.warning === 1 ? '' : 's'}` : ''].filter(Boolean);
    const note = `${parts.join(' and ')} not annotated: GitHub shows at most ${ANNOTATIONS_PER_KIND} of each per step. The full report is in ${options.reportLocation}.`;
    lines.push(`::notice title=${escapeProperty('invoice-doctor')}::${escapeData(note)}\n`);
  }
  return lines.join('');
}

function body(c: CheckResult, mask: (text: string) => string, maskContacts: (text: string) => string): string {
  const lines = [mask(`${c.code ? `${c.code}: ` : ''}${c.message}`)];
  c.remediation.forEach((step, i) => lines.push(`${i + 1}. ${maskContacts(step)}`));
  if (c.docs) lines.push(`Docs: ${c.docs}`);
  return lines.join('\n');
}

function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are removed from workflow commands
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '').replace(/\s*[\t\r\n]\s*/g, ' ').trim();
}
