/**
 * The Postgres outbox passes the contract every store passes (test/store/contract.ts): each test gets a
 * new database on the run's test server (test/support/postgres.ts), dropped after it.
 */
import { openPostgresStore, POSTGRES_DEFAULTS } from '../../src/store/postgres.js';
import { createDatabase, dropDatabase } from '../support/postgres.js';
import { runStoreContract } from './contract.js';

runStoreContract('postgres', async () => {
  const db = await createDatabase('contract');
  return {
    spec: db.url,
    open: () => openPostgresStore(db.url, POSTGRES_DEFAULTS),
    cleanup: () => dropDatabase(db.name),
  };
});
