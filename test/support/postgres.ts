/**
 * A real PostgreSQL server the tests own: started once per test run (vitest globalSetup, the default
 * export below) on a free loopback port, in a temp folder, from the machine's PostgreSQL binaries
 * (test/support/postgres-server.ts); stopped and deleted at the end. Each test file gets a database of its
 * own (`usePostgresDatabase`), so files stay independent while they share the server.
 *
 * No Postgres test is ever skipped: binaries missing → the run fails, saying how to install them.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { startPostgresServer, type PostgresServer } from './postgres-server.js';

export { findPostgresBin, startPostgresServer, type PostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresServer;
  }
}

/** vitest globalSetup: one server for the whole run, handed to the test files through provide/inject. */
export default async function setup({ provide }: { provide: (key: 'postgres', value: PostgresServer) => void }): Promise<() => void> {
  const server = await startPostgresServer();
  const { stop, ...shared } = server;
  provide('postgres', shared);
  return stop;
}

/** The run's server (started by the globalSetup above). */
export function postgresServer(): PostgresServer {
  const server = inject('postgres');
  if (!server) throw new Error('No test PostgreSQL server: vitest.config.ts must list test/support/postgres.ts in globalSetup.');
  return server;
}

export interface TestDatabase {
  name: string;
  /** postgres://postgres:<password>@127.0.0.1:<port>/<name> */
  url: string;
  server: PostgresServer;
}

/** URL of database `name` on the run's server (as its superuser, with the run's password). */
export function databaseUrl(server: PostgresServer, name: string): string {
  return `postgres://${server.user}:${encodeURIComponent(server.password)}@${server.host}:${server.port}/${name}`;
}

/** Runs SQL as superuser on the maintenance database (CREATE/DROP DATABASE) or on `database`. */
export async function adminQuery(sql: string, database = 'postgres'): Promise<Array<Record<string, unknown>>> {
  const { default: pg } = await import('pg');
  const server = postgresServer();
  const client = new pg.Client({ connectionString: databaseUrl(server, database), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

/** A new, empty database on the run's server. */
export async function createDatabase(prefix = 't'): Promise<TestDatabase> {
  const server = postgresServer();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase();
  await adminQuery(`CREATE DATABASE ${name}`);
  return { name, url: databaseUrl(server, name), server };
}

export async function dropDatabase(name: string): Promise<void> {
  // WITH (FORCE): a process a test killed may have left a connection behind.
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/**
 * A database for this test file: created before its tests, dropped after them. The object is filled in
 * before the first test, so a file can hold it in a constant.
 */
export function usePostgresDatabase(prefix = 't'): TestDatabase {
  const db = {} as TestDatabase;
  beforeAll(async () => {
    Object.assign(db, await createDatabase(prefix));
  });
  afterAll(async () => {
    if (db.name) await dropDatabase(db.name);
  });
  return db;
}
