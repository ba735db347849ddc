#!/usr/bin/env node
// Runs a command with every local peer started (Stripe, Twilio, OAuth2, SMTP, DNS) and the environment
// fixtures/scenarios/invoice-doctor.yaml reads, so the live checks can be tried without accounts:
//   npm run with-peers -- node bin/invoice-doctor.js check SC-stripe-requirements-due --config fixtures/scenarios/invoice-doctor.yaml
import { spawn } from 'node:child_process';
import { loadPeers } from './load-peers.mjs';

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: npm run with-peers -- <command> [args...]');
  process.exit(2);
}
const { startPeers } = await loadPeers();
const peers = await startPeers({ delayMs: Number(process.env.PEER_DELAY_MS ?? 0) });
const child = spawn(args[0], args.slice(1), { stdio: 'inherit', env: { ...process.env, ...peers.env } });
const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await peers.close();
process.exit(code);
