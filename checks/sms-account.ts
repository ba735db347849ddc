import { defineCheck, configGaps, describeGaps, describeFault, isAccountSid } from '../src/index.js';
import { sendsThroughTwilio, TWILIO_UNAVAILABLE, twilioUnavailable } from './twilio-common.js';

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
    TWILIO_NOT_CONFIGURED: { severity: 'fail', summary: 'no Twilio account is configured for SMS ("Twilio account not found")' },
    TWILIO_AUTH_FAILED: { severity: 'fail', summary: 'Twilio rejected the Account SID and auth token (20003)' },
    TWILIO_ACCOUNT_SUSPENDED: { severity: 'fail', summary: 'the Twilio account is suspended' },
    TWILIO_ACCOUNT_CLOSED: { severity: 'fail', summary: 'the Twilio account is closed' },
    TWILIO_TRIAL: { severity: 'warn', summary: 'a trial account: it can only text verified numbers, with a trial prefix' },
    ...TWILIO_UNAVAILABLE,
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
