import { IANAZone } from 'luxon';
import { z } from 'zod';
import {
  DEPARTEMENT_CODES,
  type DepartementCode,
  departement,
  isDepartementCode,
  knownCodesText,
  regimeOfDepartement,
  zoneOf,
} from '../../../domain/calendar';

describe('départements', () => {
  it('lists the 101 départements and the 6 collectivities once each, Corsica as 2A and 2B', () => {
    expect(DEPARTEMENT_CODES).toHaveLength(107);
    expect(new Set(DEPARTEMENT_CODES).size).toBe(107);
    expect(DEPARTEMENT_CODES).toEqual(expect.arrayContaining(['01', '19', '2A', '2B', '21', '95', '976']));
    expect(DEPARTEMENT_CODES.slice(-11).join(' ')).toBe('971 972 973 974 975 976 977 978 986 987 988');
    expect(DEPARTEMENT_CODES).not.toContain('20');
    expect(DEPARTEMENT_CODES).not.toContain('984');
  });

  it('says the known codes compactly, for messages', () => {
    expect(knownCodesText()).toBe('01 à 19, 2A, 2B, 21 à 95, 971 à 978, 986 à 988');
  });

  it('names départements with their accents', () => {
    expect(departement('13').name).toBe('Bouches-du-Rhône');
    expect(departement('2A').name).toBe('Corse-du-Sud');
    expect(departement('2B').name).toBe('Haute-Corse');
    expect(departement('21').name).toBe("Côte-d'Or");
    expect(departement('90').name).toBe('Territoire de Belfort');
    expect(departement('974').name).toBe('La Réunion');
    expect(departement('975').name).toBe('Saint-Pierre-et-Miquelon');
    expect(departement('977').name).toBe('Saint-Barthélemy');
    expect(departement('978').name).toBe('Saint-Martin');
    expect(departement('986').name).toBe('Wallis-et-Futuna');
    expect(departement('987').name).toBe('Polynésie française');
    expect(departement('988').name).toBe('Nouvelle-Calédonie');
  });

  it('gives each département a valid zone and its legal regime', () => {
    for (const code of DEPARTEMENT_CODES) {
      expect(IANAZone.isValidZone(zoneOf(code))).toBe(true);
      expect(departement(code).code).toBe(code);
    }
    expect(zoneOf('75')).toBe('Europe/Paris');
    expect(zoneOf('2A')).toBe('Europe/Paris');
    expect(zoneOf('971')).toBe('America/Guadeloupe');
    expect(zoneOf('972')).toBe('America/Martinique');
    expect(zoneOf('973')).toBe('America/Cayenne');
    expect(zoneOf('974')).toBe('Indian/Reunion');
    expect(zoneOf('976')).toBe('Indian/Mayotte');
    expect(zoneOf('975')).toBe('America/Miquelon');
    expect(zoneOf('977')).toBe('America/St_Barthelemy');
    expect(zoneOf('978')).toBe('America/Marigot');
    expect(zoneOf('986')).toBe('Pacific/Wallis');
    expect(zoneOf('987')).toBe('Pacific/Tahiti');
    expect(zoneOf('988')).toBe('Pacific/Noumea');

    const byRegime = (regime: string) =>
      DEPARTEMENT_CODES.filter((code) => regimeOfDepartement(code) === regime);
    expect(byRegime('alsace-moselle')).toEqual(['57', '67', '68']);
    expect(byRegime('outre-mer')).toEqual(['971', '972', '973', '974', '975', '976', '977', '978']);
    expect(byRegime('pacifique')).toEqual(['986', '987', '988']);
    expect(byRegime('metropole')).toHaveLength(93);
  });

  it('recognises codes strictly', () => {
    expect(isDepartementCode('75')).toBe(true);
    expect(isDepartementCode('2a')).toBe(false);
    expect(isDepartementCode(75)).toBe(false);
    expect(isDepartementCode('20')).toBe(false);
    expect(isDepartementCode('toString')).toBe(false);
    expect(isDepartementCode('__proto__')).toBe(false);
    expect(() => departement('20' as DepartementCode)).toThrow(
      /Unknown département code "20": expected one of 01\.\.19, 2A, 2B, 21\.\.95, 971\.\.978, 986\.\.988/,
    );
  });

  it('is usable as a zod enum', () => {
    const schema = z.enum(DEPARTEMENT_CODES);
    expect(schema.parse('2B')).toBe('2B');
    expect(schema.safeParse('20').success).toBe(false);
  });
});
