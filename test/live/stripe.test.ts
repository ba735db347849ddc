import { describe, it, beforeAll, afterAll } from 'vitest';
import { makeAccount, makeInvoice, runOne } from '../helpers/factories.js';
import { STRIPE_KEYS, startStripeFake, type StripeFake } from '../fakes/stripe.js';

let fake: StripeFake;
beforeAll(async () => { fake = await startStripeFake(); });
afterAll(async () => { await fake.close(); });

describe('explore', () => {
  it.each([[3000], [2000], [1500], [1000]])('slow %d', async (t) => {
    const mark = fake.requests.length;
    const r = await runOne('stripe.credentials', makeInvoice(), makeAccount({ payments: { provider: 'stripe', stripe: { secret_key: STRIPE_KEYS.slow, api_base: fake.url } } }), { offline: false, timeoutMs: t });
    console.log(t, r.status, r.code, r.message, r.durationMs, JSON.stringify(r.data), fake.requests.length - mark);
  });
});
