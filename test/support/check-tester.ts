/**
 * checkTester: one check's table, in the manner of ESLint's RuleTester. Each row gives the invoice, the
 * account and the facts the check reads; the check runs through the real engine (Registry → runChecks →
 * the remediation catalogue, with whatever it depends on), and the row states what comes out: the status,
 * the code, fragments of the message, parts of the data.
 *
 *   checkTester('invoice.status', [
 *     { name: 'a draft', invoice: { statusRaw: 'draft' }, expect: { status: 'fail', code: 'INVOICE_DRAFT', message: 'is still a draft' } },
 *   ]);
 *
 * Facts are the seam: a row gives the answers the providers would (`facts: { stripeAccount: ok(account) }`),
 * so a table covers every code, including those only a service's answer produces, without a network. The
 * facts computed from the invoice and the account (the rendered messages, the parsed phone number) are the
 * engine's own. A network fact a row does not give fails the row if the check asks for it; under
 * `offline: true` the network facts are the engine's offline ones and a row may give none. The real
 * services are the peer tests' business (test/live/).
 *
 * Besides the rows, the table gets two tests of its own: every code the check declares is produced by a
 * row, and every code a row produced is one the check declares (or a run-level code of the journal).
 */
import { describe, expect, test } from 'vitest';
import type { Facts } from '../../src/engine/facts.js';
import { NETWORK_FACTS } from '../../src/engine/facts.js';
import type { RunOptions } from '../../src/engine/runner.js';
import type { Channel, CheckResult, CheckStatus } from '../../src/engine/types.js';
import { ENGINE_REMEDIATION } from '../../src/remediation/engine-codes.js';
import type { Fault, Read } from '../../src/providers/fault.js';
import { makeAccount, makeInvoice, registry, runOne, type AccountOverrides, type InvoiceOverrides } from '../helpers/factories.js';

export interface Expected {
  status: CheckStatus;
  /** required for warn, fail and error; a pass or skip has none */
  code?: string;
  /** fragments the message contains (a RegExp matches) */
  message?: string | RegExp | readonly (string | RegExp)[];
  /** fragments the message must not contain (a secret, a wrong word) */
  notInMessage?: string | readonly string[];
  /** a subset of the result's data (toMatchObject) */
  data?: Record<string, unknown>;
  blockedBy?: readonly string[];
  /** the channels the result was narrowed to */
  channels?: readonly Channel[];
  /** fragments of the remediation steps, as personalised for the result (accounts.acme.…) */
  remediation?: string | readonly string[];
  /** the codes of every finding, in order (checks that report several with reportFindings) */
  findings?: readonly string[];
}

export interface Row {
  /** what the row shows; the test's name */
  name: string;
  /** over makeInvoice()'s validated invoice to Jane Doe */
  invoice?: InvoiceOverrides;
  /** over makeAccount()'s US account with Stripe on and the file email transport */
  account?: AccountOverrides;
  /** the answers of the outside world, by fact name (ok(…), fault(…), or any function of the fact's shape) */
  facts?: Partial<Facts>;
  channels?: readonly Channel[];
  offline?: boolean;
  /** `send --message`: the note the gate renders the messages with */
  note?: string;
  expect: Expected;
  /** anything the table's columns cannot say */
  also?: (result: CheckResult) => void | Promise<void>;
}

/** A fact's successful answer. */
export const ok = <T>(value: T): (() => Promise<Read<T>>) => () => Promise.resolve({ ok: true, value });
/** A fact's fault (`kind` and the rest as the providers classify them). */
export const fault = (kind: Fault['kind'], more: Partial<Fault> = {}): (() => Promise<Read<never>>) => () => Promise.resolve({ ok: false, fault: { kind, message: more.message ?? `${kind} (given)`, ...more } as Fault });

/** Run-level codes a check's result may carry although no check declares them: the journal's state. */
const RUN_LEVEL = new Set(Object.keys(ENGINE_REMEDIATION).filter((c) => c !== 'CHECK_CRASHED' && c !== 'CHECK_TIMEOUT'));

/** Runs one row; exported for the odd test that needs the result itself. */
export async function runRow(checkId: string, row: Omit<Row, 'name' | 'expect'>): Promise<CheckResult> {
  const given: Partial<Facts> = { ...row.facts };
  if (row.offline) {
    const network = Object.keys(given).filter((f) => Object.hasOwn(NETWORK_FACTS, f));
    if (network.length > 0) throw new Error(`checkTester: an offline row cannot give network facts (${network.join(', ')})`);
  } else {
    for (const name of Object.keys(NETWORK_FACTS)) {
      if (!Object.hasOwn(given, name)) (given as Record<string, unknown>)[name] = () => Promise.reject(new Error(`checkTester: the row gives no fact "${name}", and the check asked for it`));
    }
  }
  const options: Partial<RunOptions> = { offline: row.offline ?? false, givenFacts: given, note: row.note, ...(row.channels ? { channels: row.channels } : {}) };
  return runOne(checkId, makeInvoice(row.invoice), makeAccount(row.account), options);
}

const fragments = (m: Expected['message']): readonly (string | RegExp)[] => (m === undefined ? [] : typeof m === 'string' || m instanceof RegExp ? [m] : m);

export function checkTester(checkId: string, rows: readonly Row[]): void {
  const check = registry.get(checkId);
  if (!check) throw new Error(`checkTester: no built-in check "${checkId}"`);
  const produced = new Set<string>();

  describe(`${checkId}: facts in → result out`, () => {
    test.each(rows.map((row) => [`${row.expect.status}${row.expect.code ? ` ${row.expect.code}` : ''}: ${row.name}`, row] as const))('%s', async (_name, row) => {
      const r = await runRow(checkId, row);
      if (r.code) produced.add(r.code);
      const e = row.expect;
      expect({ status: r.status, code: r.code, message: r.message }).toMatchObject({ status: e.status, code: e.code });
      for (const f of fragments(e.message)) {
        if (typeof f === 'string') expect(r.message).toContain(f);
        else expect(r.message).toMatch(f);
      }
      for (const f of typeof e.notInMessage === 'string' ? [e.notInMessage] : e.notInMessage ?? []) expect(r.message).not.toContain(f);
      if (e.data) expect(r.data).toMatchObject(e.data);
      if (e.blockedBy) expect(r.blockedBy).toEqual(e.blockedBy);
      if (e.channels) expect(r.channels).toEqual(e.channels);
      for (const f of typeof e.remediation === 'string' ? [e.remediation] : e.remediation ?? []) expect(r.remediation.join(' ')).toContain(f);
      if (e.findings) expect((r.data.findings as Array<{ code: string }> | undefined)?.map((x) => x.code)).toEqual(e.findings);
      // What every result says besides the check's own words: a code's remediation comes with it.
      if (r.status === 'pass' || r.status === 'skip') {
        expect(r.code).toBeUndefined();
        expect(r.remediation).toEqual([]);
      } else {
        expect(r.cause, `${r.code} has a cause in the catalogue`).toBeTruthy();
        expect(r.remediation.length, `${r.code} has remediation steps`).toBeGreaterThan(0);
      }
      await row.also?.(r);
    });

    test(`every code ${checkId} declares is produced by a row`, () => {
      expect(Object.keys(check.codes).filter((c) => !produced.has(c))).toEqual([]);
    });

    test(`every code a row produced is one ${checkId} declares`, () => {
      expect([...produced].filter((c) => !Object.hasOwn(check.codes, c) && !RUN_LEVEL.has(c))).toEqual([]);
    });
  });
}
