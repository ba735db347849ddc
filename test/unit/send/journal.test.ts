import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Journal as ProductJournal, type JournalRecord } from '../../../src/send/journal.js';
import { invoiceKey } from '../../../src/send/journal-index.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'journal-test-'));
  file = path.join(dir, 'state', 'journal.jsonl');
});
/**
 * Every journal a test opens is closed after it, whether the test closed it or not: a journal left open
 * holds its append handle, which Node would close on garbage collection with a DEP0137 warning.
 */
const opened: ProductJournal[] = [];
const Journal = {
  open: async (...args: Parameters<typeof ProductJournal.open>) => {
    const journal = await ProductJournal.open(...args);
    opened.push(journal);
    return journal;
  },
};
type Journal = ProductJournal;
afterEach(async () => {
  await Promise.all(opened.splice(0).map((j) => j.close().catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
});

const record = (invoice: string, fields: Record<string, unknown> = {}): JournalRecord => ({ v: 1, at: '2025-01-02T03:04:05.000Z', invoice, ...fields });
/** A line as Journal.append writes it (`v` and `invoice` first). */
const line = ({ v, invoice, ...rest }: JournalRecord) => `${JSON.stringify({ v, invoice, ...rest })}\n`;
const indexDir = () => `${file}.index`;
const generation = async () => JSON.parse(await readFile(path.join(indexDir(), 'watermark.json'), 'utf8')).gen as string;
const indexFile = async (kind: 'base' | 'delta' | 'problems') => path.join(indexDir(), `${await generation()}.${kind}`);
const deltaEntry = (invoice: string, offset: number) => `${invoiceKey(invoice).map((h) => h.toString(16).padStart(8, '0')).join('')} ${offset};\n`;

async function appendAll(journal: Journal, records: JournalRecord[]) {
  for (const r of records) await journal.append(r);
}

describe('Journal: append and lookup', () => {
  it('round-trips records in file order and returns only the asked invoice', async () => {
    const journal = await Journal.open(file);
    await appendAll(journal, [record('A-1', { step: 'intent' }), record('B-2', { step: 'intent' }), record('A-1', { step: 'result', ok: true }), record('A-10', { step: 'intent' })]);
    const a = await journal.lookup('A-1');
    expect(a.problems).toEqual([]);
    expect(a.records.map((r) => r.step)).toEqual(['intent', 'result']);
    expect(a.records[1]).toEqual({ v: 1, at: '2025-01-02T03:04:05.000Z', invoice: 'A-1', step: 'result', ok: true });
    expect((await journal.lookup('B-2')).records).toHaveLength(1);
    expect((await journal.lookup('A-10')).records).toHaveLength(1);
    expect(await journal.lookup('nope')).toEqual({ records: [], problems: [] });
    await journal.close();
  });

  it('writes nothing until the first append: a missing journal is empty', async () => {
    const journal = await Journal.open(file);
    expect(await journal.lookup('A-1')).toEqual({ records: [], problems: [] });
    await expect(stat(path.dirname(file))).rejects.toMatchObject({ code: 'ENOENT' });
    await journal.append(record('A-1'));
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ v: 1, invoice: 'A-1' });
    // `v` and `invoice` lead the line: a line cut short still names its invoice
    expect(text.startsWith('{"v":1,"invoice":"A-1",')).toBe(true);
    await journal.close();
  });

  it('handles ids with any characters (slashes, dots, quotes, unicode, case)', async () => {
    const ids = ['a/b', 'a:b', '../x', 'Ünïcødé 🧾', 'say "hi"\\', 'INV-a', 'INV-A', '.', 'x'.repeat(300)];
    const journal = await Journal.open(file);
    for (const id of ids) await journal.append(record(id, { id }));
    const fresh = await Journal.open(file);
    for (const id of ids) expect((await fresh.lookup(id)).records.map((r) => r.id)).toEqual([id]);
    // one generation of three files, whatever the ids
    const gen = await generation();
    expect((await readdir(indexDir())).sort()).toEqual([`${gen}.base`, `${gen}.delta`, `${gen}.problems`, 'watermark.json']);
    await journal.close();
  });

  it('sees its own appends, and so do instances opened before and after', async () => {
    const writer = await Journal.open(file);
    await writer.append(record('A-1', { n: 1 }));
    const early = await Journal.open(file);
    expect((await early.lookup('A-1')).records).toHaveLength(1); // builds the index

    await appendAll(writer, [record('A-1', { n: 2 }), record('B-1')]);
    expect((await writer.lookup('A-1')).records.map((r) => r.n)).toEqual([1, 2]);

    const before = { ...early.stats };
    expect((await early.lookup('A-1')).records.map((r) => r.n)).toEqual([1, 2]);
    expect(early.stats.rebuilds).toBe(before.rebuilds);
    expect(early.stats.catchUps).toBe(before.catchUps); // the writer's lookup already caught the index up

    await writer.append(record('A-1', { n: 3 }));
    const size = (await stat(file)).size;
    const late = await Journal.open(file);
    expect((await late.lookup('A-1')).records.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(late.stats).toMatchObject({ rebuilds: 0, catchUps: 1 });
    const lastLineBytes = Buffer.byteLength(line(record('A-1', { n: 3 })));
    expect(late.stats.bytesScanned).toBe(lastLineBytes); // only the tail was scanned
    expect((await stat(file)).size).toBe(size);
    await writer.close();
  });

  it('serves lookups after a reopen from the index: parses only that invoice’s lines', async () => {
    const journal = await Journal.open(file);
    for (let i = 0; i < 200; i++) await journal.append(record(`INV-${i % 40}`, { i }));
    await journal.lookup('INV-0');
    expect(journal.stats.rebuilds).toBe(1);
    const reopened = await Journal.open(file);
    const { records } = await reopened.lookup('INV-7');
    expect(records.map((r) => r.i)).toEqual([7, 47, 87, 127, 167]);
    expect(reopened.stats).toMatchObject({ rebuilds: 0, catchUps: 0, bytesScanned: 0, linesParsed: 5, linesRead: 5 });
    await journal.close();
  });

  it('rejects records it must not write', async () => {
    const journal = await Journal.open(file);
    await expect(journal.append({ v: 2, invoice: 'A', at: 'x' } as unknown as JournalRecord)).rejects.toThrow(/v must be 1/);
    await expect(journal.append(record(''))).rejects.toThrow(/non-empty/);
    await expect(journal.lookup('')).rejects.toThrow(/non-empty/);
    await journal.close();
    await expect(journal.append(record('A'))).rejects.toThrow(/closed/);
  });
});

describe('Journal: torn and damaged lines', () => {
  it('reports a torn last line, keeps the intact records, and appends after it safely', async () => {
    await mkdir(path.dirname(file), { recursive: true });
    const good = line(record('T-1', { step: 'intent' })) + line(record('U-1'));
    const torn = '{"v":1,"invoice":"T-1","at":"2025-01-02T03:04:05.000Z","step":"res';
    await writeFile(file, good + torn);

    const journal = await Journal.open(file);
    const first = await journal.lookup('T-1');
    expect(first.records.map((r) => r.step)).toEqual(['intent']);
    expect(first.problems).toEqual([
      { offset: Buffer.byteLength(good), line: 3, text: torn.slice(0, 120), reason: expect.stringMatching(/incomplete last line.*interrupted/) },
    ]);
    // attributed to T-1 (its id is complete): not another invoice's problem
    expect((await journal.lookup('U-1')).problems).toEqual([]);

    await journal.append(record('T-1', { step: 'result' }));
    expect(await readFile(file, 'utf8')).toBe(`${good}${torn}\n${line(record('T-1', { step: 'result' }))}`);
    const after = await (await Journal.open(file)).lookup('T-1');
    expect(after.records.map((r) => r.step)).toEqual(['intent', 'result']);
    expect(after.problems).toEqual([{ offset: Buffer.byteLength(good), line: 3, text: torn.slice(0, 120), reason: 'not valid JSON (the write was probably interrupted)' }]);
    await journal.close();
  });

  it('reports a line cut before its invoice id to every invoice, once', async () => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, line(record('A')) + '{"v":1,"invoice":"LONG-ID-1');
    const journal = await Journal.open(file);
    // "LONG-ID-1" could be the start of "LONG-ID-12": it cannot be attributed
    for (const id of ['A', 'LONG-ID-12', 'Z']) expect((await journal.lookup(id)).problems).toHaveLength(1);
  });

  it('returns a last record that lacks only its newline, and indexes it once completed', async () => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, line(record('A', { n: 1 })) + JSON.stringify(record('A', { n: 2 })));
    const journal = await Journal.open(file);
    expect((await journal.lookup('A')).records.map((r) => r.n)).toEqual([1, 2]);
    await journal.append(record('A', { n: 3 }));
    const fresh = await Journal.open(file);
    expect(await fresh.lookup('A')).toEqual({ records: [1, 2, 3].map((n) => record('A', { n })), problems: [] });
  });

  it('reports torn lines in the middle (with line numbers) to the invoices they may concern, ignores blank lines', async () => {
    await mkdir(path.dirname(file), { recursive: true });
    const lines = [
      line(record('A', { n: 1 })),
      '\n',
      '   \n',
      '{"v":1,"invoice":"B","oops"\n', // line 4: cut after B's id → B's problem
      '{"v":1,"invo\n', // line 5: cut before any id → everyone's problem
      '{"v":1,"invoice":"A","at":"caf\xc3\n', // line 6: cut inside a character, mentions A
      line(record('A', { n: 2 })),
    ];
    await writeFile(file, Buffer.from(lines.join(''), 'latin1'));
    const journal = await Journal.open(file);
    const a = await journal.lookup('A');
    expect(a.records.map((r) => r.n)).toEqual([1, 2]);
    expect(a.problems.map((p) => [p.line, p.reason])).toEqual([
      [5, 'not valid JSON (the write was probably interrupted)'],
      [6, expect.stringMatching(/UTF-8/)],
    ]);
    expect(a.problems[0]!.offset).toBe(Buffer.byteLength(lines.slice(0, 4).join(''), 'latin1'));
    expect((await journal.lookup('B')).problems.map((p) => p.line)).toEqual([4, 5]);
    // still reported from the index by a later process
    const fresh = await Journal.open(file);
    expect((await fresh.lookup('A')).problems.map((p) => p.line)).toEqual([5, 6]);
    expect(fresh.stats.rebuilds).toBe(0);
  });

  it('refuses (JOURNAL_DAMAGED) when damage, not a cut write, could hide a record of the invoice', async () => {
    const a1 = line(record('A', { n: 1 }));
    const b1 = line(record('B', { n: 1 }));
    const a2 = line(record('A', { n: 2 }));
    const damages: Array<[string, string | Buffer, RegExp]> = [
      ['garbage that mentions the id', `${a1}garbage that mentions A\n${a2}`, /:2 \(byte \d+\): not valid JSON: "garbage/],
      ['valid JSON that is not an object', `${a1}[1,2,3]\n${a2}`, /:2 .*not a JSON object/],
      ['a record of a newer format', `${a1}{"v":2,"invoice":"A","at":"x"}\n${a2}`, /:2 .*record version 2/],
      ['bytes that are not UTF-8', Buffer.concat([Buffer.from(a1), Buffer.from([0xff, 0xfe, 0x41, 0x0a]), Buffer.from(a2)]), /:2 .*UTF-8/],
      // zeros over B's line end and A's whole line: the joined line starts with B's id but hides A's record
      ['zeros joining another invoice’s line to this one’s', `${a1}${b1.slice(0, 30)}${'\0'.repeat(b1.length - 30 + a2.length - 1)}\n`, /:2 .*\\u0000/],
      ['two records joined by a lost newline (the second is this invoice’s)', `${a1}${b1.slice(0, -1)}${a2}`, /:2 .*not valid JSON/],
      ['a zero-filled end of file', `${a1}${'\0'.repeat(300)}`, /:2 .*last line/],
      ['a line longer than any record', `${a1}${'{'.repeat((1 << 20) + 10)}\n${a2}`, /:2 .*longer than/],
    ];
    for (const [what, content, message] of damages) {
      await rm(path.dirname(file), { recursive: true, force: true });
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
      for (const attempt of ['scan', 'from the index']) {
        const error = await (await Journal.open(file)).lookup('A').then(() => null, (e: unknown) => e as { code?: string; message: string; hint?: string });
        expect(error, `${what} (${attempt})`).toMatchObject({ code: 'JOURNAL_DAMAGED', message: expect.stringMatching(message), hint: expect.stringContaining('backup') });
        expect(error!.message).toContain(file);
      }
    }
    // a line clearly another invoice's (its own leading id, printable, cut short) does not stop this one
    await rm(indexDir(), { recursive: true, force: true });
    await writeFile(file, `${a1}${b1.slice(0, 40)}\n${a2}`);
    expect((await (await Journal.open(file)).lookup('A')).records.map((r) => r.n)).toEqual([1, 2]);
  });

  it('de-duplicates offsets a concurrent catch-up indexed twice', async () => {
    const journal = await Journal.open(file);
    await appendAll(journal, [record('A', { n: 1 }), record('A', { n: 2 })]);
    await appendFile(file, '{"v":1,"invo\n');
    await journal.lookup('A');
    // as if two catch-ups had indexed the same lines again (the next catch-up vouches for them)
    await appendFile(await indexFile('delta'), deltaEntry('A', 0) + deltaEntry('A', 0));
    await appendFile(await indexFile('problems'), await readFile(await indexFile('problems'), 'utf8'));
    await journal.append(record('C'));
    await journal.lookup('A');
    const fresh = await Journal.open(file);
    const a = await fresh.lookup('A');
    expect(a.records.map((r) => r.n)).toEqual([1, 2]);
    expect(a.problems).toHaveLength(1);
    expect(fresh.stats.rebuilds).toBe(0);
  });
});

describe('Journal: index rebuilds', () => {
  async function seeded() {
    const journal = await Journal.open(file);
    await appendAll(journal, [record('A', { n: 1 }), record('B', { n: 1 }), record('A', { n: 2 })]);
    await journal.lookup('A');
    await journal.close();
  }

  it('rebuilds when the journal was replaced by another file (not shorter)', async () => {
    await seeded();
    const replacement = `${file}.new`;
    await writeFile(replacement, line(record('B', { n: 9 })) + line(record('A', { n: 7 })) + line(record('C', { n: 1 })));
    await rename(replacement, file);
    const journal = await Journal.open(file);
    expect((await journal.lookup('A')).records.map((r) => r.n)).toEqual([7]);
    expect(journal.stats.rebuilds).toBe(1);
    // the replaced generation is gone
    const gen = await generation();
    expect((await readdir(indexDir())).sort()).toEqual([`${gen}.base`, `${gen}.delta`, `${gen}.problems`, 'watermark.json']);
  });

  it('refuses a journal shorter than its index vouches (truncated, an older copy) or gone; rebuilds once the index is deleted', async () => {
    await seeded();
    const full = await readFile(file);
    const refused = async () => (await Journal.open(file)).lookup('A').then(() => null, (e: unknown) => e as { code?: string; message: string });
    for (const shorter of [0, full.length - 1, full.length - 60]) {
      await truncate(file, shorter);
      expect(await refused()).toMatchObject({ code: 'JOURNAL_DAMAGED', message: expect.stringMatching(new RegExp(`is ${shorter} bytes long, but its index .* held ${full.length} bytes`)) });
      await writeFile(file, full);
    }
    const older = `${file}.old`;
    await writeFile(older, full.subarray(0, 60));
    await rename(older, file);
    expect(await refused()).toMatchObject({ code: 'JOURNAL_DAMAGED' });
    await rm(file);
    expect(await refused()).toMatchObject({ code: 'JOURNAL_DAMAGED', message: expect.stringContaining('is missing') });
    // deleting the index is the way to accept the journal as it now is
    await rm(indexDir(), { recursive: true });
    expect(await (await Journal.open(file)).lookup('A')).toEqual({ records: [], problems: [] });
    await writeFile(file, full.subarray(0, 60));
    expect((await (await Journal.open(file)).lookup('A')).records.map((r) => r.n)).toEqual([1]);
  });

  it('rebuilds when the journal was rewritten in place', async () => {
    await seeded();
    const journal = await Journal.open(file);

    // same inode, longer: only the fingerprint notices
    await writeFile(file, line(record('B', { n: 6 })) + line(record('A', { n: 6 })) + line(record('A', { n: 8 })));
    expect((await journal.lookup('A')).records.map((r) => r.n)).toEqual([6, 8]);
    expect(journal.stats.rebuilds).toBe(1);
  });

  it('rebuilds when index files are deleted or damaged', async () => {
    await seeded();
    const check = async (damage: () => Promise<unknown>) => {
      await damage();
      const journal = await Journal.open(file);
      expect((await journal.lookup('A')).records.map((r) => r.n)).toEqual([1, 2]);
      expect((await journal.lookup('B')).records.map((r) => r.n)).toEqual([1]);
      expect(journal.stats.rebuilds).toBe(1);
    };
    await check(() => rm(indexDir(), { recursive: true }));
    for (const kind of ['base', 'delta', 'problems'] as const) await check(async () => rm(await indexFile(kind)));
    await check(() => writeFile(path.join(indexDir(), 'watermark.json'), '{"v":1,"gen":'));
    await check(async () => writeFile(await indexFile('base'), 'IDJ2 but short'));
    // a base whose bucket table points past its entries
    await check(async () => {
      const base = await readFile(await indexFile('base'));
      base.fill(0xff, 16, base.length);
      await writeFile(await indexFile('base'), base);
    });
  });

  it('rebuilds when an index file is zero-filled after its header, truncated, or an older copy (a crash may leave any of these)', async () => {
    // Every file holds something: A's lines in the base and in the delta, a torn line in problems.
    const journal = await Journal.open(file);
    await appendAll(journal, [record('A', { n: 1 }), record('B', { n: 1 })]);
    await journal.lookup('A');
    await appendFile(file, '{"v":1,"invoice":"A","cut\n');
    await appendAll(journal, [record('A', { n: 2 })]);
    await journal.lookup('A');
    await journal.close();
    const names = ['watermark.json', ...(['base', 'delta', 'problems'] as const).map((kind) => `${generationSync()}.${kind}`)];
    expect((await readFile(await indexFile('delta'))).length).toBeGreaterThan(0);
    expect((await readFile(await indexFile('problems'))).length).toBeGreaterThan(0);
    const pristine = new Map<string, Buffer>();
    for (const name of names) pristine.set(name, await readFile(path.join(indexDir(), name)));

    const damages: Array<[string, (data: Buffer) => Buffer]> = [
      ['zero-filled after its first 16 bytes', (d) => Buffer.concat([d.subarray(0, 16), Buffer.alloc(Math.max(0, d.length - 16))])],
      ['zero-filled whole', (d) => Buffer.alloc(d.length)],
      ['truncated to half', (d) => d.subarray(0, Math.floor(d.length / 2))],
      ['truncated to nothing', () => Buffer.alloc(0)],
    ];
    for (const name of names) {
      for (const [what, damage] of damages) {
        for (const [n, data] of pristine) await writeFile(path.join(indexDir(), n), data);
        const damaged = damage(pristine.get(name)!);
        if (damaged.equals(pristine.get(name)!)) continue; // a file of 16 bytes or less has nothing after them
        await writeFile(path.join(indexDir(), name), damaged);
        const reader = await Journal.open(file);
        const a = await reader.lookup('A');
        expect(a.records.map((r) => r.n), `${name} ${what}`).toEqual([1, 2]);
        expect(a.problems.map((p) => p.line), `${name} ${what}`).toEqual([3]);
        expect(reader.stats.rebuilds, `${name} ${what}`).toBe(1);
      }
    }
    // an older copy of the delta (before the catch-up that indexed A's 2nd line)
    for (const [n, data] of pristine) await writeFile(path.join(indexDir(), n), data);
    await writeFile(path.join(indexDir(), names[2]!), '');
    const reader = await Journal.open(file);
    expect((await reader.lookup('A')).records.map((r) => r.n)).toEqual([1, 2]);
    expect(reader.stats.rebuilds).toBe(1);

    function generationSync(): string {
      return JSON.parse(readFileSync(path.join(indexDir(), 'watermark.json'), 'utf8')).gen as string;
    }
  });

  it('rebuilds once when an indexed offset points at another invoice’s line, or into a line', async () => {
    // An entry appended to the delta counts once a catch-up vouches for the delta as it then is.
    const vouchFor = async (entry: string) => {
      await appendFile(await indexFile('delta'), entry);
      const writer = await Journal.open(file);
      await writer.append(record('C'));
      await writer.lookup('C');
      await writer.close();
    };
    await seeded();
    const bOffset = Buffer.byteLength(line(record('A', { n: 1 })));
    await vouchFor(deltaEntry('A', bOffset));
    let journal = await Journal.open(file);
    expect((await journal.lookup('A')).records.map((r) => r.n)).toEqual([1, 2]);
    expect(journal.stats.rebuilds).toBe(1);

    await vouchFor(deltaEntry('A', 5));
    journal = await Journal.open(file);
    expect((await journal.lookup('A')).records.map((r) => r.n)).toEqual([1, 2]);
    expect(journal.stats.rebuilds).toBe(1);
  });

  it('ignores a delta entry cut short by a crash', async () => {
    await seeded();
    await appendFile(await indexFile('delta'), deltaEntry('A', 0).slice(0, 19));
    const journal = await Journal.open(file);
    await journal.append(record('A', { n: 3 }));
    expect((await journal.lookup('A')).records.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(journal.stats.rebuilds).toBe(0);
    await journal.close();
  });

  it('folds a full delta into a new base', async () => {
    await seeded();
    const journal = await Journal.open(file);
    for (let batch = 0; batch < 5; batch++) {
      await appendFile(file, Array.from({ length: 500 }, (_, i) => line(record(`C-${i % 7}`, { batch }))).join(''));
      expect((await journal.lookup('A')).records.map((r) => r.n)).toEqual([1, 2]);
    }
    expect(journal.stats).toMatchObject({ catchUps: 5, rebuilds: 1 }); // the 5th batch passes 2048 delta entries
    expect((await readFile(await indexFile('delta'))).length).toBe(0);
    expect((await journal.lookup('C-3')).records).toHaveLength(5 * 71); // i % 7 === 3 for 71 of 0..499
  });

  it('still answers, from memory, when the index cannot be written', async () => {
    const journal = await Journal.open(file);
    await appendAll(journal, [record('A', { n: 1 }), record('B')]);
    await writeFile(indexDir(), 'not a directory'); // as good as a read-only directory, even for root
    const reader = await Journal.open(file);
    expect((await reader.lookup('A')).records.map((r) => r.n)).toEqual([1]);
    expect(reader.stats.indexUnavailable).toBeDefined();
    await journal.append(record('A', { n: 2 }));
    const scanned = reader.stats.bytesScanned;
    expect((await reader.lookup('A')).records.map((r) => r.n)).toEqual([1, 2]);
    expect(reader.stats.bytesScanned - scanned).toBe(Buffer.byteLength(line(record('A', { n: 2 })))); // the tail, in memory
    expect(reader.stats.rebuilds).toBe(1);
    await journal.close();
  });
});

describe('Journal: I/O errors are documented errors (code, path, errno in words, hint)', () => {
  const failure = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as { code?: string; message: string; hint?: string; file?: string });

  it('a journal that is a folder, or under a file: JOURNAL_UNREADABLE; appending where no folder can be made: JOURNAL_UNWRITABLE', async () => {
    await mkdir(file, { recursive: true });
    expect(await failure(Journal.open(file))).toMatchObject({ code: 'JOURNAL_UNREADABLE', file, message: expect.stringContaining('is not a regular file (it is a folder)'), hint: expect.stringContaining('journal:') });

    await rm(path.dirname(file), { recursive: true });
    await writeFile(path.dirname(file), 'a file where the folder should be');
    const journal = await Journal.open(file);
    expect(await failure(journal.lookup('A'))).toMatchObject({ code: 'JOURNAL_UNREADABLE', file, message: expect.stringMatching(/^Cannot read the send journal .*: a part of its path is a file, not a folder \(ENOTDIR\)\.$/) });
    expect(await failure(journal.append(record('A')))).toMatchObject({ code: 'JOURNAL_UNWRITABLE', file, message: expect.stringContaining('Cannot write the send journal'), hint: expect.stringContaining('recorded before it happens') });
  });
});

describe('Journal: size', () => {
  it('indexes a 100,000-line journal once; later lookups read only that invoice’s lines', async () => {
    await mkdir(path.dirname(file), { recursive: true });
    const parts: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      parts.push(line(record(`INV-${i % 25_000}`, { step: i < 50_000 ? 'intent' : 'result', channel: 'email', i })));
    }
    await writeFile(file, parts.join(''));
    const size = (await stat(file)).size;

    const builder = await Journal.open(file);
    expect((await builder.lookup('INV-42')).records.map((r) => r.i)).toEqual([42, 25_042, 50_042, 75_042]);
    expect(builder.stats).toMatchObject({ rebuilds: 1, bytesScanned: size });

    const journal = await Journal.open(file);
    for (const id of ['INV-0', 'INV-12345', 'INV-24999']) {
      const before = { ...journal.stats };
      const { records, problems } = await journal.lookup(id);
      expect(records).toHaveLength(4);
      expect(problems).toEqual([]);
      expect(journal.stats.linesParsed - before.linesParsed).toBe(4);
      expect(journal.stats.linesRead - before.linesRead).toBe(4);
      expect(journal.stats.bytesRead - before.bytesRead).toBeLessThan(4 * 1024 + 512 + 4);
      expect(journal.stats.indexBytesRead - before.indexBytesRead).toBeLessThan(400); // header + one bucket
    }
    expect(journal.stats).toMatchObject({ rebuilds: 0, catchUps: 0, bytesScanned: 0 });
  }, 60_000);
});

describe('Journal: several processes', () => {
  let bundleDir: string;
  beforeAll(async () => {
    bundleDir = await mkdtemp(path.join(os.tmpdir(), 'journal-bundle-'));
    await build({
      entryPoints: { journal: path.join(root, 'src/send/journal.ts') },
      outdir: bundleDir, outExtension: { '.js': '.mjs' }, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'silent',
    });
  });
  afterAll(async () => {
    await rm(bundleDir, { recursive: true, force: true });
  });
  const child = (...args: string[]) => run(process.execPath, [path.join(here, 'journal-child.mjs'), bundleDir, ...args], { maxBuffer: 1 << 20 });

  it('8 writers × 500 appends at once: every line intact, every record found', async () => {
    const writers = 8;
    const count = 500;
    const results = await Promise.all(Array.from({ length: writers }, (_, w) => child('append', file, String(w), String(count))));
    for (const { stdout } of results) expect(JSON.parse(stdout)).toEqual({ mismatches: 0 });

    const all = (await readFile(file, 'utf8')).split('\n');
    expect(all.pop()).toBe('');
    // A blank line is allowed (an append that found a write still in flight for 40 ms starts a new line)
    const lines = all.filter((l) => l !== '');
    expect(lines).toHaveLength(writers * count);
    const parsed = lines.map((l) => JSON.parse(l) as JournalRecord);
    expect(parsed.every((r) => r.v === 1 && r.pad === 'x'.repeat(((r.seq as number) * 131) % 3000))).toBe(true);

    const journal = await Journal.open(file);
    for (let w = 0; w < writers; w++) {
      for (let k = 0; k < 20; k++) {
        const { records, problems } = await journal.lookup(`W${w}/${k}`);
        expect(problems).toEqual([]);
        expect(records.map((r) => r.seq)).toEqual(Array.from({ length: count / 20 }, (_, j) => k + 20 * j));
      }
    }
    expect(journal.stats.rebuilds).toBe(0); // the writers built and kept the index between them
  }, 120_000);

  it('lookups stay right while the index is deleted and rebuilt under them', async () => {
    await mkdir(path.dirname(file), { recursive: true });
    const expected: Record<string, string> = {};
    const parts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const id = `R-${i % 60}`;
      parts.push(line(record(id, { seq: i })));
      expected[id] = expected[id] ? `${expected[id]},${i}` : String(i);
    }
    await writeFile(file, parts.join(''));
    const expectedFile = path.join(dir, 'expected.json');
    await writeFile(expectedFile, JSON.stringify(expected));

    // Deletes the index, file by file as `rm -rf` does, every few ms: the readers race the deletion and
    // each other's rebuilds and retirements. A generation with any file missing must never answer.
    let stop = false;
    let thrownAway = 0;
    const vandal = (async () => {
      while (!stop) {
        await rm(indexDir(), { recursive: true, force: true }).then(() => thrownAway++, () => undefined);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const results = await Promise.all(Array.from({ length: 4 }, () => child('verify', file, expectedFile, '150')));
    stop = true;
    await vandal;
    const outcomes = results.map(({ stdout }) => JSON.parse(stdout) as { mismatches: number; rebuilds: number });
    expect(outcomes.map((o) => o.mismatches)).toEqual([0, 0, 0, 0]);
    expect(outcomes.reduce((sum, o) => sum + o.rebuilds, 0)).toBeGreaterThan(20);
    expect(thrownAway).toBeGreaterThan(10);
  }, 120_000);
});
