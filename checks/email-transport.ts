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
    EMAIL_NOT_CONFIGURED: {
      severity: 'fail',
      summary: 'no email transport, or a setting it needs is empty',
      remediation: {
        cause: 'The email integration is not set up: there is no email transport, or a setting it needs (host, password, OAuth2 client or refresh token) is empty — often an environment variable that is not set.',
        steps: [
          'Go to Settings → Integrations (or Settings → Invoicing → Emails → SMTP Settings) and connect the email account.',
          'In invoice-doctor\'s configuration, fill in the setting named in the message under `accounts.<id>.email`, or set the environment variable it reads.',
          'Run the check again; the SMTP status should become Verified.',
        ],
      },
    },
    SMTP_AUTH_FAILED: {
      severity: 'fail',
      summary: 'the SMTP server rejected the login',
      remediation: {
        cause: 'The mail server rejected the username and password (the server\'s reply is in the message). The integration shows "Needs Attention": the password was changed, or the provider now requires an app password or OAuth2 (e.g. Gmail 535-5.7.8, Outlook 535 5.7.139 "basic authentication is disabled").',
        steps: [
          'Go to Settings → Integrations, Email row; if it shows "Needs Attention", re-authenticate.',
          'For SMTP settings (Settings → Invoicing → Emails → SMTP Settings): re-enter the username and password; for Gmail or Microsoft 365 create an app password, or switch to OAuth2.',
          'Update the environment variable that `accounts.<id>.email.smtp.pass` reads, then run the check again until the status is Verified.',
        ],
        docs: 'https://nodemailer.com/smtp/',
      },
    },
    SMTP_TLS_FAILED: {
      severity: 'fail',
      summary: "the server's TLS certificate could not be verified",
      remediation: {
        cause: 'The connection to the mail server could not be secured: its TLS certificate was not issued by a trusted authority, has expired, or does not name the host.',
        steps: [
          'Check that the SMTP host name is exactly the one on the provider\'s documentation (the certificate must name it).',
          'If the server uses a private certificate authority, set `accounts.<id>.email.smtp.ca_file` to its CA certificate (PEM).',
          'Ask the mail provider to renew an expired certificate; then run the check again.',
        ],
      },
    },
    SMTP_TLS_MODE_MISMATCH: {
      severity: 'fail',
      summary: 'the TLS setting does not match the port (implicit TLS vs STARTTLS)',
      remediation: {
        cause: 'The TLS setting does not match the port: port 465 uses implicit TLS (secure: true); ports 587 and 25 start in plain text and upgrade with STARTTLS (secure: false). With require_tls, the server must offer STARTTLS.',
        steps: [
          'Look up the provider\'s SMTP settings: port 465 → `secure: true`; port 587 → `secure: false` (STARTTLS).',
          'Fix `accounts.<id>.email.smtp.port` / `secure` (or `require_tls`) to match, then run the check again.',
        ],
        docs: 'https://nodemailer.com/smtp/#tls-options',
      },
    },
    OAUTH_REAUTH_REQUIRED: {
      severity: 'fail',
      summary: 'the OAuth2 refresh token was revoked or expired: re-authenticate',
      remediation: {
        cause: 'The email integration lost its authorisation: the OAuth2 refresh token was revoked or expired (invalid_grant). This is the "Needs Attention" state; Google also expires tokens after 7 days while the OAuth app is in Testing.',
        steps: [
          'Go to Settings → Integrations and check the Email row; it shows "Needs Attention".',
          'Click re-authenticate (reconnect) and sign in with the sending mailbox, granting mail access.',
          'Store the new refresh token where `accounts.<id>.email.oauth2.refresh_token` reads it, then run the check again.',
          'If it keeps expiring after a week, publish the Google OAuth app (move it out of "Testing").',
        ],
        docs: 'https://developers.google.com/identity/protocols/oauth2#expiration',
      },
    },
    OUTBOX_NOT_WRITABLE: {
      severity: 'fail',
      summary: "the file transport's folder cannot be written",
      remediation: {
        cause: 'The file transport writes each message as an .eml file, but its folder cannot be written (missing permission, or the path is a file).',
        steps: [
          'Check the folder named in the message: it must be a folder the user running invoice-doctor can write to.',
          'Fix the permissions, or point `accounts.<id>.email.file.dir` at a writable folder, then run the check again.',
        ],
      },
    },
    SMTP_AUTH_NOT_TESTED: {
      severity: 'warn',
      summary: 'the server offered no AUTH, so the credentials were not tested',
      remediation: {
        cause: 'The server did not offer authentication (no AUTH in its EHLO reply), so the configured username and password were never tested; any password would look fine here. The server may still refuse to relay mail to customers.',
        steps: [
          'Check that the host and port are the provider\'s authenticated submission endpoint (usually port 587 with STARTTLS, or 465), not a relay port.',
          'If the server only offers AUTH after STARTTLS, make sure TLS is not disabled.',
          'Send one test invoice to yourself to prove relaying works.',
        ],
      },
    },
    SMTP_UNREACHABLE: {
      severity: 'error',
      summary: 'the SMTP server (or the OAuth2 token endpoint) could not be reached, or refused service',
      remediation: {
        cause: 'The mail server (or the OAuth2 token endpoint) could not be used: connection refused, host not found, or a temporary refusal (e.g. 421). Whether the settings are right is unknown.',
        steps: [
          'Check the host and port in Settings → Invoicing → Emails → SMTP Settings (`accounts.<id>.email.smtp.host` / `port`) against the provider\'s documentation.',
          'Check that this machine may connect out on that port (firewalls often block 25 and 465).',
          'Run the check again in a few minutes; a 421 reply is temporary.',
        ],
      },
    },
    SMTP_TIMEOUT: {
      severity: 'error',
      summary: 'the SMTP server did not answer in time',
      remediation: {
        cause: 'The mail server did not answer in time (no connection or no greeting), so whether the settings work is unknown. A wrong port or a firewall dropping packets looks like this.',
        steps: [
          'Check the host and port against the provider\'s documentation.',
          'Check that outbound connections on that port are allowed from this machine.',
          'Run the check again; raise --timeout if the server is slow.',
        ],
      },
    },
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

