// The in-process CLI entry (src/cli/entry.ts, through test/support/cli.ts): one run leaves nothing behind
// that the next run, or the test process, would see. Most CLI tests rely on this.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, runCli } from '../support/cli.js';

const tmp = realpathSync(mkdtempSync(`${os.tmpdir()}/invoice-doctor-entry-`));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('an in-process run leaves the process as it found it', () => {
  it('exit code, folder, environment, streams and signal handlers', async () => {
    const before = { cwd: process.cwd(), env: { ...process.env }, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, sigint: process.listenerCount('SIGINT'), sigterm: process.listenerCount('SIGTERM') };
    process.exitCode = undefined;
    const r = await runCli(['check', 'INV-1002', '--offline', '--config', DEMO], { cwd: tmp, env: { STRIPE_SECRET_KEY: 'sk_test_offline_demo_key', INVOICE_DOCTOR_ENTRY_PROBE: 'set' } });
    expect(r.code, r.stderr).toBe(1);
    expect(process.exitCode).toBeUndefined();
    expect(process.cwd()).toBe(before.cwd);
    expect(process.env).toEqual(before.env);
    expect(process.env.INVOICE_DOCTOR_ENTRY_PROBE).toBeUndefined();
    expect([process.stdout, process.stderr, process.stdin]).toEqual([before.stdout, before.stderr, before.stdin]);
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([before.sigint, before.sigterm]);
  });

  it('runs in the folder and with the environment it is given', async () => {
    // No --config: ./invoice-doctor.yaml of the run's folder (there is none), then INVOICE_DOCTOR_CONFIG.
    const none = await runCli(['check', 'INV-1001', '--offline'], { cwd: tmp });
    expect(none.code).toBe(2);
    const viaEnv = await runCli(['check', 'INV-1001', '--offline', '--json'], { cwd: tmp, env: { INVOICE_DOCTOR_CONFIG: DEMO, STRIPE_SECRET_KEY: 'sk_test_offline_demo_key' } });
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ results: [{ invoice: { id: 'INV-1001' } }] });
  });

  it('the secrets one run registers are not redacted from the next run\'s output', async () => {
    // The demo's Stripe key is a secret field: its value is registered, and redacted from that run's output.
    const title = 'Outstanding balance can be paid by link';
    const first = await runCli(['check', 'INV-1001', '--offline', '--config', DEMO], { env: { STRIPE_SECRET_KEY: title } });
    expect(first.stdout).not.toContain(title);
    const next = await runCli(['checks']);
    expect(next.stdout).toContain(title);
  });

  it('runs started together run one after the other, each with its own output', async () => {
    const [a, b] = await Promise.all([runCli(['explain', 'INVOICE_DRAFT']), runCli(['checks', '--json'])]);
    expect(a.stdout).toContain('INVOICE_DRAFT');
    expect(JSON.parse(b.stdout)).toHaveProperty('checks');
  });
});
