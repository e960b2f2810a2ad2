import { addDays, addMonths, compareDates, localDate, type CivilDate } from '../../domain/calendar/dates';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import type { ConventionCreate, ConventionDataInput } from '../../domain/convention/schema';
import type { Actor, ExternalEventType } from '../../domain/lifecycle/events';
import type { ConventionState, EventRequest } from '../../domain/temporal-contract';
import { completeConventionData } from './fixtures';

/**
 * Conventions for the reports' tests on a real Temporal server, dated from today: in force for
 * more than a year in the Nord (paid, part paid, one share recorded unpaid, a report in), in force
 * for months in the Bas-Rhin with a gendarmerie unit (nothing paid), waiting for signatures at La
 * Réunion, in drafting in the Nord, in Corse-du-Sud with everything paid, and at Valenciennes
 * near the end of its first term, its renewal decided.
 */

/** Where conventions are created and moved: the Temporal client, or the HTTP API of a running stack. */
export interface SeedTarget {
  create(create: ConventionCreate, actor: Actor): Promise<{ conventionId: string }>;
  send(conventionId: string, request: EventRequest): Promise<unknown>;
  get(conventionId: string): Promise<ConventionState>;
}

const OPERATOR: Actor = { kind: 'operator', client: 'seed' };

export function firstOfMonth(date: CivilDate): CivilDate {
  return `${date.slice(0, 7)}-01`;
}

function data(departement: string, overrides: Partial<ConventionDataInput> = {}): ConventionCreate['data'] {
  return completeConventionData({ departement: departement as never, ...overrides });
}

/** The Bas-Rhin: a gendarmerie unit beside the commissariat, and its own organisations. */
function strasbourg(startDate: CivilDate): ConventionCreate['data'] {
  const base = completeConventionData({ departement: '67', startDate });
  return data('67', {
    startDate,
    parties: {
      ...base.parties,
      etat: { ...base.parties.etat!, organisation: 'Préfecture du Bas-Rhin' },
      cd59: { ...base.parties.cd59!, organisation: 'Collectivité européenne d’Alsace' },
      'commune-lille': { ...base.parties['commune-lille']!, organisation: 'Ville de Strasbourg' },
      gendarmerie: {
        role: 'gendarmerie',
        organisation: 'Groupement de gendarmerie du Bas-Rhin',
        representative: { title: 'Commandant du groupement' },
        contacts: [{ email: 'ggd67@gendarmerie.example' }],
      },
    },
    site: { commissariat: 'commissariat de Strasbourg', gendarmerieUnit: 'brigade de Schiltigheim' },
    functionalAuthorities: [
      { partyId: 'police', title: 'chef de service de police' },
      { partyId: 'gendarmerie', title: 'commandant de la brigade' },
    ],
    followUpCommittee: [
      ...base.followUpCommittee!,
      { seat: 'commandant-groupement', partyId: 'gendarmerie', title: 'Commandant du groupement' },
    ],
  });
}

export interface SeededConventions {
  today: CivilDate;
  lille: string;
  strasbourg: string;
  reunion: string;
  roubaix: string;
  ajaccio: string;
  valenciennes: string;
  all: string[];
}

async function send(
  conventions: SeedTarget,
  id: string,
  type: ExternalEventType,
  payload: unknown,
): Promise<void> {
  await conventions.send(id, { type, payload, actor: OPERATOR });
}

async function activate(
  conventions: SeedTarget,
  create: ConventionCreate,
  today: CivilDate,
  signers = signatoryPartyIds(create.data),
): Promise<string> {
  const { conventionId } = await conventions.create(create, OPERATOR);
  await send(conventions, conventionId, 'SUBMIT_DRAFT', {});
  await send(conventions, conventionId, 'COMPOSE_SELECTION_COMMITTEE', {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
      { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
    ],
  });
  await send(conventions, conventionId, 'RECORD_APPLICATIONS', {
    count: 2,
    references: ['CAND-A', 'CAND-B'],
  });
  await send(conventions, conventionId, 'RECORD_RECRUITMENT_DECISION', {
    outcome: 'selected',
    candidateRef: 'CAND-A',
  });
  for (const partyId of signers)
    await send(conventions, conventionId, 'SIGN', {
      partyId,
      signerName: `Signataire ${partyId}`,
      signerTitle: 'Représentant',
      signedOn: today,
    });
  return conventionId;
}

/** Pays every line due on or before `until`, on its due day, in full. */
async function payUntil(
  conventions: SeedTarget,
  id: string,
  until: CivilDate,
  skip: (itemId: string) => boolean = () => false,
): Promise<void> {
  const state = await conventions.get(id);
  for (const item of state.ledger)
    if (compareDates(item.dueDate, until) <= 0 && !skip(item.id))
      await send(conventions, id, 'RECORD_PAYMENT', {
        itemId: item.id,
        paidOn: item.dueDate,
        ...(item.plannedAmountEur ? { amountEur: item.plannedAmountEur } : {}),
      });
}

export async function seedConventions(
  conventions: SeedTarget,
  suffix: string,
  now = Date.now(),
): Promise<SeededConventions> {
  const today = localDate(now, '59');
  const lilleStart = addMonths(firstOfMonth(today), -14);
  const lille = await activate(
    conventions,
    { slug: `lille-${suffix}`, data: data('59', { startDate: lilleStart }) },
    today,
  );
  const share = (who: string) => `t1-${who}-annee-1`;
  await payUntil(
    conventions,
    lille,
    addDays(today, -45),
    (id) => id === share('cd59') || id === share('commune-lille'),
  );
  const lilleState = await conventions.get(lille);
  const cd59 = lilleState.ledger.find((i) => i.id === share('cd59'))!;
  await send(conventions, lille, 'RECORD_PAYMENT', {
    itemId: cd59.id,
    paidOn: cd59.dueDate,
    amountEur: 5000,
  });
  const communeLine = lilleState.ledger.find((i) => i.id === share('commune-lille'))!;
  await send(conventions, lille, 'RECORD_NON_PAYMENT', {
    itemId: communeLine.id,
    notedOn: addDays(communeLine.dueDate, 10),
    reason: 'credits-non-votes',
  });
  await send(conventions, lille, 'SUBMIT_ACTIVITY_REPORT', {
    termYear: 1,
    submittedOn: today,
    documentRef: 'BILAN-LILLE-1',
    statistics: { 'personnes-recues': 312, entretiens: 540, orientations: 208 },
  });

  const strasbourgId = await activate(
    conventions,
    { slug: `strasbourg-${suffix}`, data: strasbourg(addMonths(firstOfMonth(today), -5)) },
    today,
  );

  const reunionData = data('974', { startDate: addMonths(firstOfMonth(today), 1) });
  const reunion = await activate(
    conventions,
    { slug: `saint-denis-${suffix}`, data: reunionData },
    today,
    signatoryPartyIds(reunionData).filter((p) => p !== 'cd59'),
  );

  const { conventionId: roubaix } = await conventions.create(
    { slug: `roubaix-${suffix}`, data: data('59', { startDate: addMonths(firstOfMonth(today), 4) }) },
    OPERATOR,
  );

  const ajaccio = await activate(
    conventions,
    { slug: `ajaccio-${suffix}`, data: data('2A', { startDate: addMonths(firstOfMonth(today), -2) }) },
    today,
  );
  await payUntil(conventions, ajaccio, today);

  const valenciennes = await activate(
    conventions,
    {
      slug: `valenciennes-${suffix}`,
      data: data('59', {
        startDate: addMonths(firstOfMonth(today), -32),
        site: { commissariat: 'commissariat de Valenciennes' },
      }),
    },
    today,
  );
  await payUntil(conventions, valenciennes, addDays(today, -30));
  await send(conventions, valenciennes, 'RECORD_RENEWAL_DECISION', { decision: 'renew', decidedOn: today });

  const ids = { lille, strasbourg: strasbourgId, reunion, roubaix, ajaccio, valenciennes };
  return { today, ...ids, all: Object.values(ids).sort() };
}
