import { createInterface } from 'node:readline/promises';

/** Asks a yes/no question on the terminal; anything but y/yes is no. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

export const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stderr.isTTY) && !process.env.CI;
