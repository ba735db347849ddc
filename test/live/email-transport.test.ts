import { afterAll, beforeAll, it } from 'vitest';
import { makeAccount, makeInvoice, runOne } from '../helpers/factories.js';
import { startSmtpPeers, SMTP_USER, SMTP_PASS, TLS } from '../fakes/smtp.js';
import { startOAuth2Fake, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_GOOD, OAUTH_REFRESH_REVOKED } from '../fakes/oauth2.js';
import type { Account } from '../../src/config/load.js';
let peers: Awaited<ReturnType<typeof startSmtpPeers>>;
let oauth: Awaited<ReturnType<typeof startOAuth2Fake>>;
beforeAll(async () => { [peers, oauth] = await Promise.all([startSmtpPeers(), startOAuth2Fake()]); });
afterAll(async () => { await Promise.all([peers?.close(), oauth?.close()]); });
const run = (email: Account['email'], timeoutMs = 2400) => runOne('email.transport', makeInvoice(), makeAccount({ email }), { offline: false, timeoutMs });
const smtp = (p: { port: number }, extra: object = {}) => ({ transport: 'smtp' as const, smtp: { host: '127.0.0.1', port: p.port, user: SMTP_USER, pass: SMTP_PASS, ...extra } });
it('dump', async () => {
  const cases: Record<string, () => Promise<unknown>> = {
    starttls: () => run(smtp(peers.starttls, { ca_file: TLS.ca })),
    implicit: () => run(smtp(peers['implicit-tls'], { ca_file: TLS.ca, secure: true })),
    plain: () => run(smtp(peers['plain-auth'])),
    wrongpw: () => run(smtp(peers.starttls, { ca_file: TLS.ca, pass: 'Tr0ub4dor&3' })),
    noauth: () => run(smtp(peers['no-auth'], { ca_file: TLS.ca, pass: 'wrong' })),
    secureOnStarttls: () => run(smtp(peers.starttls, { ca_file: TLS.ca, secure: true })),
    plainOnImplicit: () => run(smtp(peers['implicit-tls'], { ca_file: TLS.ca, secure: false })),
    plainOnImplicitNoCa: () => run(smtp(peers['implicit-tls'], { secure: false })),
    requireTls: () => run(smtp(peers['no-starttls'], { require_tls: true })),
    otherCa: () => run(smtp(peers.starttls, { ca_file: TLS.otherCa })),
    noCa: () => run(smtp(peers.starttls)),
    greetTimeout: () => run(smtp(peers['greeting-timeout'])),
    refused: () => run(smtp(peers.refused)),
    g421: () => run(smtp(peers['greeting-421'])),
    oauthGood: () => run({ transport: 'oauth2', oauth2: { user: SMTP_USER, client_id: OAUTH_CLIENT_ID, client_secret: OAUTH_CLIENT_SECRET, refresh_token: OAUTH_REFRESH_GOOD, token_url: oauth.tokenUrl, host: '127.0.0.1', port: peers.xoauth2.port, secure: false, ca_file: TLS.ca } as never }),
    oauthNoCa: () => run({ transport: 'oauth2', oauth2: { user: SMTP_USER, client_id: OAUTH_CLIENT_ID, client_secret: OAUTH_CLIENT_SECRET, refresh_token: OAUTH_REFRESH_GOOD, token_url: oauth.tokenUrl, host: '127.0.0.1', port: peers.xoauth2.port, secure: false } }),
    oauthRevoked: () => run({ transport: 'oauth2', oauth2: { user: SMTP_USER, client_id: OAUTH_CLIENT_ID, client_secret: OAUTH_CLIENT_SECRET, refresh_token: OAUTH_REFRESH_REVOKED, token_url: oauth.tokenUrl, host: '127.0.0.1', port: peers.xoauth2.port, secure: false, ca_file: TLS.ca } as never }),
    oauthBadSecret: () => run({ transport: 'oauth2', oauth2: { user: SMTP_USER, client_id: OAUTH_CLIENT_ID, client_secret: 'nope', refresh_token: OAUTH_REFRESH_GOOD, token_url: oauth.tokenUrl, host: '127.0.0.1', port: peers.xoauth2.port, secure: false, ca_file: TLS.ca } as never }),
    oauthDown: () => run({ transport: 'oauth2', oauth2: { user: SMTP_USER, client_id: OAUTH_CLIENT_ID, client_secret: OAUTH_CLIENT_SECRET, refresh_token: OAUTH_REFRESH_GOOD, token_url: `http://127.0.0.1:${peers.refused.port}/token`, host: '127.0.0.1', port: peers.xoauth2.port, secure: false, ca_file: TLS.ca } as never }),
    oauthNoStarttls: () => run({ transport: 'oauth2', oauth2: { user: SMTP_USER, client_id: OAUTH_CLIENT_ID, client_secret: OAUTH_CLIENT_SECRET, refresh_token: OAUTH_REFRESH_GOOD, token_url: oauth.tokenUrl, host: '127.0.0.1', port: peers['no-starttls'].port, secure: false } }),
    oauthOnPlainImplicit: () => run({ transport: 'oauth2', oauth2: { user: SMTP_USER, client_id: OAUTH_CLIENT_ID, client_secret: OAUTH_CLIENT_SECRET, refresh_token: OAUTH_REFRESH_GOOD, token_url: oauth.tokenUrl, host: '127.0.0.1', port: peers['implicit-tls'].port, secure: false, ca_file: TLS.ca } as never }),
    unknownHost: () => run({ transport: 'smtp', smtp: { host: 'nonexistent.invalid', port: 2525 } }),
  };
  const t0 = Date.now();
  const out = await Promise.all(Object.entries(cases).map(async ([k, f]) => { const s = Date.now(); const r = await f() as { status: string; code?: string; message: string; data: unknown; durationMs: number }; return [k, Date.now() - s, r.status, r.code, r.message, JSON.stringify(r.data)]; }));
  for (const o of out) console.log(o.join(' | '));
  console.log('total', Date.now() - t0);
});
