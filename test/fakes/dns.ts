/**
 * An authoritative DNS server on loopback for node:dns's Resolver (c-ares): UDP and TCP on the same port, built on
 * dns-packet. Point a resolver at it with `resolver.setServers([fake.server])`.
 *
 * - Names are case-insensitive (a trailing dot is ignored); a name not in the zone → NXDOMAIN.
 * - A name in the zone without records of the asked type → NOERROR with an empty answer (+ SOA): Node says ENODATA.
 * - 'nxdomain' / 'servfail' / 'refused' answer with that RCODE; 'timeout' never answers (over UDP or TCP).
 * - UDP answers larger than the client's limit (512, or its EDNS payload size) are truncated (TC, no records), so the
 *   resolver retries over TCP (2-byte length prefix); `queries[].transport` shows which one was used.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';

export interface DnsRecords {
  mx?: { exchange: string; priority: number }[];
  a?: string[];
  aaaa?: string[];
  /** TXT records; each record is one string or several chunks */
  txt?: (string | string[])[];
  /** RFC 7505 null MX: a single MX '.' with preference 0 (this domain accepts no mail) */
  nullMx?: true;
}

export interface DnsZone {
  [domain: string]: DnsRecords | 'nxdomain' | 'servfail' | 'refused' | 'timeout';
}

export const DNS_DOMAINS = {
  /** MX 10 mx1.mail-ok.test, MX 20 mx2.mail-ok.test (both have A records), A 192.0.2.10, TXT v=spf1 */
  good: 'mail-ok.test',
  /** RFC 7505 null MX ('.' priority 0) + an A record */
  nullMx: 'no-mail.test',
  /** A 192.0.2.30 only: MX → NOERROR, empty answer */
  aOnly: 'a-only.test',
  /** explicitly NXDOMAIN (any name not in the zone is NXDOMAIN too) */
  missing: 'missing.test',
  /** never answers */
  slow: 'slow.test',
  /** SERVFAIL */
  broken: 'servfail.test',
  /** REFUSED */
  refused: 'refused.test',
  /** 60 MX records: too big for UDP, so the answer comes over TCP */
  large: 'big-mx.test',
} as const;

export function defaultDnsZone(): DnsZone {
  const D = DNS_DOMAINS;
  return {
    [D.good]: {
      mx: [
        { exchange: 'mx1.mail-ok.test', priority: 10 },
        { exchange: 'mx2.mail-ok.test', priority: 20 },
      ],
      a: ['192.0.2.10'],
      txt: ['v=spf1 mx -all'],
    },
    'mx1.mail-ok.test': { a: ['192.0.2.11'] },
    'mx2.mail-ok.test': { a: ['192.0.2.12'], aaaa: ['2001:db8::12'] },
    [D.nullMx]: { nullMx: true, a: ['192.0.2.20'] },
    [D.aOnly]: { a: ['192.0.2.30'] },
    [D.missing]: 'nxdomain',
    [D.slow]: 'timeout',
    [D.broken]: 'servfail',
    [D.refused]: 'refused',
    [D.large]: {
      mx: Array.from({ length: 60 }, (_, i) => ({ exchange: `mx${i + 1}.big-mx.test`, priority: 10 + i })),
    },
  };
}

export interface DnsQuery {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

export interface DnsFake {
  /** '127.0.0.1:PORT', for Resolver.setServers */
  server: string;
  port: number;
  /** every question received, in order (name as sent, type like 'MX', 'A') */
  queries: DnsQuery[];
  /** added before every answer; mutable */
  delayMs: number;
  /** the live zone; mutable */
  zone: DnsZone;
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5, FORMERR: 1 } as const;

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function soa(name: string): Answer {
  const apex = name.split('.').slice(-2).join('.') || name;
  return {
    type: 'SOA',
    name: apex,
    ttl: 60,
    data: { mname: `ns.${apex}`, rname: `hostmaster.${apex}`, serial: 2024010201, refresh: 3600, retry: 600, expire: 86400, minimum: 60 },
  };
}

function recordsFor(q: Question, records: DnsRecords): Answer[] {
  const ttl = 300;
  switch (q.type) {
    case 'MX':
      if (records.nullMx) return [{ type: 'MX', name: q.name, ttl, data: { preference: 0, exchange: '.' } }];
      return (records.mx ?? []).map((m) => ({ type: 'MX', name: q.name, ttl, data: { preference: m.priority, exchange: m.exchange } }));
    case 'A':
      return (records.a ?? []).map((data) => ({ type: 'A', name: q.name, ttl, data }));
    case 'AAAA':
      return (records.aaaa ?? []).map((data) => ({ type: 'AAAA', name: q.name, ttl, data }));
    case 'TXT':
      return (records.txt ?? []).map((data) => ({ type: 'TXT', name: q.name, ttl, data }));
    default:
      return [];
  }
}

/** The answer to one query, or null to stay silent. */
function respond(zone: DnsZone, query: DecodedPacket, transport: 'udp' | 'tcp'): Buffer | null {
  const question = query.questions?.[0];
  const base: Packet = {
    type: 'response',
    id: query.id ?? 0,
    questions: query.questions ?? [],
  };
  const flags = (rcode: number) =>
    dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode;
  if (!question) return dnsPacket.encode({ ...base, flags: flags(RCODE.FORMERR) });

  const wanted = normalise(question.name);
  const key = Object.keys(zone).find((k) => normalise(k) === wanted);
  const entry = key === undefined ? undefined : zone[key];
  let packet: Packet;
  if (entry === 'timeout') return null;
  if (entry === undefined || entry === 'nxdomain') {
    packet = { ...base, flags: flags(RCODE.NXDOMAIN), authorities: [soa(question.name)] };
  } else if (entry === 'servfail') {
    packet = { ...base, flags: flags(RCODE.SERVFAIL) };
  } else if (entry === 'refused') {
    packet = { ...base, flags: flags(RCODE.REFUSED) };
  } else {
    const answers = recordsFor(question, entry);
    packet = { ...base, flags: flags(RCODE.NOERROR), answers, authorities: answers.length ? [] : [soa(question.name)] };
  }

  // EDNS: echo an OPT record when the client sent one; it also sets the UDP size limit.
  const opt = (query.additionals ?? []).find((r) => r.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  if (opt) packet.additionals = [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: [] } as unknown as Answer];
  const encoded = dnsPacket.encode(packet);
  const limit = opt ? Math.max(512, opt.udpPayloadSize ?? 512) : 512;
  if (transport === 'udp' && encoded.length > limit) {
    return dnsPacket.encode({ ...base, flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, additionals: packet.additionals ?? [] });
  }
  return encoded;
}

async function listen(fake: { delayMs: number; zone: DnsZone; queries: DnsQuery[] }, timers: Set<NodeJS.Timeout>) {
  const udp = dgram.createSocket('udp4');
  const tcp = net.createServer();
  const sockets = new Set<net.Socket>();

  const answer = (msg: Buffer, transport: 'udp' | 'tcp', send: (b: Buffer) => void) => {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: ignore, like a real server would
    }
    for (const q of query.questions ?? []) fake.queries.push({ name: q.name, type: q.type, transport });
    const reply = respond(fake.zone, query, transport);
    if (!reply) return;
    if (fake.delayMs > 0) {
      const t = setTimeout(() => {
        timers.delete(t);
        send(reply);
      }, fake.delayMs);
      timers.add(t);
    } else {
      send(reply);
    }
  };

  udp.on('message', (msg, rinfo) => {
    answer(msg, 'udp', (b) => udp.send(b, rinfo.port, rinfo.address));
  });
  udp.on('error', () => undefined);

  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < len + 2) break;
        const msg = buffered.subarray(2, len + 2);
        buffered = buffered.subarray(len + 2);
        answer(msg, 'tcp', (b) => {
          if (socket.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(b.length);
          socket.write(Buffer.concat([prefix, b]));
        });
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, '127.0.0.1', () => {
      udp.off('error', reject);
      resolve();
    });
  });
  const port = udp.address().port;
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, '127.0.0.1', () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    udp.close();
    throw error;
  }
  return {
    port: (tcp.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        let pending = 2;
        const done = () => {
          if (--pending === 0) resolve();
        };
        udp.close(done);
        tcp.close(done);
      }),
  };
}

/** Start the server on 127.0.0.1 (same ephemeral port for UDP and TCP). */
export async function startDnsFake(zone: DnsZone = defaultDnsZone(), options: { delayMs?: number } = {}): Promise<DnsFake> {
  const state = { delayMs: options.delayMs ?? 0, zone, queries: [] as DnsQuery[] };
  const timers = new Set<NodeJS.Timeout>();
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const { port, close } = await listen(state, timers);
      // `state` is the fake itself, so `fake.delayMs = …` and `fake.zone[…] = …` take effect immediately
      return Object.assign(state, { server: `127.0.0.1:${port}`, port, close });
    } catch (error) {
      // the TCP port was taken by someone else between the two binds: try another port
      lastError = error;
    }
  }
  throw lastError;
}
