import { defineCheck, configGaps, describeGaps } from '../src/index.js';

/** The settings each transport cannot do without (`pass` only when a user is set: see below). */
const REQUIRED: Record<string, readonly string[]> = {
  smtp: ['email.smtp.host'],
  oauth2: ['email.oauth2.user', 'email.oauth2.client_id', 'email.oauth2.client_secret', 'email.oauth2.refresh_token'],
  file: ['email.file.dir'],
};

export default defineCheck({
  id: 'email.transport',
  title: 'Email transport verified',
  description: "The account's email transport works, tested the way a send would use it: SMTP connects, negotiates TLS as configured and accepts the login (without sending any mail); OAuth2 refreshes its access token and logs in; the file transport's folder is writable.",
  category: 'email',
  channels: ['email'],
  scope: 'account',
  needsNetwork: true,
  runsOffline: true,
  article: ['servinix/invoice-not-sending#4', 'ooti/cant-send-an-invoice#1'],
  codes: {
    EMAIL_NOT_CONFIGURED: { severity: 'fail', summary: 'no email transport, or a setting it needs is empty' },
    SMTP_AUTH_FAILED: { severity: 'fail', summary: 'the SMTP server rejected the login' },
    SMTP_TLS_FAILED: { severity: 'fail', summary: "the server's TLS certificate could not be verified" },
    SMTP_TLS_MODE_MISMATCH: { severity: 'fail', summary: 'the TLS setting does not match the port (implicit TLS vs STARTTLS)' },
    OAUTH_REAUTH_REQUIRED: { severity: 'fail', summary: 'the OAuth2 refresh token was revoked or expired: re-authenticate' },
    OUTBOX_NOT_WRITABLE: { severity: 'fail', summary: "the file transport's folder cannot be written" },
    SMTP_AUTH_NOT_TESTED: { severity: 'warn', summary: 'the server offered no AUTH, so the credentials were not tested' },
    SMTP_UNREACHABLE: { severity: 'error', summary: 'the SMTP server (or the OAuth2 token endpoint) could not be reached, or refused service' },
    SMTP_TIMEOUT: { severity: 'error', summary: 'the SMTP server did not answer in time' },
  },
  async run(ctx) {
    const { account } = ctx;
    const email = account.email;
    if (!email) return ctx.fail('EMAIL_NOT_CONFIGURED', { message: `Account ${account.id} has no email settings (accounts.${account.id}.email), so invoices cannot be emailed.`, data: {} });
    const required = [...REQUIRED[email.transport]!];
    if (email.transport === 'smtp' && email.smtp?.user) required.push('email.smtp.pass');
    const gaps = configGaps(account, required, { section: 'email' });
    if (gaps.length > 0) {
      return ctx.fail('EMAIL_NOT_CONFIGURED', { message: `The ${email.transport} transport needs ${describeGaps(account, gaps)}.`, data: { transport: email.transport, missing: gaps.map((g) => g.field), variables: gaps.flatMap((g) => (g.variable ? [g.variable] : [])) } });
    }

    if (email.transport === 'file') {
      const dir = email.file!.dir;
      const read = await ctx.facts.outbox(dir);
      if (!read.ok) return ctx.fail('OUTBOX_NOT_WRITABLE', { message: `The file transport cannot write its .eml files: ${read.fault.message}.`, data: { transport: 'file', dir, code: read.fault.code } });
      return ctx.pass(`File transport: messages are written to ${read.value.dir}${read.value.exists ? '' : ' (created on the first send)'}.`, { transport: 'file', dir: read.value.dir, exists: read.value.exists });
    }

    const result = await ctx.facts.smtp();
    const settings = email.transport === 'oauth2' ? email.oauth2 ?? {} : email.smtp ?? {};
    if (result.ok) {
      const p = result.probe;
      const data = { transport: email.transport, host: p.host, port: p.port, tls: p.tls, authOffered: p.authOffered, authMethods: p.authMethods, authTested: p.authTested, ehlo: p.ehlo };
      const tls = p.tls ? 'TLS' : 'no TLS';
      if (email.transport === 'smtp' && email.smtp?.user && !p.authOffered) {
        return ctx.warn('SMTP_AUTH_NOT_TESTED', { message: `${p.host}:${p.port} accepted the connection (${tls}) but offered no AUTH, so the login of accounts.${account.id}.email.smtp.user was not tested: any password would pass here, and the server may refuse to relay mail.`, data });
      }
      const login = p.authTested ? (email.transport === 'oauth2' ? 'OAuth2 token refreshed and accepted' : 'login accepted') : 'no login configured';
      return ctx.pass(`${p.host}:${p.port}: connected, ${tls}, ${login}.`, data);
    }

    const f = result.failure;
    const reply = f.response ? ` The server replied: ${f.response}` : '';
    const where = `${f.host}:${f.port}`;
    const data = { transport: email.transport, host: f.host, port: f.port, stage: f.stage, code: f.code, originalCode: f.originalCode, responseCode: f.responseCode, response: f.response, command: f.command };
    const tlsSetting = `accounts.${account.id}.email.${email.transport}.secure`;
    if (f.stage === 'oauth2' && /^invalid_grant/i.test(f.message)) {
      return ctx.fail('OAUTH_REAUTH_REQUIRED', { message: `The OAuth2 refresh token for ${(settings as { user?: string }).user ?? 'the sender'} was refused by the token endpoint: ${f.message}`, data });
    }
    if (f.stage === 'config') {
      return ctx.fail('EMAIL_NOT_CONFIGURED', { message: `accounts.${account.id}.email.${email.transport}.ca_file: ${f.message}.`, data: { ...data, missing: [`email.${email.transport}.ca_file`] } });
    }
    if (f.stage === 'oauth2' && /^invalid_client/i.test(f.message)) {
      return ctx.fail('SMTP_AUTH_FAILED', { message: `The OAuth2 token endpoint refused the client credentials (accounts.${account.id}.email.oauth2.client_id / client_secret): ${f.message}`, data });
    }
    if (f.stage === 'oauth2' && f.originalCode === 'EFETCH') {
      return ctx.error('SMTP_UNREACHABLE', { message: `The OAuth2 token endpoint could not be reached: ${f.message}.`, data });
    }
    if (f.stage === 'auth' || f.stage === 'oauth2') {
      const who = email.transport === 'oauth2' ? `the OAuth2 client (accounts.${account.id}.email.oauth2.client_id / client_secret) or user` : `accounts.${account.id}.email.smtp.user / pass`;
      return ctx.fail('SMTP_AUTH_FAILED', { message: `${where} rejected the login of ${who}${f.responseCode ? ` with ${f.responseCode}` : ''}.${reply || ` ${f.message}`}`, data });
    }
    if (f.originalCode === 'ERR_SSL_WRONG_VERSION_NUMBER' || (f.code === 'ETLS' && f.command === 'STARTTLS')) {
      const message = f.code === 'ETLS'
        ? `${where} does not offer STARTTLS, and ${email.transport === 'oauth2' ? 'OAuth2 logins are only sent over TLS' : `accounts.${account.id}.email.smtp.require_tls is true`}.${reply}`
        : `${where} does not speak TLS from the first byte, but ${tlsSetting} is true: this port expects STARTTLS (secure: false), or implicit TLS is on port 465.`;
      return ctx.fail('SMTP_TLS_MODE_MISMATCH', { message, data });
    }
    if (f.stage === 'tls') {
      return ctx.fail('SMTP_TLS_FAILED', { message: `The TLS certificate of ${where} could not be verified (${f.originalCode ?? f.code}: ${f.message}).`, data });
    }
    if (f.timeoutType === 'GREETING_TIMEOUT' || f.code === 'ETIMEDOUT') {
      if (f.timeoutType === 'GREETING_TIMEOUT' && !f.secure && (await ctx.facts.smtpImplicitTls())) {
        return ctx.fail('SMTP_TLS_MODE_MISMATCH', { message: `${where} sent no greeting in plain text but answers over TLS: it expects implicit TLS, so set ${tlsSetting}: true (or use port 587 with STARTTLS).`, data: { ...data, implicitTls: true } });
      }
      return ctx.error('SMTP_TIMEOUT', { message: `${where} did not answer in time (${f.timeoutType === 'GREETING_TIMEOUT' ? 'no greeting' : 'connection timed out'}).`, data });
    }
    const unreachable = f.originalCode === 'ECONNREFUSED' ? 'connection refused' : f.code === 'EDNS' || f.originalCode === 'ENOTFOUND' ? 'host not found' : f.responseCode ? `refused service with ${f.responseCode}` : f.message;
    return ctx.error('SMTP_UNREACHABLE', { message: `${where} could not be used: ${unreachable}.${reply}`, data });
  },
});

