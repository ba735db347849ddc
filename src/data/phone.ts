/**
 * Phone numbers through libphonenumber-js with its `max` metadata, the only set that can tell a mobile
 * number from a landline. The metadata is large, so it is loaded on first use, never at start-up.
 */
export type NumberType =
  | 'MOBILE' | 'FIXED_LINE' | 'FIXED_LINE_OR_MOBILE' | 'PREMIUM_RATE' | 'TOLL_FREE' | 'SHARED_COST'
  | 'VOIP' | 'PERSONAL_NUMBER' | 'PAGER' | 'UAN' | 'VOICEMAIL';

export interface PhoneFacts {
  input: string;
  /** E.164, when the input parses at all */
  e164?: string;
  valid: boolean;
  /** ISO region of the number, when known */
  country?: string;
  type?: NumberType;
}

// A batch meets the same customers again and again; parsing with the full metadata costs ~30 µs.
const parsed = new Map<string, PhoneFacts>();

export async function parsePhone(input: string, defaultRegion: string): Promise<PhoneFacts> {
  const key = `${defaultRegion}\u0000${input}`;
  let facts = parsed.get(key);
  if (!facts) {
    if (parsed.size >= 10_000) parsed.clear();
    facts = await parseUncached(input, defaultRegion);
    parsed.set(key, facts);
  }
  return { ...facts };
}

async function parseUncached(input: string, defaultRegion: string): Promise<PhoneFacts> {
  const lib = await import('./phone-metadata.js');
  const parsed = lib.parseWithMaxMetadata(input, lib.isKnownRegion(defaultRegion) ? defaultRegion : undefined);
  if (!parsed) return { input, valid: false };
  return {
    input,
    e164: parsed.number,
    valid: parsed.isValid(),
    country: parsed.country,
    type: parsed.getType() as NumberType | undefined,
  };
}
