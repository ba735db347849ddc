import { openSmtpConnection, smtpFailure, type SmtpFailure, type SmtpTarget } from './email.js';
import { oneLine } from './fault.js';
import { heldBackMessage, smtpProof, type ComposedEmail, type SmtpDelivery } from './mailer.js';

type Connection = Extract<Awaited<ReturnType<typeof openSmtpConnection>>, { ok: true }>['connection'];

export interface SmtpPoolOptions {
  /** connections open at once (default 3) */
  maxConnections?: number;
  /** messages over one connection before it is closed and a new one opened (default 100) */
  maxMessages?: number;
}

export const POOL_DEFAULTS = { maxConnections: 3, maxMessages: 100 } as const;

interface Pooled {
  connection: Connection;
  messages: number;
  broken: boolean;
  /** where the connection's 'error' / 'end' go while a message (or the login) is using it */
  onError?: (error: unknown) => void;
  onEnd?: () => void;
}

/**
 * Authenticated SMTP connections reused across a batch's messages (one pool per account): connect,
 * STARTTLS and AUTH once, then MAIL FROM / RCPT TO / DATA per message with RSET between messages.
 *
 * Each message keeps {@link deliverSmtp}'s guarantee: its last byte (the final dot) is held until
 * `beforeCommit` resolved (the journal's commit line is on disk), so a crash before it provably sent
 * nothing, and a failure after it proves only what {@link smtpProof} says (a refusal of the dot, or nothing).
 */
export class SmtpPool {
  readonly target: SmtpTarget;
  readonly maxConnections: number;
  readonly maxMessages: number;
  /** connections opened so far (for tests and the summary) */
  opened = 0;
  private open = 0;
  private idle: Pooled[] = [];
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(target: SmtpTarget, options: SmtpPoolOptions = {}) {
    this.target = target;
    this.maxConnections = Math.max(1, options.maxConnections ?? POOL_DEFAULTS.maxConnections);
    this.maxMessages = Math.max(1, options.maxMessages ?? POOL_DEFAULTS.maxMessages);
  }

  private get phase(): number {
    return Math.max(1_000, Math.min(30_000, this.target.timeoutMs));
  }

  private endpoint() {
    return { host: this.target.host, port: this.target.port, secure: this.target.secure };
  }

  async deliver(mail: ComposedEmail, hooks: { beforeCommit: () => Promise<void> }): Promise<SmtpDelivery> {
    for (let tries = 0; ; tries++) {
      const got = await this.acquire();
      if (!got.ok) return { ok: false, failure: got.failure, proves: 'not_created' };
      const { pooled, fresh } = got;
      const sent = await this.sendOn(pooled, mail, hooks);
      if (sent.result.ok) {
        pooled.messages++;
        this.release(pooled);
        return sent.result;
      }
      this.discard(pooled);
      // A reused connection the server closed while it sat idle (no reply code), or is closing (421: a
      // per-connection limit or an idle timeout, whichever nodemailer reports first): nothing was handed
      // over and the commit hook never ran, so try once on a new connection.
      const closing = sent.result.failure.responseCode === undefined || sent.result.failure.responseCode === 421;
      if (!fresh && tries === 0 && sent.result.proves === 'not_created' && !sent.hookCalled && closing) continue;
      return sent.result;
    }
  }

  /** Closes every idle connection (QUIT); connections in use close when their message is done. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.idle.splice(0)) this.quit(p);
    for (const w of this.waiters.splice(0)) w();
  }

  private async acquire(): Promise<{ ok: true; pooled: Pooled; fresh: boolean } | { ok: false; failure: SmtpFailure }> {
    for (;;) {
      const idle = this.idle.pop();
      if (idle) {
        if (!idle.broken) return { ok: true, pooled: idle, fresh: false };
        continue;
      }
      if (this.open < this.maxConnections || this.closed) {
        this.open++;
        const connected = await this.connect();
        if (!connected.ok) {
          this.open--;
          this.wake();
          return connected;
        }
        this.opened++;
        return { ok: true, pooled: connected.pooled, fresh: true };
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake(): void {
    this.waiters.shift()?.();
  }

  private release(pooled: Pooled): void {
    if (pooled.broken || this.closed || pooled.messages >= this.maxMessages) {
      this.quit(pooled);
      this.wake();
      return;
    }
    // RSET: the next message starts from a clean transaction on the same authenticated session.
    pooled.onError = () => undefined;
    pooled.connection.reset((error) => {
      pooled.onError = undefined;
      if (error || pooled.broken) {
        this.discard(pooled);
        return;
      }
      // The pool was closed while this RSET was on the wire: nobody will take the connection again, so it
      // says QUIT now instead of waiting idle (and open) until the process exits.
      if (this.closed) {
        this.quit(pooled);
        this.wake();
        return;
      }
      this.idle.push(pooled);
      this.wake();
    });
  }

  private quit(pooled: Pooled): void {
    if (!pooled.broken) {
      pooled.broken = true;
      this.open--;
      try {
        pooled.connection.quit();
      } catch {
        pooled.connection.close();
      }
    }
  }

  private discard(pooled: Pooled): void {
    if (!pooled.broken) {
      pooled.broken = true;
      this.open--;
      pooled.connection.close();
    }
    this.idle = this.idle.filter((p) => p !== pooled);
    this.wake();
  }

  private async connect(): Promise<{ ok: true; pooled: Pooled } | { ok: false; failure: SmtpFailure }> {
    const opened = await openSmtpConnection(this.target, this.phase);
    if (!opened.ok) return opened;
    const { connection, auth } = opened;
    const pooled: Pooled = { connection, messages: 0, broken: false };
    // Always listening: an idle connection the server drops (or that times out) must not crash the process.
    connection.on('error', (error: unknown) => {
      const handler = pooled.onError;
      if (handler) handler(error);
      else this.discard(pooled);
    });
    connection.on('end', () => {
      const handler = pooled.onEnd;
      if (handler) handler();
      else this.discard(pooled);
    });
    let stage: SmtpFailure['stage'] = 'connect';
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: { ok: true; pooled: Pooled } | { ok: false; failure: SmtpFailure }) => {
        if (settled) return;
        settled = true;
        pooled.onError = undefined;
        pooled.onEnd = undefined;
        if (!r.ok) {
          pooled.broken = true;
          connection.close();
        }
        resolve(r);
      };
      pooled.onError = (error) => finish({ ok: false, failure: { ...this.endpoint(), ...smtpFailure(error, stage) } });
      pooled.onEnd = () => finish({ ok: false, failure: { ...this.endpoint(), stage, code: 'ECONNECTION', message: 'the server closed the connection' } });
      connection.connect((error) => {
        if (error) return pooled.onError?.(error);
        if (!auth || !connection.allowsAuth) return finish({ ok: true, pooled });
        stage = this.target.auth?.kind === 'oauth2' ? 'oauth2' : 'auth';
        connection.login(auth, (loginError) => (loginError ? pooled.onError?.(loginError) : finish({ ok: true, pooled })));
      });
    });
  }

  /** One message over an open, authenticated connection; the final dot waits for `beforeCommit`. */
  private sendOn(pooled: Pooled, mail: ComposedEmail, hooks: { beforeCommit: () => Promise<void> }): Promise<{ result: SmtpDelivery; hookCalled: boolean }> {
    const { connection } = pooled;
    let committed = false;
    let hookCalled = false;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: SmtpDelivery) => {
        if (settled) return;
        settled = true;
        pooled.onError = undefined;
        pooled.onEnd = undefined;
        resolve({ result, hookCalled });
      };
      const fail = (error: unknown) => {
        const failure = { ...this.endpoint(), ...smtpFailure(error, 'send') };
        finish({ ok: false, failure, proves: smtpProof(committed, failure) });
      };
      pooled.onError = fail;
      pooled.onEnd = () => finish({ ok: false, proves: smtpProof(committed, {}), failure: { ...this.endpoint(), stage: 'send', code: 'ECONNECTION', message: 'the server closed the connection' } });
      const body = heldBackMessage(mail.raw, hooks.beforeCommit, () => (committed = true), () => (hookCalled = true));
      // A copy per try: nodemailer keeps its transaction state in the envelope object it is given and never
      // clears `mailError`, so the retry on a new connection after a 421 to MAIL FROM would inherit that refusal
      // and drop the new connection at DATA (the message lost from the batch).
      const envelope = { from: mail.envelope.from, to: [...mail.envelope.to] };
      connection.send(envelope, body, (error, info) => {
        if (error) return fail(error);
        finish({
          ok: true,
          response: oneLine(String(info.response ?? ''), 300),
          accepted: (info.accepted ?? []).map(String),
          rejected: (info.rejected ?? []).map(String),
        });
      });
    });
  }
}
