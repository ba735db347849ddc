// The online half of recipient.email: the real engine and DNS provider (node:dns Resolver, c-ares) asking an
// authoritative DNS server on loopback (test/fakes/dns.ts) about realistic domains. Nothing of the product is mocked.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine/runner.js';
import type { CheckResult } from '../../src/engine/types.js';
import type { Invoice } from '../../src/data/model.js';
import { catalog, declaredCodes, makeAccount, makeInvoice, registry, runOne } from '../helpers/factories.js';
import { startDnsFake, type DnsFake, type DnsZone } from '../fakes/dns.js';

const ID = 'recipient.email';

/** Not .test/.example: the product rejects those as placeholders before any lookup. */
const ZONE: DnsZone = {
  // MX records deliberately listed highest preference value first: the product must sort them
  'northwind-traders.com': {
    mx: [
      { exchange: 'mx2.northwind-traders.com', priority: 20 },
      { exchange: 'mx1.northwind-traders.com', priority: 10 },
    ],
    a: ['198.51.100.10'],
    txt: ['v=spf1 mx -all'],
  },
  'mx1.northwind-traders.com': { a: ['198.51.100.11'] },
  'mx2.northwind-traders.com': { a: ['198.51.100.12'] },
  'nomail-corp.com': { nullMx: true, a: ['198.51.100.20'] },
  'aonly-corp.com': { a: ['198.51.100.30', '198.51.100.31'], aaaa: ['2001:db8::30'] },
  'emptyrecords-corp.com': { txt: ['v=spf1 -all'] },
  'gone-corp.com': 'nxdomain',
  'slow-corp.com': 'timeout',
  'broken-corp.com': 'servfail',
  'refusing-corp.com': 'refused',
  'shared-corp.com': { mx: [{ exchange: 'mail.shared-corp.com', priority: 5 }] },
  'offline-corp.com': { mx: [{ exchange: 'mail.offline-corp.com', priority: 5 }] },
};

let dns: DnsFake;
let deadServer: string;
const seenCodes = new Set<string>();

beforeAll(async () => {
  dns = await startDnsFake(structuredClone(ZONE));
  // a UDP port with nothing bound to it
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  deadServer = `127.0.0.1:${probe.address().port}`;
  await new Promise<void>((resolve) => probe.close(resolve));
});

afterAll(async () => {
  await dns?.close();
});

const account = makeAccount();

function invoice(email: string): Invoice {
  return makeInvoice({ customer: { email } });
}

async function check(email: string, options: { offline?: boolean; timeoutMs?: number; servers?: string[] } = {}): Promise<CheckResult> {
  const { servers = [dns.server], ...rest } = options;
  const r = await runOne(ID, invoice(email), account, { offline: false, timeoutMs: 3000, dns: { servers }, ...rest });
  if (r.code) seenCodes.add(r.code);
  return r;
}

const queriesFor = (domain: string, type?: string) => dns.queries.filter((q) => q.name.toLowerCase() === domain && (type === undefined || q.type === type));

describe('recipient.email online (DNS)', () => {
  it('passes when the domain has MX records, naming the most preferred exchange', async () => {
    const r = await check('jane.doe@northwind-traders.com');
    expect(r.status).toBe('pass');
    expect(r.code).toBeUndefined();
    expect(r.message).toBe('jane.doe@northwind-traders.com (from customer cus_jane); northwind-traders.com receives mail at mx1.northwind-traders.com.');
    expect(r.data).toEqual({
      address: 'jane.doe@northwind-traders.com',
      domain: 'northwind-traders.com',
      source: 'customer cus_jane',
      mx: ['mx1.northwind-traders.com', 'mx2.northwind-traders.com'],
    });
    // MX answered: no address fallback queries
    expect(queriesFor('northwind-traders.com', 'A')).toEqual([]);
  });

  it('looks the domain up in lower case, whatever the address says', async () => {
    const r = await check('Jane.Doe@Northwind-Traders.COM');
    expect(r.status).toBe('pass');
    expect(r.data).toMatchObject({ domain: 'northwind-traders.com' });
  });

  describe('EMAIL_DOMAIN_NOT_FOUND', () => {
    it('for NXDOMAIN', async () => {
      const r = await check('ap@gone-corp.com');
      expect(r.status).toBe('fail');
      expect(r.code).toBe('EMAIL_DOMAIN_NOT_FOUND');
      expect(r.message).toBe('ap@gone-corp.com (from customer cus_jane): the domain gone-corp.com does not exist (NXDOMAIN), so mail to it bounces. A typo in the domain?');
      expect(r.data).toEqual({ address: 'ap@gone-corp.com', domain: 'gone-corp.com', source: 'customer cus_jane', dns: 'NXDOMAIN' });
      expect(r.remediation.length).toBeGreaterThan(0);
      // NXDOMAIN on MX is final: no A/AAAA fallback
      expect(queriesFor('gone-corp.com').map((q) => q.type)).toEqual(['MX']);
    });

    it('for a domain that is in no zone at all (a typo)', async () => {
      const r = await check('jane.doe@northwind-tradres.com');
      expect(r.code).toBe('EMAIL_DOMAIN_NOT_FOUND');
      expect(r.data).toMatchObject({ dns: 'NXDOMAIN' });
    });

    it('for a domain that exists with neither MX nor address records', async () => {
      const r = await check('ap@emptyrecords-corp.com');
      expect(r.status).toBe('fail');
      expect(r.code).toBe('EMAIL_DOMAIN_NOT_FOUND');
      expect(r.message).toBe('ap@emptyrecords-corp.com (from customer cus_jane): the domain emptyrecords-corp.com has neither MX nor address records, so no server can receive mail for it.');
      expect(r.data).toMatchObject({ dns: 'no MX, no A/AAAA' });
      expect(queriesFor('emptyrecords-corp.com').map((q) => q.type).sort()).toEqual(['A', 'AAAA', 'MX']);
    });
  });

  it('EMAIL_DOMAIN_NO_MAIL (fail) for a null MX', async () => {
    const r = await check('billing@nomail-corp.com');
    expect(r.status).toBe('fail');
    expect(r.code).toBe('EMAIL_DOMAIN_NO_MAIL');
    expect(r.message).toBe('billing@nomail-corp.com (from customer cus_jane): nomail-corp.com publishes a null MX (RFC 7505), declaring that it accepts no email.');
    expect(r.data).toMatchObject({ dns: 'null MX' });
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('EMAIL_DOMAIN_NO_MX (warn) for a domain with only address records, listing them', async () => {
    const r = await check('billing@aonly-corp.com');
    expect(r.status).toBe('warn');
    expect(r.code).toBe('EMAIL_DOMAIN_NO_MX');
    expect(r.message).toContain('aonly-corp.com has no MX records; mail would go to its address record (198.51.100.30, 198.51.100.31, 2001:db8::30)');
    expect(r.data).toEqual({
      address: 'billing@aonly-corp.com',
      domain: 'aonly-corp.com',
      source: 'customer cus_jane',
      addresses: ['198.51.100.30', '198.51.100.31', '2001:db8::30'],
    });
  });

  describe('DNS_LOOKUP_FAILED (error, not fail)', () => {
    it('when the server never answers: within the check timeout, not a CHECK_TIMEOUT', async () => {
      // The provider's own timeout is set below the check's, so the lookup ends as the check's own
      // DNS_LOOKUP_FAILED (ETIMEOUT), never as the runner's CHECK_TIMEOUT.
      const timeoutMs = 2000;
      const r = await check('ap@slow-corp.com', { timeoutMs });
      expect(r.status).toBe('error');
      expect(r.code).toBe('DNS_LOOKUP_FAILED');
      expect(r.message).toBe('ap@slow-corp.com is well-formed, but looking up slow-corp.com: the DNS server did not answer in time.');
      expect(r.data).toMatchObject({ domain: 'slow-corp.com', code: 'ETIMEOUT' });
      expect(queriesFor('slow-corp.com', 'MX').length).toBeGreaterThan(0);
    });

    it('for SERVFAIL', async () => {
      const r = await check('ap@broken-corp.com');
      expect(r.status).toBe('error');
      expect(r.code).toBe('DNS_LOOKUP_FAILED');
      expect(r.message).toBe('ap@broken-corp.com is well-formed, but looking up broken-corp.com: the DNS server failed to answer (SERVFAIL).');
      expect(r.data).toMatchObject({ code: 'ESERVFAIL' });
    });

    it('for REFUSED', async () => {
      const r = await check('ap@refusing-corp.com');
      expect(r.code).toBe('DNS_LOOKUP_FAILED');
      expect(r.message).toBe('ap@refusing-corp.com is well-formed, but looking up refusing-corp.com: the DNS server refused the query.');
      expect(r.data).toMatchObject({ code: 'EREFUSED' });
    });

    it('when nothing listens on the DNS server port', async () => {
      const r = await check('jane.doe@northwind-traders.com', { servers: [deadServer], timeoutMs: 2000 });
      expect(r.status).toBe('error');
      expect(r.code).toBe('DNS_LOOKUP_FAILED');
      expect(r.message).toBe('jane.doe@northwind-traders.com is well-formed, but looking up northwind-traders.com: the DNS server refused the connection.');
      expect(r.data).toMatchObject({ code: 'ECONNREFUSED' });
    });
  });

  it('offline: passes without any query reaching the DNS server', async () => {
    const before = dns.queries.length;
    const r = await check('ap@offline-corp.com', { offline: true });
    expect(r.status).toBe('pass');
    expect(r.message).toBe('ap@offline-corp.com (from customer cus_jane); its domain was not looked up (--offline).');
    expect(r.data).toEqual({ address: 'ap@offline-corp.com', domain: 'offline-corp.com', source: 'customer cus_jane' });
    expect(dns.queries.length).toBe(before);
  });

  it('an invalid address fails EMAIL_INVALID without any DNS query', async () => {
    const before = dns.queries.length;
    for (const address of ['jane.doe@@northwind-traders.com', 'Jane <jane@northwind-traders.com>', 'jane@northwind.test', 'none@northwind-traders.com']) {
      const r = await check(address);
      expect(r.status, address).toBe('fail');
      expect(r.code, address).toBe('EMAIL_INVALID');
    }
    expect(dns.queries.length).toBe(before);
  });

  it('three invoices of one account with the same domain: one MX query in the run', async () => {
    expect(queriesFor('shared-corp.com')).toEqual([]);
    const invoices = ['ap@shared-corp.com', 'billing@shared-corp.com', 'Jane@Shared-Corp.com'].map((email, i) => ({ ...invoice(email), id: `INV-${i}`, number: `INV-${i}` }));
    const report = await runChecks(registry, invoices, new Map([[account.id, account]]), catalog, {
      selected: registry.select(new Set([ID]), new Set()),
      skipped: new Set(),
      offline: false,
      timeoutMs: 3000,
      strict: false,
      concurrency: 3,
      verbose: false,
      dns: { servers: [dns.server] },
    });
    const results = report.results.map((r) => r.checks.find((c) => c.id === ID)!);
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    expect(results.map((r) => r.message.endsWith('shared-corp.com receives mail at mail.shared-corp.com.'))).toEqual([true, true, true]);
    expect(queriesFor('shared-corp.com', 'MX')).toHaveLength(1);
    expect(queriesFor('shared-corp.com')).toHaveLength(1);
  });

  it('every code of the check is reached (its table, test/checks/recipient.email.test.ts, covers each without DNS)', async () => {
    const missing = await check('');
    if (missing.code) seenCodes.add(missing.code);
    expect([...seenCodes].sort()).toEqual(declaredCodes(ID));
  });
});
