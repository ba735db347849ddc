import { Readable } from 'node:stream';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { openSmtpConnection, smtpFailure, type SmtpFailure, type SmtpTarget } from './email.js';
import { oneLine, proofOf, smtpRefusal, type Proof } from './fault.js';
import { safeContent } from '../io/sink.js';

/** A message ready for the wire: its bytes, built once, and the envelope it travels in. */
export interface ComposedEmail {
  messageId: string;
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

export interface EmailContent {
  /** "Name <address>" or an address, as configured */
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** extra headers (X-Invoice-Id…) */
  headers?: Record<string, string>;
  date?: Date;
}

/** Builds the MIME message with nodemailer's own composer (text and HTML alternatives, UTF-8). */
export async function composeEmail(content: EmailContent): Promise<ComposedEmail> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const { default: addressparser } = await import('nodemailer/lib/addressparser');
  const node = new MailComposer({
    from: content.from,
    to: content.to,
    subject: content.subject,
    text: content.text,
    html: content.html,
    messageId: content.messageId,
    date: content.date,
    headers: content.headers,
  }).compile();
  const raw = await node.build();
  const parsedFrom = addressparser(content.from, { flatten: true })[0];
  const fromAddress = parsedFrom && 'address' in parsedFrom ? parsedFrom.address : content.from;
  return { messageId: content.messageId, envelope: { from: fromAddress ?? content.from, to: [content.to] }, raw };
}

export interface SmtpDelivered {
  ok: true;
  /** the server's reply to the final dot ("250 2.0.0 Ok: queued as …") */
  response: string;
  accepted: string[];
  rejected: string[];
}

/**
 * `proves` is what the failure proves about the message ({@link proofOf}, the rule every provider write
 * follows). A server accepts a message only at the final "." of DATA, and the caller's `beforeCommit` runs
 * just before that dot is written: any failure before it proves `not_created`; after it, a 4xx/5xx reply to
 * the dot is the server refusing the message (`not_created` too), while a lost reply (reset, timeout, the
 * connection closed) proves `nothing`: the server may have the message.
 */
export type SmtpDelivery = SmtpDelivered | { ok: false; failure: SmtpFailure; proves: Proof };

/** What an SMTP failure proves, given whether the final dot may have been written. */
export function smtpProof(committed: boolean, failure: Pick<SmtpFailure, 'responseCode'>): Proof {
  return proofOf({ sent: committed, refused: smtpRefusal(failure.responseCode) });
}

/**
 * Sends one message over one SMTP connection (connect, STARTTLS, AUTH, MAIL FROM, RCPT TO, DATA).
 * The message's last byte is held back until `beforeCommit` resolves, so the journal can record "the
 * message is about to be accepted" before it can be; a crash before that point provably sent nothing.
 */
export async function deliverSmtp(target: SmtpTarget, mail: ComposedEmail, hooks: { beforeCommit: () => Promise<void> }): Promise<SmtpDelivery> {
  // Sending is not a probe: a slow server taking a large message deserves more than a few seconds.
  const phase = Math.max(1_000, Math.min(30_000, target.timeoutMs));
  const opened = await openSmtpConnection(target, phase);
  if (!opened.ok) return { ok: false, failure: opened.failure, proves: 'not_created' };
  const { connection, auth } = opened;
  let stage: SmtpFailure['stage'] = 'connect';
  let committed = false;
  return new Promise<SmtpDelivery>((resolve) => {
    let settled = false;
    const finish = (result: SmtpDelivery) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const fail = (error: unknown) => {
      const failure = { host: target.host, port: target.port, secure: target.secure, ...smtpFailure(error, stage) };
      finish({ ok: false, failure, proves: smtpProof(committed, failure) });
      connection.close();
    };
    connection.once('error', fail);
    connection.once('end', () =>
      finish({ ok: false, proves: smtpProof(committed, {}), failure: { host: target.host, port: target.port, secure: target.secure, stage, code: 'ECONNECTION', message: 'the server closed the connection' } }),
    );
    const send = () => {
      stage = 'send';
      const body = heldBackMessage(mail.raw, hooks.beforeCommit, () => (committed = true));
      connection.send(mail.envelope, body, (error, info) => {
        if (error) return fail(error);
        connection.quit();
        finish({
          ok: true,
          response: oneLine(String(info.response ?? ''), 300),
          accepted: (info.accepted ?? []).map(String),
          rejected: (info.rejected ?? []).map(String),
        });
      });
    };
    connection.connect((error) => {
      if (error) return fail(error);
      if (!auth || !connection.allowsAuth) return send();
      stage = target.auth?.kind === 'oauth2' ? 'oauth2' : 'auth';
      connection.login(auth, (loginError) => (loginError ? fail(loginError) : send()));
    });
  });
}

/**
 * The message as a stream whose end — and so the terminating dot nodemailer writes — waits for
 * `beforeCommit`. nodemailer pipes it only after the server said 354 to DATA, so the first read means
 * the envelope was accepted. `onCommitted` runs once the dot may go: from then on, a failure is uncertain.
 */
export function heldBackMessage(raw: Buffer, beforeCommit: () => Promise<void>, onCommitted: () => void, onCommitting?: () => void): Readable {
  let pushed = false;
  let committing = false;
  return new Readable({
    read() {
      if (!pushed) {
        pushed = true;
        this.push(raw);
        return;
      }
      if (committing) return;
      committing = true;
      onCommitting?.();
      beforeCommit().then(
        () => {
          onCommitted();
          this.push(null);
        },
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
}

/**
 * The `file` transport: the message lands in `dir/name` complete or not at all (written beside it,
 * flushed, then renamed), so a re-run can tell from the file alone whether an interrupted send wrote it.
 */
export async function deliverToFile(dir: string, name: string, content: Buffer | string): Promise<{ ok: true; file: string } | { ok: false; message: string; code?: string }> {
  const file = path.join(dir, name);
  const temporary = path.join(dir, `.${name}.${process.pid}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temporary, 'w');
    try {
      // The redaction boundary, as for every byte written: an outbox file is output too.
      await handle.writeFile(safeContent(content));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    await syncDir(dir);
    return { ok: true, file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, code, message: `cannot write ${file} (${code ?? (error as Error).message})` };
  }
}

/** Whether a file transport's message exists (reconciling an interrupted send). */
export async function fileDelivered(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function syncDir(dir: string): Promise<void> {
  // A rename is durable once the folder is flushed; some platforms cannot open a folder for that.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}
