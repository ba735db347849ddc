import type { JournalRecord } from '../store/types.js';
import type { DeliveryChannel, DeliveryCommit, DeliveryIntent, DeliveryResult, JournalEvent, LinkIntent, LinkResult } from './events.js';

/** One try at one channel: its intent, and the commit and result when they were written. */
export interface Attempt {
  id: string;
  intent: DeliveryIntent;
  commit?: DeliveryCommit;
  result?: DeliveryResult;
}

/** An invoice's sends, folded from its journal lines. */
export interface SendHistory {
  /** every payment link created for the invoice, oldest first */
  links: LinkResult[];
  /** link creations Stripe refused, oldest first (each moves the idempotency key on) */
  linkFailures: LinkResult[];
  /** a link intent with no result after it (the run died while Stripe was asked) */
  pendingLink?: LinkIntent;
  attempts: Record<DeliveryChannel, Attempt[]>;
}

/**
 * Where a channel stands: `sent` (some try was delivered), `dangling` (the last try has an intent and
 * no result: the run died, or the outcome could not be known), `failed` (the last try failed or was
 * settled as not sent), `never`.
 */
export type ChannelState =
  | { kind: 'never' }
  | { kind: 'sent'; attempt: Attempt; last: Attempt }
  | { kind: 'dangling'; attempt: Attempt; committed: boolean; sentBefore?: Attempt }
  | { kind: 'failed'; attempt: Attempt; sentBefore?: undefined };

const isEvent = (r: JournalRecord): r is JournalRecord & JournalEvent =>
  (r.step === 'link' || r.step === 'email' || r.step === 'sms') && (r.phase === 'intent' || r.phase === 'commit' || r.phase === 'result');

export function foldHistory(records: readonly JournalRecord[]): SendHistory {
  const history: SendHistory = { links: [], linkFailures: [], attempts: { email: [], sms: [] } };
  const byId = new Map<string, Attempt>();
  for (const record of records) {
    if (!isEvent(record)) continue;
    const event = record as JournalEvent;
    if (event.step === 'link') {
      if (event.phase === 'intent') history.pendingLink = event;
      else {
        history.pendingLink = undefined;
        if (event.outcome === 'created' && event.link) history.links.push(event);
        else if (event.outcome === 'failed') history.linkFailures.push(event);
      }
      continue;
    }
    if (event.phase === 'intent') {
      const attempt: Attempt = { id: event.attempt, intent: event };
      byId.set(`${event.step}:${event.attempt}`, attempt);
      history.attempts[event.step].push(attempt);
      continue;
    }
    const attempt = byId.get(`${event.step}:${event.attempt}`);
    if (!attempt) continue; // a commit or result whose intent line was lost: nothing to attach it to
    if (event.phase === 'commit') attempt.commit = event;
    else attempt.result = event;
  }
  return history;
}

export function channelState(attempts: readonly Attempt[]): ChannelState {
  const last = attempts[attempts.length - 1];
  if (!last) return { kind: 'never' };
  const sent = [...attempts].reverse().find((a) => a.result?.outcome === 'sent');
  if (!last.result) return { kind: 'dangling', attempt: last, committed: last.commit !== undefined, sentBefore: sent };
  if (sent) return { kind: 'sent', attempt: sent, last };
  return { kind: 'failed', attempt: last };
}

/** The link to reuse: the newest one created for this exact amount and currency. */
export function reusableLink(history: SendHistory, amount: number, currency: string): LinkResult | undefined {
  return [...history.links].reverse().find((l) => l.amount === amount && l.currency.toUpperCase() === currency.toUpperCase());
}

/** For a try whose outcome a person recorded with `settle`: who, when and why, in words (else undefined). */
export function settledNote(attempt: Attempt | undefined): string | undefined {
  const s = attempt?.result?.settled;
  if (!s) return undefined;
  return `Recorded as ${s.as === 'sent' ? 'sent' : 'not sent'} by ${s.user ?? 'a person'} on ${attempt!.result!.at} (invoice-doctor settle)${s.note ? `: ${s.note}` : ''}.`;
}
