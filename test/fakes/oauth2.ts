/**
 * A Google-style OAuth2 token endpoint (refresh-token grant only) on 127.0.0.1, for nodemailer's
 * `auth: { type: 'OAuth2', …, accessUrl: tokenUrl }`. Answers like https://oauth2.googleapis.com/token:
 *  - good client + OAUTH_REFRESH_GOOD      → 200 { access_token: 'fake-access-token', expires_in: 3599, token_type: 'Bearer' }
 *  - good client + OAUTH_REFRESH_REVOKED   → 400 { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }
 *  - good client + any other refresh token → 400 { error: 'invalid_grant', error_description: 'Bad Request' }
 *  - unknown client id or wrong secret     → 401 { error: 'invalid_client', error_description: 'Unauthorized' }
 *  - grant_type other than refresh_token   → 400 { error: 'unsupported_grant_type', … }
 *  - anything but POST                     → 405 { error: 'invalid_request', … }
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const OAUTH_CLIENT_ID = 'fake-client-id.apps.googleusercontent.com';
export const OAUTH_CLIENT_SECRET = 'fake-client-secret';
export const OAUTH_REFRESH_GOOD = 'fake-refresh-good';
export const OAUTH_REFRESH_REVOKED = 'fake-refresh-revoked';
/** What a good refresh token is exchanged for; the `xoauth2` SMTP scenario accepts exactly this. */
export const OAUTH_ACCESS_TOKEN = 'fake-access-token';

export interface OAuth2Fake {
  /** e.g. http://127.0.0.1:PORT/token */
  tokenUrl: string;
  /** every request in arrival order, body parsed as a form */
  requests: { body: URLSearchParams }[];
  /**
   * Settable (redaction tests): every request is answered 400 invalid_grant with an error_description
   * quoting the refresh token and client secret it received, in clear and URL-encoded.
   */
  echoCredentials?: boolean;
  /**
   * Settable (redaction tests): like {@link echoCredentials}, but only from the request with this index (0-based,
   * into `requests`) on: set it to `requests.length + 1` and the next token fetch (a send's gate) succeeds, the
   * one after it (the send's own) is answered with the echo.
   */
  echoFrom?: number;
  close(): Promise<void>;
}

function answer(status: number, body: unknown): { status: number; body: unknown } {
  return { status, body };
}

function tokenResponse(method: string, form: URLSearchParams): { status: number; body: unknown } {
  if (method !== 'POST') return answer(405, { error: 'invalid_request', error_description: 'Only POST is supported.' });
  if (form.get('client_id') !== OAUTH_CLIENT_ID || form.get('client_secret') !== OAUTH_CLIENT_SECRET) {
    return answer(401, { error: 'invalid_client', error_description: 'Unauthorized' });
  }
  if (form.get('grant_type') !== 'refresh_token') {
    return answer(400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.get('grant_type') ?? ''}` });
  }
  switch (form.get('refresh_token')) {
    case OAUTH_REFRESH_GOOD:
      return answer(200, { access_token: OAUTH_ACCESS_TOKEN, expires_in: 3599, token_type: 'Bearer', scope: 'https://mail.google.com/' });
    case OAUTH_REFRESH_REVOKED:
      return answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    default:
      return answer(400, { error: 'invalid_grant', error_description: 'Bad Request' });
  }
}

/** A token endpoint that quotes the credentials it was sent (see {@link OAuth2Fake.echoCredentials}). */
function echoResponse(form: URLSearchParams): { status: number; body: unknown } {
  const refresh = form.get('refresh_token') ?? '';
  const secret = form.get('client_secret') ?? '';
  return answer(400, {
    error: 'invalid_grant',
    error_description: `Refresh token ${refresh} is not valid for client ${form.get('client_id') ?? ''} with secret ${secret}`,
    error_uri: `https://oauth.example/errors?refresh_token=${encodeURIComponent(refresh)}&client_secret=${encodeURIComponent(secret)}`,
  });
}

export async function startOAuth2Fake(): Promise<OAuth2Fake> {
  const requests: { body: URLSearchParams }[] = [];
  const fake: OAuth2Fake = { tokenUrl: '', requests, close: async () => {} };
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      requests.push({ body });
      const echo = fake.echoCredentials || (fake.echoFrom !== undefined && requests.length - 1 >= fake.echoFrom);
      const { status, body: json } = echo ? echoResponse(body) : tokenResponse(req.method ?? 'GET', body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(json));
    });
  });
  server.on('error', () => {});
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

  let closing: Promise<void> | undefined;
  fake.tokenUrl = `http://127.0.0.1:${port}/token`;
  fake.close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }));
  return fake;
}
