import { InputError } from '../errors.js';
import { EXIT } from '../app/exit-codes.js';
import { setup } from '../app/setup.js';
import { writeErr } from './output.js';

export interface JournalExportOptions {
  format?: string;
  config?: string;
}

/** `journal export [--format jsonl]`: the whole outbox on standard output, one redacted record a line. Exit 0 · 2 usage/config · 3 outbox unreadable or damaged. */
export async function journalExportCommand(opts: JournalExportOptions): Promise<number> {
  if (opts.format !== undefined && opts.format !== 'jsonl') throw new InputError('USAGE', `--format ${opts.format}: expected jsonl (one JSON record per line).`);
  const { loaded } = await setup({ config: opts.config, requireConfig: true });
  const { exportJournal } = await import('../store/export.js');
  const { installOutputBoundary } = await import('../io/sink.js');
  installOutputBoundary();
  // Written as it is read, waiting for a slow reader (`| less`) rather than holding the outbox in memory.
  const write = (chunk: string) => new Promise<void>((resolve) => (process.stdout.write(chunk) ? resolve() : process.stdout.once('drain', resolve)));
  await exportJournal(loaded!.config.journal, write, { notice: (line) => writeErr(`${line}\n`), outbox: loaded!.config.outbox });
  return EXIT.OK;
}
