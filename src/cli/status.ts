import { redactor } from '../config/redact.js';
import { invoiceStatus } from '../app/status.js';
import { renderStatusHuman, statusJson } from '../report/status.js';
import { makeChalk } from '../report/style.js';
import { writeOut } from './output.js';
import { parseTimeout } from './options.js';

export interface StatusOptions {
  json?: boolean;
  offline?: boolean;
  config?: string;
  timeout: string;
  verbose?: boolean;
  color?: boolean;
}

/** `status <id>`: the options → the status use case → its report (JSON or for a person). */
export async function statusCommand(id: string, opts: StatusOptions): Promise<number> {
  const timeoutMs = parseTimeout(opts.timeout);
  const { view, exitCode } = await invoiceStatus({ id, offline: Boolean(opts.offline), timeoutMs, config: opts.config });
  const safe = redactor.redactValue(view);
  writeOut(opts.json ? `${JSON.stringify(statusJson(safe, exitCode), null, 2)}\n` : renderStatusHuman(safe, makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) })));
  return exitCode;
}
