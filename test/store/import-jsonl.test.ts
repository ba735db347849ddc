/**
 * A legacy JSONL journal (invoice-doctor 0.1) named by `journal:` is imported once into a SQLite database
 * beside it, in one transaction: records in order, a torn last line kept as the problem the JSONL reader
 * reported, the JSONL file untouched, the user told (counts). A damaged journal is refused with
 * JOURNAL_DAMAGED and the command to run once it is repaired; nothing is imported then.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { JournalError } from '../../src/store/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'import-jsonl-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const line = (invoice: string, n: number) => JSON.stringify({ v: 1, invoice, at: '2026-11-01T00:00:00.000Z', step: 'link', phase: 'intent', n });

describe('importing a JSONL journal', () => {
  it('imports once, beside it, in order, with the torn last line as a problem; the JSONL is untouched', async () => {
    const jsonl = path.join(dir, 'journal.jsonl');
    const text = `${line('INV-1', 1)}\n${line('INV-2', 2)}\n${line('INV-1', 3)}\n{"v":1,"invoice":"INV-1","at":"2026-11-`;
    writeFileSync(jsonl, text);
    const notices: string[] = [];
    const store = await openStore(jsonl, { notice: (l) => notices.push(l) });
    expect(store.where).toBe(path.join(dir, 'journal.db'));
    const found = await store.lookup('INV-1');
    expect(found.records.map((r) => r.n)).toEqual([1, 3]);
    expect(found.problems).toEqual([{ offset: text.lastIndexOf('\n') + 1, line: 4, text: expect.stringContaining('"invoice":"INV-1"'), reason: expect.stringMatching(/^incomplete last line/) }]);
    expect((await store.lookup('INV-2')).problems).toEqual([]); // the torn line names INV-1
    await store.close();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/imported the send journal .*journal\.jsonl into the outbox database .*journal\.db: 3 records, 1 torn line/);
    expect(readFileSync(jsonl, 'utf8')).toBe(text);

    // Once: a second open finds it imported, and appends since are kept.
    const again = await openStore(jsonl, { notice: (l) => notices.push(l) });
    await again.append({ v: 1, invoice: 'INV-2', at: '2026-11-02T00:00:00.000Z', n: 4 });
    await again.close();
    const third = await openStore(jsonl, { notice: (l) => notices.push(l) });
    expect((await third.lookup('INV-2')).records.map((r) => r.n)).toEqual([2, 4]);
    await third.close();
    expect(notices).toHaveLength(1);
  });

  it('a file that starts like a JSONL record is one, whatever its name; a missing JSONL journal is an empty outbox beside it', async () => {
    const legacy = path.join(dir, 'outbox');
    writeFileSync(legacy, `${line('INV-1', 1)}\n`);
    const store = await openStore(legacy, { notice: () => undefined });
    expect(store.where).toBe(path.join(dir, 'outbox.db'));
    expect((await store.lookup('INV-1')).records).toHaveLength(1);
    await store.close();
    const none = await openStore(path.join(dir, 'none.jsonl'));
    expect(none.where).toBe(path.join(dir, 'none.db'));
    expect(await none.lookup('INV-1')).toEqual({ records: [], problems: [] });
    await none.close();
    expect(existsSync(path.join(dir, 'none.db'))).toBe(false); // reading creates nothing
  });

  it('damage (zeros mid-file, a result without its intent) is refused with JOURNAL_DAMAGED and the command to run; nothing imported', async () => {
    for (const [name, text] of [
      ['zeros', `${line('INV-1', 1)}\n${'\0'.repeat(40)}\n${line('INV-2', 2)}\n`],
      ['orphan result', `${JSON.stringify({ v: 1, invoice: 'INV-1', at: '2026-11-01T00:00:00.000Z', step: 'email', phase: 'result', attempt: 'a1', outcome: 'sent' })}\n`],
    ] as const) {
      const jsonl = path.join(dir, `${name.replace(' ', '-')}.jsonl`);
      writeFileSync(jsonl, text);
      const error = await openStore(jsonl, { notice: () => undefined }).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(JournalError);
      expect(error).toMatchObject({ code: 'JOURNAL_DAMAGED', file: jsonl, hint: expect.stringContaining('invoice-doctor journal export') });
      expect(readFileSync(jsonl, 'utf8')).toBe(text);
      // Nothing was imported: once repaired, the import happens.
      writeFileSync(jsonl, `${line('INV-1', 1)}\n`);
      const store = await openStore(jsonl, { notice: () => undefined });
      expect((await store.lookup('INV-1')).records).toHaveLength(1);
      await store.close();
    }
  });
});
