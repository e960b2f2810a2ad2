import { describeProblem } from '../../../client/cli/api-client';

/** What the CLI prints of a refusal, without --json: the field is always named. */

test('a refusal naming one field says it', () => {
  const text = describeProblem(422, {
    code: 'invalid',
    detail: 'valeur non admise: l’une des valeurs "renew" ou "not_renew" attendue',
    field: 'decision',
  });
  expect(text).toContain('champ: decision');
  expect(text).toContain('(HTTP 422, invalid)');
});

test('a refusal listing its errors names each field once', () => {
  const text = describeProblem(422, {
    code: 'invalid',
    detail: 'itemId: requis',
    field: 'itemId',
    errors: [
      { field: 'itemId', message: 'requis' },
      { field: 'paidOn', message: 'date attendue au format AAAA-MM-JJ' },
    ],
  });
  expect(text.split('\n').slice(1)).toEqual([
    '  - itemId: requis',
    '  - paidOn: date attendue au format AAAA-MM-JJ',
  ]);
});

test('a refusal in a phase says the phase', () => {
  expect(describeProblem(409, { code: 'refused', detail: 'non accepté', phase: 'recruitment' })).toBe(
    'non accepté (HTTP 409, refused)\n  phase actuelle: recruitment',
  );
});
