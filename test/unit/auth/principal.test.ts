import {
  actorOf,
  conventionAccess,
  creationAccess,
  departementOfConventionId,
  listScope,
  readAccess,
  type Principal,
} from '../../../client/auth/principal';

const operator: Principal = { keyId: 'ops', label: null, grant: { kind: 'operator' } };
const operator62: Principal = {
  keyId: 'ops-62',
  label: null,
  grant: { kind: 'operator', departements: ['62', '2A'] },
};
const prefecture59: Principal = {
  keyId: 'pref-59',
  label: null,
  grant: { kind: 'party-role', role: 'etat', departements: ['59'] },
};
const police59: Principal = {
  keyId: 'police-59',
  label: null,
  grant: { kind: 'party-role', role: 'police', departements: ['59'] },
};
const employer: Principal = {
  keyId: 'asso',
  label: null,
  grant: { kind: 'party', partyId: 'association', conventions: ['convention-59-lille-centre'] },
};

test('the département is read from the convention id, three-digit codes and Corsica included', () => {
  expect(departementOfConventionId('convention-59-lille-centre')).toBe('59');
  expect(departementOfConventionId('convention-971-pointe-a-pitre')).toBe('971');
  expect(departementOfConventionId('convention-2a-ajaccio')).toBe('2A');
  expect(departementOfConventionId('convention-97-x')).toBeNull();
  expect(departementOfConventionId('convention-59-')).toBeNull();
  expect(departementOfConventionId('workflow-59-x')).toBeNull();
  expect(departementOfConventionId('convention-59-a/../b')).toBeNull();
});

test('each key reaches its own départements or conventions only', () => {
  expect(conventionAccess(operator, 'convention-59-x')).toBeNull();
  expect(conventionAccess(operator62, 'convention-2a-ajaccio')).toBeNull();
  expect(conventionAccess(operator62, 'convention-59-x')?.reason).toMatch(/département 59/);
  expect(conventionAccess(prefecture59, 'convention-59-x')).toBeNull();
  expect(conventionAccess(prefecture59, 'convention-62-x')).not.toBeNull();
  expect(conventionAccess(employer, 'convention-59-lille-centre')).toBeNull();
  expect(conventionAccess(employer, 'convention-59-roubaix')).not.toBeNull();
  expect(conventionAccess(operator, 'nonsense')?.reason).toMatch(/identifiant/);
});

test('drafting is for operators and the préfecture of the département', () => {
  expect(creationAccess(operator, '59')).toBeNull();
  expect(creationAccess(prefecture59, '59')).toBeNull();
  expect(creationAccess(prefecture59, '62')).not.toBeNull();
  expect(creationAccess(police59, '59')).not.toBeNull();
  expect(creationAccess(employer, '59')).not.toBeNull();
});

test('the actor the convention sees carries the key id as client name', () => {
  expect(actorOf(operator)).toEqual({ kind: 'operator', client: 'ops' });
  expect(actorOf(prefecture59)).toEqual({ kind: 'party-role', role: 'etat', client: 'pref-59' });
  expect(actorOf(employer)).toEqual({ kind: 'party', partyId: 'association', client: 'asso' });
});

test('listings are scoped by département, by convention id, and by the role a key acts for', () => {
  expect(listScope(operator)).toEqual({ departements: null, conventionIds: null, role: null });
  expect(listScope(operator62)).toEqual({ departements: ['62', '2A'], conventionIds: null, role: null });
  expect(listScope(employer)).toEqual({
    departements: null,
    conventionIds: ['convention-59-lille-centre'],
    role: null,
  });
  expect(listScope(prefecture59)).toEqual({ departements: ['59'], conventionIds: null, role: 'etat' });
});

test('reading a convention needs its département, then a party of the key’s role, or the key’s party', () => {
  const lille = {
    conventionId: 'convention-59-lille-centre',
    parties: { etat: { role: 'etat' as const }, association: { role: 'association' as const } },
  };
  expect(readAccess(operator, lille)).toBeNull();
  expect(readAccess(prefecture59, lille)).toBeNull();
  expect(readAccess(police59, lille)?.reason).toMatch(/aucune partie de rôle "police"/);
  expect(readAccess(employer, lille)).toBeNull();
  expect(readAccess(employer, { ...lille, parties: { etat: { role: 'etat' } } })?.reason).toMatch(
    /"association" n’est pas partie/,
  );
  expect(readAccess(operator62, lille)?.reason).toMatch(/département 59/);
});
