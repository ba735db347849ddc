/**
 * Review of issue 11 ("check --offline must never report READY when a `${VAR}` is unset"): the rule was
 * built for the fields a check lists as required, not for every `${VAR}` the configuration reads. An unset
 * variable in any other field silently becomes "not configured", and the tool falls back to a default:
 *  - `payments.stripe.account: "${STRIPE_CONNECTED_ACCOUNT}"` unset → READY (offline and online), and `send`
 *    creates the payment link on the platform's own account instead of the connected business's account;
 *  - `email.smtp.user: "${SMTP_USER}"` unset (the password set) → READY offline, the login silently dropped.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { accountFor, makeWorkspace, STRIPE_KEYS, type SendWorkspace, usePeers } from '../send/workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

const check = (w: SendWorkspace, extra: string[]) => runCli(['check', 'INV-1', '--json', ...extra, '--config', w.config], { env: w.env });

describe('a ${VAR} left unset outside the required fields', () => {
  it('payments.stripe.account from an unset variable: not READY offline, and send creates no link on the platform account', async () => {
    ws = makeWorkspace(peers, {
      accounts: { shop: accountFor(peers, { payments: { provider: 'stripe', stripe: { secret_key: STRIPE_KEYS.good, account: '${STRIPE_CONNECTED_ACCOUNT}', api_base: peers.stripe.url } } }) },
    });
    const offline = await check(ws, ['--offline']);
    expect(offline.code, offline.stdout).not.toBe(0);
    expect(offline.stdout).toContain('STRIPE_CONNECTED_ACCOUNT');

    const sent = await runCli(['send', 'INV-1', '--yes', '--json', '--config', ws.config], { env: ws.env });
    expect(sent.code, sent.stdout).not.toBe(0);
    expect(Object.values(peers.stripe.world.paymentLinks)).toHaveLength(0);
  });

  it('email.smtp.user from an unset variable (password set): not READY offline', async () => {
    const base = accountFor(peers) as { email: { smtp: Record<string, unknown> } };
    const email = { ...base.email, smtp: { ...base.email.smtp, user: '${SMTP_USER}' } };
    ws = makeWorkspace(peers, { accounts: { shop: accountFor(peers, { email }) } });
    const offline = await check(ws, ['--offline', '--channel', 'email']);
    expect(offline.code, offline.stdout).not.toBe(0);
    expect(offline.stdout).toContain('SMTP_USER');
  });
});
