import { describe, expect, it } from 'vitest';
import { analyzeSms, SMS_MAX_CHARACTERS } from '../../../src/send/sms-encoding.js';

const gsm = (n: number) => 'a'.repeat(n);
const ucs = (n: number) => 'Ж'.repeat(n); // Cyrillic: outside GSM-7, one UTF-16 unit

describe('analyzeSms', () => {
  it('limits an SMS to 1,600 characters', () => {
    expect(SMS_MAX_CHARACTERS).toBe(1600);
  });

  it('an empty text is zero segments', () => {
    expect(analyzeSms('')).toEqual({ encoding: 'GSM-7', characters: 0, units: 0, segments: 0, nonGsm: [] });
  });

  describe('GSM-7: 160 in one segment, 153 per part', () => {
    it.each([
      [1, 1],
      [160, 1],
      [161, 2],
      [306, 2],
      [307, 3],
      [459, 3],
      [460, 4],
    ])('%i characters → %i segment(s)', (n, segments) => {
      const r = analyzeSms(gsm(n));
      expect(r).toMatchObject({ encoding: 'GSM-7', characters: n, units: n, segments, nonGsm: [] });
    });

    it('accepts the whole basic alphabet, accents and symbols included, as GSM-7', () => {
      const r = analyzeSms('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà');
      expect(r.encoding).toBe('GSM-7');
      expect(r.units).toBe(r.characters);
    });

    it('counts each extension character (^{}\\[~]|€) as two septets', () => {
      const r = analyzeSms('^{}\\[~]|€');
      expect(r).toMatchObject({ encoding: 'GSM-7', characters: 9, units: 18, segments: 1 });
    });

    it('80 euro signs fill exactly one segment; 81 need two', () => {
      expect(analyzeSms('€'.repeat(80))).toMatchObject({ characters: 80, units: 160, segments: 1 });
      expect(analyzeSms('€'.repeat(81))).toMatchObject({ characters: 81, units: 162, segments: 2 });
    });

    it('159 plain characters and one extension character exceed one segment', () => {
      expect(analyzeSms(`${gsm(159)}€`)).toMatchObject({ characters: 160, units: 161, segments: 2 });
    });

    it('never splits an extension character across parts', () => {
      // 152 + 2 + 152 = 306 septets, which would fit 2 × 153 if the € could be split
      const r = analyzeSms(`${gsm(152)}€${gsm(152)}`);
      expect(r).toMatchObject({ encoding: 'GSM-7', units: 306, segments: 3 });
      // with the € entirely in the first part, 2 parts suffice
      expect(analyzeSms(`${gsm(151)}€${gsm(153)}`)).toMatchObject({ units: 306, segments: 2 });
    });
  });

  describe('UCS-2: 70 in one segment, 67 per part', () => {
    it.each([
      [70, 1],
      [71, 2],
      [134, 2],
      [135, 3],
    ])('%i characters → %i segment(s)', (n, segments) => {
      expect(analyzeSms(ucs(n))).toMatchObject({ encoding: 'UCS-2', characters: n, units: n, segments });
    });

    it('a single character outside GSM-7 switches the whole message to UCS-2', () => {
      const r = analyzeSms(`${gsm(100)}’`);
      expect(r).toMatchObject({ encoding: 'UCS-2', characters: 101, units: 101, segments: 2, nonGsm: ['’'] });
    });

    it('lists the characters that forced UCS-2 once each, in order of appearance', () => {
      expect(analyzeSms('“Zoë” – ë').nonGsm).toEqual(['“', 'ë', '”', '–']);
    });

    it('extension characters count one unit in UCS-2', () => {
      expect(analyzeSms('€Ж')).toMatchObject({ encoding: 'UCS-2', units: 2 });
    });

    it('counts a surrogate pair (emoji) as one character and two units', () => {
      const r = analyzeSms('😀');
      expect(r).toMatchObject({ encoding: 'UCS-2', characters: 1, units: 2, segments: 1, nonGsm: ['😀'] });
      expect(analyzeSms('😀'.repeat(35))).toMatchObject({ characters: 35, units: 70, segments: 1 });
      expect(analyzeSms('😀'.repeat(36))).toMatchObject({ characters: 36, units: 72, segments: 2 });
    });

    it('never splits a surrogate pair across parts', () => {
      // 66 + 2 + 66 = 134 units, which would fit 2 × 67 if the emoji could be split
      expect(analyzeSms(`${ucs(66)}😀${ucs(66)}`)).toMatchObject({ units: 134, segments: 3 });
      expect(analyzeSms(`${ucs(65)}😀${ucs(67)}`)).toMatchObject({ units: 134, segments: 2 });
      // a part holds 33 emoji (66 units): 67 emoji (134 units) need 3 parts, not 2 × 67 units
      expect(analyzeSms('😀'.repeat(66)).segments).toBe(2);
      expect(analyzeSms('😀'.repeat(67))).toMatchObject({ units: 134, segments: 3 });
    });
  });
});
