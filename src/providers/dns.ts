import { promises as dns } from 'node:dns';
import { failed, ok, type Read } from './fault.js';

export interface DnsOptions {
  /** e.g. ['127.0.0.1:5353']; default: the system resolver's */
  servers?: readonly string[];
  timeoutMs: number;
}

/** Whether a domain can receive mail, as DNS answers it (RFC 5321 §5.1, RFC 7505 null MX). */
export type MailDomain =
  | { kind: 'mx'; exchanges: { exchange: string; priority: number }[] }
  | { kind: 'null_mx' }
  /** no MX, but an address record: mail goes to the A/AAAA host (the implicit MX) */
  | { kind: 'address_only'; addresses: string[] }
  /** the domain exists with neither MX nor address */
  | { kind: 'no_mail_records' }
  | { kind: 'not_found' };

export interface DnsProvider {
  mailDomain(domain: string): Promise<Read<MailDomain>>;
}

export function createDnsProvider(options: DnsOptions): DnsProvider {
  // One try per query (c-ares waits about tries × timeout, and more), and half the budget each: a lookup
  // is at most two rounds, MX then A and AAAA together.
  const resolver = new dns.Resolver({ timeout: Math.max(300, Math.floor(options.timeoutMs / 2)), tries: 1 });
  if (options.servers?.length) resolver.setServers([...options.servers]);
  const cache = new Map<string, Promise<Read<MailDomain>>>();
  return {
    mailDomain(domain) {
      const key = domain.toLowerCase();
      let answer = cache.get(key);
      if (!answer) {
        answer = lookup(resolver, key);
        cache.set(key, answer);
      }
      return answer;
    },
  };
}

async function lookup(resolver: dns.Resolver, domain: string): Promise<Read<MailDomain>> {
  try {
    const records = await resolver.resolveMx(domain);
    // RFC 7505: a single MX with an empty exchange ('.') says the domain accepts no mail.
    if (records.length === 1 && (records[0]!.exchange === '' || records[0]!.exchange === '.')) return ok({ kind: 'null_mx' });
    if (records.length > 0) return ok({ kind: 'mx', exchanges: records.sort((a, b) => a.priority - b.priority) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND') return ok({ kind: 'not_found' });
    if (code !== 'ENODATA') return failed(dnsFault(error, domain));
  }
  // No MX: RFC 5321 falls back to the address records.
  const answers = await Promise.all(
    (['resolve4', 'resolve6'] as const).map((family) => resolver[family](domain).then((a) => ({ a }), (error: NodeJS.ErrnoException) => ({ error }))),
  );
  const addresses: string[] = [];
  for (const answer of answers) {
    if ('a' in answer) {
      addresses.push(...answer.a);
      continue;
    }
    if (answer.error.code === 'ENOTFOUND') return ok({ kind: 'not_found' });
    if (answer.error.code !== 'ENODATA') return failed(dnsFault(answer.error, domain));
  }
  return ok(addresses.length > 0 ? { kind: 'address_only', addresses } : { kind: 'no_mail_records' });
}

function dnsFault(error: unknown, domain: string) {
  const code = (error as NodeJS.ErrnoException).code ?? 'EDNS';
  const words: Record<string, string> = {
    ETIMEOUT: 'the DNS server did not answer in time',
    ESERVFAIL: 'the DNS server failed to answer (SERVFAIL)',
    ECONNREFUSED: 'the DNS server refused the connection',
    EREFUSED: 'the DNS server refused the query',
    ECANCELLED: 'the lookup was cancelled',
  };
  return { kind: code === 'ETIMEOUT' ? ('timeout' as const) : ('network' as const), code, message: `looking up ${domain}: ${words[code] ?? code}` };
}
