import type { BaseOutcomeBuilder, Outcome } from './types.js';

export interface Finding {
  code: string;
  severity: 'fail' | 'warn';
  message: string;
  data?: Record<string, unknown>;
}

/**
 * Reduces several findings of one check to its single result: the first failure (else the first
 * warning) gives the code and remediation, and the message mentions the others, so nothing found is lost.
 * Findings are given in priority order.
 */
export function reportFindings(ctx: BaseOutcomeBuilder, findings: readonly Finding[], passMessage: string, passData?: Record<string, unknown>): Outcome {
  if (findings.length === 0) return ctx.pass(passMessage, passData);
  const lead = findings.find((f) => f.severity === 'fail') ?? findings[0]!;
  const others = findings.filter((f) => f !== lead);
  const message = others.length ? `${lead.message} Also: ${others.map((f) => `${f.message} (${f.code})`).join(' ')}` : lead.message;
  const data = { ...passData, ...lead.data, findings: findings.map(({ code, severity, message: m }) => ({ code, severity, message: m })) };
  return lead.severity === 'fail' ? ctx.fail(lead.code, { message, data }) : ctx.warn(lead.code, { message, data });
}
