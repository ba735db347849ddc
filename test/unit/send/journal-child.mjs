// A separate process for the multi-process tests of the send journal and the invoice locks. It imports
// an esbuild bundle of src/send/{journal,lock}.ts made by the test (Node 20 cannot run TypeScript), so
// the code under test is the real one. Prints one JSON line with what it saw; exits 0 unless it crashed.
//
//   node journal-child.mjs <bundleDir> append <journal> <writer> <count>
//   node journal-child.mjs <bundleDir> verify <journal> <expected.json> <rounds>
//   node journal-child.mjs <bundleDir> lock <journal> <invoice> <counterFile> <iterations>
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [bundleDir, mode, ...args] = process.argv.slice(2);
const load = (name) => import(pathToFileURL(path.join(bundleDir, `${name}.mjs`)).href);

if (mode === 'append') {
  // Appends `count` records spread over 20 invoices of its own; every 50 appends it looks one of them up
  // (concurrent catch-ups of the shared index) and checks it sees exactly what it wrote so far.
  const { Journal } = await load('journal');
  const [file, writer, countText] = args;
  const count = Number(countText);
  const journal = await Journal.open(file);
  const written = new Map();
  let mismatches = 0;
  for (let seq = 0; seq < count; seq++) {
    const invoice = `W${writer}/${seq % 20}`;
    // up to ~3 KB: lines cross page boundaries, where a split write would show
    await journal.append({ v: 1, at: new Date().toISOString(), invoice, writer: Number(writer), seq, pad: 'x'.repeat((seq * 131) % 3000) });
    written.set(invoice, (written.get(invoice) ?? 0) + 1);
    if (seq % 50 === 49) {
      const { records } = await journal.lookup(invoice);
      if (records.length !== written.get(invoice)) mismatches++;
    }
  }
  await journal.close();
  console.log(JSON.stringify({ mismatches }));
} else if (mode === 'verify') {
  // Looks up invoices of a journal nobody writes to, while the parent deletes the index under it.
  const { Journal } = await load('journal');
  const [file, expectedFile, roundsText] = args;
  const expected = JSON.parse(await readFile(expectedFile, 'utf8'));
  const ids = Object.keys(expected);
  let mismatches = 0;
  let rebuilds = 0;
  for (let round = 0; round < Number(roundsText); round++) {
    const journal = await Journal.open(file);
    const id = ids[round % ids.length];
    const { records, problems } = await journal.lookup(id);
    const seqs = records.map((r) => r.seq).join(',');
    if (seqs !== expected[id] || problems.length !== 0) mismatches++;
    rebuilds += journal.stats.rebuilds;
    await journal.close();
  }
  console.log(JSON.stringify({ mismatches, rebuilds }));
} else if (mode === 'lock') {
  // Read-modify-write of a counter under the invoice lock: any overlap of two holders loses an increment.
  const { acquireInvoiceLock } = await load('lock');
  const [journalFile, invoice, counterFile, iterationsText] = args;
  for (let i = 0; i < Number(iterationsText); i++) {
    const lock = await acquireInvoiceLock(journalFile, invoice, { waitMs: 30_000 });
    const value = Number(await readFile(counterFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    await writeFile(counterFile, String(value + 1));
    await lock.release();
  }
  console.log(JSON.stringify({ done: true }));
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
