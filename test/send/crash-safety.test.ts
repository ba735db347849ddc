/**
 * Crash safety of `send`: the process is SIGKILLed at every point where a crash changes what the next
 * run has to work out — before and after the payment link, between and inside the channels, in the
 * middle of a journal line, and while a peer holds the answer to a request it already carried out —
 * then `send` is run again (and again). Across all of it, each channel reaches the customer exactly
 * once, with the one payment link, and the journal stays readable. Where the product cannot know
 * whether an email went out (the final dot of DATA may have left), the re-run must refuse to guess
 * (exit 3) rather than send twice.
 *
 * Each trial has its own workspace and outbox, and its own invoice id, so the shared peers' counts
 * are read per trial: emails by their X-Invoice-Id header, SMS by the invoice number in their text,
 * payment links by metadata.invoice_id. Trials run concurrently; nothing waits on time, only on process
 * exits and on the peers' interception hooks. The run that dies is a process (spawnCli, the built CLI);
 * the runs after it (status, the re-runs) run in-process against the sources, one at a time.
 *
 * Every trial runs on each store of test/store/stores.ts. `torn-append-N` kills the run inside the Nth
 * append: a JSONL journal kept half a line (TORN in the shapes below, a reported problem); a database
 * transaction keeps nothing, so on a store whose torn records are not visible the shapes lose their TORN
 * words and no problem is reported.
 */
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { STORES, type StoreUnderTest } from '../store/stores.js';
import { startPeers, type Peers } from '../fakes/peers.js';
import type { Action } from '../fakes/http-fake.js';
import { TWILIO_TOKEN } from '../fakes/twilio.js';
import { SMTP_PASS } from '../fakes/smtp.js';
import { runCli } from '../support/cli.js';
import { spawnCli, type CliProcess } from '../support/spawn-cli.js';
import { CUSTOMER, invoice, journalBytes, makeWorkspace, readJournal, STRIPE_KEYS, TWILIO_SIDS, type SendWorkspace } from './workspace.js';

type PeerKill = 'stripe' | 'smtp' | 'twilio';
type ChannelStatus = 'sent' | 'already_sent' | 'unknown';

interface Trial {
  name: string;
  /** a failpoint the first run dies at, or a peer that kills it while holding its answer */
  kill: { failpoint: string } | { peer: PeerKill };
  /**
   * once: the email ends up delivered exactly once with no help. committed-undelivered: the commit line
   * is on disk but the final dot never left (the server has nothing); the re-run cannot know that and
   * refuses, `--resend` delivers it. committed-delivered: the server has the message but the client
   * never recorded the 250; the re-run refuses and nothing ever sends it a second time.
   */
  email: 'once' | 'committed-undelivered' | 'committed-delivered';
  /** each channel's status in the first re-run */
  rerun: { email: ChannelStatus; sms: ChannelStatus };
  /** the re-run found the link in the journal (a link result line was written before the crash) */
  linkReused?: boolean;
  /** POST /v1/payment_links requests for the invoice, all under one Idempotency-Key (2: Stripe replayed) */
  linkPosts: 1 | 2;
  /** the re-run settled the SMS by finding it at Twilio */
  smsFound?: boolean;
  /** the journal's lines at the end, in the notation of {@link FULL}; `|` marks where a run ended (ignored) */
  journal: string;
}

/**
 * A journal as a sequence of words: LI/LR link intent/result (created), EI/EC email intent/commit,
 * ER:x / SR:x email/SMS result with outcome x, SI SMS intent, TORN an unreadable line.
 */
const FULL = 'LI LR EI EC ER:sent SI SR:sent';
const expectedShape = (journal: string, store: StoreUnderTest) => journal.split(/\s+/).filter((w) => w !== '' && w !== '|' && (store.tornRecordsVisible || w !== 'TORN'));
const tornLines = (journal: string, store: StoreUnderTest) => expectedShape(journal, store).flatMap((w, i) => (w === 'TORN' ? [i + 1] : []));

/** A full send writes 7 lines: 1 link intent, 2 link result, 3 email intent, 4 commit, 5 email result, 6 SMS intent, 7 SMS result. */
const TRIALS: Trial[] = [
  { name: 'before-link', kill: { failpoint: 'before-link' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkPosts: 1, journal: `| ${FULL}` },
  // Stripe was never asked: the re-run asks with the same key, and Stripe creates the link then.
  { name: 'after-link-intent', kill: { failpoint: 'after-link-intent' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkPosts: 1, journal: `LI | ${FULL}` },
  { name: 'after-link', kill: { failpoint: 'after-link' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkReused: true, linkPosts: 1, journal: 'LI LR | EI EC ER:sent SI SR:sent' },
  {
    name: 'after-email-intent', kill: { failpoint: 'after-email-intent' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkReused: true, linkPosts: 1,
    journal: 'LI LR EI | ER:not_sent EI EC ER:sent SI SR:sent',
  },
  // The whole message but its final dot was written: the server discards it when the connection drops.
  {
    name: 'email-before-commit', kill: { failpoint: 'email-before-commit' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkReused: true, linkPosts: 1,
    journal: 'LI LR EI | ER:not_sent EI EC ER:sent SI SR:sent',
  },
  // Re-runs refuse the email and write nothing for it; --resend closes the try as abandoned and sends.
  {
    name: 'email-after-commit', kill: { failpoint: 'email-after-commit' }, email: 'committed-undelivered', rerun: { email: 'unknown', sms: 'sent' }, linkReused: true, linkPosts: 1,
    journal: 'LI LR EI EC | SI SR:sent | | ER:abandoned EI EC ER:sent',
  },
  { name: 'after-email', kill: { failpoint: 'after-email' }, email: 'once', rerun: { email: 'already_sent', sms: 'sent' }, linkReused: true, linkPosts: 1, journal: 'LI LR EI EC ER:sent | SI SR:sent' },
  // Twilio was never asked: the re-run asks Twilio, finds nothing, and sends.
  {
    name: 'after-sms-intent', kill: { failpoint: 'after-sms-intent' }, email: 'once', rerun: { email: 'already_sent', sms: 'sent' }, linkReused: true, linkPosts: 1,
    journal: 'LI LR EI EC ER:sent SI | SR:not_sent SI SR:sent',
  },
  { name: 'after-sms', kill: { failpoint: 'after-sms' }, email: 'once', rerun: { email: 'already_sent', sms: 'already_sent' }, linkReused: true, linkPosts: 1, journal: `${FULL} |` },

  { name: 'torn-append-1', kill: { failpoint: 'torn-append-1' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkPosts: 1, journal: `TORN | ${FULL}` },
  // The link exists at Stripe, its result line is torn: the re-run asks again under the same key and Stripe replays it.
  { name: 'torn-append-2', kill: { failpoint: 'torn-append-2' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkPosts: 2, journal: `LI TORN | ${FULL}` },
  { name: 'torn-append-3', kill: { failpoint: 'torn-append-3' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkReused: true, linkPosts: 1, journal: 'LI LR TORN | EI EC ER:sent SI SR:sent' },
  // A torn commit line was never completed, so the dot (written only after it) never left: provably not sent.
  {
    name: 'torn-append-4', kill: { failpoint: 'torn-append-4' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkReused: true, linkPosts: 1,
    journal: 'LI LR EI TORN | ER:not_sent EI EC ER:sent SI SR:sent',
  },
  // The server answered 250, the result line is torn: intent + commit and no result, exactly like a lost 250.
  {
    name: 'torn-append-5', kill: { failpoint: 'torn-append-5' }, email: 'committed-delivered', rerun: { email: 'unknown', sms: 'sent' }, linkReused: true, linkPosts: 1,
    journal: 'LI LR EI EC TORN | SI SR:sent',
  },
  { name: 'torn-append-6', kill: { failpoint: 'torn-append-6' }, email: 'once', rerun: { email: 'already_sent', sms: 'sent' }, linkReused: true, linkPosts: 1, journal: 'LI LR EI EC ER:sent TORN | SI SR:sent' },
  // Twilio took the SMS, its result line is torn: the re-run finds it at Twilio.
  {
    name: 'torn-append-7', kill: { failpoint: 'torn-append-7' }, email: 'once', rerun: { email: 'already_sent', sms: 'already_sent' }, linkReused: true, linkPosts: 1, smsFound: true,
    journal: 'LI LR EI EC ER:sent SI TORN | SR:sent',
  },

  // Stripe created the link; the client died before the answer arrived.
  { name: 'stripe-answer-lost', kill: { peer: 'stripe' }, email: 'once', rerun: { email: 'sent', sms: 'sent' }, linkPosts: 2, journal: `LI | ${FULL}` },
  // The server recorded the message; the client died before the 250.
  { name: 'smtp-250-lost', kill: { peer: 'smtp' }, email: 'committed-delivered', rerun: { email: 'unknown', sms: 'sent' }, linkReused: true, linkPosts: 1, journal: 'LI LR EI EC | SI SR:sent' },
  // Twilio created the SMS; the client died before the answer arrived.
  {
    name: 'twilio-answer-lost', kill: { peer: 'twilio' }, email: 'once', rerun: { email: 'already_sent', sms: 'already_sent' }, linkReused: true, linkPosts: 1, smsFound: true,
    journal: 'LI LR EI EC ER:sent SI | SR:sent',
  },
];

const SECRETS = [SMTP_PASS, TWILIO_TOKEN, STRIPE_KEYS.good];

let peers: Peers;

/** The trials in flight, by invoice id: which peer (if any) kills which process. */
interface Running {
  number: string;
  /** the peer that kills the run in progress (once), if any */
  killAt?: PeerKill;
  process?: CliProcess;
  killed: boolean;
  /** what the Stripe fake answered to each POST /v1/payment_links of this invoice */
  linkAnswers: Action[];
}
const running = new Map<string, Running>();

async function killFrom(peer: PeerKill, id: string | null | undefined): Promise<void> {
  const r = id === null || id === undefined ? undefined : running.get(id);
  if (!r || r.killAt !== peer || r.killed) return;
  r.killed = true;
  // Held here (the peer did the work, its answer waits) until the client is really gone.
  await r.process!.kill();
}

beforeAll(async () => {
  peers = await startPeers();
  peers.stripe.intercept = async (req, action) => {
    if (req.method !== 'POST' || req.path !== '/v1/payment_links') return;
    const id = new URLSearchParams(req.body).get('metadata[invoice_id]');
    if (id) running.get(id)?.linkAnswers.push(action);
    await killFrom('stripe', id);
  };
  peers.twilio.intercept = async (req) => {
    if (req.method !== 'POST' || !req.path.endsWith('/Messages.json')) return;
    const body = new URLSearchParams(req.body).get('Body') ?? '';
    const id = [...running].find(([, r]) => body.includes(r.number))?.[0];
    await killFrom('twilio', id);
  };
  peers.smtp.starttls.intercept = async (_stage, message) => {
    await killFrom('smtp', message.headers['x-invoice-id']);
  };
});

afterAll(async () => {
  await peers?.close();
});

// ── what the peers hold for one invoice ──────────────────────────────────────────────────────────

const emailsFor = (id: string) => peers.smtp.starttls.messages.filter((m) => m.headers['x-invoice-id'] === id);
const smsFor = (number: string) => peers.twilio.world.accounts[TWILIO_SIDS.active]!.messages.filter((m) => m.body.includes(number));
const smsPostsFor = (number: string) =>
  peers.twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json') && (new URLSearchParams(r.body).get('Body') ?? '').includes(number));
const linksFor = (id: string) => peers.stripe.paymentLinks().filter((l) => l.metadata?.invoice_id === id);
const linkPostsFor = (id: string) =>
  peers.stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_links' && new URLSearchParams(r.body).get('metadata[invoice_id]') === id);
/** The message as a reader sees it: quoted-printable soft breaks and =3D undone. */
const decoded = (raw: string) => raw.replace(/=\r\n/g, '').replace(/=3D/g, '=');

// ── a trial's runs ───────────────────────────────────────────────────────────────────────────────

type Kill = Trial['kill'];
let sessions = 0;

class Session {
  readonly outputs: string[] = [];
  readonly number: string;
  readonly ws: SendWorkspace;
  readonly state: Running;
  /** a recipient of its own: what Twilio lists for it (and reconciliation reads) is this trial's alone */
  readonly phone: string;

  private constructor(readonly id: string, readonly store: StoreUnderTest, journal: string, private readonly dropStore: () => Promise<void>) {
    this.number = `2026-${id}`;
    this.phone = `+1415555${2600 + ++sessions}`;
    this.ws = makeWorkspace(peers, { invoices: [invoice(id, { customer: { ...CUSTOMER, phone: this.phone } })], journal });
    // Two dozen CLI processes share the machine: a DNS answer must not time out (the gate would refuse) because a
    // busy child was loading an SDK when it arrived. (The resolver waits half of timeout_ms.)
    const config = JSON.parse(readFileSync(this.ws.config, 'utf8')) as { dns: { timeout_ms: number } };
    config.dns.timeout_ms = 20_000;
    writeFileSync(this.ws.config, JSON.stringify(config, null, 2));
    this.state = { number: this.number, killed: false, linkAnswers: [] };
    running.set(id, this.state);
  }

  /** A trial's session on `store`: its own invoice (the store's name in its id, so stores can run side by side) and outbox. */
  static async open(id: string, store: StoreUnderTest): Promise<Session> {
    const outbox = await store.fresh();
    return new Session(`${store.name}-${id}`, store, outbox.journal, outbox.cleanup);
  }

  /** This invoice's records in the outbox, in order. */
  records(): Record<string, any>[] {
    return readJournal(this.ws).filter((r) => r.invoice === this.id);
  }

  private argv(args: string[]): string[] {
    // A roomy --timeout for send: on a loaded machine the gate's SMTP greeting (a quarter of it) must not
    // run out, or the gate refuses and the trial tests nothing. No assertion here depends on time.
    const timeout = args[0] === 'send' && !args.includes('--timeout') ? ['--timeout', '30000'] : [];
    return [...args, ...timeout, '--config', this.ws.config];
  }

  start(args: string[], env: Record<string, string> = {}): CliProcess {
    return spawnCli(this.argv(args), { env: { ...this.ws.env, ...env } });
  }

  /** `send` that must die by SIGKILL: at a failpoint, or killed by a peer that holds its answer until it is gone. */
  async crash(expect: ExpectStatic, kill: Kill, extra: string[] = []): Promise<void> {
    const r = this.state;
    r.killAt = 'peer' in kill ? kill.peer : undefined;
    r.killed = false;
    r.process = this.start(['send', this.id, '--yes', '--json', ...extra], 'failpoint' in kill ? { INVOICE_DOCTOR_FAILPOINTS: kill.failpoint } : {});
    const died = await r.process.exited;
    this.outputs.push(died.stdout, died.stderr);
    expect(died.signal, `the run should have been killed (${JSON.stringify(kill)}), it exited ${died.code}: ${died.stdout}${died.stderr}`).toBe('SIGKILL');
    expect(died.code).toBeNull();
    if (r.killAt) expect(r.killed, `the ${r.killAt} peer should have killed the run`).toBe(true);
    r.killAt = undefined;
  }

  /**
   * A run that must end normally, with JSON on stdout. In-process (test/support/cli.ts) unless `process`:
   * only the run that dies needs a process of its own, and runs that must overlap (in-process runs queue).
   */
  async json(expect: ExpectStatic, args: string[], options: { process?: boolean } = {}): Promise<{ code: number; out: Record<string, any> }> {
    const r = options.process ? await this.start(args).exited : { signal: null, ...(await runCli(this.argv(args), { env: this.ws.env })) };
    this.outputs.push(r.stdout, r.stderr);
    expect(r.signal, `${args.join(' ')} died: ${r.stderr}`).toBeNull();
    let out: Record<string, any>;
    try {
      out = JSON.parse(r.stdout) as Record<string, any>;
    } catch {
      throw new Error(`${args.join(' ')} (exit ${r.code}) printed no JSON:\n${r.stdout}\n${r.stderr}`);
    }
    return { code: r.code!, out };
  }

  send(expect: ExpectStatic, ...extra: string[]) {
    return this.json(expect, ['send', this.id, '--yes', '--json', ...extra]);
  }

  /** `send` as a process: for the runs that must overlap. */
  sendProcess(expect: ExpectStatic) {
    return this.json(expect, ['send', this.id, '--yes', '--json'], { process: true });
  }

  status(expect: ExpectStatic) {
    return this.json(expect, ['status', this.id, '--json', '--offline']);
  }

  async close(): Promise<void> {
    running.delete(this.id);
    await this.state.process?.kill();
    this.ws.cleanup();
    await this.dropStore();
  }
}

const statuses = (out: Record<string, any>) => Object.fromEntries((out.results as any[]).map((r) => [r.channel, r.status]));
const resultOf = (out: Record<string, any>, channel: string) => (out.results as any[]).find((r) => r.channel === channel);
const problemLines = (out: Record<string, any>) => (out.journal.problems as any[]).map((p) => p.line);

/**
 * Right after a torn append: the records before it, whole; then, where the store can show one (JSONL), half
 * a line that still names the invoice — else nothing of it.
 */
function checkTornTail(expect: ExpectStatic, s: Session, torn: number): void {
  const records = s.records();
  expect(records).toHaveLength(torn - 1);
  for (const record of records) expect(record).toMatchObject({ v: 1, invoice: s.id });
}

/** The outbox, record by record: every one a record of this invoice; and its shape. */
function checkJournal(expect: ExpectStatic, s: Session, journal: string): Record<string, any>[] {
  const records = s.records();
  const shape: string[] = [];
  for (const record of records) {
    expect(record).toMatchObject({ v: 1, invoice: s.id });
    const word = `${record.step[0].toUpperCase()}${record.phase[0].toUpperCase()}`;
    shape.push(record.phase === 'result' && record.step !== 'link' ? `${word}:${record.outcome}` : word);
    if (record.step === 'link' && record.phase === 'result') expect(record.outcome).toBe('created');
  }
  expect(shape.join(' ')).toBe(expectedShape(journal, s.store).join(' '));
  return records;
}

/**
 * The end state every trial must reach: exactly one email at the server (none more, even where the
 * product had to refuse), one SMS at Twilio, one payment link at Stripe that both carry; status and
 * the journal agree; no secret anywhere.
 */
async function checkExactlyOnce(expect: ExpectStatic, s: Session, o: { linkPosts: number; journal: string; emailRecorded: boolean }): Promise<void> {
  const { id, number } = s;
  expect(emailsFor(id), 'emails at the SMTP server').toHaveLength(1);
  expect(smsFor(number), 'SMS at Twilio').toHaveLength(1);
  expect(smsPostsFor(number), 'SMS create requests').toHaveLength(1);
  const links = linksFor(id);
  expect(links, 'payment links for the invoice at Stripe').toHaveLength(1);
  const linkUrl = links[0]!.url;
  const posts = linkPostsFor(id);
  expect(posts).toHaveLength(o.linkPosts);
  expect(new Set(posts.map((p) => p.headers['idempotency-key'])).size, 'one Idempotency-Key for every try').toBe(1);
  expect(s.state.linkAnswers).toHaveLength(o.linkPosts);
  for (const replay of s.state.linkAnswers.slice(1)) expect((replay as { headers?: Record<string, string> }).headers?.['idempotent-replayed']).toBe('true');

  // …carrying the one link, to the customer.
  const mail = emailsFor(id)[0]!;
  expect(mail.to).toEqual([CUSTOMER.email]);
  expect(decoded(mail.raw)).toContain(linkUrl);
  const sms = smsFor(number)[0]!;
  expect(sms.to).toBe(s.phone);
  expect(sms.body).toContain(linkUrl);

  // status tells the same story; the journal is readable line by line but for the torn lines.
  const final = await s.status(expect);
  expect(final.code).toBe(0);
  expect(final.out.channels.email.state).toBe(o.emailRecorded ? 'accepted' : 'unconfirmed');
  expect(final.out.channels.sms.state).toBe('accepted');
  expect(final.out.payment.link.url).toBe(linkUrl);
  expect(problemLines(final.out)).toEqual(tornLines(o.journal, s.store));
  for (const p of final.out.journal.problems as any[]) expect(p.reason).toMatch(/not valid JSON/);
  const records = checkJournal(expect, s, o.journal);
  const sentResults = (step: string) => records.filter((l) => l.step === step && l.phase === 'result' && l.outcome === 'sent').length;
  expect(sentResults('email')).toBe(o.emailRecorded ? 1 : 0);
  expect(sentResults('sms')).toBe(1);
  expect(records.filter((l) => l.step === 'link' && l.phase === 'result' && l.outcome === 'created').map((l) => l.link.url)).toEqual([linkUrl]);

  const everything = journalBytes(s.ws) + JSON.stringify(records) + s.outputs.join('\n');
  for (const secret of SECRETS) expect(everything).not.toContain(secret);
}

// ── one crash, then re-runs ──────────────────────────────────────────────────────────────────────

async function runTrial(expect: ExpectStatic, trial: Trial, index: number, store: StoreUnderTest): Promise<void> {
  const s = await Session.open(`CS${String(index).padStart(2, '0')}-${trial.name}`, store);
  const tornVisible = store.tornRecordsVisible;
  const { id, number } = s;
  const unknownEmail = trial.email !== 'once';
  const tornAt = /^torn-append-(\d+)$/.exec(trial.name)?.[1];
  const torn = tornAt === undefined ? undefined : Number(tornAt);
  try {
    // 1. The run that dies.
    await s.crash(expect, trial.kill);
    // What the peers hold at the moment of the crash, where the trial is about exactly that.
    if ('peer' in trial.kill) {
      const { peer } = trial.kill;
      if (peer === 'stripe') expect(linksFor(id)).toHaveLength(1);
      if (peer === 'smtp') expect(emailsFor(id)).toHaveLength(1);
      if (peer === 'twilio') expect(smsFor(number)).toHaveLength(1);
    }
    if (trial.email === 'committed-undelivered') expect(emailsFor(id), 'the final dot never left: the server has nothing').toHaveLength(0);
    if (torn !== undefined) checkTornTail(expect, s, torn);

    // 2. status reads the crashed journal, settling nothing.
    const afterCrash = await s.status(expect);
    expect(afterCrash.code).toBe(0);
    expect(problemLines(afterCrash.out)).toEqual(torn === undefined || !tornVisible ? [] : [torn]);
    if (torn !== undefined && tornVisible) expect(afterCrash.out.journal.problems[0].reason).toMatch(/incomplete last line/);
    if (unknownEmail) expect(afterCrash.out.channels.email).toMatchObject({ state: 'unconfirmed', code: 'EMAIL_UNCONFIRMED' });
    else expect(afterCrash.out.channels.email.code).not.toBe('EMAIL_UNCONFIRMED');

    // 3. The re-run settles what the crash left and sends what is left to send.
    const rerun = await s.send(expect);
    expect(statuses(rerun.out)).toEqual(trial.rerun);
    expect(rerun.code).toBe(unknownEmail ? 3 : 0);
    const allAlready = trial.rerun.email === 'already_sent' && trial.rerun.sms === 'already_sent';
    expect(rerun.out.outcome).toBe(unknownEmail ? 'unknown' : allAlready ? 'already_sent' : 'sent');
    expect(problemLines(rerun.out)).toEqual(torn === undefined || !tornVisible ? [] : [torn]);
    expect(linksFor(id), 'exactly one payment link for the invoice at Stripe').toHaveLength(1);
    const linkUrl = linksFor(id)[0]!.url;
    if (Object.values(trial.rerun).includes('sent')) expect(rerun.out.paymentLink).toMatchObject({ url: linkUrl, reused: Boolean(trial.linkReused) });
    if (unknownEmail) expect(resultOf(rerun.out, 'email').note).toMatch(/may or may not have been delivered.*--resend/s);
    if (trial.smsFound) expect(resultOf(rerun.out, 'sms').note).toMatch(/found it at Twilio \(SM[0-9a-f]{32}\), so it was not sent again/);

    // 4. Once more: nothing more goes out (or the same refusal).
    const again = await s.send(expect);
    expect(again.code).toBe(unknownEmail ? 3 : 0);
    expect(statuses(again.out)).toEqual({ email: unknownEmail ? 'unknown' : 'already_sent', sms: 'already_sent' });
    expect(again.out.outcome).toBe(unknownEmail ? 'unknown' : 'already_sent');

    // 5. An email that never reached the server goes out on --resend, once.
    if (trial.email === 'committed-undelivered') {
      expect(emailsFor(id)).toHaveLength(0);
      const before = await s.status(expect);
      expect(before.out.channels.email).toMatchObject({ state: 'unconfirmed', code: 'EMAIL_UNCONFIRMED' });
      const resend = await s.send(expect, '--resend', '--channel', 'email');
      expect(resend.code).toBe(0);
      expect(statuses(resend.out)).toEqual({ email: 'sent' });
      expect(resend.out.paymentLink).toMatchObject({ url: linkUrl, reused: true });
      const last = await s.send(expect);
      expect(last.code).toBe(0);
      expect(last.out.outcome).toBe('already_sent');
    }

    // 6. Exactly once, everywhere.
    await checkExactlyOnce(expect, s, { linkPosts: trial.linkPosts, journal: trial.journal, emailRecorded: trial.email !== 'committed-delivered' });
  } finally {
    await s.close();
  }
}

// ── a crash, then a crash of the run that settles it ─────────────────────────────────────────────

type Step = { crash: Kill; args?: string[] } | { args?: string[]; code: 0 | 3; results: Record<string, ChannelStatus>; note?: RegExp };

interface Chain {
  name: string;
  steps: Step[];
  linkPosts: number;
  /** as in {@link Trial.journal} */
  journal: string;
}

const CHAINS: Chain[] = [
  {
    // The re-run asks Twilio, finds nothing, and dies writing down "not sent": the next run asks again.
    name: 'sms settlement line torn',
    steps: [{ crash: { failpoint: 'after-sms-intent' } }, { crash: { failpoint: 'torn-append-1' } }, { code: 0, results: { email: 'already_sent', sms: 'sent' } }],
    linkPosts: 1,
    journal: 'LI LR EI EC ER:sent SI | TORN | SR:not_sent SI SR:sent |',
  },
  {
    // The re-run finds the SMS at Twilio and dies writing that down: the next run finds it again.
    name: 'found-at-Twilio line torn',
    steps: [{ crash: { peer: 'twilio' } }, { crash: { failpoint: 'torn-append-1' } }, { code: 0, results: { email: 'already_sent', sms: 'already_sent' }, note: /found it at Twilio/ }],
    linkPosts: 1,
    journal: 'LI LR EI EC ER:sent SI | TORN | SR:sent |',
  },
  {
    // Stripe's answer is lost twice; every try replays the one link.
    name: 'Stripe answer lost twice',
    steps: [{ crash: { peer: 'stripe' } }, { crash: { peer: 'stripe' } }, { code: 0, results: { email: 'sent', sms: 'sent' } }],
    linkPosts: 3,
    journal: `LI | LI | ${FULL} |`,
  },
  {
    // --resend dies at the same point as the first try: refused again, and sent by the next --resend.
    name: '--resend dies between commit and dot',
    steps: [
      { crash: { failpoint: 'email-after-commit' } },
      { code: 3, results: { email: 'unknown', sms: 'sent' } },
      { crash: { failpoint: 'email-after-commit' }, args: ['--resend', '--channel', 'email'] },
      { code: 3, results: { email: 'unknown', sms: 'already_sent' } },
      { code: 0, args: ['--resend', '--channel', 'email'], results: { email: 'sent' } },
    ],
    linkPosts: 1,
    journal: 'LI LR EI EC | SI SR:sent | ER:abandoned EI EC | | ER:abandoned EI EC ER:sent |',
  },
  {
    // The email intent is torn, then the re-run dies after writing its own intent.
    name: 'email intent torn, then the re-run dies after its own',
    steps: [{ crash: { failpoint: 'torn-append-3' } }, { crash: { failpoint: 'after-email-intent' } }, { code: 0, results: { email: 'sent', sms: 'sent' } }],
    linkPosts: 1,
    journal: 'LI LR TORN | EI | ER:not_sent EI EC ER:sent SI SR:sent |',
  },
];

async function runChain(expect: ExpectStatic, chain: Chain, index: number, store: StoreUnderTest): Promise<void> {
  const s = await Session.open(`CC${String(index).padStart(2, '0')}-${chain.name.replace(/\W+/g, '-')}`, store);
  try {
    for (const step of chain.steps) {
      if ('crash' in step) {
        await s.crash(expect, step.crash, step.args);
        continue;
      }
      const r = await s.send(expect, ...(step.args ?? []));
      expect(statuses(r.out)).toEqual(step.results);
      expect(r.code).toBe(step.code);
      if (step.note) expect(resultOf(r.out, 'sms').note).toMatch(step.note);
    }
    const last = await s.send(expect);
    expect(last.code).toBe(0);
    expect(last.out.outcome).toBe('already_sent');
    await checkExactlyOnce(expect, s, { linkPosts: chain.linkPosts, journal: chain.journal, emailRecorded: true });
  } finally {
    await s.close();
  }
}

// ── the tests ────────────────────────────────────────────────────────────────────────────────────

for (const store of STORES) {
describe.concurrent(`send survives SIGKILL anywhere: each channel exactly once, the outbox readable (${store.name})`, () => {
  it.for(TRIALS.map((t, i) => ({ ...t, index: i + 1 })))('killed at $name', { timeout: 60_000 }, async (trial, { expect }) => {
    await runTrial(expect, trial, trial.index, store);
  });

  it.for(CHAINS.map((c, i) => ({ ...c, index: i + 1 })))('crashed twice: $name', { timeout: 60_000 }, async (chain, { expect }) => {
    await runChain(expect, chain, chain.index, store);
  });

  it('three sends of one invoice started together send it once', { timeout: 60_000 }, async ({ expect }) => {
    const s = await Session.open('CONCURRENT-1', store);
    try {
      const runs = await Promise.all([0, 1, 2].map(() => s.sendProcess(expect)));
      for (const r of runs) expect(r.code).toBe(0);
      expect(runs.map((r) => r.out.outcome).sort()).toEqual(['already_sent', 'already_sent', 'sent']);
      for (const r of runs) expect(statuses(r.out)).toEqual(r.out.outcome === 'sent' ? { email: 'sent', sms: 'sent' } : { email: 'already_sent', sms: 'already_sent' });
      // What a person reads afterwards.
      const human = await s.start(['send', s.id, '--yes']).exited;
      s.outputs.push(human.stdout, human.stderr);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/email\s+already sent/);
      expect(human.stdout).toMatch(/sms\s+already sent/);
      await checkExactlyOnce(expect, s, { linkPosts: 1, journal: FULL, emailRecorded: true });
    } finally {
      await s.close();
    }
  });
});
}
