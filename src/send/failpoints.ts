import { appendFileSync } from 'node:fs';
import { safeText } from '../io/sink.js';

/**
 * Crash injection for the crash-safety tests (the "failpoints" of FreeBSD's fail(9) or TiKV's fail-rs):
 * `INVOICE_DOCTOR_FAILPOINTS=after-link,torn-append-3` makes the process kill itself with SIGKILL at
 * those points, exactly as a power cut or `kill -9` would. Unset, each check costs one Set lookup.
 *
 * Points: before-link, after-link-intent, after-link, after-email-intent, email-before-commit,
 * email-after-commit, after-email, after-sms-intent, after-sms, and torn-append-N (the Nth journal line
 * of the run is half written, then the process dies).
 */
const active = new Set((process.env.INVOICE_DOCTOR_FAILPOINTS ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export function failpoint(name: string): void {
  if (active.size > 0 && active.has(name)) process.kill(process.pid, 'SIGKILL');
}

let appends = 0;

/** Called before each journal append: on the chosen one, writes half the line and dies mid-write. */
export function tornAppendFailpoint(file: string, line: string): void {
  if (active.size === 0) return;
  appends++;
  if (!active.has(`torn-append-${appends}`)) return;
  // Half of the line as the journal would have written it: redacted like every byte written.
  const safe = safeText(line);
  appendFileSync(file, safe.slice(0, Math.max(1, Math.floor(safe.length / 2))));
  process.kill(process.pid, 'SIGKILL');
}
