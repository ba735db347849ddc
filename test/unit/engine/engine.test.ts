import { describe, expect, it } from 'vitest';
import { defineCheck } from '../../../src/engine/define-check.js';
import { Registry } from '../../../src/engine/registry.js';
import { runChecks, type RunOptions } from '../../../src/engine/runner.js';
import { RemediationCatalog } from '../../../src/remediation/catalog.js';
import { createInvoiceFacts, createAccountFacts } from '../../../src/engine/facts.js';
import { InputError } from '../../../src/errors.js';
import type { Account } from '../../../src/config/load.js';
import type { Invoice } from '../../../src/data/model.js';
import type { AnyCheck, CheckDefinition, Scope } from '../../../src/engine/types.js';

const account = (id = 'acme'): Account => ({
  id, name: 'Acme', country: 'US', channels: ['email', 'sms'], payments: { provider: 'none' },
  email: { from: 'Acme <billing@acmeplumbing.com>', transport: 'file', file: { dir: '/tmp' } }, templates: {}, unsetEnv: {},
});
const invoice = (id: string, accountId = 'acme'): Invoice => ({
  id, number: id, accountId, status: 'validated', statusRaw: 'validated', customer: { name: 'Dana', email: 'dana@northwindtraders.com', metadata: {} },
  sendTo: {}, currency: 'USD', lines: [{ description: 'x', quantity: 1, unitAmount: 1000, amount: 1000 }], total: 1000, amountPaid: 0, amountDue: 1000,
  metadata: {}, source: { file: 'mem' },
});

function check<S extends Scope = 'invoice'>(def: Partial<CheckDefinition<S>> & Pick<CheckDefinition<S>, 'id' | 'run'>): AnyCheck {
  return defineCheck({
    title: def.id, description: 'test check', category: 'custom', channels: ['email'], scope: 'invoice' as S,
    codes: { BROKEN: { severity: 'fail', summary: 'broken' }, SHAKY: { severity: 'warn', summary: 'shaky' } }, ...def,
  } as CheckDefinition<S>) as AnyCheck;
}

async function run(checks: AnyCheck[], invoices: Invoice[] = [invoice('INV-1')], options: Partial<RunOptions> = {}, accounts = [account()]) {
  const registry = new Registry(checks.map((c) => ({ check: c })));
  return runChecks(registry, invoices, new Map(accounts.map((a) => [a.id, a])), new RemediationCatalog(registry), {
    selected: registry.select(undefined, new Set()), skipped: new Set(), offline: false, timeoutMs: 2000, strict: false, concurrency: 4, verbose: false, ...options,
  });
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('registry', () => {
  it('rejects a dependency cycle and names it', () => {
    const a = check({ id: 'custom.a', dependsOn: ['custom.b'], run: (c) => c.pass('a') });
    const b = check({ id: 'custom.b', dependsOn: ['custom.c'], run: (c) => c.pass('b') });
    const c = check({ id: 'custom.c', dependsOn: ['custom.a'], run: (c) => c.pass('c') });
    expect(() => new Registry([a, b, c].map((check) => ({ check })))).toThrow(/cycle: custom\.a → custom\.b → custom\.c → custom\.a/);
  });

  it('rejects an unknown dependency with a suggestion', () => {
    const a = check({ id: 'custom.a', dependsOn: ['custom.bb'], run: (c) => c.pass('a') });
    const b = check({ id: 'custom.b', run: (c) => c.pass('b') });
    const error = (() => { try { new Registry([{ check: a }, { check: b, file: 'x.js' }]); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('depends on "custom.bb", which is not a check. Did you mean "custom.b"?');
  });

  it('rejects duplicate ids and an account check depending on an invoice check', () => {
    const a = check({ id: 'custom.a', run: (c) => c.pass('a') });
    expect(() => new Registry([{ check: a }, { check: a, file: 'plugin.js' }])).toThrow(/Two checks have the id "custom.a" \(built-in and plugin.js\)/);
    const acc = check<'account'>({ id: 'custom.acc', scope: 'account', dependsOn: ['custom.a'], run: (c) => c.pass('x') });
    expect(() => new Registry([{ check: a }, { check: acc }])).toThrow(/account-scoped but depends on the invoice-scoped/);
  });

  it('defineCheck refuses a malformed definition with every problem listed', () => {
    expect(() => defineCheck({ id: 'Bad Id', title: '', run: 1 } as never)).toThrow(/id must be dotted.*title must be a non-empty string.*category must be one of.*run must be a function/);
  });

  it('expands categories and adds dependencies of --only', () => {
    const a = check({ id: 'custom.a', run: (c) => c.pass('a') });
    const b = check({ id: 'custom.b', category: 'invoice', dependsOn: ['custom.a'], run: (c) => c.pass('b') });
    const registry = new Registry([a, b].map((check) => ({ check })));
    expect([...registry.resolveSelectors(['invoice'], '--only')]).toEqual(['custom.b']);
    expect([...registry.select(new Set(['custom.b']), new Set())].sort()).toEqual(['custom.a', 'custom.b']);
    expect(() => registry.resolveSelectors(['custom.bb'], '--skip')).toThrow(/--skip custom\.bb: no check or category has that name\. Did you mean "custom\.b"/);
  });
});

describe('runner', () => {
  it('runs a dependency to completion before its dependant starts', async () => {
    const events: string[] = [];
    const slow = check({ id: 'custom.first', run: async (c) => { events.push('first:start'); await new Promise((r) => setTimeout(r, 20)); events.push('first:end'); return c.pass('ok'); } });
    const after = check({ id: 'custom.second', dependsOn: ['custom.first'], run: (c) => { events.push('second:start'); return c.pass('ok'); } });
    const report = await run([after, slow]);
    expect(events).toEqual(['first:start', 'first:end', 'second:start']);
    expect(report.results[0]!.checks.map((c) => c.id)).toEqual(['custom.second', 'custom.first']); // declared order
  });

  it('runs independent checks concurrently (each waits for the other to have started)', async () => {
    const aStarted = deferred();
    const bStarted = deferred();
    const a = check({ id: 'custom.a', run: async (c) => { aStarted.resolve(); await bStarted.promise; return c.pass('a'); } });
    const b = check({ id: 'custom.b', run: async (c) => { bStarted.resolve(); await aStarted.promise; return c.pass('b'); } });
    // Run sequentially, each would wait forever for the other and time out as an error.
    const report = await run([a, b], undefined, { timeoutMs: 5000 });
    expect(report.results[0]!.checks.map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('turns a timeout into error, aborting the check signal', async () => {
    let aborted = false;
    const hang = check({ id: 'custom.hang', run: (c) => new Promise(() => { c.signal.addEventListener('abort', () => { aborted = true; }); }) });
    const report = await run([hang], undefined, { timeoutMs: 2000 });
    const result = report.results[0]!.checks[0]!;
    expect(result).toMatchObject({ status: 'error', code: 'CHECK_TIMEOUT' });
    expect(result.message).toContain('Timed out after 2000 ms');
    expect(aborted).toBe(true);
    expect(report.results[0]!.channels.email).toBe('unknown');
  });

  it('turns a thrown error into error with its message; the stack only when verbose', async () => {
    const boom = check({ id: 'custom.boom', run: () => { throw new Error('kaboom'); } });
    const quiet = (await run([boom])).results[0]!.checks[0]!;
    expect(quiet).toMatchObject({ status: 'error', code: 'CHECK_CRASHED' });
    expect(quiet.message).toContain('kaboom');
    expect(quiet.stack).toBeUndefined();
    const loud = (await run([boom], undefined, { verbose: true })).results[0]!.checks[0]!;
    expect(loud.stack).toContain('kaboom');
  });

  it('skips a dependant with blockedBy when its dependency fails or errors', async () => {
    const failing = check({ id: 'custom.creds', run: (c) => c.fail('BROKEN', 'no key') });
    const erroring = check({ id: 'custom.net', run: () => { throw new Error('ECONNRESET'); } });
    const dependant = check({ id: 'custom.onboarding', dependsOn: ['custom.creds', 'custom.net'], run: (c) => c.pass('never') });
    const results = (await run([failing, erroring, dependant])).results[0]!.checks;
    const blocked = results.find((r) => r.id === 'custom.onboarding')!;
    expect(blocked).toMatchObject({ status: 'skip', blockedBy: ['custom.creds', 'custom.net'] });
    expect(blocked.message).toContain('custom.creds failed');
  });

  it('skips when appliesTo says no, or when offline and the check needs the network', async () => {
    const na = check({ id: 'custom.na', appliesTo: () => 'Not applicable: no payments.', run: (c) => c.fail('BROKEN', 'x') });
    const net = check({ id: 'custom.net', needsNetwork: true, run: (c) => c.fail('BROKEN', 'x') });
    const results = (await run([na, net], undefined, { offline: true })).results[0]!.checks;
    expect(results.map((r) => [r.status, r.message])).toEqual([
      ['skip', 'Not applicable: no payments.'],
      ['skip', 'Skipped: needs the network, and --offline was given.'],
    ]);
  });

  it('offline, a runsOffline check decides what it can and stops at its first network fact; its dependants still run', async () => {
    const calls: string[] = [];
    const unset = check({ id: 'custom.unset', needsNetwork: true, runsOffline: true, run: (c) => c.fail('BROKEN', 'no key') });
    const reads = check({ id: 'custom.reads', needsNetwork: true, runsOffline: true, run: async (c) => { calls.push('before'); await c.facts.stripeAccount(); calls.push('after'); return c.pass('read'); } });
    const dependant = check({ id: 'custom.dependant', needsNetwork: true, runsOffline: true, dependsOn: ['custom.reads'], run: (c) => c.fail('BROKEN', 'decided offline') });
    const results = (await run([unset, reads, dependant], undefined, { offline: true })).results[0]!.checks;
    expect(results.map((r) => [r.id, r.status, r.data.reason ?? r.code])).toEqual([
      ['custom.unset', 'fail', 'BROKEN'],
      ['custom.reads', 'skip', 'offline'],
      ['custom.dependant', 'fail', 'BROKEN'],
    ]);
    expect(results[1]!.message).toContain('needs Stripe, and --offline was given');
    expect(calls).toEqual(['before']);
  });

  it('skips checks gating only channels that were not requested', async () => {
    const sms = check({ id: 'custom.sms', channels: ['sms'], run: (c) => c.fail('BROKEN', 'x') });
    const report = await run([sms], undefined, { channels: ['email'] });
    expect(report.results[0]!.checks[0]).toMatchObject({ status: 'skip' });
    expect(report.results[0]!.channels).toEqual({ email: 'ready' });
    expect(report.ready).toBe(true);
  });

  it('runs an account-scoped check once per account, sharing its result with every invoice', async () => {
    const calls: string[] = [];
    const acc = check<'account'>({ id: 'custom.account', scope: 'account', run: async (c) => { calls.push(c.account.id); return c.pass(`account ${c.account.id}`); } });
    const invoices = [invoice('A-1'), invoice('A-2'), invoice('A-3'), invoice('B-1', 'beta'), invoice('B-2', 'beta')];
    const report = await run([acc], invoices, {}, [account('acme'), account('beta')]);
    expect(calls.sort()).toEqual(['acme', 'beta']);
    expect(report.results.map((r) => r.checks[0]!.message)).toEqual(['account acme', 'account acme', 'account acme', 'account beta', 'account beta']);
  });

  it('reports an undeclared code or a missing return as error, not as pass or fail', async () => {
    const undeclared = check({ id: 'custom.u', run: (c) => c.fail('NOT_DECLARED', 'x') });
    const nothing = check({ id: 'custom.n', run: () => undefined as never });
    const results = (await run([undeclared, nothing])).results[0]!.checks;
    expect(results.map((r) => r.status)).toEqual(['error', 'error']);
    expect(results[0]!.message).toContain('undeclared code "NOT_DECLARED"');
  });

  it('decides channels: fail → not_ready, warn → ready unless strict', async () => {
    const warn = check({ id: 'custom.w', channels: ['email', 'sms'], run: (c) => c.warn('SHAKY', 'meh') });
    const fail = check({ id: 'custom.f', channels: ['sms'], run: (c) => c.fail('BROKEN', 'no') });
    const relaxed = (await run([warn, fail])).results[0]!;
    expect(relaxed.channels).toEqual({ email: 'ready', sms: 'not_ready' });
    const strict = (await run([warn], undefined, { strict: true })).results[0]!;
    expect(strict.channels).toEqual({ email: 'not_ready', sms: 'not_ready' });
  });

  it('bounds invoice concurrency', async () => {
    let active = 0;
    let peak = 0;
    const slow = check({ id: 'custom.slow', run: async (c) => { active++; peak = Math.max(peak, active); await new Promise((r) => setTimeout(r, 5)); active--; return c.pass('ok'); } });
    await run([slow], Array.from({ length: 20 }, (_, i) => invoice(`INV-${i}`)), { concurrency: 3 });
    expect(peak).toBe(3);
  });
});

describe('facts', () => {
  it('are memoized: the rendered message is computed once per invoice', () => {
    const acc = account();
    const facts = createInvoiceFacts(acc, invoice('INV-1'), createAccountFacts(acc));
    expect(facts.emailMessage()).toBe(facts.emailMessage());
    expect(facts.smsMessage()).toBe(facts.smsMessage());
  });
});
