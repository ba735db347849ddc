/**
 * Every local peer at once, with the environment that points fixtures/scenarios/invoice-doctor.yaml at
 * them. Used by the scenario tests, the benchmarks and `npm run with-peers`.
 */
import { defaultStripeWorld, startStripeFake, type StripeFake } from './stripe.js';
import { defaultTwilioWorld, startTwilioFake, TWILIO_TOKEN, type TwilioFake } from './twilio.js';
import { startSmtpPeers, SMTP_PASS, type SmtpPeer, type SmtpScenario } from './smtp.js';
import { startOAuth2Fake, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_GOOD, type OAuth2Fake } from './oauth2.js';
import { startDnsFake, type DnsFake, type DnsZone } from './dns.js';

export const SMTP_WRONG_PASS = 'Tr0ub4dor&3 wrong';

/** The recipient domains fixtures/scenarios uses, as the DNS peer answers them (others: NXDOMAIN). */
export const SCENARIO_ZONE: DnsZone = {
  'northwind-traders.com': { mx: [{ exchange: 'mx1.northwind-traders.com', priority: 10 }] },
  'nomail-corp.com': { nullMx: true, a: ['192.0.2.40'] },
  'aonly-corp.com': { a: ['192.0.2.30'] },
  'slow-corp.com': 'timeout',
};

export interface Peers {
  stripe: StripeFake;
  twilio: TwilioFake;
  smtp: Record<SmtpScenario, SmtpPeer> & { close(): Promise<void> };
  oauth: OAuth2Fake;
  dns: DnsFake;
  /** the variables fixtures/scenarios/invoice-doctor.yaml reads */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startPeers(options: { delayMs?: number; zone?: DnsZone } = {}): Promise<Peers> {
  const delayMs = options.delayMs ?? 0;
  const [stripe, twilio, oauth, dns] = await Promise.all([
    startStripeFake(undefined, { delayMs }),
    startTwilioFake(undefined, { delayMs }),
    startOAuth2Fake(),
    startDnsFake(options.zone ?? SCENARIO_ZONE, { delayMs }),
  ]);
  const smtp = await startSmtpPeers(undefined, { delayMs });
  const env: Record<string, string> = {
    STRIPE_API_BASE: stripe.url,
    TWILIO_API_BASE: twilio.url,
    DNS_SERVER: dns.server,
    OAUTH_TOKEN_URL: oauth.tokenUrl,
    OAUTH_CLIENT_SECRET,
    OAUTH_REFRESH_TOKEN: OAUTH_REFRESH_GOOD,
    SMTP_PASS,
    SMTP_WRONG_PASS,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    SMTP_PORT_STARTTLS: String(smtp.starttls.port),
    SMTP_PORT_NOAUTH: String(smtp['no-auth'].port),
    SMTP_PORT_IMPLICIT: String(smtp['implicit-tls'].port),
    SMTP_PORT_NO_STARTTLS: String(smtp['no-starttls'].port),
    SMTP_PORT_XOAUTH2: String(smtp.xoauth2.port),
    SMTP_PORT_GREETING_TIMEOUT: String(smtp['greeting-timeout'].port),
    SMTP_PORT_421: String(smtp['greeting-421'].port),
    SMTP_PORT_REFUSED: String(smtp.refused.port),
  };
  return {
    stripe, twilio, smtp, oauth, dns, env,
    close: async () => {
      await Promise.all([stripe.close(), twilio.close(), smtp.close(), oauth.close(), dns.close()]);
    },
  };
}

/**
 * Puts every peer back to its initial state (between tests, between benchmark runs): recorded requests,
 * SMTP messages, counters and limits, interceptors, DNS queries, and fresh Stripe / Twilio worlds (so a
 * run that edits the world, or the messages an earlier run sent, cannot leak into the next one).
 */
export function resetPeers(peers: Peers): void {
  peers.stripe.reset();
  peers.stripe.intercept = undefined;
  peers.stripe.world = defaultStripeWorld();
  peers.twilio.reset();
  peers.twilio.intercept = undefined;
  peers.twilio.world = defaultTwilioWorld();
  peers.stripe.echoCredentials = false;
  peers.twilio.echoCredentials = false;
  peers.oauth.echoCredentials = false;
  peers.oauth.echoFrom = undefined;
  for (const p of Object.values(peers.smtp)) {
    if (typeof p !== 'object' || !('messages' in p)) continue;
    p.messages.length = 0;
    p.authAttempts.length = 0;
    p.connections = 0;
    p.intercept = undefined;
    p.maxMessagesPerConnection = undefined;
    p.echoCredentials = undefined;
  }
  peers.dns.queries.length = 0;
}
