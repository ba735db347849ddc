import { safeText } from '../io/sink.js';

/**
 * What went wrong talking to a service, in the terms a check decides on. Providers translate each SDK's
 * errors into this one shape, so checks never see (or import) an SDK's error classes.
 */
export type FaultKind =
  /** the credentials were refused (401) */
  | 'auth'
  /** authenticated, but not allowed (403) */
  | 'permission'
  /** the resource does not exist (404) */
  | 'not_found'
  /** 429: the answer is "later" */
  | 'rate_limited'
  /** 5xx, or an answer we could not read */
  | 'server'
  /** no answer in time */
  | 'timeout'
  /** refused, reset, unknown host, TLS failure before any answer */
  | 'network'
  /** the service rejected the request as malformed (400) */
  | 'invalid_request';

export interface Fault {
  kind: FaultKind;
  /** one line, no secrets: what happened */
  message: string;
  status?: number;
  /** the service's own error code (Stripe `resource_missing`, Twilio 20003, errno ECONNREFUSED…) */
  code?: string | number;
  requestId?: string;
  /** seconds, from a 429's Retry-After */
  retryAfter?: number;
}

export type Read<T> = { ok: true; value: T } | { ok: false; fault: Fault };

export const ok = <T>(value: T): Read<T> => ({ ok: true, value });
export const failed = <T = never>(fault: Fault): Read<T> => ({ ok: false, fault });

/** Faults that mean "could not determine" rather than an answer about the account. */
export function isTransient(fault: Fault): boolean {
  return fault.kind === 'rate_limited' || fault.kind === 'server' || fault.kind === 'timeout' || fault.kind === 'network';
}

/** A fault in words for a one-line message: "timed out after 2000 ms", "HTTP 503: …". */
export function describeFault(fault: Fault): string {
  const parts: string[] = [];
  if (fault.status) parts.push(`HTTP ${fault.status}`);
  if (fault.code !== undefined && String(fault.code) !== String(fault.status)) parts.push(`code ${fault.code}`);
  const head = parts.length > 0 ? `${parts.join(', ')}: ` : '';
  const retry = fault.retryAfter !== undefined ? ` (retry after ${fault.retryAfter} s)` : '';
  const request = fault.requestId ? ` [request ${fault.requestId}]` : '';
  return `${head}${oneLine(fault.message)}${retry}${request}`;
}

export function oneLine(text: string, max = 300): string {
  // Redacted before it is cut or its spaces collapsed: the output boundary cannot find half a secret.
  const line = safeText(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Classifies a Node system error (ECONNREFUSED, ENOTFOUND, ETIMEDOUT…) seen below an SDK. */
export function systemFault(error: { code?: string; message?: string }, what: string): Fault {
  const code = error.code;
  const reason: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    EPIPE: 'connection closed',
    ENOTFOUND: 'host not found (DNS)',
    EAI_AGAIN: 'DNS lookup failed temporarily',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
  };
  const kind: FaultKind = code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? 'timeout' : 'network';
  return { kind, code, message: `${what}: ${code && reason[code] ? reason[code] : oneLine(error.message ?? 'network error')}` };
}
