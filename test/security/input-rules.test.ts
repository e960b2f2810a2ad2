import { randomUUID } from 'node:crypto';
import { decide, newConvention } from '../../domain/lifecycle/decide';
import type { ExternalEvent } from '../../domain/lifecycle/events';
import { conventionCreateInputSchema } from '../../domain/convention/input-rules';
import { ConventionError } from '../../client/conventions';
import { redactPersonalData } from '../../security/redaction';
import { completeConventionData } from '../support/fixtures';
import { recordAttacks, Tally } from '../support/attack-log';
import { startApi, startDevStack, type DevStack, type RunningApi } from '../support/api-harness';

/**
 * Free text is reduced to what the template needs: reasons come from closed lists, labels are
 * short and refuse what looks like a phone number, an email address or a date (of birth); names
 * that remain are masked wherever they are shown. Amendments may not leave a convention
 * inconsistent: a second party for a role the template has once, a reserved name, an end of term
 * outside its three years. Through the API and straight through Temporal alike, with the rule in
 * the refusal; the convention is unchanged.
 */

let stack: DevStack;
let api: RunningApi;
const run = randomUUID().slice(0, 6);
const tally = new Tally();

const PHONE = '06 12 34 56 78';
const BIRTH = 'née le 12/03/1985';
const EMAIL = 'jeanne.martin@nord.gouv.example';

beforeAll(async () => {
  stack = await startDevStack();
  api = await startApi(stack.conventions, {
    keys: [{ id: 'operator', actsAs: { kind: 'operator' } }],
    rateLimit: { max: 10_000, perSeconds: 60 },
  });
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
  recordAttacks('free-text-and-amendments', { requests: tally.requests, answers: tally.byStatus });
});

async function call(method: string, path: string, body: unknown, contentType?: string) {
  const answer = await api.call(method, path, { body, ...(contentType ? { contentType } : {}) });
  tally.add(answer.status);
  return answer;
}

async function draft(slug: string): Promise<string> {
  const created = await call('POST', '/conventions', {
    slug: `${slug}-${run}`,
    data: completeConventionData(),
  });
  expect(created.status).toBe(201);
  return created.body.conventionId as string;
}

function expectRefused(
  answer: { status: number; body: { field?: string; detail?: string } },
  field: string,
  rule: RegExp,
) {
  expect({ status: answer.status, field: answer.body.field }).toEqual({ status: 422, field });
  expect(answer.body.detail).toMatch(rule);
}

test('labels refuse phone numbers, email addresses and dates of birth, naming the rule', async () => {
  const id = await draft('libelles');
  const personal =
    /donnée personnelle refusée \((un numéro de téléphone|une adresse électronique|une date \(de naissance ou autre\))\): un libellé ne contient ni adresse électronique, ni numéro de téléphone, ni date/;
  for (const value of [
    `Préfète du Nord ${PHONE}`,
    `Préfète ${BIRTH}`,
    `Préfète (${EMAIL})`,
    'Préfète, +33 6 12 34 56 78',
    'Préfète 12 mars 1985',
  ]) {
    const patch = { parties: { etat: { representative: { title: value } } } };
    expectRefused(
      await call('PATCH', `/conventions/${id}`, patch, 'application/merge-patch+json'),
      'parties.etat.representative.title',
      personal,
    );
    expectRefused(
      await call(
        'PATCH',
        `/conventions/${id}`,
        { site: { commissariat: value } },
        'application/merge-patch+json',
      ),
      'site.commissariat',
      personal,
    );
  }
  const created = await call('POST', '/conventions', {
    slug: `creation-${run}`,
    data: completeConventionData({
      functionalAuthorities: [{ partyId: 'police', title: `Commandant ${PHONE}` }],
    }),
  });
  expectRefused(created, 'data.functionalAuthorities.0.title', personal);

  // Signatures: the title and the e-signature reference, as the attack sent them.
  await call('POST', `/conventions/${id}/events/submit-draft`, {});
  const today = new Date().toISOString().slice(0, 10);
  for (const [field, payload] of [
    ['signerTitle', { signerTitle: `Préfète ${BIRTH}` }],
    ['signerTitle', { signerTitle: `Préfète ${PHONE}` }],
    ['eSignatureRef', { eSignatureRef: `ESIGN-${PHONE.replace(/ /g, '')}` }],
    ['eSignatureRef', { eSignatureRef: 'MARTIN-1985-03-12' }],
    ['signerName', { signerName: `Jeanne Martin ${EMAIL}` }],
  ] as const) {
    const valid: Record<string, string> = {
      partyId: 'etat',
      signerName: 'Jeanne Martin',
      signerTitle: 'Préfète du Nord',
      signedOn: today,
    };
    const answer = await call('POST', `/conventions/${id}/events/sign`, { ...valid, ...payload });
    expectRefused(answer, field, personal);
  }
  const state = (await api.call('GET', `/conventions/${id}`)).body;
  expect(JSON.stringify(state)).not.toMatch(/12 34 56|1985|jeanne\.martin/);
});

test('reasons come from closed lists; free text there is refused with the allowed values', async () => {
  const id = await draft('motifs');
  for (const [event, body, values] of [
    [
      'abandon',
      { reason: `arrêt demandé par Mme Martin, ${PHONE}` },
      /financement-non-obtenu, retrait-d-une-partie/,
    ],
    ['reopen-drafting', { reason: 'montants à revoir' }, /modification-des-termes, changement-de-partie/],
  ] as const) {
    const answer = await call('POST', `/conventions/${id}/events/${event}`, body);
    expectRefused(answer, 'reason', values);
    expect(answer.body.detail).toMatch(/pas de texte libre/);
  }
  // The same straight through Temporal: the update's validator refuses it, nothing is recorded.
  await expect(
    stack.conventions.send(id, {
      type: 'ABANDON',
      payload: { reason: `Mme Martin ${BIRTH}` },
      actor: { kind: 'operator' },
    }),
  ).rejects.toMatchObject({ refusal: { code: 'invalid', field: 'reason' } });
  await expect(
    stack.conventions.send(id, {
      type: 'AMEND',
      payload: { patch: { jobDescriptionRef: `FP ${PHONE}` } },
      actor: { kind: 'operator' },
    }),
  ).rejects.toBeInstanceOf(ConventionError);
  const state = (await api.call('GET', `/conventions/${id}`)).body;
  expect(state.phase).toBe('drafting');
  expect(state.history).toHaveLength(1);
  const accepted = await call('POST', `/conventions/${id}/events/abandon`, {
    reason: 'financement-non-obtenu',
  });
  expect(accepted.status).toBe(200);
});

test('amendments that would leave the convention inconsistent are refused with their rule', async () => {
  const id = await draft('coherence');
  const patch = (body: unknown) => call('PATCH', `/conventions/${id}`, body, 'application/merge-patch+json');
  const secondState = await patch({
    parties: {
      etat2: {
        role: 'etat',
        organisation: 'Préfecture du Nord (bis)',
        representative: { title: 'Préfet délégué' },
        contacts: [{ email: 'bis@nord.gouv.example' }],
      },
    },
  });
  expectRefused(
    secondState,
    'parties.etat2.role',
    /une seule partie de rôle "etat" \(déjà tenu par "etat"\)/,
  );
  for (const reserved of ['constructor', 'prototype']) {
    const answer = await patch(
      JSON.parse(
        `{"parties":{"${reserved}":{"role":"autre","organisation":"X","representative":{"title":"Y"}}}}`,
      ),
    );
    expectRefused(answer, `parties.${reserved}`, /nom réservé/);
  }
  // "__proto__" does not even get past the JSON reader.
  const proto = await api.call('PATCH', `/conventions/${id}`, {
    rawBody: '{"parties":{"__proto__":{"role":"autre"}}}',
    contentType: 'application/merge-patch+json',
  });
  tally.add(proto.status);
  expect({ status: proto.status, code: proto.body.code }).toEqual({ status: 400, code: 'malformed' });
  expectRefused(await patch({ endDate: '9999-12-31' }), 'endDate', /année 9999 hors des années 2000 à 2099/);
  expectRefused(await patch({ endDate: '2027-02-01' }), 'endDate', /prend fin après son début/);
  expectRefused(
    await patch({ endDate: '2030-03-01' }),
    'endDate',
    /trois ans \(art\. 9\): au plus tard le jeudi 28 février 2030/,
  );
  expectRefused(await patch({ startDate: '1900-01-01' }), 'startDate', /hors des années 2000 à 2099/);
  const nothing = await patch({ jobDescriptionRef: 'FP-ISCG-59-2027' });
  expect({ status: nothing.status, detail: nothing.body.detail }).toEqual({
    status: 409,
    detail: 'la modification ne change rien: la convention a déjà ces valeurs',
  });
  // At creation too: two préfectures, an end before the start.
  const data = completeConventionData({ endDate: '2026-01-01' });
  data.parties.etat2 = { ...data.parties.etat!, organisation: 'Préfecture (bis)' };
  const created = await call('POST', '/conventions', { slug: `deux-etats-${run}`, data });
  expect(created.status).toBe(422);
  expect(created.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
    'data.endDate',
    'data.parties.etat2.role',
  ]);
  // Nothing of it reached the convention.
  const state = (await api.call('GET', `/conventions/${id}`)).body;
  expect(state.history).toHaveLength(1);
  expect(Object.keys(state.data.parties)).not.toContain('etat2');
  // A valid end inside the term is accepted.
  expect((await patch({ endDate: '2030-02-28' })).status).toBe(200);
});

test('what remains of names is masked when decoded for the Web UI', async () => {
  const id = await draft('masques');
  const state = await stack.conventions.get(id);
  const shown = JSON.stringify(redactPersonalData(state));
  expect(JSON.stringify(state)).toContain('Représentant État');
  expect(shown).not.toContain('Représentant État');
  expect(shown).not.toContain('iscg@nord.gouv.example');
});

test('events a convention recorded under the earlier rules still replay', () => {
  const create = conventionCreateInputSchema.parse({ slug: 'rejeu', data: completeConventionData() });
  const snapshot = newConvention(create, { kind: 'operator' }, Date.UTC(2026, 0, 5));
  // As a convention recorded it before reasons had a closed list.
  const event = {
    type: 'ABANDON',
    payload: { reason: 'projet retiré par la commune' },
    actor: { kind: 'operator' },
    at: Date.UTC(2026, 0, 6),
  } as unknown as ExternalEvent;
  expect(decide(snapshot, event).ok).toBe(false);
  expect(decide(snapshot, event, undefined, 'recorded').ok).toBe(true);
});
