import type { LoadedConfig } from '../config/load.js';
import { loadWorkspace, problemsFor, dataError } from '../data/load.js';
import type { Invoice } from '../data/model.js';
import { selectInvoices } from './check.js';

/** The one invoice `send` and `status` act on, with the same errors as `check` (data problems, "did you mean"). */
export async function loadOneInvoice(config: LoadedConfig, id: string): Promise<Invoice> {
  const wanted = new Set([id]);
  const workspace = await loadWorkspace(config, wanted);
  const problems = problemsFor(workspace, wanted);
  if (problems.length > 0 && (workspace.knownIds.has(id) || problems.some((p) => p.invoiceId === undefined))) throw dataError(problems);
  return selectInvoices(workspace, config, [id], {})[0]!;
}
