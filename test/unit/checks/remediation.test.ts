import { describe, expect, it } from 'vitest';
import { RemediationCatalog } from '../../../src/remediation/catalog.js';
import { BUILTIN_CHECKS } from '../../../checks/index.js';
import { registry } from '../../helpers/factories.js';

const declared = BUILTIN_CHECKS.flatMap((check) => Object.keys(check.codes).map((code) => [check.id, code] as const));

describe('remediation catalogue for the built-in checks', () => {
  it('covers the built-in checks', () => {
    expect(BUILTIN_CHECKS.map((c) => c.id)).toEqual(['invoice.status', 'invoice.balance', 'recipient.email', 'recipient.phone', 'message.email', 'message.sms', 'stripe.credentials', 'stripe.onboarding', 'email.transport', 'sms.account', 'sms.sender', 'sms.a2p', 'delivery.last-attempt']);
    for (const check of BUILTIN_CHECKS) expect(Object.keys(check.codes).length).toBeGreaterThan(0);
  });

  it.each(declared)('%s: %s has a cause and at least one step', (_id, code) => {
    const entry = new RemediationCatalog(registry).lookup(code);
    expect(entry).toBeDefined();
    expect(entry!.cause.trim()).not.toBe('');
    expect(entry!.steps.length).toBeGreaterThanOrEqual(1);
    for (const step of entry!.steps) expect(step.trim()).not.toBe('');
  });
});
