// Conformance of the DNS fake, driven by node:dns's own resolver (c-ares) over real UDP/TCP on loopback.
import dns from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DNS_DOMAINS, startDnsFake, type DnsFake } from './dns.js';

let fake: DnsFake;
let resolver: dns.promises.Resolver;
beforeAll(async () => {
  fake = await startDnsFake();
  resolver = new dns.promises.Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([fake.server]);
});
afterAll(async () => {
  await fake.close();
});

async function failure(p: Promise<unknown>): Promise<NodeJS.ErrnoException & { hostname?: string }> {
  try {
    await p;
  } catch (error) {
    return error as NodeJS.ErrnoException & { hostname?: string };
  }
  throw new Error('expected a rejection');
}

describe('DNS fake via node:dns Resolver', () => {
  it('answers MX for a mail domain, case-insensitively', async () => {
    expect(fake.server).toBe(`127.0.0.1:${fake.port}`);
    expect(await resolver.resolveMx(DNS_DOMAINS.good)).toEqual([
      { exchange: 'mx1.mail-ok.test', priority: 10 },
      { exchange: 'mx2.mail-ok.test', priority: 20 },
    ]);
    expect(await resolver.resolveMx('MAIL-OK.Test')).toHaveLength(2);
    expect(await resolver.resolve4('mx1.mail-ok.test')).toEqual(['192.0.2.11']);
    expect(await resolver.resolveTxt(DNS_DOMAINS.good)).toEqual([['v=spf1 mx -all']]);
    expect(fake.queries).toContainEqual({ name: DNS_DOMAINS.good, type: 'MX', transport: 'udp' });
  });

  it('null MX (RFC 7505) comes back as one record with an empty exchange', async () => {
    expect(await resolver.resolveMx(DNS_DOMAINS.nullMx)).toEqual([{ exchange: '', priority: 0 }]);
  });

  it('a domain with only an A record: MX is ENODATA, A resolves', async () => {
    const error = await failure(resolver.resolveMx(DNS_DOMAINS.aOnly));
    expect(error).toMatchObject({ code: 'ENODATA', syscall: 'queryMx', hostname: DNS_DOMAINS.aOnly });
    expect(await resolver.resolve4(DNS_DOMAINS.aOnly)).toEqual(['192.0.2.30']);
  });

  it('NXDOMAIN is ENOTFOUND (also for names not in the zone)', async () => {
    expect(await failure(resolver.resolveMx(DNS_DOMAINS.missing))).toMatchObject({ code: 'ENOTFOUND', syscall: 'queryMx' });
    expect(await failure(resolver.resolveMx('nowhere.test'))).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('SERVFAIL is ESERVFAIL, REFUSED is EREFUSED', async () => {
    expect(await failure(resolver.resolveMx(DNS_DOMAINS.broken))).toMatchObject({ code: 'ESERVFAIL', syscall: 'queryMx' });
    expect(await failure(resolver.resolveMx(DNS_DOMAINS.refused))).toMatchObject({ code: 'EREFUSED' });
  });

  it('a server that never answers is ETIMEOUT after the resolver timeout (tries: 1)', async () => {
    const error = await failure(resolver.resolveMx(DNS_DOMAINS.slow));
    expect(error).toMatchObject({ code: 'ETIMEOUT', syscall: 'queryMx', hostname: DNS_DOMAINS.slow });
  });

  it('a truncated UDP answer is retried over TCP', async () => {
    const mx = await resolver.resolveMx(DNS_DOMAINS.large);
    expect(mx).toHaveLength(60);
    const asked = fake.queries.filter((q) => q.name === DNS_DOMAINS.large).map((q) => q.transport);
    expect(asked).toEqual(['udp', 'tcp']);
  });

  it('delayMs and the zone are live', async () => {
    fake.zone['late.test'] = { mx: [{ exchange: 'mx.late.test', priority: 5 }] };
    fake.delayMs = 100;
    try {
      const started = Date.now();
      expect(await resolver.resolveMx('late.test')).toEqual([{ exchange: 'mx.late.test', priority: 5 }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    } finally {
      fake.delayMs = 0;
    }
  });
});
