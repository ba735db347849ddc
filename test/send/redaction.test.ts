/**
 * Issue 11, "never a secret": peers that quote the credential they were given in their errors (a Stripe 400
 * quoting the key, a Twilio 400 quoting the auth token, SMTP 535 / 550 replies quoting the password or the
 * XOAUTH2 token and the base64 AUTH string, an OAuth2 endpoint quoting the refresh token and client secret).
 * The CLI is run against them — `check` live in every format, with --output and --verbose, `send`, `status` —
 * and stdout, stderr and every file the runs wrote (journal, index, outbox, report) are searched for each
 * secret in clear, JSON-escaped, URL-encoded and base64.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SMTP_PASS, SMTP_USER } from '../fakes/smtp.js';
import { OAUTH_ACCESS_TOKEN, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_GOOD } from '../fakes/oauth2.js';
import { runCli, type CliResult } from '../support/cli.js';
import { accountFor, CA, invoice, journalBytes, makeWorkspace, readJournal, STRIPE_KEYS, TWILIO_SIDS, type SendWorkspace, usePeers } from './workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

// Spaces, URL-special characters, a quote and a non-ASCII letter: each encoding differs from the clear text.
const STRIPE_KEY = 'sk_test_Ech0ingPr0xyKey4Redaction';
// The STARTTLS peer accepts only its own password (spaces: its URL encodings differ) unless it echoes.
const SMTP_PASSWORD = SMTP_PASS;
const TWILIO_AUTH = 'tw/t0k+en&=echo 9';
// The token endpoint knows only its own client secret and refresh token.
const REFRESH = OAUTH_REFRESH_GOOD;
const CLIENT_SECRET = OAUTH_CLIENT_SECRET;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Every form a secret could leak in: clear, JSON-escaped, URL-encoded (both styles), base64. */
function forms(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2), b64(secret)])];
}

/** Every file under the workspace but its own inputs (config and invoices), as text. */
function writtenFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (!['invoice-doctor.yaml', 'invoices.yaml'].includes(path.relative(dir, full))) out.set(path.relative(dir, full), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Asserts that no needle occurs in any run's output or any written file; names where it did. */
function expectNowhere(w: SendWorkspace, runs: CliResult[], needles: string[]): void {
  const places: Array<[string, string]> = [
    ...runs.flatMap((r, i): Array<[string, string]> => [[`run ${i} stdout`, r.stdout], [`run ${i} stderr`, r.stderr]]),
    ...[...writtenFiles(w.dir)].map(([file, text]): [string, string] => [file, text]),
  ];
  // The peers did quote something that was then written (masked): the test is not vacuous.
  expect(places.some(([, text]) => text.includes('[redacted]'))).toBe(true);
  const leaks = places.flatMap(([where, text]) => needles.filter((n) => text.includes(n)).map((n) => `${where}: ${JSON.stringify(n)}`));
  expect(leaks).toEqual([]);
}

/** `check` live in every format (human --verbose, json, ndjson, junit to --output, markdown, GitHub annotations), `send`, `status`. */
async function everyOutput(w: SendWorkspace, modes: { check(): void; send(): void }): Promise<CliResult[]> {
  modes.check();
  const check = (args: string[], env: Record<string, string> = {}) => runCli(['check', 'INV-1', ...args, '--config', w.config], { env: { ...w.env, ...env } });
  const checks = await Promise.all([
    check(['--verbose']),
    check(['--json']),
    check(['--format', 'ndjson']),
    check(['--format', 'junit', '--output', path.join(w.dir, 'report.xml')]),
    check(['--format', 'markdown', '--output', path.join(w.dir, 'report.md')]),
    check(['--json', '--output', path.join(w.dir, 'report.json')]),
    check([], { GITHUB_ACTIONS: 'true' }),
  ]);
  modes.send();
  const send = await runCli(['send', 'INV-1', '--yes', '--verbose', '--config', w.config], { env: w.env });
  const sendJson = await runCli(['send', 'INV-1', '--yes', '--json', '--config', w.config], { env: w.env });
  const status = await Promise.all([
    runCli(['status', 'INV-1', '--config', w.config], { env: w.env }),
    runCli(['status', 'INV-1', '--json', '--config', w.config], { env: w.env }),
  ]);
  return [...checks, send, sendJson, ...status];
}

function passwordAccount(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = accountFor(peers, overrides);
  const email = base.email as Record<string, any>;
  const sms = base.sms as Record<string, any>;
  return {
    ...base,
    payments: { provider: 'stripe', stripe: { secret_key: '${STRIPE_SECRET_KEY}', api_base: peers.stripe.url } },
    email: { ...email, smtp: { ...email.smtp, pass: '${SMTP_PASS}' } },
    sms: { ...sms, twilio: { ...sms.twilio, auth_token: '${TWILIO_AUTH_TOKEN}' } },
  };
}

function workspaceWith(account: Record<string, unknown>, secrets: Record<string, string>): SendWorkspace {
  // The peers' worlds know these credentials, so that the send gets past its checks to the echoing request.
  if (secrets.STRIPE_SECRET_KEY) peers.stripe.world.keys[secrets.STRIPE_SECRET_KEY] = peers.stripe.world.keys[STRIPE_KEYS.good]!;
  if (secrets.TWILIO_AUTH_TOKEN) peers.twilio.world.accounts[TWILIO_SIDS.active]!.authToken = secrets.TWILIO_AUTH_TOKEN;
  const w = makeWorkspace(peers, { accounts: { shop: account }, invoices: [invoice('INV-1')] });
  Object.assign(w.env, secrets);
  return w;
}

/** The outbox as text: its records as `journal export` prints them, and the raw bytes of its files. */
const journal = () => `${readJournal(ws!).map((r) => JSON.stringify(r)).join('\n')}\n${journalBytes(ws!)}`;

const LONG = 180_000; // a dozen CLI runs against the peers, on a loaded machine

describe('a peer that quotes the credential in its error: no secret in any output or file', () => {
  const secrets = { STRIPE_SECRET_KEY: STRIPE_KEY, SMTP_PASS: SMTP_PASSWORD, TWILIO_AUTH_TOKEN: TWILIO_AUTH };
  const common = () => [...forms(STRIPE_KEY), ...forms(SMTP_PASSWORD), ...forms(TWILIO_AUTH)];

  it('Stripe: a 400 quoting the key in message, param and doc_url (check: on reads; send: on creating the link)', async () => {
    ws = workspaceWith(passwordAccount(), secrets);
    const runs = await everyOutput(ws, { check: () => (peers.stripe.echoCredentials = true), send: () => (peers.stripe.echoCredentials = 'writes') });
    // The peer did quote it, and the send recorded the failure in the journal.
    expect(journal()).toMatch(/"step":"link","phase":"result"/);
    expect(journal()).toContain('[redacted]');
    expectNowhere(ws, runs, common());
  }, LONG);

  it('Twilio: a 400 quoting the auth token and the Basic header (check: on reads; send: on sending)', async () => {
    ws = workspaceWith(passwordAccount(), secrets);
    const runs = await everyOutput(ws, { check: () => (peers.twilio.echoCredentials = true), send: () => (peers.twilio.echoCredentials = 'writes') });
    expect(journal()).toMatch(/"step":"sms","phase":"result"/);
    expectNowhere(ws, runs, [...common(), b64(`${TWILIO_SIDS.active}:${TWILIO_AUTH}`)]);
  }, LONG);

  it('SMTP: a 535 (check) and a 550 (send) quoting the password and the AUTH PLAIN string', async () => {
    ws = workspaceWith(passwordAccount({ channels: ['email'] }), secrets);
    const runs = await everyOutput(ws, { check: () => (peers.smtp.starttls.echoCredentials = '535'), send: () => (peers.smtp.starttls.echoCredentials = '550') });
    expect(peers.smtp.starttls.authAttempts.length).toBeGreaterThan(0);
    expect(journal()).toMatch(/"step":"email","phase":"result"/);
    expectNowhere(ws, runs, [...common(), b64(`\0${SMTP_USER}\0${SMTP_PASSWORD}`)]);
  }, LONG);

  const oauthAccount = () =>
    accountFor(peers, {
      channels: ['email'],
      payments: { provider: 'stripe', stripe: { secret_key: '${STRIPE_SECRET_KEY}', api_base: peers.stripe.url } },
      email: {
        from: 'Northwind Plumbing <billing@acme.test>',
        transport: 'oauth2',
        oauth2: { user: SMTP_USER, client_id: OAUTH_CLIENT_ID, client_secret: '${OAUTH_CLIENT_SECRET}', refresh_token: '${OAUTH_REFRESH_TOKEN}', token_url: peers.oauth.tokenUrl, host: '127.0.0.1', port: peers.smtp.xoauth2.port, secure: false, ca_file: CA },
      },
    });

  it('OAuth2: the token endpoint quoting the refresh token and client secret', async () => {
    ws = workspaceWith(oauthAccount(), { STRIPE_SECRET_KEY: STRIPE_KEY, OAUTH_CLIENT_SECRET: CLIENT_SECRET, OAUTH_REFRESH_TOKEN: REFRESH });
    const runs = await everyOutput(ws, {
      check: () => (peers.oauth.echoCredentials = true),
      // The send's checks get a token; the send's own token fetch gets the echo (and fails the email).
      send: () => {
        peers.oauth.echoCredentials = false;
        peers.oauth.echoFrom = peers.oauth.requests.length + 1;
      },
    });
    expect(journal()).toMatch(/"step":"email","phase":"result"/);
    expectNowhere(ws, runs, [...forms(STRIPE_KEY), ...forms(CLIENT_SECRET), ...forms(REFRESH)]);
  }, LONG);

  it('SMTP XOAUTH2: a 535 (check) and a 550 (send) quoting the access token obtained at run time and the XOAUTH2 string', async () => {
    ws = workspaceWith(oauthAccount(), { STRIPE_SECRET_KEY: STRIPE_KEY, OAUTH_CLIENT_SECRET: 'fake-client-secret', OAUTH_REFRESH_TOKEN: 'fake-refresh-good' });
    const runs = await everyOutput(ws, { check: () => (peers.smtp.xoauth2.echoCredentials = '535'), send: () => (peers.smtp.xoauth2.echoCredentials = '550') });
    expect(peers.smtp.xoauth2.authAttempts.length).toBeGreaterThan(0);
    expect(journal()).toMatch(/"step":"email","phase":"result"/);
    expectNowhere(ws, runs, [...forms(OAUTH_ACCESS_TOKEN), b64(`user=${SMTP_USER}\x01auth=Bearer ${OAUTH_ACCESS_TOKEN}\x01\x01`)]);
  }, LONG);
});

describe('secrets of 1, 2 and 3 characters are never shown as a value', () => {
  it.each([
    ['Q', 'W'],
    ['Qz', 'Wk'],
    ['Qz9', 'Wk7'],
  ])('password %j and auth token %j, quoted by SMTP 535 / 550 replies and Twilio 400s', async (pass, token) => {
    ws = workspaceWith(passwordAccount(), { STRIPE_SECRET_KEY: 'sk_test_shortSecretsRun0001', SMTP_PASS: pass, TWILIO_AUTH_TOKEN: token });
    peers.smtp.starttls.echoCredentials = '535';
    peers.twilio.echoCredentials = true;
    const runs = [
      await runCli(['check', 'INV-1', '--verbose', '--config', ws.config], { env: ws.env }),
      await runCli(['check', 'INV-1', '--json', '--config', ws.config], { env: ws.env }),
    ];
    peers.smtp.starttls.echoCredentials = '550';
    peers.twilio.echoCredentials = 'writes';
    runs.push(
      await runCli(['send', 'INV-1', '--yes', '--json', '--config', ws.config], { env: ws.env }),
      await runCli(['status', 'INV-1', '--config', ws.config], { env: ws.env }),
    );
    expect(peers.smtp.starttls.authAttempts.length).toBeGreaterThan(0);
    expect(journal()).toMatch(/"step":"email","phase":"result"/);
    // Where the peers put them: after "password" and "auth token", and inside the base64 AUTH PLAIN / Basic strings.
    expectNowhere(ws, runs, [
      `password ${pass} `,
      `auth token ${token} `,
      b64(`\0${SMTP_USER}\0${pass}`),
      b64(`${TWILIO_SIDS.active}:${token}`),
    ]);
    expect(runs.map((r) => r.stdout + r.stderr).join('') + journal()).toContain('password [redacted]');
  }, LONG);
});
