/**
 * Every code belongs to one check: the check that declares it, with its severity, summary and remediation.
 * Another check reporting the same condition takes the owner's definition with codeOf(owner, code) (message.sms
 * reports message.email's PLACEHOLDER_UNRESOLVED), so `explain CODE` names both and there is one text to keep.
 * And a check returns only codes it declares (its own or taken with codeOf): anything else is an error result.
 */
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { BUILTIN_CHECKS } from '../../../checks/index.js';
import { codeOf, defineCheck } from '../../../src/index.js';
import type { AnyCheck } from '../../../src/engine/types.js';
import { Registry } from '../../../src/engine/registry.js';
import { runChecks } from '../../../src/engine/runner.js';
import { RemediationCatalog } from '../../../src/remediation/catalog.js';
import { makeAccount, makeInvoice } from '../../helpers/factories.js';

/** What breaks "one code, one owner" among `checks`, in words. */
function ownershipProblems(checks: readonly AnyCheck[]): string[] {
  const problems: string[] = [];
  const byCode = new Map<string, AnyCheck[]>();
  for (const check of checks) for (const code of Object.keys(check.codes)) byCode.set(code, [...(byCode.get(code) ?? []), check]);
  for (const [code, declaring] of byCode) {
    const owners = declaring.filter((c) => c.codes[code]!.owner === undefined);
    if (owners.length > 1) problems.push(`${code} is declared by ${owners.map((c) => c.id).join(' and ')}: declare it in one, and report it from the others with codeOf(owner, '${code}')`);
    for (const check of declaring) {
      const meta = check.codes[code]!;
      if (meta.owner === undefined) continue;
      const owner = checks.find((c) => c.id === meta.owner);
      const own = owner?.codes[code];
      if (!owner || !own || own.owner !== undefined) problems.push(`${check.id} reports ${code} as ${meta.owner}'s, which does not declare it`);
      else if (meta.severity !== own.severity || meta.summary !== own.summary || meta.remediation !== own.remediation) problems.push(`${check.id} reports ${code} with a definition other than ${owner.id}'s`);
    }
  }
  return problems;
}

const stub = (id: string, codes: AnyCheck['codes'], returns = Object.keys(codes)[0]!) =>
  defineCheck({ id, title: id, description: id, category: 'custom', channels: ['email'], scope: 'invoice', codes, run: (ctx) => ctx.fail(returns, 'found') });
const meta = { severity: 'fail' as const, summary: 'the PO number is missing', remediation: { cause: 'No PO.', steps: ['Add it.'] } };

describe('one code, one owner', () => {
  test('every code of the built-in checks is declared by exactly one of them', () => {
    expect(ownershipProblems(BUILTIN_CHECKS)).toEqual([]);
  });

  test('the codes two checks return are owned by one and taken by the other with codeOf', () => {
    const owned = (code: string) => BUILTIN_CHECKS.filter((c) => Object.hasOwn(c.codes, code)).map((c) => [c.id, c.codes[code]!.owner ?? 'owner']);
    expect(owned('PLACEHOLDER_UNRESOLVED')).toEqual([['message.email', 'owner'], ['message.sms', 'message.email']]);
    expect(owned('PAYMENT_LINK_MISSING')).toEqual([['message.email', 'owner'], ['message.sms', 'message.email']]);
    expect(owned('TWILIO_UNAVAILABLE')).toEqual([['sms.account', 'owner'], ['sms.sender', 'sms.account'], ['sms.a2p', 'sms.account']]);
  });

  test('fails when two checks declare the same code', () => {
    const problems = ownershipProblems([stub('custom.a', { PO_MISSING: meta }), stub('custom.b', { PO_MISSING: { ...meta } })]);
    expect(problems).toEqual([expect.stringContaining('PO_MISSING is declared by custom.a and custom.b')]);
    // A built-in code declared again by a plugin-like check counts too.
    expect(ownershipProblems([...BUILTIN_CHECKS, stub('custom.c', { INVOICE_DRAFT: meta })])).toEqual([expect.stringContaining('INVOICE_DRAFT is declared by invoice.status and custom.c')]);
  });

  test('fails when a check claims another check owns a code it does not declare, or copies the definition', () => {
    const a = stub('custom.a', { PO_MISSING: meta });
    expect(ownershipProblems([a, stub('custom.b', { PO_MISSING: { ...meta, owner: 'custom.nobody' } })])).toEqual([expect.stringContaining("custom.b reports PO_MISSING as custom.nobody's")]);
    expect(ownershipProblems([a, stub('custom.b', { PO_MISSING: { ...meta, summary: 'reworded', owner: 'custom.a' } })])).toEqual([expect.stringContaining("a definition other than custom.a's")]);
    expect(ownershipProblems([a, stub('custom.b', { PO_MISSING: codeOf(a, 'PO_MISSING') })])).toEqual([]);
  });

  test("codeOf gives the owner's definition, remediation included, and refuses what the owner does not own", () => {
    const a = stub('custom.a', { PO_MISSING: meta });
    expect(codeOf(a, 'PO_MISSING')).toEqual({ ...meta, owner: 'custom.a' });
    expect(codeOf(a, 'PO_MISSING').remediation).toBe(meta.remediation);
    expect(() => codeOf(a, 'PO_MISING')).toThrow('check "custom.a" declares no code PO_MISING');
    const b = stub('custom.b', { PO_MISSING: codeOf(a, 'PO_MISSING') });
    expect(() => codeOf(b, 'PO_MISSING')).toThrow('PO_MISSING belongs to "custom.a", not "custom.b"');
  });
});

describe('a check returns only the codes it declares', () => {
  const run = async (checks: AnyCheck[], id: string) => {
    const registry = new Registry(checks.map((check) => ({ check })));
    const account = makeAccount();
    const report = await runChecks(registry, [makeInvoice()], new Map([[account.id, account]]), new RemediationCatalog(registry), {
      selected: new Set([id]), skipped: new Set(), offline: true, timeoutMs: 5000, strict: false, concurrency: 1, verbose: false,
    });
    return report.results[0]!.checks.find((c) => c.id === id)!;
  };

  test("a code of another check's, not taken with codeOf, is an error result (CHECK_CRASHED), not that check's failure", async () => {
    const r = await run([...BUILTIN_CHECKS, stub('custom.a', { PO_MISSING: meta }, 'INVOICE_DRAFT')], 'custom.a');
    expect(r).toMatchObject({ status: 'error', code: 'CHECK_CRASHED' });
    expect(r.message).toContain('undeclared code "INVOICE_DRAFT"');
  });

  test("a code taken with codeOf is reported with its owner's remediation", async () => {
    const owner = BUILTIN_CHECKS.find((c) => c.id === 'invoice.status')!;
    const r = await run([...BUILTIN_CHECKS, stub('custom.a', { INVOICE_DRAFT: codeOf(owner, 'INVOICE_DRAFT') })], 'custom.a');
    expect(r).toMatchObject({ status: 'fail', code: 'INVOICE_DRAFT', cause: owner.codes.INVOICE_DRAFT!.remediation!.cause });
  });
});

describe('one table per check', () => {
  const dir = new URL('../../checks/', import.meta.url);
  test('test/checks holds exactly one table file per built-in check, each running checkTester on its own check', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort();
    expect(files).toEqual(BUILTIN_CHECKS.map((c) => `${c.id}.test.ts`).sort());
    for (const check of BUILTIN_CHECKS) {
      const calls = [...readFileSync(new URL(`${check.id}.test.ts`, dir), 'utf8').matchAll(/checkTester\('([^']+)'/g)].map((m) => m[1]);
      expect(calls, check.id).toEqual([check.id]);
    }
  });
});
