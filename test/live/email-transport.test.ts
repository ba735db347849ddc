/**
 * email.transport end to end: the real check, the real SMTP provider (nodemailer's own SMTPConnection and
 * XOAuth2) and the real file-transport probe, against real protocol peers on 127.0.0.1 (smtp-server and raw
 * TCP servers from test/fakes/smtp.ts, the OAuth2 token endpoint from test/fakes/oauth2.ts) and a real
 * temporary folder. Nothing of the product is mocked, and nothing leaves loopback.
 *
 * The nodemailer error each peer produces is pinned in test/fakes/smtp.fake.test.ts; this file pins how the
 * check turns it into a status, a code, a message and `data`.
 *
 * Not covered here: an unknown host (`nonexistent.invalid`). The lookup is quick on a developer machine but
 * it is a real query to the system resolver (glibc does not special-case `.invalid`), i.e. network traffic,
 * and its speed and answer depend on the machine: see the report that came with this file.
 */
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/config/load.js';
import { runChecks } from '../../src/engine/runner.js';
import type { CheckResult } from '../../src/engine/types.js';
import { catalog, declaredCodes, makeAccount, makeInvoice, registry, runOne } from '../helpers/factories.js';
import {
  OAUTH_ACCESS_TOKEN,
  OAUTH_CLIENT_ID,
  OAUTH_CLIENT_SECRET,
  OAUTH_REFRESH_GOOD,
  OAUTH_REFRESH_REVOKED,
  startOAuth2Fake,
} from '../fakes/oauth2.js';
import type { OAuth2Fake } from '../fakes/oauth2.js';
import { GREETING_421, SMTP_PASS, SMTP_USER, TLS, startSmtpPeer, startSmtpPeers } from '../fakes/smtp.js';
import type { SmtpPeer } from '../fakes/smtp.js';

const ID = 'email.transport';
/** The check's budget; the probe's phases are a third of it (greeting timeout: a quarter), so ~600 ms here. */
const TIMEOUT_MS = 2400;
const WRONG_PASS = 'Tr0ub4dor&3-not-the-password';
const WRONG_CLIENT_SECRET = 'wrong-client-secret-3f9c';
/** Nothing the check reports may contain any of these. */
const SECRETS = [SMTP_PASS, WRONG_PASS, OAUTH_CLIENT_SECRET, WRONG_CLIENT_SECRET, OAUTH_REFRESH_GOOD, OAUTH_REFRESH_REVOKED, OAUTH_ACCESS_TOKEN];
const isRoot = process.getuid?.() === 0;

type Email = NonNullable<Account['email']>;
type SmtpSettings = NonNullable<Email['smtp']>;
type OAuth2Settings = NonNullable<Email['oauth2']>;

let peers: Awaited<ReturnType<typeof startSmtpPeers>>;
let oauth: OAuth2Fake;
let tmp: string;
/** Peers started by single tests (memoization), closed with the others. */
const ownPeers: SmtpPeer[] = [];
/** Every result any test got, for the safety and coverage tests at the end. */
const results: CheckResult[] = [];

beforeAll(async () => {
  [peers, oauth, tmp] = await Promise.all([startSmtpPeers(), startOAuth2Fake(), mkdtemp(path.join(os.tmpdir(), 'invoice-doctor-outbox-'))]);
});

afterAll(async () => {
  await Promise.all([peers?.close(), oauth?.close(), ...ownPeers.map((peer) => peer.close())]);
  if (tmp) {
    await chmod(path.join(tmp, 'read-only'), 0o700).catch(() => {});
    await rm(tmp, { recursive: true, force: true });
  }
});

function account(email: Email | undefined, unsetEnv: Record<string, string> = {}): Account {
  return makeAccount({ email, unsetEnv });
}

/** Runs email.transport for one invoice of `acct`, online unless told otherwise, and records the result. */
async function check(acct: Account, options: { offline?: boolean } = {}): Promise<CheckResult> {
  const result = await runOne(ID, makeInvoice(), acct, { offline: options.offline ?? false, timeoutMs: TIMEOUT_MS });
  results.push(result);
  return result;
}

/** An smtp transport at a peer, logging in with the good credentials unless overridden. */
function smtp(peer: SmtpPeer, settings: Partial<SmtpSettings> = {}): Email {
  return { from: 'Acme <billing@acme.test>', transport: 'smtp', smtp: { host: peer.host, port: peer.port, user: SMTP_USER, pass: SMTP_PASS, ...settings } };
}

/**
 * An oauth2 transport at the xoauth2 peer (STARTTLS on a plain port) with the token endpoint of the fake.
 *
 * NOTE: `ca_file` in the oauth2 block is the product change this file asked for — at HEAD (ec47efe) the
 * oauth2 schema and smtpTarget() had no ca_file, so the probe could not trust the fixture CA and every
 * OAuth2 case here ended in SMTP_TLS_FAILED (see 'without ca_file…' below). The working tree adds it.
 */
function oauth2(settings: Partial<OAuth2Settings> = {}): Email {
  return {
    from: 'Acme <billing@acme.test>',
    transport: 'oauth2',
    oauth2: {
      user: SMTP_USER,
      client_id: OAUTH_CLIENT_ID,
      client_secret: OAUTH_CLIENT_SECRET,
      refresh_token: OAUTH_REFRESH_GOOD,
      token_url: oauth.tokenUrl,
      host: peers.xoauth2.host,
      port: peers.xoauth2.port,
      secure: false,
      ca_file: TLS.ca,
      ...settings,
    },
  };
}

/** What a successful probe reports, for a peer. */
function passData(peer: SmtpPeer, facts: { transport: 'smtp' | 'oauth2'; tls: boolean; authMethods: string[]; authTested: boolean }) {
  return {
    transport: facts.transport,
    host: '127.0.0.1',
    port: peer.port,
    tls: facts.tls,
    authOffered: facts.authMethods.length > 0,
    authMethods: facts.authMethods,
    authTested: facts.authTested,
    // The first line of the EHLO reply: the server's name and banner.
    ehlo: expect.stringMatching(/^250[- ]smtp\.acme\.test /),
  };
}

describe('smtp: pass', () => {
  it('STARTTLS with the fixture CA (ca_file) and a good login: TLS, login tested', async () => {
    const before = peers.starttls.authAttempts.length;
    const r = await check(account(smtp(peers.starttls, { ca_file: TLS.ca })));
    expect(r.status).toBe('pass');
    expect(r.code).toBeUndefined();
    expect(r.message).toBe(`127.0.0.1:${peers.starttls.port}: connected, TLS, login accepted.`);
    expect(r.data).toEqual(passData(peers.starttls, { transport: 'smtp', tls: true, authMethods: ['PLAIN', 'LOGIN'], authTested: true }));
    expect(r.remediation).toEqual([]);
    expect(peers.starttls.authAttempts.slice(before)).toEqual([{ method: 'PLAIN', username: SMTP_USER }]);
  });

  it('implicit TLS with secure: true', async () => {
    const r = await check(account(smtp(peers['implicit-tls'], { secure: true, ca_file: TLS.ca })));
    expect(r.status).toBe('pass');
    expect(r.message).toBe(`127.0.0.1:${peers['implicit-tls'].port}: connected, TLS, login accepted.`);
    expect(r.data).toEqual(passData(peers['implicit-tls'], { transport: 'smtp', tls: true, authMethods: ['PLAIN', 'LOGIN'], authTested: true }));
  });

  it('plain AUTH on a server without STARTTLS: passes, and says "no TLS"', async () => {
    const r = await check(account(smtp(peers['plain-auth'])));
    expect(r.status).toBe('pass');
    expect(r.message).toBe(`127.0.0.1:${peers['plain-auth'].port}: connected, no TLS, login accepted.`);
    expect(r.data).toEqual(passData(peers['plain-auth'], { transport: 'smtp', tls: false, authMethods: ['PLAIN', 'LOGIN'], authTested: true }));
  });
});

describe('smtp: login', () => {
  it('SMTP_AUTH_FAILED: a wrong password gets the 535, named by setting, never shown', async () => {
    const r = await check(account(smtp(peers.starttls, { ca_file: TLS.ca, pass: WRONG_PASS })));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('SMTP_AUTH_FAILED');
    expect(r.message).toBe(
      `127.0.0.1:${peers.starttls.port} rejected the login of accounts.acme.email.smtp.user / pass with 535. The server replied: 535 5.7.8 Authentication credentials invalid`,
    );
    expect(r.message).not.toContain(WRONG_PASS);
    expect(JSON.stringify(r)).not.toContain(WRONG_PASS);
    expect(r.data).toEqual({
      transport: 'smtp',
      host: '127.0.0.1',
      port: peers.starttls.port,
      stage: 'auth',
      code: 'EAUTH',
      responseCode: 535,
      response: '535 5.7.8 Authentication credentials invalid',
      command: 'AUTH PLAIN',
    });
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('SMTP_AUTH_NOT_TESTED (warn): a server that offers no AUTH "accepts" a wrong password without ever seeing it', async () => {
    const r = await check(account(smtp(peers['no-auth'], { ca_file: TLS.ca, pass: WRONG_PASS })));
    expect(r.status).toBe('warn');
    expect(r.code).toBe('SMTP_AUTH_NOT_TESTED');
    expect(r.message).toBe(
      `127.0.0.1:${peers['no-auth'].port} accepted the connection (TLS) but offered no AUTH, so the login of accounts.acme.email.smtp.user was not tested: any password would pass here, and the server may refuse to relay mail.`,
    );
    expect(r.data).toEqual(passData(peers['no-auth'], { transport: 'smtp', tls: true, authMethods: [], authTested: false }));
    expect(peers['no-auth'].authAttempts).toEqual([]);
  });
});

describe('smtp: TLS', () => {
  it('SMTP_TLS_MODE_MISMATCH: secure: true against a STARTTLS port (wrong version number)', async () => {
    const r = await check(account(smtp(peers.starttls, { secure: true, ca_file: TLS.ca })));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('SMTP_TLS_MODE_MISMATCH');
    expect(r.message).toBe(
      `127.0.0.1:${peers.starttls.port} does not speak TLS from the first byte, but accounts.acme.email.smtp.secure is true: this port expects STARTTLS (secure: false), or implicit TLS is on port 465.`,
    );
    expect(r.data).toEqual({
      transport: 'smtp',
      host: '127.0.0.1',
      port: peers.starttls.port,
      stage: 'tls',
      code: 'ESOCKET',
      originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER',
      command: 'CONN',
    });
  });

  it('SMTP_TLS_MODE_MISMATCH: secure: false against implicit TLS (no greeting, then the port answers a TLS probe) — with or without the CA', async () => {
    const port = peers['implicit-tls'].port;
    const before = peers['implicit-tls'].connections;
    const [withCa, withoutCa] = await Promise.all([
      check(account(smtp(peers['implicit-tls'], { secure: false, ca_file: TLS.ca }))),
      // an unverifiable certificate still proves the port speaks TLS
      check(account(smtp(peers['implicit-tls'], { secure: false }))),
    ]);
    for (const r of [withCa, withoutCa]) {
      expect(r.status).toBe('fail');
      expect(r.code).toBe('SMTP_TLS_MODE_MISMATCH');
      expect(r.message).toBe(
        `127.0.0.1:${port} sent no greeting in plain text but answers over TLS: it expects implicit TLS, so set accounts.acme.email.smtp.secure: true (or use port 587 with STARTTLS).`,
      );
      expect(r.data).toEqual({
        transport: 'smtp',
        host: '127.0.0.1',
        port,
        stage: 'greeting',
        code: 'ETIMEDOUT',
        command: 'CONN',
        implicitTls: true,
      });
    }
    // per account: the plain attempt and the TLS probe
    expect(peers['implicit-tls'].connections - before).toBe(4);
  });

  it('SMTP_TLS_MODE_MISMATCH: require_tls: true against a server without STARTTLS, with its 500 reply', async () => {
    const r = await check(account(smtp(peers['no-starttls'], { require_tls: true })));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('SMTP_TLS_MODE_MISMATCH');
    expect(r.message).toBe(
      `127.0.0.1:${peers['no-starttls'].port} does not offer STARTTLS, and accounts.acme.email.smtp.require_tls is true. The server replied: 500 Error: command not recognized`,
    );
    expect(r.data).toEqual({
      transport: 'smtp',
      host: '127.0.0.1',
      port: peers['no-starttls'].port,
      stage: 'tls',
      code: 'ETLS',
      responseCode: 500,
      response: '500 Error: command not recognized',
      command: 'STARTTLS',
    });
    expect(peers['no-starttls'].authAttempts).toEqual([]);
  });

  it('SMTP_TLS_FAILED: a certificate from an unknown CA (ca_file of another CA, or no ca_file at all)', async () => {
    const before = peers.starttls.authAttempts.length;
    const [otherCa, noCa] = await Promise.all([
      check(account(smtp(peers.starttls, { ca_file: TLS.otherCa }))),
      check(account(smtp(peers.starttls))),
    ]);
    for (const r of [otherCa, noCa]) {
      expect(r.status).toBe('fail');
      expect(r.code).toBe('SMTP_TLS_FAILED');
      expect(r.message).toBe(
        `The TLS certificate of 127.0.0.1:${peers.starttls.port} could not be verified (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate).`,
      );
      expect(r.data).toEqual({
        transport: 'smtp',
        host: '127.0.0.1',
        port: peers.starttls.port,
        stage: 'tls',
        code: 'ESOCKET',
        originalCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        command: 'CONN',
      });
    }
    // the password never went over the unverified connection
    expect(peers.starttls.authAttempts.length).toBe(before);
  });
});

describe('smtp: reachability', () => {
  it('SMTP_TIMEOUT (error) for a silent peer; SMTP_UNREACHABLE (error) for a refused port and a 421 greeting', async () => {
    const [timeout, refused, busy] = await Promise.all([
      check(account(smtp(peers['greeting-timeout']))),
      check(account(smtp(peers.refused))),
      check(account(smtp(peers['greeting-421']))),
    ]);

    expect(timeout.status).toBe('error');
    expect(timeout.code).toBe('SMTP_TIMEOUT');
    expect(timeout.message).toBe(`127.0.0.1:${peers['greeting-timeout'].port} did not answer in time (no greeting).`);
    expect(timeout.data).toEqual({
      transport: 'smtp',
      host: '127.0.0.1',
      port: peers['greeting-timeout'].port,
      stage: 'greeting',
      code: 'ETIMEDOUT',
      command: 'CONN',
    });
    // the plain attempt, then the implicit-TLS probe that found no TLS either
    expect(peers['greeting-timeout'].connections).toBe(2);

    expect(refused.status).toBe('error');
    expect(refused.code).toBe('SMTP_UNREACHABLE');
    expect(refused.message).toBe(`127.0.0.1:${peers.refused.port} could not be used: connection refused.`);
    expect(refused.data).toEqual({
      transport: 'smtp',
      host: '127.0.0.1',
      port: peers.refused.port,
      stage: 'connect',
      code: 'ESOCKET',
      originalCode: 'ECONNREFUSED',
      command: 'CONN',
    });

    expect(busy.status).toBe('error');
    expect(busy.code).toBe('SMTP_UNREACHABLE');
    expect(busy.message).toBe(`127.0.0.1:${peers['greeting-421'].port} could not be used: refused service with 421. The server replied: ${GREETING_421}`);
    expect(busy.data).toEqual({
      transport: 'smtp',
      host: '127.0.0.1',
      port: peers['greeting-421'].port,
      stage: 'greeting',
      code: 'EPROTOCOL',
      responseCode: 421,
      response: GREETING_421,
      command: 'CONN',
    });
  });
});

describe('oauth2 (XOAUTH2 over STARTTLS, token from the OAuth2 fake)', () => {
  it('a good refresh token: token refreshed, AUTH XOAUTH2 accepted; revoked: OAUTH_REAUTH_REQUIRED; wrong secret: SMTP_AUTH_FAILED; endpoint down: SMTP_UNREACHABLE', async () => {
    const xo = peers.xoauth2;
    const tokenRequests = oauth.requests.length;
    const [good, revoked, wrongSecret, down] = await Promise.all([
      check(account(oauth2())),
      check(account(oauth2({ refresh_token: OAUTH_REFRESH_REVOKED }))),
      check(account(oauth2({ client_secret: WRONG_CLIENT_SECRET }))),
      check(account(oauth2({ token_url: `http://127.0.0.1:${peers.refused.port}/token` }))),
    ]);
    const failData = { transport: 'oauth2', host: '127.0.0.1', port: xo.port, stage: 'oauth2', code: 'EAUTH', originalCode: 'EOAUTH2', command: 'AUTH XOAUTH2' };

    expect(good.status).toBe('pass');
    expect(good.message).toBe(`127.0.0.1:${xo.port}: connected, TLS, OAuth2 token refreshed and accepted.`);
    expect(good.data).toEqual(passData(xo, { transport: 'oauth2', tls: true, authMethods: ['XOAUTH2'], authTested: true }));
    // only the good token reached the server's AUTH; the three others failed at the token endpoint
    expect(xo.authAttempts).toEqual([{ method: 'XOAUTH2', username: SMTP_USER }]);
    // one refresh per account (the unreachable endpoint is on another port)
    expect(oauth.requests.length - tokenRequests).toBe(3);

    expect(revoked.status).toBe('fail');
    expect(revoked.code).toBe('OAUTH_REAUTH_REQUIRED');
    expect(revoked.message).toBe(`The OAuth2 refresh token for ${SMTP_USER} was refused by the token endpoint: invalid_grant: Token has been expired or revoked.`);
    expect(revoked.data).toEqual(failData);

    expect(wrongSecret.status).toBe('fail');
    expect(wrongSecret.code).toBe('SMTP_AUTH_FAILED');
    expect(wrongSecret.message).toBe(
      'The OAuth2 token endpoint refused the client credentials (accounts.acme.email.oauth2.client_id / client_secret): invalid_client: Unauthorized',
    );
    expect(wrongSecret.data).toEqual(failData);

    expect(down.status).toBe('error');
    expect(down.code).toBe('SMTP_UNREACHABLE');
    expect(down.message).toBe(`The OAuth2 token endpoint could not be reached: connect ECONNREFUSED 127.0.0.1:${peers.refused.port}.`);
    expect(down.data).toEqual({ ...failData, originalCode: 'EFETCH' });
  });

  it('without ca_file the fixture certificate cannot be verified: SMTP_TLS_FAILED before any token is fetched', async () => {
    const tokenRequests = oauth.requests.length;
    const r = await check(account(oauth2({ ca_file: undefined })));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('SMTP_TLS_FAILED');
    expect(r.data).toMatchObject({ transport: 'oauth2', stage: 'tls', originalCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(oauth.requests.length).toBe(tokenRequests);
  });
});

describe('EMAIL_NOT_CONFIGURED', () => {
  it('a CA file that cannot be read names the setting, before any connection', async () => {
    const before = peers.starttls.connections;
    const [missing, folder] = await Promise.all([
      check(account(smtp(peers.starttls, { ca_file: path.join(tmp, 'no-such-ca.pem') }))),
      check(account(smtp(peers.starttls, { ca_file: tmp }))),
    ]);
    expect(missing).toMatchObject({ status: 'fail', code: 'EMAIL_NOT_CONFIGURED', data: { missing: ['email.smtp.ca_file'] } });
    expect(missing.message).toBe(`accounts.acme.email.smtp.ca_file: the CA file ${path.join(tmp, 'no-such-ca.pem')} cannot be read (it does not exist).`);
    expect(folder.message).toContain('cannot be read (it is a folder)');
    expect(peers.starttls.connections).toBe(before);
  });
});

describe('offline', () => {
  it('offline: smtp stops before connecting, a missing setting still fails; the file transport is still checked', async () => {
    const before = peers.starttls.connections;
    const [configured, noHost, file] = await Promise.all([
      check(account(smtp(peers.starttls, { ca_file: TLS.ca })), { offline: true }),
      check(account({ transport: 'smtp', smtp: { user: SMTP_USER, pass: SMTP_PASS } }), { offline: true }),
      check(account({ transport: 'file', file: { dir: tmp } }), { offline: true }),
    ]);
    expect(configured).toMatchObject({ status: 'skip', code: undefined, message: 'Skipped: needs the mail server, and --offline was given (everything it can decide without the network passed).', data: { reason: 'offline' } });
    expect(noHost).toMatchObject({ status: 'fail', code: 'EMAIL_NOT_CONFIGURED', message: 'The smtp transport needs accounts.acme.email.smtp.host.' });
    expect(peers.starttls.connections).toBe(before);
    expect(file.status).toBe('pass');
    expect(file.data).toEqual({ transport: 'file', dir: tmp, exists: true });
  });
});

describe('file transport', () => {
  it('an existing writable folder passes', async () => {
    const r = await check(account({ transport: 'file', file: { dir: tmp } }));
    expect(r.status).toBe('pass');
    expect(r.message).toBe(`File transport: messages are written to ${tmp}.`);
    expect(r.data).toEqual({ transport: 'file', dir: tmp, exists: true });
  });

  it('a missing folder under a writable parent passes with exists: false (and is not created)', async () => {
    const dir = path.join(tmp, 'outbox', 'invoices');
    const r = await check(account({ transport: 'file', file: { dir } }));
    expect(r.status).toBe('pass');
    expect(r.message).toBe(`File transport: messages are written to ${dir} (created on the first send).`);
    expect(r.data).toEqual({ transport: 'file', dir, exists: false });
    await expect(stat(path.join(tmp, 'outbox'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('OUTBOX_NOT_WRITABLE: the folder is a file', async () => {
    const dir = path.join(tmp, 'outbox.eml');
    await writeFile(dir, 'not a folder');
    const r = await check(account({ transport: 'file', file: { dir } }));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('OUTBOX_NOT_WRITABLE');
    expect(r.message).toBe(`The file transport cannot write its .eml files: ${dir} is a file, not a folder.`);
    expect(r.data).toEqual({ transport: 'file', dir, code: 'ENOTDIR' });
    expect(r.remediation.length).toBeGreaterThan(0);
  });

  it('a read-only folder: OUTBOX_NOT_WRITABLE for a normal user; root ignores permission bits, so it passes', async () => {
    const readOnly = path.join(tmp, 'read-only');
    await mkdir(readOnly);
    await chmod(readOnly, 0o500);
    const below = path.join(readOnly, 'outbox');
    const [itself, under] = await Promise.all([
      check(account({ transport: 'file', file: { dir: readOnly } })),
      check(account({ transport: 'file', file: { dir: below } })),
    ]);
    if (isRoot) {
      expect(itself).toMatchObject({ status: 'pass', data: { transport: 'file', dir: readOnly, exists: true } });
      expect(under).toMatchObject({ status: 'pass', data: { transport: 'file', dir: below, exists: false } });
      return;
    }
    expect(itself).toMatchObject({ status: 'fail', code: 'OUTBOX_NOT_WRITABLE', data: { transport: 'file', dir: readOnly, code: 'EACCES' } });
    expect(itself.message).toBe(`The file transport cannot write its .eml files: ${readOnly} is not writable (EACCES).`);
    expect(under).toMatchObject({ status: 'fail', code: 'OUTBOX_NOT_WRITABLE', data: { transport: 'file', dir: below, code: 'EACCES' } });
    expect(under.message).toBe(`The file transport cannot write its .eml files: ${below} does not exist and ${readOnly} is not writable, so it cannot be created (EACCES).`);
  });

  it('OUTBOX_NOT_WRITABLE: a folder that cannot exist, below a file', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, 'x');
    const dir = path.join(file, 'outbox');
    const r = await check(account({ transport: 'file', file: { dir } }));
    expect(r.status).toBe('fail');
    expect(r.code).toBe('OUTBOX_NOT_WRITABLE');
    expect(r.message).toBe(`The file transport cannot write its .eml files: ${dir} cannot be a folder: part of its path is a file (ENOTDIR).`);
    expect(r.data).toEqual({ transport: 'file', dir, code: 'ENOTDIR' });
  });
});

describe('one probe per account per run', () => {
  it('three invoices of one account: one connection and one AUTH (and one TLS probe after a missing greeting)', async () => {
    const [starttls, silent] = await Promise.all([startSmtpPeer('starttls'), startSmtpPeer('greeting-timeout')]);
    ownPeers.push(starttls, silent);
    const runFor = (email: Email) => {
      const acct = account(email);
      const invoices = ['INV-1', 'INV-2', 'INV-3'].map((id) => makeInvoice({ id, number: id }));
      return runChecks(registry, invoices, new Map([[acct.id, acct]]), catalog, {
        selected: registry.select(new Set([ID]), new Set()),
        skipped: new Set(),
        offline: false,
        timeoutMs: TIMEOUT_MS,
        strict: false,
        concurrency: 3,
        verbose: false,
      });
    };
    const [good, timeout] = await Promise.all([runFor(smtp(starttls, { ca_file: TLS.ca })), runFor(smtp(silent))]);

    const goodResults = good.results.map((invoice) => invoice.checks.find((c) => c.id === ID)!);
    const timeoutResults = timeout.results.map((invoice) => invoice.checks.find((c) => c.id === ID)!);
    results.push(...goodResults, ...timeoutResults);
    expect(goodResults.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    expect(timeoutResults.map((r) => r.code)).toEqual(['SMTP_TIMEOUT', 'SMTP_TIMEOUT', 'SMTP_TIMEOUT']);

    expect(starttls.connections).toBe(1);
    expect(starttls.authAttempts).toEqual([{ method: 'PLAIN', username: SMTP_USER }]);
    expect(silent.connections).toBe(2);
  });
});

describe('over all the results above', () => {
  it('every declared code of email.transport was reached', () => {
    expect(declaredCodes(ID)).toEqual([
      'EMAIL_NOT_CONFIGURED',
      'OAUTH_REAUTH_REQUIRED',
      'OUTBOX_NOT_WRITABLE',
      'SMTP_AUTH_FAILED',
      'SMTP_AUTH_NOT_TESTED',
      'SMTP_TIMEOUT',
      'SMTP_TLS_FAILED',
      'SMTP_TLS_MODE_MISMATCH',
      'SMTP_UNREACHABLE',
    ]);
    const reached = new Set(results.flatMap((r) => (r.code ? [r.code] : [])));
    expect([...reached].sort()).toEqual(declaredCodes(ID));
    // and each with the severity it declares
    const check = registry.get(ID)!;
    for (const r of results) if (r.code) expect(r.status, r.code).toBe(check.codes[r.code]!.severity);
  });

  it('no result carries a password, client secret, refresh or access token', () => {
    expect(results.length).toBeGreaterThan(30);
    for (const r of results) {
      const text = JSON.stringify(r);
      for (const secret of SECRETS) expect(text, `${r.code ?? r.status}: ${r.message}`).not.toContain(secret);
    }
  });

  it('no mail was ever sent to any peer', () => {
    for (const peer of [...Object.values(peers).filter((p): p is SmtpPeer => typeof p === 'object'), ...ownPeers]) {
      expect(peer.messages, peer.scenario).toEqual([]);
    }
  });
});
