import type { CheckResult, InvoiceReport, RunReport } from '../engine/types.js';

/** The JSON report (contract, schemaVersion 1). Fields are listed explicitly so internals never leak in. */
export function toJsonReport(report: RunReport): object {
  return {
    schemaVersion: 1,
    ready: report.ready,
    summary: report.summary,
    results: report.results.map(toJsonInvoice),
  };
}

export function toJsonInvoice(r: InvoiceReport): object {
  return { invoice: r.invoice, ready: r.ready, channels: r.channels, checks: r.checks.map(toJsonCheck) };
}

function toJsonCheck(c: CheckResult): object {
  return {
    id: c.id,
    title: c.title,
    category: c.category,
    status: c.status,
    code: c.code ?? null,
    message: c.message,
    remediation: c.remediation,
    docs: c.docs ?? null,
    blockedBy: c.blockedBy,
    durationMs: c.durationMs,
    data: c.data,
  };
}

export function renderJson(report: RunReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
