/**
 * The French départements, and the overseas collectivities where the gendarmerie serves, a
 * convention can be signed in, with the time zone its deadlines are counted in and the law that
 * decides its public holidays. "Département" below covers both: the code is the INSEE one.
 */

/** Every code, in INSEE order. A literal tuple so `z.enum(DEPARTEMENT_CODES)` works. */
export const DEPARTEMENT_CODES = [
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '2A',
  '2B',
  '21',
  '22',
  '23',
  '24',
  '25',
  '26',
  '27',
  '28',
  '29',
  '30',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '38',
  '39',
  '40',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '50',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '59',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '67',
  '68',
  '69',
  '70',
  '71',
  '72',
  '73',
  '74',
  '75',
  '76',
  '77',
  '78',
  '79',
  '80',
  '81',
  '82',
  '83',
  '84',
  '85',
  '86',
  '87',
  '88',
  '89',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '971',
  '972',
  '973',
  '974',
  '975',
  '976',
  '977',
  '978',
  '986',
  '987',
  '988',
] as const;

export type DepartementCode = (typeof DEPARTEMENT_CODES)[number];

/**
 * Which body of law fixes the public holidays: the general Code du travail (L3133-1), the local
 * law of Moselle, Bas-Rhin and Haut-Rhin (L3134-13), the overseas provisions of the same code
 * (L3422-2, and Saint-Pierre-et-Miquelon where only L3133-1 applies), or the territory's own labour
 * law in Wallis-et-Futuna, French Polynesia and New Caledonia, where the Code du travail does not
 * apply.
 */
export type LegalRegime = 'metropole' | 'alsace-moselle' | 'outre-mer' | 'pacifique';

export interface Departement {
  readonly code: DepartementCode;
  readonly name: string;
  /** IANA zone in which the département's civil dates and local hours are read. */
  readonly zone: string;
  readonly regime: LegalRegime;
}

const NAMES: { readonly [C in DepartementCode]: string } = {
  '01': 'Ain',
  '02': 'Aisne',
  '03': 'Allier',
  '04': 'Alpes-de-Haute-Provence',
  '05': 'Hautes-Alpes',
  '06': 'Alpes-Maritimes',
  '07': 'Ardèche',
  '08': 'Ardennes',
  '09': 'Ariège',
  '10': 'Aube',
  '11': 'Aude',
  '12': 'Aveyron',
  '13': 'Bouches-du-Rhône',
  '14': 'Calvados',
  '15': 'Cantal',
  '16': 'Charente',
  '17': 'Charente-Maritime',
  '18': 'Cher',
  '19': 'Corrèze',
  '2A': 'Corse-du-Sud',
  '2B': 'Haute-Corse',
  '21': "Côte-d'Or",
  '22': "Côtes-d'Armor",
  '23': 'Creuse',
  '24': 'Dordogne',
  '25': 'Doubs',
  '26': 'Drôme',
  '27': 'Eure',
  '28': 'Eure-et-Loir',
  '29': 'Finistère',
  '30': 'Gard',
  '31': 'Haute-Garonne',
  '32': 'Gers',
  '33': 'Gironde',
  '34': 'Hérault',
  '35': 'Ille-et-Vilaine',
  '36': 'Indre',
  '37': 'Indre-et-Loire',
  '38': 'Isère',
  '39': 'Jura',
  '40': 'Landes',
  '41': 'Loir-et-Cher',
  '42': 'Loire',
  '43': 'Haute-Loire',
  '44': 'Loire-Atlantique',
  '45': 'Loiret',
  '46': 'Lot',
  '47': 'Lot-et-Garonne',
  '48': 'Lozère',
  '49': 'Maine-et-Loire',
  '50': 'Manche',
  '51': 'Marne',
  '52': 'Haute-Marne',
  '53': 'Mayenne',
  '54': 'Meurthe-et-Moselle',
  '55': 'Meuse',
  '56': 'Morbihan',
  '57': 'Moselle',
  '58': 'Nièvre',
  '59': 'Nord',
  '60': 'Oise',
  '61': 'Orne',
  '62': 'Pas-de-Calais',
  '63': 'Puy-de-Dôme',
  '64': 'Pyrénées-Atlantiques',
  '65': 'Hautes-Pyrénées',
  '66': 'Pyrénées-Orientales',
  '67': 'Bas-Rhin',
  '68': 'Haut-Rhin',
  '69': 'Rhône',
  '70': 'Haute-Saône',
  '71': 'Saône-et-Loire',
  '72': 'Sarthe',
  '73': 'Savoie',
  '74': 'Haute-Savoie',
  '75': 'Paris',
  '76': 'Seine-Maritime',
  '77': 'Seine-et-Marne',
  '78': 'Yvelines',
  '79': 'Deux-Sèvres',
  '80': 'Somme',
  '81': 'Tarn',
  '82': 'Tarn-et-Garonne',
  '83': 'Var',
  '84': 'Vaucluse',
  '85': 'Vendée',
  '86': 'Vienne',
  '87': 'Haute-Vienne',
  '88': 'Vosges',
  '89': 'Yonne',
  '90': 'Territoire de Belfort',
  '91': 'Essonne',
  '92': 'Hauts-de-Seine',
  '93': 'Seine-Saint-Denis',
  '94': 'Val-de-Marne',
  '95': "Val-d'Oise",
  '971': 'Guadeloupe',
  '972': 'Martinique',
  '973': 'Guyane',
  '974': 'La Réunion',
  '975': 'Saint-Pierre-et-Miquelon',
  '976': 'Mayotte',
  '977': 'Saint-Barthélemy',
  '978': 'Saint-Martin',
  '986': 'Wallis-et-Futuna',
  '987': 'Polynésie française',
  '988': 'Nouvelle-Calédonie',
};

const METROPOLITAN_ZONE = 'Europe/Paris';

const OVERSEAS_ZONES: { readonly [code: string]: string } = {
  '971': 'America/Guadeloupe',
  '972': 'America/Martinique',
  '973': 'America/Cayenne',
  '974': 'Indian/Reunion',
  '975': 'America/Miquelon',
  '976': 'Indian/Mayotte',
  '977': 'America/St_Barthelemy',
  '978': 'America/Marigot',
  '986': 'Pacific/Wallis',
  // The préfecture (haut-commissariat) and most posts are in Tahiti; the Marquesas and Gambier
  // keep their own hour, which a whole-territory calendar cannot follow.
  '987': 'Pacific/Tahiti',
  '988': 'Pacific/Noumea',
};

const ALSACE_MOSELLE: readonly string[] = ['57', '67', '68'];
const PACIFIC: readonly string[] = ['986', '987', '988'];

function regimeOf(code: DepartementCode): LegalRegime {
  if (PACIFIC.includes(code)) return 'pacifique';
  if (code in OVERSEAS_ZONES) return 'outre-mer';
  if (ALSACE_MOSELLE.includes(code)) return 'alsace-moselle';
  return 'metropole';
}

const DEPARTEMENTS: { readonly [C in DepartementCode]: Departement } = Object.freeze(
  Object.fromEntries(
    DEPARTEMENT_CODES.map((code) => [
      code,
      Object.freeze({
        code,
        name: NAMES[code],
        zone: OVERSEAS_ZONES[code] ?? METROPOLITAN_ZONE,
        regime: regimeOf(code),
      }),
    ]),
  ) as { [C in DepartementCode]: Departement },
);

export function isDepartementCode(value: unknown): value is DepartementCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DEPARTEMENTS, value);
}

/**
 * The known codes written compactly, runs of consecutive numbers as ranges, for messages that
 * must say what is accepted: "01 à 19, 2A, 2B, 21 à 95, 971 à 978, 986 à 988".
 */
export function knownCodesText(separator = ' à '): string {
  const parts: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length > 2) parts.push(`${run[0]}${separator}${run.at(-1)}`);
    else parts.push(...run);
    run = [];
  };
  for (const code of DEPARTEMENT_CODES) {
    const previous = run.at(-1);
    const consecutive =
      previous !== undefined &&
      /^\d+$/.test(code) &&
      /^\d+$/.test(previous) &&
      Number(code) === Number(previous) + 1;
    if (!consecutive) flush();
    run.push(code);
  }
  flush();
  return parts.join(', ');
}

/** The département with this code; throws on an unknown code so a typo never falls back to Paris. */
export function departement(code: DepartementCode): Departement {
  if (!isDepartementCode(code)) {
    throw new Error(
      `Unknown département code ${JSON.stringify(code)}: expected one of ${knownCodesText('..')}`,
    );
  }
  return DEPARTEMENTS[code];
}

export function zoneOf(code: DepartementCode): string {
  return departement(code).zone;
}

export function regimeOfDepartement(code: DepartementCode): LegalRegime {
  return departement(code).regime;
}
