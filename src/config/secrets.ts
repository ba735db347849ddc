/** Config fields whose values are credentials, wherever they appear. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'secret_key', 'auth_token', 'pass', 'password', 'client_secret', 'refresh_token', 'access_token', 'api_key', 'token',
]);

/** Environment variable names that hold credentials even when interpolated into an ordinary field. */
export const SECRET_VARIABLE = /(KEY|TOKEN|SECRET|PASS|PASSWORD|CREDENTIAL)/i;

export function isSecretField(path: readonly (string | number)[]): boolean {
  const last = path[path.length - 1];
  return typeof last === 'string' && SECRET_FIELDS.has(last);
}

/** Config fields naming who a secret belongs to: a server may echo the pair, encoded, back. */
const LOGIN_FIELDS = ['user', 'username', 'account_sid', 'client_id', 'api_key_sid'] as const;

interface Registry {
  add(value: unknown): void;
  addEncoded(value: string): void;
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * Registers the strings a client builds from a login and its secret, as a server or proxy may quote
 * them back whole: SMTP AUTH PLAIN (`\0user\0pass`, also with the user as authorisation identity) and
 * HTTP Basic (`user:secret`, Twilio's account SID and auth token), base64-encoded. A short password is
 * found this way too, where its own base64 would be too short to search for.
 */
export function addLoginForms(redactor: Registry, login: string, secret: string): void {
  if (!secret) return;
  redactor.add(secret);
  redactor.addEncoded(base64(`\0${login}\0${secret}`));
  redactor.addEncoded(base64(`${login}\0${login}\0${secret}`));
  redactor.addEncoded(base64(`${login}:${secret}`));
}

/** An OAuth2 access token obtained at run time, and the SMTP XOAUTH2 string built from it (RFC 7628 form). */
export function addAccessToken(redactor: Registry, user: string, accessToken: string): void {
  if (!accessToken) return;
  redactor.add(accessToken);
  redactor.addEncoded(base64(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`));
}

/** Walks an interpolated config and registers every login + secret pair it holds (see {@link addLoginForms}). */
export function addConfigLogins(redactor: Registry, node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) addConfigLogins(redactor, item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const logins = LOGIN_FIELDS.map((f) => record[f]).filter((v): v is string => typeof v === 'string' && v !== '');
  for (const [key, value] of Object.entries(record)) {
    if (SECRET_FIELDS.has(key) && (typeof value === 'string' || typeof value === 'number')) {
      redactor.add(value);
      for (const login of logins) addLoginForms(redactor, login, String(value));
    } else {
      addConfigLogins(redactor, value);
    }
  }
}
