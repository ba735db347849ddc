/**
 * Review of issue 11 ("one redaction boundary … secrets of any length never shown where a value would be"):
 * a credential variable set to blanks (`STRIPE_SECRET_KEY=" "`, an easy slip in a CI secret or .env file) is
 * registered as a secret, so the boundary replaces whitespace in the report with `[redacted]` — indentation
 * and the space before a code — garbling the very report that says the key is empty. A blank value hides
 * nothing and should not be registered.
 */
import { describe, expect, it } from 'vitest';
import { DEMO, runCli } from '../support/cli.js';

describe('a credential variable set to blanks', () => {
  it('the report says STRIPE_NOT_CONFIGURED, and no whitespace of it is shown as [redacted]', async () => {
    const r = await runCli(['check', 'INV-1001', '--offline', '--config', DEMO], { env: { STRIPE_SECRET_KEY: ' ' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[STRIPE_NOT_CONFIGURED]');
    expect(r.stdout).not.toContain('[redacted]');
  });
});
