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
  /**
   * What this answer proves about a write's side effect (see {@link proofOf}); set once, by the provider
   * that read the answer. Meaningless for reads.
   */
  proves?: Proof;
  /**
   * Stripe answered with the result it saved for this Idempotency-Key earlier (`idempotent-replayed`, or an
   * `idempotency_error`: the key was used before): the answer is about an earlier request, not this one.
   */
  replayed?: boolean;
}

/**
 * The one rule for what a failed write proves, used by every provider write (the payment link, the SMS, the
 * email). `not_created`: provably nothing was created — the request never left (connection refused, host not
 * found, TLS failed before anything was sent, an SMTP failure before the final dot), or the service itself
 * answered with a readable refusal (an HTTP 4xx carrying the provider's own error: validation, auth,
 * permission, not found, 429; an SMTP 4xx/5xx reply, which is the server's decision on the message).
 * `nothing`: everything else — a 5xx (the service's or a gateway's), 408/409, a timeout or a reset after the
 * request left, a body that cannot be read (an HTML gateway page), even a 2xx whose body cannot be read.
 * Such an answer is *ambiguous*: the side effect may have happened, so it is reconciled with the provider
 * (looked up) before anything is sent again, and never journaled as `failed`.
 */
export type Proof = 'not_created' | 'nothing';

export interface WriteAnswer {
  /** the request may have reached the service: HTTP bytes written on an open connection; SMTP's final dot written */
  sent: boolean;
  /** the service's own refusal, read in full: see {@link httpRefusal} and {@link smtpRefusal} */
  refused: boolean;
}

export function proofOf(answer: WriteAnswer): Proof {
  return !answer.sent || answer.refused ? 'not_created' : 'nothing';
}

/**
 * An HTTP answer that refuses the request before acting on it: a 4xx whose body was the provider's own
 * error (a gateway's page is not). 408 (the server gave up waiting) and 409 (a concurrent request with the
 * same key is in progress) say nothing about whether the work was done.
 */
export function httpRefusal(status: number | undefined, readable: boolean): boolean {
  return readable && status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409;
}

/** SMTP: every 4xx/5xx reply is the server's answer to the command it follows; to the final dot, "not accepted". */
export function smtpRefusal(responseCode: number | undefined): boolean {
  return responseCode !== undefined && responseCode >= 400 && responseCode < 600;
}

/** System errors raised before a connection exists, so before any byte of the request left. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** TLS handshake failures (certificate, protocol): the request is written only after the handshake. */
const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/;

/** Whether a network-level error code proves the request never left (ETIMEDOUT and resets do not). */
export function neverSent(code: string | undefined): boolean {
  return code !== undefined && (NEVER_SENT.has(code) || TLS_FAILURE.test(code));
}

/** A fault with its proof set: the providers' one way to finish a fault read from a write's answer. */
export function withProof(fault: Fault, answer: WriteAnswer): Fault {
  return { ...fault, proves: proofOf(answer) };
}

/** Whether a write's fault leaves its side effect ambiguous (to be looked up, never journaled as failed). */
export function isAmbiguous(fault: Fault): boolean {
  return fault.proves !== 'not_created';
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
  return { kind, code, message: `${what}: ${code && reason[code] ? reason[code] : oneLine(error.message ?? 'network error')}`, proves: proofOf({ sent: !neverSent(code), refused: false }) };
}
