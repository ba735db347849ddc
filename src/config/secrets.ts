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
