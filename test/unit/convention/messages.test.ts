import { allowedValuesText } from '../../../domain/convention/messages';
import { conventionDataSchema } from '../../../domain/convention/schema';
import { eventPayloadSchemas } from '../../../domain/lifecycle/events';
import { parsePayload } from '../../../domain/lifecycle/decide';
import { patchedData } from '../../../domain/lifecycle/rules';
import { completeConventionData } from '../../support/fixtures';

/** A value outside a closed list is answered with the values accepted, wherever it is checked. */

const issues = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => result.error?.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));

test('lists are written the French way', () => {
  expect(allowedValuesText(['a'])).toBe('"a"');
  expect(allowedValuesText(['a', 'b'])).toBe('"a" ou "b"');
  expect(allowedValuesText(['a', 'b', 'c'])).toBe('"a", "b" ou "c"');
});

test('the tag of a union of forms names its values, sent wrong or missing', () => {
  const schema = eventPayloadSchemas.RECORD_RENEWAL_DECISION;
  expect(issues(schema.safeParse({ decision: 'renewed', decidedOn: '2029-10-01' }))).toEqual([
    { field: 'decision', message: 'valeur non admise: l’une des valeurs "renew" ou "not_renew" attendue' },
  ]);
  expect(issues(schema.safeParse({ decidedOn: '2029-10-01' }))).toEqual([
    { field: 'decision', message: 'requis: l’une des valeurs "renew" ou "not_renew"' },
  ]);
  expect(parsePayload('RECORD_RECRUITMENT_DECISION', { outcome: 'retenu' })).toMatchObject({
    ok: false,
    refusal: {
      code: 'invalid',
      field: 'outcome',
      message: 'valeur non admise: l’une des valeurs "selected" ou "no_suitable_candidate" attendue',
    },
  });
});

test('an enum names its values, and the value sent is not repeated', () => {
  const result = parsePayload('DECLARE_VACANCY', {
    vacantFrom: '2028-02-01',
    reason: 'Mme Dupont est partie',
  });
  expect(result).toMatchObject({
    ok: false,
    refusal: {
      field: 'reason',
      message:
        'valeur non admise: l’une des valeurs "demission", "fin-de-contrat", "mutation" ou "autre" attendue',
    },
  });
  expect(JSON.stringify(result)).not.toContain('Dupont');
});

test('an update of the convention names the values of the list it breaks', () => {
  const data = completeConventionData();
  const result = patchedData(data, { parties: { police: { role: 'commissariat' } } });
  expect(result).toMatchObject({
    refusal: {
      field: 'parties.police.role',
      message: expect.stringContaining('"etat", "police", "gendarmerie"'),
    },
  });
});

test('an unknown département is answered with the known codes', () => {
  expect(issues(conventionDataSchema.safeParse({ departement: '20' }))).toEqual([
    {
      field: 'departement',
      message: 'département inconnu: codes admis 01 à 19, 2A, 2B, 21 à 95, 971 à 978, 986 à 988',
    },
  ]);
  for (const code of ['975', '977', '978', '986', '987', '988'])
    expect(conventionDataSchema.safeParse({ departement: code }).success).toBe(true);
});
