/**
 * `journal: postgres://user:password@host:port/db?…` names the shared outbox (src/store/postgres.ts).
 * The URL carries a credential: this module is the one place that takes it apart, so that the config
 * loader can register its secrets with the redactor before anything is printed, and every message can
 * name the database by a form that holds no secret (`postgres://user@host:port/db`).
 */

export interface DatabaseUrl {
  /** safe to print: no password, no query string */
  where: string;
  host: string;
  port: number;
  user?: string;
  database?: string;
  /** the password and any `password=` / `sslpassword=` query values, as written and decoded */
  secrets: string[];
}

const SCHEME = /^postgres(?:ql)?:\/\//i;

/** Whether a `journal:` value names a Postgres database rather than a file. */
export function isDatabaseUrl(value: string): boolean {
  return SCHEME.test(value);
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Takes a `postgres://` URL apart. Returns undefined when it cannot be parsed (the caller says so without
 * quoting it: it may hold a password). The secrets are collected from the raw text as well, so a URL
 * that WHATWG parsing rejects still has its password registered.
 */
export function parseDatabaseUrl(value: string): DatabaseUrl | undefined {
  const secrets = new Set<string>();
  // As written: `scheme://user:PASSWORD@`, up to the last `@` before the path (a password may hold an `@`).
  const authority = value.replace(SCHEME, '').split(/[/?#]/)[0] ?? '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) {
      const raw = userinfo.slice(colon + 1);
      if (raw) {
        secrets.add(raw);
        secrets.add(decode(raw));
      }
    }
  }
  const query = value.includes('?') ? value.slice(value.indexOf('?') + 1).split('#')[0]! : '';
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (!/^(?:ssl)?password$/i.test(decode(pair.slice(0, eq)))) continue;
    const raw = pair.slice(eq + 1);
    if (raw) {
      secrets.add(raw);
      secrets.add(decode(raw.replace(/\+/g, ' ')));
    }
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const params = url.searchParams;
  const host = decode(url.hostname) || params.get('host') || 'localhost';
  const portText = url.port || params.get('port') || '5432';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const user = decode(url.username) || params.get('user') || undefined;
  const database = decode(url.pathname.replace(/^\//, '')) || params.get('dbname') || undefined;
  const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const where = `postgres://${user ? `${user}@` : ''}${shownHost}:${port}/${database ?? ''}`;
  return { where, host, port, user, database, secrets: [...secrets].filter((s) => s !== '') };
}

/**
 * The outbox as messages and reports name it: a file path as it is, a `postgres://` URL as
 * `postgres://user@host:port/db` (no password, no query string). Still to be written through the
 * redaction boundary like everything else.
 */
export function displayJournal(journal: string): string {
  if (!isDatabaseUrl(journal)) return journal;
  return parseDatabaseUrl(journal)?.where ?? 'postgres://…';
}
