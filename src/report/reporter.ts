import type { Account } from '../config/load.js';
import { redactor } from '../config/redact.js';
import type { Invoice } from '../data/model.js';
import type { InvoiceReport, RunReport } from '../engine/types.js';
import { renderJson } from './json.js';
import { renderHuman, renderInvoice, renderSummaryCounts, type HumanContext } from './human.js';
import type { Masker } from './mask.js';
import { makeChalk } from './style.js';

/** `check --format` (the choices are declared with the option in src/cli/main.ts). */
export type Format = 'human' | 'json' | 'ndjson' | 'junit' | 'markdown';

/** Where and how the report is written: decided by the command from its options and the terminal. */
export interface ReporterOptions {
  /** --all: a batch (human output then streams, in completion order) */
  batch: boolean;
  /** --output: the report goes to a file (nothing streams, no colour) */
  toFile: boolean;
  /** --no-color / NO_COLOR … as commander and chalk see them */
  color?: boolean;
  tty: boolean;
  /** the terminal's width, when standard output is one */
  columns?: number;
}

/** The run as the report needs it, once the invoices are known. */
export interface ReportRun {
  invoices: ReadonlyMap<string, Invoice>;
  accounts: ReadonlyMap<string, Account>;
  offline: boolean;
}

/** The run at its end, redacted. */
export interface FinishedRun {
  report: RunReport;
  notReady: number;
  strict: boolean;
  /** warnings count as failures (--strict, --fail-on warn) */
  warningsFail: boolean;
  interrupted?: 'SIGINT' | 'SIGTERM';
  startedAt: Date;
  wallMs: number;
  /** the run's contact masker (made once, shared with the GitHub annotations) */
  masker(): Promise<Masker>;
}

/**
 * One reporter per `check` run, chosen once by `createReporter` from --format: the command never asks which
 * format it writes. A streaming reporter writes each invoice as it completes (`invoice`); every reporter
 * writes the report's end (`end`: the whole report, or what follows the streamed part).
 */
export interface Reporter {
  readonly format: Format;
  /**
   * How invoices stream: `lines` (many small lines: buffered), `blocks` (a block per invoice, above the
   * progress line), or false (nothing is written before the end). Streamed results are not kept.
   */
  readonly streams: 'lines' | 'blocks' | false;
  /** a progress line on the terminal goes with it (a person is reading standard output) */
  readonly progress: boolean;
  /** the run is about to start */
  begin(run: ReportRun): void;
  /** one invoice's text, as it completes (streaming reporters only) */
  invoice(r: InvoiceReport): string;
  /** the end of the report (the whole report when nothing streamed), marked when a signal cut the run short */
  end(run: FinishedRun): Promise<string>;
  /** what standard output carries when the run stops on bad input (besides the message on standard error) */
  error(error: { code: string; message: string; hint?: string; issues?: unknown[] }): Promise<string | undefined>;
}

export async function createReporter(format: Format, options: ReporterOptions): Promise<Reporter> {
  switch (format) {
    case 'human':
      return humanReporter(options);
    case 'json':
      // The JSON formats say that the run was interrupted (an additive field); the others say it on stderr.
      // The JSON error object of a failed run is the failure report's (src/cli/failure.ts).
      return atTheEnd(format, async ({ report, interrupted }) => (interrupted ? `${JSON.stringify({ ...(JSON.parse(renderJson(report)) as object), interrupted }, null, 2)}\n` : renderJson(report)));
    case 'ndjson': {
      const ndjson = await import('./ndjson.js');
      const streams = options.toFile ? false : 'lines';
      return {
        ...atTheEnd(format, async ({ report, interrupted }) => {
          const text = streams ? ndjson.ndjsonSummaryLine(report) : ndjson.renderNdjson(report);
          if (!interrupted) return text;
          const lines = text.split('\n').filter(Boolean);
          const last = lines.pop();
          return [...lines, ...(last ? [JSON.stringify({ ...(JSON.parse(last) as object), interrupted })] : [])].map((l) => `${l}\n`).join('');
        }),
        streams,
        // Redacted as text on the way out (the output boundary knows each secret as JSON escapes it).
        invoice: (r) => ndjson.ndjsonResultLine(r),
        // NDJSON readers get a line they can parse for what stopped the run (exit 2).
        error: async (error) => ndjson.ndjsonErrorLine(error),
      };
    }
    case 'junit':
      return atTheEnd(format, async ({ report, warningsFail, startedAt, wallMs }) => (await import('./junit.js')).renderJunit(report, { warningsFail, startedAt, wallMs }));
    case 'markdown': {
      let run: ReportRun | undefined;
      return {
        ...atTheEnd(format, async (done) => (await import('./markdown.js')).renderMarkdown(done.report, {
          invoices: run!.invoices,
          accounts: run!.accounts,
          masker: await done.masker(),
          offline: run!.offline,
          strict: done.strict,
          generatedAt: done.startedAt,
        })),
        begin(r) {
          run = r;
        },
      };
    }
  }
}

/** A reporter that writes nothing before the end. */
function atTheEnd(format: Format, end: (run: FinishedRun) => Promise<string>): Reporter {
  return { format, streams: false, progress: false, begin() {}, invoice: () => '', end, error: async () => undefined };
}

/**
 * The report a person reads. A batch on standard output streams a block per invoice (completion order)
 * and ends with the counts; explicit ids (or a file) keep their order and are written at the end.
 */
function humanReporter(options: ReporterOptions): Reporter {
  const streams = options.batch && !options.toFile ? 'blocks' : false;
  const chalk = makeChalk({ color: options.toFile ? false : options.color, tty: options.tty });
  const width = !options.toFile && options.tty ? options.columns ?? 100 : 100;
  let ctx: HumanContext | undefined;
  let blocks = 0;
  const redact = cachedRedactor();
  return {
    format: 'human',
    streams,
    progress: !options.toFile,
    begin(run) {
      ctx = { chalk, invoices: run.invoices, accounts: run.accounts, offline: run.offline, width };
    },
    invoice: (r) => `${blocks++ > 0 ? '\n' : ''}${renderInvoice(redact(r), ctx!)}`,
    end: async ({ report, notReady }) =>
      streams
        ? report.summary.invoices > 1 ? `\n${renderSummaryCounts({ invoices: report.summary.invoices, ready: report.summary.ready, notReady }, ctx!)}` : ''
        : renderHuman(report, ctx!),
    error: async () => undefined,
  };
}

/**
 * Redaction of streamed results, memoized per string: in a batch most strings (account-level messages,
 * remediation steps, titles) repeat for every invoice. Bounded, so memory stays flat.
 */
function cachedRedactor(): <T>(value: T) => T {
  const cache = new Map<string, string>();
  const text = (s: string): string => {
    let out = cache.get(s);
    if (out === undefined) {
      if (cache.size >= 20_000) cache.clear();
      out = redactor.redact(s);
      cache.set(s, out);
    }
    return out;
  };
  const value = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(value);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = value(x);
      return out;
    }
    return v;
  };
  return <T>(v: T) => value(v) as T;
}
