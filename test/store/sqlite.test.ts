import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { runStoreContract } from './contract.js';

runStoreContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-contract-'));
  const file = path.join(dir, 'state', 'outbox.db');
  return { open: () => openSqliteStore(file), cleanup: async () => rmSync(dir, { recursive: true, force: true }), spec: file };
});
