import { redactPersonalData } from '../../../security/redaction';

test('names, addresses, signers, candidates and secrets are masked; the rest stays readable', () => {
  const state = {
    phase: 'signature',
    data: {
      parties: {
        etat: {
          organisation: 'Préfecture du Nord',
          representative: { title: 'Préfet du Nord', name: 'Jeanne Martin' },
          contacts: [{ email: 'jeanne.martin@nord.gouv.fr', label: 'cabinet' }],
        },
      },
    },
    signatures: { etat: { signerName: 'Jeanne Martin', signerTitle: 'Préfète', signedOn: '2027-01-11' } },
    recruitment: {
      applications: { count: 2, references: ['CAND-1', 'CAND-2'] },
      decision: { candidateRef: 'CAND-1' },
    },
    webhooks: [{ url: 'https://hooks.example/iscg', secret: 'abcdefghijklmnopqrstuvwxyz' }],
    history: [{ summary: 'Relance envoyée à contact jeanne.martin@nord.gouv.fr' }],
  };
  const shown = JSON.stringify(redactPersonalData(state));
  for (const secret of ['Jeanne', 'jeanne.martin', 'CAND-1', 'CAND-2', 'abcdefghijklmnopqrstuvwxyz'])
    expect(shown).not.toContain(secret);
  for (const kept of [
    'Préfecture du Nord',
    'Préfet du Nord',
    'Préfète',
    '2027-01-11',
    '"count":2',
    'nord.gouv.fr',
    // A receiver's path and query may hold a token: its origin only.
    'https://hooks.example/•••',
  ])
    expect(shown).toContain(kept);
  expect(shown).not.toContain('/iscg');
});

test('values that are not objects pass through, and the input is not changed', () => {
  const input = { representative: { name: 'A B' } };
  expect(redactPersonalData(input)).toEqual({ representative: { name: '•••' } });
  expect(input.representative.name).toBe('A B');
  expect(redactPersonalData(42)).toBe(42);
  expect(redactPersonalData(null)).toBeNull();
});
