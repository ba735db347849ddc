/**
 * Review of issue 11 ("special files … never a hang"; read-only / full disk → documented error): `--output`
 * writes a temp file beside the target and renames it over the target, whatever the target is. Given a
 * FIFO (or, run as root, `--output /dev/null` or `/dev/stdout`, which scripts commonly pass) the special
 * file is silently replaced by a regular file holding the report: a reader of the FIFO gets nothing, and
 * as root the device node in /dev is destroyed for the whole machine. The run says "Report written to …",
 * exit 0. (Reproduced by hand on /dev/full, restored afterwards with mknod; this test uses a FIFO in a
 * throw-away folder.)
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, DEMO_ENV, runCliProcess as runCli } from '../support/cli.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('--output naming a special file', () => {
  it('a FIFO is not replaced by a regular file (either the report goes into it, or exit 2 naming the path)', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-review-'));
    const fifo = path.join(dir, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader, as a script piping the report on would have: it gets what is written into the FIFO.
    const received: Buffer[] = [];
    const reader = createReadStream(fifo);
    reader.on('data', (chunk) => received.push(chunk as Buffer));
    reader.on('error', () => undefined);

    const r = await runCli(['check', 'INV-1001', '--offline', '--format', 'json', '--output', fifo, '--config', DEMO], { env: DEMO_ENV, killAfterMs: 20_000 });
    reader.destroy();

    expect(statSync(fifo).isFIFO(), `the FIFO was replaced by a regular file; stderr: ${r.stderr}`).toBe(true);
    if (r.code === 2) expect(r.stdout + r.stderr).toContain(fifo); // with --format json the error is JSON on stdout
    else expect(Buffer.concat(received).toString('utf8')).toContain('"schemaVersion"');
  });
});
