import type { InvoiceReport, RunReport, Summary } from '../engine/types.js';
import { toJsonInvoice } from './json.js';

/**
 * NDJSON (contract, schemaVersion 1): one JSON object per line, no blank lines. Each invoice's result
 * is a line `{"type":"result","schemaVersion":1, …}` with exactly the fields of an element of the JSON
 * report's `results`, written as soon as that invoice's checks complete (so in completion order, not
 * necessarily the order asked); the last line is `{"type":"summary","schemaVersion":1,"ready":…,
 * "summary":{…}}`. On exit 2 the only line is `{"type":"error","schemaVersion":1,"error":{…}}`.
 */
export function ndjsonResultLine(r: InvoiceReport): string {
  return `${JSON.stringify({ type: 'result', schemaVersion: 1, ...toJsonInvoice(r) })}\n`;
}

export function ndjsonSummaryLine(report: { ready: boolean; summary: Summary }): string {
  return `${JSON.stringify({ type: 'summary', schemaVersion: 1, ready: report.ready, summary: report.summary })}\n`;
}

export function ndjsonErrorLine(error: { code: string; message: string; hint?: string; issues?: unknown[] }): string {
  return `${JSON.stringify({ type: 'error', schemaVersion: 1, error: { code: error.code, message: error.message, hint: error.hint, issues: error.issues ?? [] } })}\n`;
}

export function renderNdjson(report: RunReport): string {
  return `${report.results.map(ndjsonResultLine).join('')}${ndjsonSummaryLine(report)}`;
}
