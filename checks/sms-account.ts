import { defineCheck, configGaps, describeGaps, describeFault, isAccountSid } from '../src/index.js';
import { sendsThroughTwilio, twilioUnavailable } from './twilio-common.js';

export default defineCheck({
  id: 'sms.account',
  title: 'Twilio account active',
  description: 'Twilio is configured for SMS, the Account SID and auth token authenticate, and the account is active (not suspended or closed). Trial accounts are warned: they can only text verified numbers.',
  category: 'sms',
  channels: ['sms'],
  scope: 'account',
  needsNetwork: true,
  runsOffline: true,
  appliesTo: sendsThroughTwilio,
  article: 'servinix/invoice-not-sending#3',
  codes: {
    TWILIO_NOT_CONFIGURED: {
      severity: 'fail',
      summary: 'no Twilio account is configured for SMS ("Twilio account not found")',
      remediation: {
        cause: 'SMS needs a Twilio account, and none is configured for this account ("Twilio account not found"), or its Account SID or auth token is empty.',
        steps: [
          'Go to Settings → Phone Numbers; if you see "Twilio account not found", click Create Twilio Account.',
          'Copy the Account SID (AC…) and auth token from the Twilio Console home page.',
          'Set them where `accounts.<id>.sms.twilio.account_sid` and `auth_token` read them (environment variables), then run the check again.',
        ],
        docs: 'https://www.twilio.com/docs/iam/api/account',
      },
    },
    TWILIO_AUTH_FAILED: {
      severity: 'fail',
      summary: 'Twilio rejected the Account SID and auth token (20003)',
      remediation: {
        cause: 'Twilio refused the Account SID and auth token (error 20003). The token may have been rotated, or the account may be suspended or closed: Twilio gives the same answer for both.',
        steps: [
          'Sign in to the Twilio Console and check the account\'s status on the home page.',
          'If it is active, copy the current auth token (Account Info) and update the variable `accounts.<id>.sms.twilio.auth_token` reads.',
          'If it is suspended or closed, follow the Console\'s instructions or contact Twilio support; then run the check again.',
        ],
        docs: 'https://www.twilio.com/docs/api/errors/20003',
      },
    },
    TWILIO_ACCOUNT_SUSPENDED: {
      severity: 'fail',
      summary: 'the Twilio account is suspended',
      remediation: {
        cause: 'The Twilio account is suspended (often an unpaid balance or a compliance review), so every message is refused (error 30002).',
        steps: [
          'Sign in to the Twilio Console and read the suspension notice.',
          'Resolve it (top up the balance, answer the review) or contact Twilio support.',
          'Run the check again once the account is active.',
        ],
        docs: 'https://www.twilio.com/docs/api/errors/30002',
      },
    },
    TWILIO_ACCOUNT_CLOSED: {
      severity: 'fail',
      summary: 'the Twilio account is closed',
      remediation: {
        cause: 'The Twilio account is closed; it cannot send messages again.',
        steps: [
          'Go to Settings → Phone Numbers and connect a new Twilio account (Create Twilio Account).',
          'Update `accounts.<id>.sms.twilio` with the new account\'s SID, token and sender, and complete A2P registration again.',
        ],
      },
    },
    TWILIO_TRIAL: {
      severity: 'warn',
      summary: 'a trial account: it can only text verified numbers, with a trial prefix',
      remediation: {
        cause: 'The Twilio account is a trial: it can only text phone numbers verified in the Console (error 21608 otherwise), and every message is prefixed "Sent from your Twilio trial account".',
        steps: [
          'In the Twilio Console, upgrade the account (Billing → Upgrade).',
          'Until then, only verified numbers (Phone Numbers → Verified Caller IDs) will receive the invoice.',
        ],
        docs: 'https://www.twilio.com/docs/usage/tutorials/how-to-use-your-free-trial-account',
      },
    },
    TWILIO_UNAVAILABLE: {
      severity: 'error',
      summary: 'Twilio could not be reached or did not answer (timeout, 429, 5xx)',
      remediation: {
        cause: 'Twilio could not be asked: the request timed out, the connection failed, Twilio was rate-limiting (429) or answered with a server error. Whether SMS works is unknown.',
        steps: [
          'Run the check again in a minute; check https://status.twilio.com for incidents.',
          'If it persists, check this machine\'s network access to api.twilio.com and messaging.twilio.com.',
        ],
        docs: 'https://status.twilio.com',
      },
    },
  },
  async run(ctx) {
    const { account } = ctx;
    if (!account.sms) return ctx.fail('TWILIO_NOT_CONFIGURED', { message: `Account ${account.id} has no SMS settings (accounts.${account.id}.sms), so no Twilio account is connected.`, data: {} });
    // The sender's settings are sms.sender's to judge (SENDER_NOT_CONFIGURED names their variables).
    const gaps = configGaps(account, ['sms.twilio.account_sid', 'sms.twilio.auth_token'], { section: 'sms', except: ['sms.twilio.messaging_service_sid', 'sms.twilio.from'] });
    if (gaps.length > 0) {
      return ctx.fail('TWILIO_NOT_CONFIGURED', { message: `Twilio is not fully configured: ${describeGaps(account, gaps)} is empty.`, data: { missing: gaps.map((g) => g.field), variables: gaps.flatMap((g) => (g.variable ? [g.variable] : [])) } });
    }
    const sid = account.sms.twilio!.account_sid!;
    if (!isAccountSid(sid)) {
      const what = /^SK/.test(sid) ? 'an API key SID (SK…); use the Account SID (AC…) with its auth token' : 'not an Account SID (AC followed by 32 hex digits)';
      return ctx.fail('TWILIO_NOT_CONFIGURED', { message: `accounts.${account.id}.sms.twilio.account_sid is ${what}.`, data: { field: 'sms.twilio.account_sid' } });
    }

    const read = await ctx.facts.twilioAccount();
    if (!read.ok) {
      const { fault } = read;
      if (fault.kind === 'auth' || fault.kind === 'not_found') {
        return ctx.fail('TWILIO_AUTH_FAILED', {
          message: `Twilio refused accounts.${account.id}.sms.twilio.account_sid ${sid} with its auth_token (${describeFault(fault)}). Twilio answers this for a wrong or rotated auth token, and also for a suspended or closed account.`,
          data: { accountSid: sid, status: fault.status, code: fault.code },
        });
      }
      return twilioUnavailable(ctx, `account ${sid}`, fault, { accountSid: sid });
    }
    const a = read.value;
    const data = { accountSid: a.sid, status: a.status, type: a.type, friendlyName: a.friendlyName };
    if (a.status === 'suspended') return ctx.fail('TWILIO_ACCOUNT_SUSPENDED', { message: `Twilio account ${a.sid} (${a.friendlyName}) is suspended: messages are refused (30002).`, data });
    if (a.status === 'closed') return ctx.fail('TWILIO_ACCOUNT_CLOSED', { message: `Twilio account ${a.sid} (${a.friendlyName}) is closed.`, data });
    if (a.status !== 'active') return ctx.fail('TWILIO_ACCOUNT_SUSPENDED', { message: `Twilio account ${a.sid} (${a.friendlyName}) is ${a.status}, not active.`, data });
    if (a.type.toLowerCase() === 'trial') return ctx.warn('TWILIO_TRIAL', { message: `Twilio account ${a.sid} (${a.friendlyName}) is a trial account: it can text only verified numbers (21608), and every message starts with "Sent from your Twilio trial account".`, data });
    return ctx.pass(`Twilio account ${a.sid} (${a.friendlyName}) is active.`, data);
  },
});
