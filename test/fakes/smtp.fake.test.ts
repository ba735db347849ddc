/**
 * Conformance of the SMTP and OAuth2 fakes against REAL nodemailer: every scenario gives the outcome (and the
 * exact error fields) product code classifies on. If nodemailer or smtp-server changes behaviour, this file
 * is where it shows first.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import nodemailer from 'nodemailer';
import type { NodemailerError, SMTPTransportOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  OAUTH_CLIENT_ID,
  OAUTH_CLIENT_SECRET,
  OAUTH_REFRESH_GOOD,
  OAUTH_REFRESH_REVOKED,
  startOAuth2Fake,
} from './oauth2.js';
import type { OAuth2Fake } from './oauth2.js';
import { GREETING_421, SMTP_PASS, SMTP_USER, TLS, startSmtpPeer, startSmtpPeers } from './smtp.js';
import type { SmtpPeer, SmtpScenario } from './smtp.js';

let peers: Awaited<ReturnType<typeof startSmtpPeers>>;
let oauth: OAuth2Fake;

beforeAll(async () => {
  [peers, oauth] = await Promise.all([startSmtpPeers(), startOAuth2Fake()]);
});
afterAll(async () => {
  await Promise.all([peers?.close(), oauth?.close()]);
});

const GOOD = { auth: { user: SMTP_USER, pass: SMTP_PASS } };
const WRONG = { auth: { user: SMTP_USER, pass: 'Tr0ub4dor&3' } };

function transport(peer: SmtpPeer, options: SMTPTransportOptions = {}) {
  return nodemailer.createTransport({
    host: peer.host,
    port: peer.port,
    connectionTimeout: 1000,
    greetingTimeout: 500,
    socketTimeout: 1000,
    tls: { ca: [readFileSync(TLS.ca)] },
    ...options,
  });
}

async function verify(scenario: SmtpScenario, options: SMTPTransportOptions = {}): Promise<true> {
  const transporter = transport(peers[scenario], options);
  try {
    return await transporter.verify();
  } finally {
    transporter.close();
  }
}

/** The fields product code classifies on, from a verify() that must fail. */
async function verifyError(scenario: SmtpScenario, options: SMTPTransportOptions = {}) {
  const error: NodemailerError = await verify(scenario, options).then(
    () => expect.fail(`verify() against '${scenario}' should have failed`),
    (err: NodemailerError) => err,
  );
  const { code, originalCode, responseCode, command, response, timeoutType, permanent, message } = error;
  return { code, originalCode, responseCode, command, response, timeoutType, permanent, message };
}

const oauth2 = (refreshToken: string, clientSecret = OAUTH_CLIENT_SECRET): SMTPTransportOptions => ({
  auth: { type: 'OAuth2', user: SMTP_USER, clientId: OAUTH_CLIENT_ID, clientSecret, refreshToken, accessUrl: oauth.tokenUrl },
});

describe('verify() against each scenario', () => {
  test('starttls: good login passes, over TLS, after one AUTH PLAIN', async () => {
    const before = peers.starttls.authAttempts.length;
    await expect(verify('starttls', GOOD)).resolves.toBe(true);
    expect(peers.starttls.authAttempts.slice(before)).toEqual([{ method: 'PLAIN', username: SMTP_USER }]);
  });

  test('starttls: wrong password → EAUTH 535 on AUTH PLAIN', async () => {
    expect(await verifyError('starttls', WRONG)).toEqual({
      code: 'EAUTH',
      originalCode: undefined,
      responseCode: 535,
      command: 'AUTH PLAIN',
      response: '535 5.7.8 Authentication credentials invalid',
      timeoutType: undefined,
      permanent: true,
      message: 'Invalid login: 535 5.7.8 Authentication credentials invalid',
    });
  });

  test('starttls with ignoreTLS: AUTH in clear → EAUTH 538', async () => {
    expect(await verifyError('starttls', { ...GOOD, ignoreTLS: true })).toMatchObject({
      code: 'EAUTH',
      responseCode: 538,
      command: 'AUTH PLAIN',
      response: '538 Error: Must issue a STARTTLS command first',
    });
  });

  test('plain-auth: good login passes in clear, wrong password → EAUTH 535', async () => {
    await expect(verify('plain-auth', GOOD)).resolves.toBe(true);
    expect(await verifyError('plain-auth', WRONG)).toMatchObject({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' });
  });

  test('no-auth: passes even with a wrong password (the trap) — AUTH is never attempted', async () => {
    await expect(verify('no-auth', WRONG)).resolves.toBe(true);
    expect(peers['no-auth'].authAttempts).toEqual([]);
  });

  test('implicit-tls: secure:true passes; wrong password → EAUTH 535', async () => {
    await expect(verify('implicit-tls', { ...GOOD, secure: true })).resolves.toBe(true);
    expect(await verifyError('implicit-tls', { ...WRONG, secure: true })).toMatchObject({ code: 'EAUTH', responseCode: 535 });
  });

  test('implicit-tls with secure:false → ETIMEDOUT GREETING_TIMEOUT (the server waits for a ClientHello)', async () => {
    expect(await verifyError('implicit-tls', { ...GOOD, secure: false })).toEqual({
      code: 'ETIMEDOUT',
      originalCode: undefined,
      responseCode: undefined,
      command: 'CONN',
      response: undefined,
      timeoutType: 'GREETING_TIMEOUT',
      permanent: undefined,
      message: 'Greeting never received',
    });
  });

  test('secure:true against the starttls port → ESOCKET / ERR_SSL_WRONG_VERSION_NUMBER', async () => {
    const error = await verifyError('starttls', { ...GOOD, secure: true });
    expect(error).toMatchObject({ code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER', command: 'CONN' });
    expect(error.message).toMatch(/wrong version number/);
  });

  test('requireTLS against no-starttls → ETLS (500 to STARTTLS)', async () => {
    await expect(verify('no-starttls', GOOD)).resolves.toBe(true);
    expect(await verifyError('no-starttls', { ...GOOD, requireTLS: true })).toEqual({
      code: 'ETLS',
      originalCode: undefined,
      responseCode: 500,
      command: 'STARTTLS',
      response: '500 Error: command not recognized',
      timeoutType: undefined,
      permanent: true,
      message: 'Error upgrading connection with STARTTLS: 500 Error: command not recognized',
    });
  });

  test('certificate from an unknown CA → ESOCKET / UNABLE_TO_VERIFY_LEAF_SIGNATURE (STARTTLS and implicit TLS)', async () => {
    const expected = {
      code: 'ESOCKET',
      originalCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      command: 'CONN',
      message: 'unable to verify the first certificate',
    };
    const otherCa = { tls: { ca: [readFileSync(TLS.otherCa)] } };
    expect(await verifyError('starttls', { ...GOOD, ...otherCa })).toMatchObject(expected);
    expect(await verifyError('implicit-tls', { ...GOOD, ...otherCa, secure: true })).toMatchObject(expected);
    // no custom CA at all (Node's bundled roots): the same
    expect(await verifyError('starttls', { ...GOOD, tls: {} })).toMatchObject(expected);
  });

  test('certificate for another host name → ESOCKET / ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const error = await verifyError('starttls', { ...GOOD, tls: { ca: [readFileSync(TLS.ca)], servername: 'smtp.example.com' } });
    expect(error).toMatchObject({ code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID', command: 'CONN' });
    expect(error.message).toMatch(/^Hostname\/IP does not match certificate's altnames/);
  });

  test('greeting-timeout → ETIMEDOUT GREETING_TIMEOUT', async () => {
    expect(await verifyError('greeting-timeout', GOOD)).toMatchObject({
      code: 'ETIMEDOUT',
      command: 'CONN',
      timeoutType: 'GREETING_TIMEOUT',
      message: 'Greeting never received',
    });
  });

  test('greeting-421 → EPROTOCOL 421, temporary', async () => {
    expect(await verifyError('greeting-421', GOOD)).toEqual({
      code: 'EPROTOCOL',
      originalCode: undefined,
      responseCode: 421,
      command: 'CONN',
      response: GREETING_421,
      timeoutType: undefined,
      permanent: false,
      message: `Invalid greeting. response=${GREETING_421}: ${GREETING_421}`,
    });
  });

  test('refused → ESOCKET / ECONNREFUSED', async () => {
    const error = await verifyError('refused', GOOD);
    expect(error).toMatchObject({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' });
    expect(error.message).toBe(`connect ECONNREFUSED 127.0.0.1:${peers.refused.port}`);
  });
});

describe('XOAUTH2 through the OAuth2 fake', () => {
  test('good refresh token: the token endpoint is asked once, then AUTH XOAUTH2 passes', async () => {
    const before = oauth.requests.length;
    await expect(verify('xoauth2', oauth2(OAUTH_REFRESH_GOOD))).resolves.toBe(true);
    const requests = oauth.requests.slice(before).map((request) => Object.fromEntries(request.body));
    expect(requests).toEqual([
      { client_id: OAUTH_CLIENT_ID, client_secret: OAUTH_CLIENT_SECRET, refresh_token: OAUTH_REFRESH_GOOD, grant_type: 'refresh_token' },
    ]);
    expect(peers.xoauth2.authAttempts.at(-1)).toEqual({ method: 'XOAUTH2', username: SMTP_USER });
  });

  test('revoked refresh token → EAUTH / EOAUTH2 invalid_grant, before any AUTH reaches the server', async () => {
    const before = peers.xoauth2.authAttempts.length;
    expect(await verifyError('xoauth2', oauth2(OAUTH_REFRESH_REVOKED))).toEqual({
      code: 'EAUTH',
      originalCode: 'EOAUTH2',
      responseCode: undefined,
      command: 'AUTH XOAUTH2',
      response: undefined,
      timeoutType: undefined,
      permanent: undefined,
      message: 'invalid_grant: Token has been expired or revoked.',
    });
    expect(peers.xoauth2.authAttempts.length).toBe(before);
  });

  test('wrong client secret → EAUTH / EOAUTH2 invalid_client', async () => {
    expect(await verifyError('xoauth2', oauth2(OAUTH_REFRESH_GOOD, 'wrong-secret'))).toMatchObject({
      code: 'EAUTH',
      originalCode: 'EOAUTH2',
      command: 'AUTH XOAUTH2',
      message: 'invalid_client: Unauthorized',
    });
  });

  test('token endpoint unreachable → EAUTH / EFETCH', async () => {
    const accessUrl = `http://127.0.0.1:${peers.refused.port}/token`;
    const options = oauth2(OAUTH_REFRESH_GOOD);
    expect(await verifyError('xoauth2', { auth: { ...options.auth, accessUrl } })).toMatchObject({
      code: 'EAUTH',
      originalCode: 'EFETCH',
      command: 'AUTH XOAUTH2',
      message: `connect ECONNREFUSED 127.0.0.1:${peers.refused.port}`,
    });
  });

  test('a stale access token (no refresh token) → EAUTH 535 from the server', async () => {
    expect(await verifyError('xoauth2', { auth: { type: 'OAuth2', user: SMTP_USER, accessToken: 'stale' } })).toMatchObject({
      code: 'EAUTH',
      responseCode: 535,
      command: 'AUTH XOAUTH2',
      response: '535 Error: Username and Password not accepted',
    });
  });
});

describe('the fakes themselves', () => {
  test('messages and recipient rejections are recorded; delayMs slows the greeting', async () => {
    const peer = await startSmtpPeer('plain-auth', { delayMs: 50, rejectRecipients: ['Gone@Customer.test'] });
    const transporter = transport(peer, GOOD);
    try {
      const started = Date.now();
      await transporter.verify();
      // 100 ms smtp-server greeting delay + 50 before the greeting + 50 before the AUTH answer
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);

      const info = await transporter.sendMail({
        from: SMTP_USER,
        to: ['ap@customer.test', 'gone@customer.test'],
        subject: 'Invoice INV-1',
        text: 'Hello',
      });
      expect(info.accepted).toEqual(['ap@customer.test']);
      expect(info.rejected).toEqual(['gone@customer.test']);
      expect(peer.messages).toHaveLength(1);
      expect(peer.messages[0]).toMatchObject({ from: SMTP_USER, to: ['ap@customer.test'] });
      expect(peer.messages[0]?.raw).toMatch(/^Subject: Invoice INV-1\r$/m);

      const error: NodemailerError = await transporter
        .sendMail({ from: SMTP_USER, to: 'gone@customer.test', text: 'x' })
        .then(() => expect.fail('all recipients rejected'), (err: NodemailerError) => err);
      expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', rejected: ['gone@customer.test'] });
      expect(error.response).toBe('550 5.1.1 <gone@customer.test>: Recipient address rejected: User unknown');
    } finally {
      transporter.close();
      await peer.close();
    }
    expect(peer.connections).toBe(3);
  });

  test('intercept runs after DATA, with the message recorded, before the client gets its 250', async () => {
    const peer = await startSmtpPeer('plain-auth');
    const transporter = transport(peer, GOOD);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: { stage: string; recorded: number; subject: string | undefined; to: string[] }[] = [];
    peer.intercept = async (stage, message) => {
      seen.push({ stage, recorded: peer.messages.length, subject: message.headers.subject, to: message.to });
      await held;
    };
    try {
      let settled = false;
      const sending = transporter.sendMail({ from: SMTP_USER, to: 'ap@customer.test', subject: 'Invoice INV-2', text: 'Hello' }).finally(() => {
        settled = true;
      });
      while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      expect(seen).toEqual([{ stage: 'data', recorded: 1, subject: 'Invoice INV-2', to: ['ap@customer.test'] }]);
      release();
      const info = await sending;
      expect(info.response).toMatch(/^250 /);
      expect(peer.messages[0]?.headers['message-id']).toBe(info.messageId);

      // a rejecting interceptor turns the 250 into its error (451 unless it says otherwise); the message stays recorded
      peer.intercept = () => Promise.reject(Object.assign(new Error('4.3.0 Try again later'), { responseCode: 452 }));
      const error: NodemailerError = await transporter
        .sendMail({ from: SMTP_USER, to: 'ap@customer.test', text: 'x' })
        .then(() => expect.fail('the interceptor rejected'), (err: NodemailerError) => err);
      expect(error).toMatchObject({ code: 'EMESSAGE', responseCode: 452, command: 'DATA', response: '452 4.3.0 Try again later' });
      expect(peer.messages).toHaveLength(2);
    } finally {
      transporter.close();
      await peer.close();
    }
  });

  test('a client that dies while intercept holds the 250 does not break the peer', async () => {
    const peer = await startSmtpPeer('plain-auth');
    const socket = net.connect(peer.port, peer.host);
    socket.on('error', () => {});
    let buffer = '';
    socket.on('data', (chunk: Buffer) => (buffer += chunk.toString('utf8')));
    const reply = async (code: number): Promise<void> => {
      const final = new RegExp(`(^|\\r\\n)${code} [^\\r]*\\r\\n$`);
      while (!final.test(buffer)) await new Promise((resolve) => setTimeout(resolve, 5));
      buffer = '';
    };
    const send = async (line: string, code: number): Promise<void> => {
      socket.write(`${line}\r\n`);
      await reply(code);
    };
    let intercepted = false;
    peer.intercept = async () => {
      intercepted = true;
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const transporter = transport(peer, GOOD);
    try {
      await reply(220);
      await send('EHLO client.test', 250);
      await send(`AUTH PLAIN ${Buffer.from(`\0${SMTP_USER}\0${SMTP_PASS}`).toString('base64')}`, 235);
      await send(`MAIL FROM:<${SMTP_USER}>`, 250);
      await send('RCPT TO:<ap@customer.test>', 250);
      await send('DATA', 354);
      socket.write('Subject: lost 250\r\n\r\nHello\r\n.\r\n');
      while (!intercepted) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(peer.messages.map((m) => m.headers.subject)).toEqual(['lost 250']);

      peer.intercept = undefined;
      // settable rejections, read on every RCPT TO
      peer.rejectRecipients.push('Gone@Customer.test');
      const info = await transporter.sendMail({ from: SMTP_USER, to: ['ap@customer.test', 'gone@customer.test'], text: 'still here' });
      expect(info.rejected).toEqual(['gone@customer.test']);
      expect(peer.messages).toHaveLength(2);
    } finally {
      transporter.close();
      socket.destroy();
      await peer.close();
    }
  });

  test('close() does not wait for connected clients', async () => {
    const peer = await startSmtpPeer('starttls');
    const socket = net.connect(peer.port, peer.host);
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    // Were close() to wait for the client (which never leaves), this would hang past the test's timeout.
    await peer.close();
    expect(peer.connections).toBe(1);
    socket.destroy();
  });
});
