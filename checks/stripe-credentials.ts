import { defineCheck, configGaps, describeGaps, describeFault, parseStripeKey, describeMalformedKey } from '../src/index.js';

const STRIPE_HOSTS = /(^|\.)stripe\.com$/i;

export default defineCheck({
  id: 'stripe.credentials',
  title: 'Stripe credentials',
  description: "A Stripe secret or restricted key is configured and well-formed, Stripe accepts it, and the connected account in the configuration exists and is reachable with it. A restricted key is only proven to read here; whether it may create payment links is proven at send.",
  category: 'payments',
  channels: ['email', 'sms'],
  scope: 'account',
  needsNetwork: true,
  runsOffline: true,
  appliesTo: (ctx) => ctx.account.payments.provider === 'stripe' || 'Not applicable: payments are off for this account (payments.provider: none), so no payment link is sent.',
  article: ['servinix/invoice-not-sending#1', 'servinix/send-a-payment-link#before'],
  codes: {
    STRIPE_NOT_CONFIGURED: {
      severity: 'fail',
      summary: 'no Stripe secret key is configured',
      remediation: {
        cause: 'No Stripe secret key is configured for this account, so payment links cannot be created ("Stripe is not connected").',
        steps: [
          'In the Stripe Dashboard open Developers → API keys and copy the secret key (or create a restricted key with Accounts: Read and Payment Links: Write).',
          'Store it in the environment variable named in the message (for example STRIPE_SECRET_KEY), never in the configuration file itself.',
          'Or, if this account should not take card payments, set `accounts.<id>.payments.provider: none` to send plain invoices.',
        ],
        docs: 'https://docs.stripe.com/keys',
      },
    },
    STRIPE_KEY_MALFORMED: {
      severity: 'fail',
      summary: 'the configured value is not a Stripe secret or restricted key',
      remediation: {
        cause: 'The configured Stripe key is not a secret (sk_…) or restricted (rk_…) API key: often the publishable key (pk_…), a webhook secret, or a truncated copy.',
        steps: [
          'In the Stripe Dashboard open Developers → API keys.',
          'Copy the Secret key (Reveal key) or a restricted key, in full, in the mode you intend (live or test).',
          'Replace the value in the environment variable or `accounts.<id>.payments.stripe.secret_key`, then run the check again.',
        ],
        docs: 'https://docs.stripe.com/keys',
      },
    },
    STRIPE_AUTH_FAILED: {
      severity: 'fail',
      summary: 'Stripe rejected the key (revoked, rolled or mistyped)',
      remediation: {
        cause: 'Stripe rejected the API key: it was revoked, rolled (replaced by a new one) or mistyped.',
        steps: [
          'In the Stripe Dashboard open Developers → API keys and check whether the key was rolled or deleted.',
          'Create or reveal the current key and update the environment variable that `accounts.<id>.payments.stripe.secret_key` reads.',
          'Run the check again.',
        ],
        docs: 'https://docs.stripe.com/keys#rolling-keys',
      },
    },
    STRIPE_PERMISSION_DENIED: {
      severity: 'fail',
      summary: 'the key may not read the account (a restricted key without that permission)',
      remediation: {
        cause: 'The key is valid but not allowed to read this account: a restricted key without the needed permission, or a platform key for an account it does not control.',
        steps: [
          'In the Stripe Dashboard open Developers → API keys and edit the restricted key.',
          'Grant Accounts: Read (and Payment Links: Write, needed to send), then save.',
          'Or use the account\'s standard secret key instead, then run the check again.',
        ],
        docs: 'https://docs.stripe.com/keys#limit-access',
      },
    },
    STRIPE_ACCOUNT_NOT_FOUND: {
      severity: 'fail',
      summary: 'the connected account does not exist or is not connected to this platform',
      remediation: {
        cause: 'The connected account id in the configuration does not exist for this key: mistyped, in the other mode (test vs live), or disconnected from the platform.',
        steps: [
          'In the Stripe Dashboard open Connect → Accounts and find the business; copy its account id (acct_…).',
          'Check that the key and the account are in the same mode (test or live).',
          'Set `accounts.<id>.payments.stripe.account` to the id, or remove it to use the key\'s own account; run the check again.',
        ],
        docs: 'https://docs.stripe.com/connect/authentication',
      },
    },
    STRIPE_RESTRICTED_KEY: {
      severity: 'warn',
      summary: 'a restricted key: creating payment links is proven only at send',
      remediation: {
        cause: 'The key is a restricted key. Reading the account works, but whether it may create payment links is only proven when an invoice is sent.',
        steps: [
          'In the Stripe Dashboard open Developers → API keys and check that the restricted key has Payment Links: Write and Prices/Products: Write.',
          'Send a test invoice with --dry-run first, then a real one, and watch for a permission error.',
        ],
        docs: 'https://docs.stripe.com/keys#limit-access',
      },
    },
    STRIPE_MODE_MISMATCH: {
      severity: 'warn',
      summary: "the key's mode does not match where it is used (a test key against Stripe itself, a live key against another host)",
      remediation: {
        cause: 'The key\'s mode does not fit where it is used: a test key against Stripe itself creates payment links nobody can really pay (and Stripe sends no email in test mode); a live key sent to a host that is not Stripe exposes it.',
        steps: [
          'For real invoices, use the live secret key (sk_live_… or rk_live_…) from Developers → API keys with the test-mode toggle off.',
          'For a mock server or proxy (`payments.stripe.api_base`), use a test key.',
          'Run the check again.',
        ],
        docs: 'https://docs.stripe.com/keys#test-live-modes',
      },
    },
    STRIPE_UNAVAILABLE: {
      severity: 'error',
      summary: 'Stripe could not be reached or did not answer (timeout, 429, 5xx)',
      remediation: {
        cause: 'Stripe could not be asked: the request timed out, the connection failed, Stripe was rate-limiting (429) or answered with a server error. Whether payments work is unknown.',
        steps: [
          'Run the check again in a minute; check https://status.stripe.com for incidents.',
          'If it persists, check the machine\'s network access to api.stripe.com (proxy, firewall), or `payments.stripe.api_base` if set.',
        ],
        docs: 'https://status.stripe.com',
      },
    },
  },
  async run(ctx) {
    const { account } = ctx;
    const stripe = account.payments.stripe ?? {};
    const gaps = configGaps(account, ['payments.stripe.secret_key'], { section: 'payments.stripe' });
    if (gaps.length > 0) {
      return ctx.fail('STRIPE_NOT_CONFIGURED', { message: `${gaps[0]!.field === 'payments.stripe.secret_key' ? 'No Stripe secret key' : 'Stripe is not fully configured'}: ${describeGaps(account, gaps)} ${gaps.length === 1 ? 'is' : 'are'} empty.`, data: { field: gaps[0]!.field, variable: gaps[0]!.variable, ...(gaps.length > 1 ? { missing: gaps.map((g) => g.field), variables: gaps.flatMap((g) => (g.variable ? [g.variable] : [])) } : {}) } });
    }
    const key = stripe.secret_key!;
    const info = parseStripeKey(key);
    if (!info) {
      return ctx.fail('STRIPE_KEY_MALFORMED', { message: `accounts.${account.id}.payments.stripe.secret_key is not a usable Stripe key: ${describeMalformedKey(key)}.`, data: { field: 'payments.stripe.secret_key' } });
    }
    if (ctx.offline) return ctx.skip(`Skipped: needs the network, and --offline was given (the key is a well-formed ${info.mode}-mode ${info.kind} key; Stripe was not asked whether it accepts it).`, { reason: 'offline', mode: info.mode, keyKind: info.kind });

    const host = stripe.api_base ? new URL(stripe.api_base).hostname : 'api.stripe.com';
    const target = stripe.account ? `connected account ${stripe.account}` : "the key's own account";
    const data = { mode: info.mode, keyKind: info.kind, account: stripe.account, host };
    const read = await ctx.facts.stripeAccount();
    if (!read.ok) {
      const { fault } = read;
      const why = describeFault(fault);
      switch (fault.kind) {
        case 'auth':
          return ctx.fail('STRIPE_AUTH_FAILED', { message: `Stripe rejected the ${info.mode}-mode ${info.kind} key in accounts.${account.id}.payments.stripe.secret_key (${why}).`, data: { ...data, status: fault.status, requestId: fault.requestId } });
        case 'permission':
          return ctx.fail('STRIPE_PERMISSION_DENIED', { message: `The ${info.kind} key may not read ${target} (${why}).`, data: { ...data, status: fault.status, requestId: fault.requestId } });
        case 'not_found':
          if (stripe.account) return ctx.fail('STRIPE_ACCOUNT_NOT_FOUND', { message: `Stripe has no account ${stripe.account} reachable with this ${info.mode}-mode key (${why}).`, data: { ...data, status: fault.status, requestId: fault.requestId } });
          break;
      }
      return ctx.error('STRIPE_UNAVAILABLE', { message: `Could not read ${target} from Stripe (${host}): ${why}.`, data: { ...data, fault: fault.kind, status: fault.status, code: fault.code, retryAfter: fault.retryAfter } });
    }

    const found = read.value;
    const name = found.settings?.dashboard?.display_name || found.business_profile?.name || found.id;
    const summary = `${info.mode === 'live' ? 'Live' : 'Test'}-mode ${info.kind} key accepted; ${stripe.account ? `connected account ${found.id}` : `account ${found.id}`} (${name}).`;
    const passData = { ...data, accountId: found.id, displayName: name };
    const official = STRIPE_HOSTS.test(host);
    if (info.mode === 'live' && !official) {
      return ctx.warn('STRIPE_MODE_MISMATCH', { message: `${summary} But it is a live key sent to ${host}, which is not Stripe: use a test key with a mock or proxy.`, data: passData });
    }
    if (info.mode === 'test' && official) {
      return ctx.warn('STRIPE_MODE_MISMATCH', { message: `${summary} But it is a test-mode key: payment links it creates cannot take real payments, and Stripe sends no email in test mode.`, data: passData });
    }
    if (info.kind === 'restricted') {
      return ctx.warn('STRIPE_RESTRICTED_KEY', { message: `${summary} It is a restricted key: reading the account works; whether it may create payment links is proven only at send.`, data: passData });
    }
    return ctx.pass(summary, passData);
  },
});
