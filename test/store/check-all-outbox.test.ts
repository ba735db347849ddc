/**
 * `check --all` reads every invoice's history (delivery.last-attempt) from the outbox: it opens the outbox
 * once for the run, not once per invoice. Counted where it costs: the sessions a Postgres outbox's server
 * saw (each store opened is a pool, a connection and a login).
 */
import { describe, expect, it } from 'vitest';
import { DEMO_ENV, runCli } from '../support/cli.js';
import { adminQuery, usePostgresDatabase } from '../support/postgres.js';
import { invoice, makeWorkspace, rewriteConfig, type SendWorkspace, usePeers } from '../send/workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});
const db = usePostgresDatabase('checkall');
const INVOICES = Array.from({ length: 40 }, (_, i) => `INV-${i + 1}`);

/** The sessions the server has counted for the test's database, once the count has settled. */
async function sessions(): Promise<number> {
  const read = async () => Number((await adminQuery(`SELECT pg_stat_clear_snapshot(), sessions FROM pg_stat_database WHERE datname = '${db.name}'`))[0]!.sessions);
  // A backend adds its session to the statistics as it exits, just after the client saw its socket close.
  let last = await read();
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await read();
    if (now === last) return now;
    last = now;
  }
  return last;
}

describe('check --all with a Postgres outbox', () => {
  it('opens the outbox once for the run, with the configured pool: 40 invoices cost at most pool_max sessions, not one per invoice', async () => {
    ws = makeWorkspace(peers, { invoices: INVOICES.map((id) => invoice(id)) });
    rewriteConfig(ws, (config) => {
      config.journal = db.url;
      config.outbox = { pool_max: 4 };
    });
    // The schema is created by the first open; counted from here on.
    const first = await runCli(['check', 'INV-1', '--offline', '--json', '--config', ws.config], { env: { ...ws.env, ...DEMO_ENV } });
    expect(first.stderr).toBe('');
    const before = await sessions();
    const r = await runCli(['check', '--all', '--offline', '--json', '--config', ws.config], { env: { ...ws.env, ...DEMO_ENV } });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { results: Array<{ invoice: { id: string }; checks: Array<{ id: string; status: string }> }> };
    expect(out.results).toHaveLength(40);
    // every invoice's history was read (no send yet: nothing to report, and no error)
    for (const result of out.results) expect(result.checks.find((c) => c.id === 'delivery.last-attempt')?.status, result.invoice.id).not.toBe('error');
    const opened = (await sessions()) - before;
    expect(opened).toBeGreaterThan(0);
    // one pool, of the configured size (outbox.pool_max: 4; the default is 10)
    expect(opened).toBeLessThanOrEqual(4);
  });
});
