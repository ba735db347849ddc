/**
 * How a carrier splits an SMS: GSM-7 when every character is in the GSM 03.38 default alphabet (or its
 * extension table, whose characters take two septets), UCS-2 otherwise. Concatenated messages lose room
 * to the user data header: 153 septets or 67 UTF-16 units per part, and a two-septet character or a
 * surrogate pair is never split across parts.
 */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export const SMS_MAX_CHARACTERS = 1600;

export interface SmsEncoding {
  encoding: 'GSM-7' | 'UCS-2';
  /** characters as people count them (code points) */
  characters: number;
  /** septets (GSM-7) or UTF-16 code units (UCS-2) */
  units: number;
  segments: number;
  /** the characters that forced UCS-2, deduplicated, in order of appearance */
  nonGsm: string[];
}

export function analyzeSms(text: string): SmsEncoding {
  const chars = [...text];
  const nonGsm = [...new Set(chars.filter((c) => !GSM_BASIC.has(c) && !GSM_EXTENDED.has(c)))];
  if (nonGsm.length === 0) {
    const widths = chars.map((c) => (GSM_EXTENDED.has(c) ? 2 : 1));
    return { encoding: 'GSM-7', characters: chars.length, units: sum(widths), segments: countSegments(widths, 160, 153), nonGsm };
  }
  const widths = chars.map((c) => c.length); // 2 for a surrogate pair
  return { encoding: 'UCS-2', characters: chars.length, units: sum(widths), segments: countSegments(widths, 70, 67), nonGsm };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function countSegments(widths: number[], single: number, multi: number): number {
  const total = sum(widths);
  if (total === 0) return 0;
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > multi) {
      segments++;
      used = 0;
    }
    used += w;
  }
  return segments;
}
