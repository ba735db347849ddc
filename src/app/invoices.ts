import { InputError, formatLocation, type InputIssue } from '../errors.js';
import { displayPath } from '../config/paths.js';
import { closest } from '../config/suggest.js';
import type { LoadedConfig } from '../config/load.js';
import { loadWorkspace, problemsFor, dataError, type DataProblem, type Workspace } from '../data/load.js';
import type { InvoiceFilter } from '../data/stream.js';
import { INVOICE_STATUSES, type Invoice } from '../data/model.js';
import { STATUS_ALIASES } from '../data/schema.js';
import type { CheckResult, InvoiceReport } from '../engine/types.js';

/**
 * Which invoices a command acts on, shared by the use cases: --account / --status checked against the
 * configuration, ids looked up with "did you mean", and a batch's unloadable data turned into results.
 */

/** --account and --status, checked against the configuration; the status with its aliases resolved. */
export function invoiceFilter(config: LoadedConfig, opts: { account?: string; status?: string }): InvoiceFilter {
  if (opts.account && !config.accounts.has(opts.account)) {
    const near = closest(opts.account, config.accounts.keys());
    throw new InputError('USAGE', `--account ${opts.account}: no such account in the configuration.${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}`, { hint: `Accounts: ${[...config.accounts.keys()].join(', ')}.` });
  }
  let status: string | undefined;
  if (opts.status) {
    status = STATUS_ALIASES[opts.status.toLowerCase()] ?? opts.status.toLowerCase();
    if (!(INVOICE_STATUSES as readonly string[]).includes(status)) {
      throw new InputError('USAGE', `--status ${opts.status}: expected one of ${INVOICE_STATUSES.join(', ')} (finalized, finalised and open mean validated).`);
    }
  }
  return { account: opts.account, status };
}

export function noMatch(filter: InvoiceFilter): InputError {
  return new InputError('USAGE', `No invoice matches${filter.account ? ` --account ${filter.account}` : ''}${filter.status ? ` --status ${filter.status}` : ''}: nothing to check.`, { hint: 'Loosen the filters, or list ids explicitly.' });
}

export function selectInvoices(workspace: Workspace, config: LoadedConfig, ids: string[], opts: { account?: string; status?: string }, select: { allowNone?: boolean } = {}): Invoice[] {
  const filter = invoiceFilter(config, opts);
  let chosen: Invoice[];
  if (ids.length > 0) {
    const known = [...workspace.knownIds];
    const missing = ids.filter((id) => !known.includes(id));
    if (missing.length > 0) {
      const issues = missing.map((id) => {
        const near = closest(id, known);
        return { path: 'ids', message: `no invoice "${id}"${near.length ? `; closest: ${near.join(', ')}` : ''}` };
      });
      const near = closest(missing[0]!, known);
      throw new InputError('INVOICE_NOT_FOUND', `No invoice with id ${missing.map((m) => `"${m}"`).join(', ')} in ${displayPath(config.config.data.invoices)}.${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}`, {
        issues,
        hint: 'Invoice ids are the "id" field of each invoice file; run with --all to check them all.',
      });
    }
    chosen = [...new Set(ids)].flatMap((id) => (workspace.invoices.has(id) ? [workspace.invoices.get(id)!] : []));
  } else {
    chosen = [...workspace.invoices.values()];
  }
  chosen = chosen.filter((inv) => (!filter.account || inv.accountId === filter.account) && (!filter.status || inv.status === filter.status));
  if (chosen.length === 0 && !select.allowNone) throw noMatch(filter);
  return chosen;
}

/** The one invoice `send`, `status` and `settle` act on, with the same errors as `check` (data problems, "did you mean"). */
export async function loadOneInvoice(config: LoadedConfig, id: string): Promise<Invoice> {
  const wanted = new Set([id]);
  const workspace = await loadWorkspace(config, wanted);
  const problems = problemsFor(workspace, wanted);
  if (problems.length > 0 && (workspace.knownIds.has(id) || problems.some((p) => p.invoiceId === undefined))) throw dataError(problems);
  return selectInvoices(workspace, config, [id], {})[0]!;
}

/**
 * A batch's data problems as results: one per invoice whose data does not load (its id was readable),
 * one per file that does not parse at all (or a customers file problem), each a single `invoice.data`
 * check with status error, code DATA_INVALID and the file:line:column of every problem.
 */
export function inputErrorReports(problems: readonly DataProblem[]): InvoiceReport[] {
  const groups = new Map<string, { id: string; issues: InputIssue[] }>();
  for (const p of problems) {
    const key = p.invoiceId !== undefined ? `id\u0000${p.invoiceId}` : `file\u0000${p.issue.file ?? ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { id: p.invoiceId ?? p.issue.file ?? '(invoice data)', issues: [] }));
    group.issues.push(p.issue);
  }
  return [...groups.values()].map(({ id, issues }) => {
    const lines = issues.map((i) => `${formatLocation(i) ? `${formatLocation(i)}: ` : ''}${i.path ? `${i.path} ` : ''}${i.message}`);
    const check: CheckResult = {
      id: 'invoice.data',
      title: 'Invoice data loads',
      category: 'invoice',
      status: 'error',
      code: 'DATA_INVALID',
      message: lines.join('; '),
      remediation: ['Fix the invoice data at the line named above, then run the check again. Invoice fields are described in the README under "Invoice data".'],
      blockedBy: [],
      durationMs: 0,
      data: { reason: 'input_error', issues: issues.map((i) => ({ file: i.file ?? null, line: i.line ?? null, column: i.column ?? null, path: i.path, message: i.message })) },
    };
    return { invoice: { id, number: id, account: '', status: 'input_error' }, ready: false, channels: {}, checks: [check] };
  });
}
