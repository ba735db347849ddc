import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/**
 * The redaction boundary wraps standard output and error themselves: text the tool's own writers never see
 * (commander's usage errors, quoting the argument) is redacted too.
 */
describe('the output boundary', () => {
  it('a usage error quoting a key pasted in the wrong place does not print the key', async () => {
    const key = 'sk_live_PastedByMistake12345';
    const r = await runCli(['check', 'INV-1', '--format', key]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sk_live_[redacted]');
    expect(r.stdout + r.stderr).not.toContain(key);
  });
});
