import type { Registry } from './registry.js';
import type { Channel, ChannelState, CheckResult, InvoiceReport, Summary } from './types.js';

/**
 * A channel is not_ready when a check gating it fails (or warns, with --strict), unknown when none fails
 * but one could not be determined, ready otherwise. Skips never decide: a skip caused by a failed
 * dependency is already counted through that dependency.
 */
export function invoiceReadiness(registry: Registry, checks: readonly CheckResult[], channels: readonly Channel[], strict: boolean): { ready: boolean; channels: Partial<Record<Channel, ChannelState>> } {
  const states: Partial<Record<Channel, ChannelState>> = {};
  for (const channel of channels) {
    const gating = checks.filter((r) => (r.channels ?? registry.get(r.id)?.channels)?.includes(channel));
    if (gating.some((r) => r.status === 'fail' || (strict && r.status === 'warn'))) states[channel] = 'not_ready';
    else if (gating.some((r) => r.status === 'error')) states[channel] = 'unknown';
    else states[channel] = 'ready';
  }
  return { ready: channels.every((c) => states[c] === 'ready'), channels: states };
}

export function summarize(results: readonly InvoiceReport[]): { ready: boolean; summary: Summary } {
  const summary: Summary = { invoices: results.length, ready: 0, pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const r of results) {
    if (r.ready) summary.ready++;
    for (const c of r.checks) summary[c.status]++;
  }
  return { ready: results.length > 0 && summary.ready === results.length, summary };
}
