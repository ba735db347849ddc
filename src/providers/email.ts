import { constants as fsConstants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Account } from '../config/load.js';
import { failed, ok, oneLine, type Fault, type Read } from './fault.js';
import { redactor } from '../config/redact.js';
import { addAccessToken } from '../config/secrets.js';

/** The Gmail defaults, for an `oauth2` transport that names no host (Google is the common case). */
export const OAUTH2_DEFAULT_HOST = 'smtp.gmail.com';

/**
 * The SMTP target of an account's `email` config. The check has already made sure the required fields
 * are set; defaults follow nodemailer's (port 587 with STARTTLS, or 465 with implicit TLS).
 */
export function smtpTarget(account: Account, timeoutMs: number): SmtpTarget {
  const email = account.email!;
  if (email.transport === 'oauth2') {
    const o = email.oauth2 ?? {};
    const port = o.port ?? (o.secure === false ? 587 : 465);
    return {
      host: o.host ?? OAUTH2_DEFAULT_HOST,
      port,
      secure: o.secure ?? port === 465,
      requireTls: true,
      caFile: o.ca_file,
      auth: { kind: 'oauth2', user: o.user ?? '', clientId: o.client_id ?? '', clientSecret: o.client_secret ?? '', refreshToken: o.refresh_token ?? '', tokenUrl: o.token_url },
      timeoutMs,
    };
  }
  const s = email.smtp ?? {};
  const port = s.port ?? (s.secure ? 465 : 587);
  return {
    host: s.host ?? '',
    port,
    secure: s.secure ?? port === 465,
    requireTls: s.require_tls ?? false,
    caFile: s.ca_file,
    auth: s.user ? { kind: 'password', user: s.user, pass: s.pass ?? '' } : undefined,
    timeoutMs,
  };
}

/** An SMTP endpoint and how to log in to it, as the account's config describes it. */
export interface SmtpTarget {
  host: string;
  port: number;
  /** implicit TLS (port 465 style) */
  secure: boolean;
  /** refuse to go on without STARTTLS */
  requireTls: boolean;
  /** PEM bundle trusted in addition to the system CAs */
  caFile?: string;
  auth?: { kind: 'password'; user: string; pass: string } | { kind: 'oauth2'; user: string; clientId: string; clientSecret: string; refreshToken: string; tokenUrl?: string };
  timeoutMs: number;
}

/** What a successful probe learnt about the server. */
export interface SmtpProbe {
  host: string;
  port: number;
  /** the connection ended up encrypted (implicit TLS or STARTTLS) */
  tls: boolean;
  /** the server advertised AUTH */
  authOffered: boolean;
  authMethods: string[];
  /** credentials were sent and accepted; false when the server offered no AUTH (anything would "pass") */
  authTested: boolean;
  /** the first line of the server's EHLO reply: its name and banner */
  ehlo?: string;
}

/** Why a probe failed: the stage it reached and nodemailer's facts (code, SMTP reply, command). */
export interface SmtpFailure {
  /** the endpoint tried, after defaults (port 587/465, the OAuth2 default host) */
  host: string;
  port: number;
  /** implicit TLS was used (after the port-465 default) */
  secure: boolean;
  /** `config`: a setting could not be used (the CA file cannot be read) */
  stage: 'config' | 'connect' | 'greeting' | 'tls' | 'auth' | 'oauth2' | 'send';
  /** nodemailer's code (EAUTH, ESOCKET, ETIMEDOUT, ETLS, EPROTOCOL, EDNS, ECONNECTION) */
  code?: string;
  /** the system or TLS code below it (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, EOAUTH2…) */
  originalCode?: string;
  responseCode?: number;
  /** the server's reply, one line */
  response?: string;
  command?: string;
  timeoutType?: string;
  message: string;
}

export type SmtpResult = { ok: true; probe: SmtpProbe } | { ok: false; failure: SmtpFailure };

type SMTPConnectionType = InstanceType<typeof import('nodemailer/lib/smtp-connection').default>;
export type SmtpLogin = Parameters<SMTPConnectionType['login']>[0];

/**
 * nodemailer's SMTPConnection for a target, with the login it needs (password or XOAUTH2 with the
 * token endpoint), not yet connected. Shared by the probe and the sender, so both speak to the server
 * the same way. `phase` bounds each wait (connect, greeting, an idle socket).
 */
export async function openSmtpConnection(
  target: SmtpTarget,
  phase: number,
): Promise<{ ok: true; connection: SMTPConnectionType; auth?: SmtpLogin } | { ok: false; failure: SmtpFailure }> {
  const { default: SMTPConnection } = await import('nodemailer/lib/smtp-connection');
  let ca: Buffer | undefined;
  if (target.caFile) {
    try {
      ca = await readFile(target.caFile);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { ok: false, failure: { host: target.host, port: target.port, secure: target.secure, stage: 'config', code, message: `the CA file ${target.caFile} cannot be read (${code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : code})` } };
    }
  }
  const connection = new SMTPConnection({
    host: target.host,
    port: target.port,
    secure: target.secure,
    requireTLS: target.requireTls,
    connectionTimeout: phase,
    // Shorter than the connection timeout, which keeps running until the greeting: a silent server
    // must read as "no greeting" (a TLS-mode clue), not as an unreachable host.
    greetingTimeout: Math.floor(phase * 0.75),
    socketTimeout: phase,
    socketCloseTimeout: 0,
    logger: false,
    debug: false,
    tls: ca ? { ca: [ca] } : undefined,
  });

  let auth: SmtpLogin | undefined;
  if (target.auth?.kind === 'password') {
    auth = { user: target.auth.user, credentials: { user: target.auth.user, pass: target.auth.pass } };
  } else if (target.auth?.kind === 'oauth2') {
    const { default: XOAuth2 } = await import('nodemailer/lib/xoauth2');
    const a = target.auth;
    const oauth2 = new XOAuth2(Object.assign({ user: a.user, clientId: a.clientId, clientSecret: a.clientSecret, refreshToken: a.refreshToken, accessUrl: a.tokenUrl }, { requestTimeout: phase }), false);
    // The access token is a secret obtained at run time: a server that echoes the XOAUTH2 string
    // (base64) or the token must not get it printed or journaled.
    oauth2.on('token', (t: { accessToken?: string }) => addAccessToken(redactor, a.user, t.accessToken ?? ''));
    auth = {
      type: 'OAUTH2',
      user: a.user,
      method: 'XOAUTH2',
      // requestTimeout is read by XOAuth2's token fetch but missing from its option types.
      oauth2,
    };
  }
  return { ok: true, connection, auth };
}

/**
 * Does what nodemailer's `transporter.verify()` does — connect, greeting, EHLO, STARTTLS, AUTH, QUIT,
 * never MAIL FROM — on nodemailer's own SMTPConnection, so it can also tell whether AUTH was offered
 * at all (verify() passes with any password when it is not).
 */
export async function probeSmtp(target: SmtpTarget, hooks: { onConnecting?: () => void } = {}): Promise<SmtpResult> {
  // Short phases: a doctor must answer in seconds; nodemailer's defaults wait minutes.
  const phase = Math.max(300, Math.min(5_000, Math.floor(target.timeoutMs / 3)));
  const opened = await openSmtpConnection(target, phase);
  if (!opened.ok) return { ok: false, failure: opened.failure };
  const { connection, auth } = opened;
  return new Promise<SmtpResult>((resolve) => {
    let settled = false;
    let stage: SmtpFailure['stage'] = 'connect';
    const finish = (result: SmtpResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const fail = (error: unknown) => {
      // Settle before closing: close() emits 'end' synchronously, which would otherwise win.
      finish({ ok: false, failure: { host: target.host, port: target.port, secure: target.secure, ...smtpFailure(error, stage) } });
      connection.close();
    };
    connection.once('error', fail);
    connection.once('end', () => finish({ ok: false, failure: { host: target.host, port: target.port, secure: target.secure, stage, code: 'ECONNECTION', message: 'the server closed the connection' } }));
    connection.connect((error) => {
      if (error) return fail(error);
      const methods = [...(((connection as unknown as { _supportedAuth?: string[] })._supportedAuth) ?? [])];
      const probe: SmtpProbe = {
        host: target.host,
        port: target.port,
        tls: connection.secure,
        authOffered: connection.allowsAuth,
        authMethods: methods,
        authTested: false,
        ehlo: typeof connection.lastServerResponse === 'string' ? oneLine(connection.lastServerResponse.split(/\r?\n/)[0]!, 200) : undefined,
      };
      if (!auth || !connection.allowsAuth) {
        connection.quit();
        return finish({ ok: true, probe });
      }
      stage = target.auth?.kind === 'oauth2' ? 'oauth2' : 'auth';
      connection.login(auth, (loginError) => {
        if (loginError) return fail(loginError);
        connection.quit();
        finish({ ok: true, probe: { ...probe, authTested: true } });
      });
    });
    hooks.onConnecting?.();
  });
}

export function smtpFailure(error: unknown, stage: SmtpFailure['stage']): Omit<SmtpFailure, 'host' | 'port' | 'secure'> {
  const e = error as { code?: string; originalCode?: string; responseCode?: unknown; response?: unknown; command?: unknown; timeoutType?: string; message?: string };
  const original = e.originalCode ?? (e as { cause?: { code?: string } }).cause?.code;
  const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO|ERR_SSL|ERR_TLS|HOSTNAME|ALTNAME|SSL/;
  const inferred: SmtpFailure['stage'] =
    e.code === 'ETLS' || (original && tlsCodes.test(original)) || tlsCodes.test(String(e.message))
      ? 'tls'
      : e.code === 'EAUTH' && original === 'EOAUTH2'
        ? 'oauth2'
        : e.code === 'EAUTH' || e.code === 'ENOAUTH'
          ? stage === 'oauth2' ? 'oauth2' : 'auth'
          : e.timeoutType === 'GREETING_TIMEOUT' || (e.code === 'EPROTOCOL' && stage === 'connect')
            ? 'greeting'
            : stage;
  return {
    stage: inferred,
    code: e.code,
    originalCode: original,
    responseCode: typeof e.responseCode === 'number' ? e.responseCode : undefined,
    response: typeof e.response === 'string' ? oneLine(e.response, 200) : undefined,
    command: typeof e.command === 'string' ? e.command : undefined,
    timeoutType: e.timeoutType,
    message: oneLine(String(e.message ?? error), 200),
  };
}

/** The file transport's folder: it exists and is writable, or it can be created. */
export async function checkOutbox(dir: string): Promise<Read<{ dir: string; exists: boolean }>> {
  let current = path.resolve(dir);
  let exists = true;
  for (;;) {
    try {
      const s = await stat(current);
      if (!s.isDirectory()) return failed(outboxFault(`${current} is a file, not a folder`, 'ENOTDIR'));
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') return failed(outboxFault(`${dir} cannot be a folder: part of its path is a file (ENOTDIR)`, code));
      if (code !== 'ENOENT') return failed(outboxFault(`${current} cannot be read (${code})`, code));
      exists = false;
      const parent = path.dirname(current);
      if (parent === current) return failed(outboxFault(`no part of ${dir} exists`, 'ENOENT'));
      current = parent;
    }
  }
  try {
    await access(current, fsConstants.W_OK | fsConstants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return failed(outboxFault(exists ? `${current} is not writable (${code})` : `${dir} does not exist and ${current} is not writable, so it cannot be created (${code})`, code));
  }
  return ok({ dir: path.resolve(dir), exists });
}

function outboxFault(message: string, code: string | undefined): Fault {
  return { kind: 'permission', code, message };
}
