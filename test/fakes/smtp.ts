/**
 * Real SMTP peers on 127.0.0.1 for tests and benchmarks: smtp-server instances configured per scenario
 * (with the fixture certificate from test/fixtures/tls, since smtp-server's bundled one expired), plus
 * raw TCP servers for the failure modes smtp-server cannot produce (silent peer, 421 greeting, refused port).
 *
 * Note: smtp-server waits 100 ms before every greeting (early-talker detection), so each new connection
 * costs ~100 ms on top of `delayMs`.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions } from 'smtp-server';

/** Accepted by every scenario that authenticates; anything else gets `535 5.7.8 Authentication credentials invalid`. */
export const SMTP_USER = 'billing@acme.test';
export const SMTP_PASS = 'correct horse battery staple';
/** The access token the `xoauth2` scenario accepts for SMTP_USER (what the OAuth2 fake hands out). */
export const SMTP_ACCESS_TOKEN = 'fake-access-token';

export type SmtpScenario =
  /** STARTTLS offered; AUTH PLAIN/LOGIN only after TLS (AUTH before STARTTLS → 538) */
  | 'starttls'
  /** plaintext, no STARTTLS, AUTH PLAIN/LOGIN allowed in clear */
  | 'plain-auth'
  /** STARTTLS offered, no AUTH advertised at all (any credentials "work": verify() never tries them) */
  | 'no-auth'
  /** TLS from the first byte (465-style, `secure: true`), AUTH PLAIN/LOGIN */
  | 'implicit-tls'
  /** plaintext, STARTTLS not offered, AUTH PLAIN/LOGIN offered in clear: for `requireTLS` mismatches
   *  (same server behaviour as 'plain-auth'; a separate peer so tests read by intent) */
  | 'no-starttls'
  /** STARTTLS + AUTH XOAUTH2 only; accepts SMTP_ACCESS_TOKEN for SMTP_USER */
  | 'xoauth2'
  /** raw TCP: accepts and never says anything */
  | 'greeting-timeout'
  /** raw TCP: greets with `421 4.3.2 Service not available, closing transmission channel` and closes */
  | 'greeting-421'
  /** nothing listens on the port (a server was bound and closed again) */
  | 'refused';

export const SMTP_SCENARIOS: readonly SmtpScenario[] = [
  'starttls',
  'plain-auth',
  'no-auth',
  'implicit-tls',
  'no-starttls',
  'xoauth2',
  'greeting-timeout',
  'greeting-421',
  'refused',
];

/** One message as the peer accepted it after DATA. */
export interface SmtpMessage {
  /** envelope sender (MAIL FROM), '' for the null sender */
  from: string;
  /** envelope recipients that RCPT TO accepted (rejected ones are not here) */
  to: string[];
  /** the message exactly as received (CRLF line ends, dot-unstuffed) */
  raw: string;
  /** the header section parsed: lower-case names, folded lines joined, first occurrence wins (`subject`, `message-id`, …) */
  headers: Record<string, string>;
  /** smtp-server's session id of the connection that carried it: messages with the same id shared one connection */
  connectionId: string;
}

/** Stage of an SMTP transaction an {@link SmtpPeer.intercept} sees. Only 'data' so far. */
export type SmtpInterceptStage = 'data';

export interface SmtpPeer {
  scenario: SmtpScenario;
  port: number;
  host: '127.0.0.1';
  /** TCP connections accepted (including ones whose TLS handshake failed; always 0 for 'refused') */
  connections: number;
  /** every AUTH attempt that reached the server's credential check, successful or not */
  authAttempts: { method: string; username: string }[];
  /** messages accepted after DATA (recorded before the 250 is sent, so also those whose 250 never arrived) */
  messages: SmtpMessage[];
  /**
   * Recipients (case-insensitive) answered `550 5.1.1 … User unknown` in RCPT TO. Starts as
   * `options.rejectRecipients`; settable/mutable at any time (read on every RCPT TO).
   */
  rejectRecipients: string[];
  /**
   * Settable. Called once DATA has been fully received and the message recorded in `messages`, before the final
   * reply; the reply waits for the returned promise. Crash-safety tests kill the client here ("the server has the
   * message but the client never got the 250"). If it rejects, the client gets that error instead of 250
   * (`responseCode` from the error, default 451); the message stays recorded. A client gone by the time the
   * reply is written does not break the peer. Never called by the raw-TCP and 'refused' scenarios.
   */
  intercept?: (stage: SmtpInterceptStage, message: SmtpMessage) => void | Promise<void>;
  /**
   * Settable (pool tests). Once a connection has had this many messages accepted, its next MAIL FROM is answered
   * `421 Too many messages in this connection, closing` and the server closes it, as Exim's
   * smtp_accept_max_per_connection does. Unset: no limit. Read on every MAIL FROM.
   */
  maxMessagesPerConnection?: number;
  /**
   * Settable (redaction tests): a server that quotes the credential it was given in its error reply.
   * '535': every AUTH is refused with a 535 quoting the password (or XOAUTH2 access token) and the base64
   * AUTH string it received. '550': AUTH succeeds whatever the password, then MAIL FROM is refused with a 550
   * quoting them. Unset: normal behaviour. Read on every AUTH / MAIL FROM.
   */
  echoCredentials?: '535' | '550';
  /**
   * The server's idle timeout firing now: every authenticated session that is between mail transactions (no MAIL
   * FROM pending, not in DATA) gets `421 4.4.2 Timeout - closing connection` and is closed, as smtp-server does on
   * its own socketTimeout. Sessions in a transaction or not yet logged in are left alone. Returns how many were
   * closed (always 0 for the raw-TCP and 'refused' scenarios).
   */
  closeIdleConnections(): number;
  close(): Promise<void>;
}

export interface SmtpPeerOptions {
  /** extra delay before the greeting and before each answer to AUTH, MAIL FROM, RCPT TO and DATA (benchmarks) */
  delayMs?: number;
  /** recipients (case-insensitive) answered with 550 in RCPT TO */
  rejectRecipients?: string[];
}

const tlsFile = (name: string): string => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));

/** Absolute paths of the TLS fixtures. `ca` signed `cert`; `otherCa` is unrelated (verification must fail). */
export const TLS = {
  ca: tlsFile('ca.pem'),
  otherCa: tlsFile('other-ca.pem'),
  cert: tlsFile('server.pem'),
  key: tlsFile('server-key.pem'),
} as const;

const HOST = '127.0.0.1' as const;
export const GREETING_421 = '421 4.3.2 Service not available, closing transmission channel';
const AUTH_INVALID = '5.7.8 Authentication credentials invalid';

function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

/** Runs `fn` after the configured delay (none when 0, to keep the fast path synchronous). */
function delayed(delayMs: number, fn: () => void): void {
  if (delayMs > 0) setTimeout(fn, delayMs);
  else fn();
}

function scenarioOptions(scenario: SmtpScenario): SMTPServerOptions {
  switch (scenario) {
    case 'starttls':
      return {};
    case 'plain-auth':
    case 'no-starttls':
      return { disabledCommands: ['STARTTLS'], allowInsecureAuth: true };
    case 'no-auth':
      return { authOptional: true, disabledCommands: ['AUTH'] };
    case 'implicit-tls':
      return { secure: true };
    case 'xoauth2':
      return { authMethods: ['XOAUTH2'] };
    default:
      throw new Error(`not an smtp-server scenario: ${scenario}`);
  }
}

/** Tracks sockets so close() can destroy them instead of waiting for clients to leave. */
function trackSockets(server: net.Server, onConnection: () => void): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    onConnection();
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(0, HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= fn());
}

/** The header section of a raw message: lower-case names, unfolded values, first occurrence wins. */
export function parseHeaders(raw: string): Record<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const section = end < 0 ? raw : raw.slice(0, end);
  const headers: Record<string, string> = {};
  for (const line of section.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * How an echoing server quotes a login back: the secret in clear, and the base64 string the client sent
 * (AUTH PLAIN's `\0user\0pass`, or the XOAUTH2 string), as a careless server's log-into-reply would.
 */
function credentialQuote(auth: { method: string; username?: string | null; password?: string | null; accessToken?: string | null }): string {
  const user = auth.username ?? '';
  if (auth.method === 'XOAUTH2') {
    const token = auth.accessToken ?? '';
    const blob = Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`, 'utf8').toString('base64');
    return `user ${user} token ${token} (AUTH XOAUTH2 ${blob})`;
  }
  const pass = auth.password ?? '';
  const blob = Buffer.from(`\0${user}\0${pass}`, 'utf8').toString('base64');
  return `user ${user} password ${pass} (AUTH PLAIN ${blob})`;
}

/** A peer's record before it listens: no connections, messages or logins yet. */
function newPeer(scenario: SmtpScenario, options: SmtpPeerOptions): SmtpPeer {
  return {
    scenario,
    port: 0,
    host: HOST,
    connections: 0,
    authAttempts: [],
    messages: [],
    rejectRecipients: [...(options.rejectRecipients ?? [])],
    closeIdleConnections: () => 0,
    close: async () => {},
  };
}

async function startSmtpServer(scenario: SmtpScenario, options: SmtpPeerOptions): Promise<SmtpPeer> {
  const delayMs = options.delayMs ?? 0;
  const peer = newPeer(scenario, options);
  /** messages accepted per connection (by session id), for maxMessagesPerConnection */
  const acceptedOn = new Map<string, number>();
  /** what an echoing peer ('550') quotes back, by session id: the credential that session logged in with */
  const echoedOn = new Map<string, string>();

  const server = new SMTPServer({
    ...scenarioOptions(scenario),
    key: readFileSync(TLS.key),
    cert: readFileSync(TLS.cert),
    name: 'smtp.acme.test',
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 200,
    socketTimeout: 10_000,
    onConnect(_session, callback) {
      delayed(delayMs, () => callback());
    },
    onAuth(auth, session, callback) {
      const username = auth.username ?? '';
      peer.authAttempts.push({ method: auth.method, username });
      delayed(delayMs, () => {
        if (peer.echoCredentials) {
          const quoted = credentialQuote(auth);
          if (peer.echoCredentials === '535') return callback(smtpError(535, `5.7.8 Authentication credentials invalid: ${quoted}`));
          echoedOn.set(session.id, quoted);
          return callback(null, { user: username });
        }
        if (auth.method === 'XOAUTH2') {
          if (username === SMTP_USER && auth.accessToken === SMTP_ACCESS_TOKEN) return callback(null, { user: username });
          // Google's answer: a 334 challenge with this JSON, then 535 once the client sends an empty line
          return callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } });
        }
        if (username === SMTP_USER && auth.password === SMTP_PASS) return callback(null, { user: username });
        callback(smtpError(535, AUTH_INVALID));
      });
    },
    onMailFrom(_address, session, callback) {
      const echoed = echoedOn.get(session.id);
      if (peer.echoCredentials === '550' && echoed) return callback(smtpError(550, `5.7.1 Sender not permitted for ${echoed}`));
      const cap = peer.maxMessagesPerConnection;
      if (cap !== undefined && (acceptedOn.get(session.id) ?? 0) >= cap) {
        // smtp-server closes the connection after any 421 it sends
        return callback(smtpError(421, 'Too many messages in this connection, closing'));
      }
      delayed(delayMs, () => callback());
    },
    onRcptTo(address, _session, callback) {
      delayed(delayMs, () => {
        const rejected = peer.rejectRecipients.some((r) => r.toLowerCase() === address.address.toLowerCase());
        if (rejected) {
          return callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`));
        }
        callback();
      });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope;
        const raw = Buffer.concat(chunks).toString('utf8');
        const message: SmtpMessage = {
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          headers: parseHeaders(raw),
          connectionId: session.id,
        };
        peer.messages.push(message);
        acceptedOn.set(session.id, (acceptedOn.get(session.id) ?? 0) + 1);
        const intercept = peer.intercept;
        const held = intercept ? Promise.resolve().then(() => intercept('data', message)) : Promise.resolve();
        held.then(
          () => delayed(delayMs, () => callback(null)),
          (error: unknown) => {
            const err = error instanceof Error ? error : new Error(String(error));
            const responseCode = (err as { responseCode?: number }).responseCode ?? 451;
            callback(smtpError(responseCode, err.message));
          },
        );
      });
    },
  });
  // handshake failures, resets from destroyed sockets, …: expected in these tests, never fatal
  server.on('error', () => {});

  const sockets = trackSockets(server.server, () => peer.connections++);
  peer.closeIdleConnections = () => {
    // smtp-server's live connections (typed `Set<any>`): only the session and send() are used here
    const live = [...(server.connections as Set<{ session?: { user?: unknown; envelope?: { mailFrom?: unknown } }; send(code: number, text: string): void }>)];
    const idle = live.filter((c) => c.session?.user !== undefined && c.session.envelope !== undefined && !c.session.envelope.mailFrom);
    // a 421 makes smtp-server close the connection once the reply is written
    for (const c of idle) c.send(421, 'Timeout - closing connection');
    return idle.length;
  };
  peer.port = await new Promise<number>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.server.once('error', onError);
    server.listen(0, HOST, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as AddressInfo).port);
    });
  });

  peer.close = once(
    () =>
      new Promise<void>((resolve) => {
        let done = false;
        const finish = (): void => {
          if (done) return;
          done = true;
          clearTimeout(safety);
          resolve();
        };
        const safety = setTimeout(finish, 1000);
        server.close(finish);
        for (const socket of sockets) socket.destroy();
      }),
  );
  return peer;
}

async function startRawServer(scenario: 'greeting-timeout' | 'greeting-421', options: SmtpPeerOptions): Promise<SmtpPeer> {
  const delayMs = options.delayMs ?? 0;
  const peer = newPeer(scenario, options);
  const server = net.createServer((socket) => {
    if (scenario === 'greeting-421') {
      delayed(delayMs, () => {
        if (!socket.destroyed) socket.end(`${GREETING_421}\r\n`);
      });
    }
    // 'greeting-timeout': say nothing, read and discard whatever the client sends
    socket.resume();
  });
  server.on('error', () => {});
  const sockets = trackSockets(server, () => peer.connections++);
  peer.port = await listen(server);
  peer.close = once(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  );
  return peer;
}

/** A port on 127.0.0.1 where nothing listens: bound by a server that was closed again right away. */
async function startRefused(): Promise<SmtpPeer> {
  const server = net.createServer();
  server.on('error', () => {});
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    scenario: 'refused',
    port,
    host: HOST,
    connections: 0,
    authAttempts: [],
    messages: [],
    rejectRecipients: [],
    closeIdleConnections: () => 0,
    close: async () => {},
  };
}

export async function startSmtpPeer(scenario: SmtpScenario, options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  switch (scenario) {
    case 'greeting-timeout':
    case 'greeting-421':
      return startRawServer(scenario, options);
    case 'refused':
      return startRefused();
    default:
      return startSmtpServer(scenario, options);
  }
}

/** Starts one peer per scenario (all of them by default) in parallel. */
export async function startSmtpPeers(
  scenarios: readonly SmtpScenario[] = SMTP_SCENARIOS,
  options: SmtpPeerOptions = {},
): Promise<Record<SmtpScenario, SmtpPeer> & { close(): Promise<void> }> {
  const settled = await Promise.allSettled(scenarios.map((scenario) => startSmtpPeer(scenario, options)));
  const started = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const close = async (): Promise<void> => {
    await Promise.all(started.map((peer) => peer.close()));
  };
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await close();
    throw failure.reason;
  }
  const peers = Object.fromEntries(started.map((peer) => [peer.scenario, peer])) as Record<SmtpScenario, SmtpPeer>;
  return Object.assign(peers, { close });
}
