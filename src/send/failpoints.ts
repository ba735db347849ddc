/**
 * Crash injection for the crash-safety tests (the "failpoints" of FreeBSD's fail(9) or TiKV's fail-rs):
 * `INVOICE_DOCTOR_FAILPOINTS=after-link,torn-append-3` makes the process kill itself with SIGKILL at
 * those points, exactly as a power cut or `kill -9` would. Unset, each check costs one Set lookup.
 *
 * Points: before-link, after-link-intent, after-link, after-email-intent, email-before-commit,
 * email-after-commit, after-email, after-sms-intent, after-sms, and torn-append-N (the process dies inside
 * the Nth append's transaction of the run, the record written but not committed).
 */
const active = new Set((process.env.INVOICE_DOCTOR_FAILPOINTS ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export function failpoint(name: string): void {
  if (active.size > 0 && active.has(name)) process.kill(process.pid, 'SIGKILL');
}

let storeAppends = 0;

/**
 * Asked by a store before each append: true for the chosen one (`torn-append-N`, counted per run), whose
 * store must then kill the process inside that append's transaction, after the row is written and before it
 * is committed — the database's version of a line cut short by a crash. The record must then be absent: a
 * transaction is all or nothing.
 */
export function tornAppendDue(): boolean {
  if (active.size === 0) return false;
  storeAppends++;
  return active.has(`torn-append-${storeAppends}`);
}
