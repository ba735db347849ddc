/**
 * A throw-away PostgreSQL server from the machine's binaries, for the tests (test/support/postgres.ts, the
 * vitest glue) and the benchmark (bench/postgres.mjs). No vitest here: plain Node can bundle and run it.
 *
 * Password authentication (scram-sha-256) on 127.0.0.1 with a password made up per server, not trust:
 * every URL then carries a secret, so redaction is exercised everywhere, and a wrong password fails as
 * it does in production.
 *
 * `initdb` refuses to run as root, and the tests run as root on CI: then initdb and the server run as an
 * unprivileged user (`postgres` when the package created it, else `nobody`) that owns the data folder.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** a URL to the `postgres` maintenance database, as superuser (for CREATE DATABASE) */
  adminUrl: string;
}

const SERVER_BINARIES = ['initdb', 'pg_ctl', 'postgres'];

const hasServer = (dir: string) => SERVER_BINARIES.every((b) => existsSync(path.join(dir, b)));

/** Where initdb, pg_ctl and postgres are: `pg_config --bindir`, /usr/lib/postgresql/<newest>/bin, or PATH. */
export function findPostgresBin(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config (it ships with libpq-dev, not with the server)
  }
  try {
    const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // not Debian's layout
  }
  candidates.push(...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean));
  const found = candidates.find(hasServer);
  if (found) return found;
  throw new Error(
    'The Postgres tests need the PostgreSQL server binaries (initdb, pg_ctl, postgres), and none were found ' +
      `(looked at \`pg_config --bindir\`, /usr/lib/postgresql/*/bin and PATH). Run .ci/run, or install them: apt-get install -y postgresql (Debian/Ubuntu), brew install postgresql (macOS).`,
  );
}

/** Who runs the server: ourselves, or — as root, which initdb refuses — an unprivileged user. */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      if (uid > 0) return { name, uid, gid };
    } catch {
      // no such user: try the next
    }
  }
  throw new Error('The tests run as root and initdb refuses root, but neither a "postgres" nor a "nobody" user exists to run the test server: create one (useradd --system postgres).');
}

function run(bin: string, args: string[], as: ReturnType<typeof serverUser>): { status: number | null; output: string } {
  const [command, argv] = as ? ['runuser', ['-u', as.name, '--', bin, ...args]] : [bin, args];
  // Run from the temp folder: as another user, our working directory may not be readable.
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: os.tmpdir(), timeout: 120_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a throw-away server; `stop()` stops it and deletes its folder. */
export async function startPostgresServer(): Promise<PostgresServer & { stop(): void }> {
  const bin = findPostgresBin();
  const as = serverUser();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-pg-'));
  const data = path.join(dir, 'data');
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (as) {
    chownSync(dir, as.uid, as.gid);
    chownSync(pwfile, as.uid, as.gid);
  }
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  // --no-sync and, below, fsync=off / full_page_writes=off: this server's data is thrown away after the
  // run, so durability against a power cut buys nothing and costs seconds on a shared 2-core machine.
  // (The product itself always commits with synchronous_commit=on; only this disposable server skips
  // the disk flush.)
  const init = run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'scram-sha-256', '--auth-local=trust', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], as);
  if (init.status !== 0) {
    cleanup();
    throw new Error(`initdb failed (exit ${init.status}):\n${init.output}`);
  }
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    const start = run(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start'], as);
    if (start.status === 0) {
      const stop = () => {
        run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], as);
        cleanup();
      };
      const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
      return { host: '127.0.0.1', port, user: 'postgres', password, adminUrl, stop };
    }
    // Most likely another process took the free port between our check and the server's bind.
    lastError = start.output;
  }
  cleanup();
  throw new Error(`The test PostgreSQL server did not start:\n${lastError}`);
}

