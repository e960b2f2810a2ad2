import fc from 'fast-check';
import { listQuerySchema } from '../../../client/api/schemas';
import { quoteLiteral, visibilityQuery } from '../../../client/api/visibility';
import { ConventionError } from '../../../client/conventions';
import { toApiProblem } from '../../../client/api/problem';

test('a listing query combines the key’s scope and the filters', () => {
  const query = listQuerySchema.parse({
    phase: 'active',
    departement: '59',
    employer: 'Association L’Étoile',
    deadlineBefore: '2027-06-30',
    deadlineAfter: '2027-06-01',
    suspended: 'true',
  });
  expect(visibilityQuery(query, { departements: ['59', '62'], conventionIds: null })).toBe(
    "IscgDepartement IN ('59', '62') AND IscgPhase = 'active' AND IscgDepartement = '59' AND IscgEmployer = 'Association L’Étoile' AND IscgNextDeadline <= '2027-06-30T00:00:00Z' AND IscgNextDeadline >= '2027-06-01T00:00:00Z' AND IscgSuspended = true",
  );
  expect(visibilityQuery({}, { departements: null, conventionIds: ['convention-59-a'] })).toBe(
    "WorkflowId IN ('convention-59-a')",
  );
  expect(visibilityQuery({}, { departements: null, conventionIds: null })).toBe('');
  // A role key: where a party holds the role, or where the roles are not published yet (read then).
  expect(visibilityQuery({}, { departements: ['67'], conventionIds: null, role: 'gendarmerie' })).toBe(
    "IscgDepartement IN ('67') AND (IscgPartyRoles = 'gendarmerie' OR IscgPartyRoles IS NULL)",
  );
});

test('string literals cannot be closed from inside', () => {
  expect(quoteLiteral("x' OR IscgDepartement = '62")).toBe("'x\\' OR IscgDepartement = \\'62'");
  fc.assert(
    fc.property(fc.string(), (value) => {
      fc.pre(!/\p{Cc}/u.test(value));
      const literal = quoteLiteral(value);
      // Unescaped quotes appear only at both ends.
      const inner = literal.slice(1, -1).replace(/\\\\/g, '').replace(/\\'/g, '');
      expect(inner).not.toContain("'");
    }),
  );
  expect(() => quoteLiteral('a\nb')).toThrow();
});

test('filters outside their closed lists are refused before any query is built', () => {
  for (const bad of [
    { phase: "active' OR 1=1" },
    { departement: '59; DROP' },
    { employer: 'a"b' },
    { employer: 'a\\b' },
  ])
    expect(listQuerySchema.safeParse(bad).success).toBe(false);
});

test('convention refusals map to their HTTP status; unknown errors are 500 without detail', () => {
  const status = (code: ConstructorParameters<typeof ConventionError>[0]['code']) =>
    toApiProblem(new ConventionError({ code, message: 'x' })).status;
  expect(
    ['invalid', 'forbidden', 'refused', 'conflict', 'not_found', 'exists', 'terminated'].map((c) =>
      status(c as never),
    ),
  ).toEqual([422, 403, 409, 409, 404, 409, 409]);
  const internal = toApiProblem(new Error('secret internals'));
  expect(internal.status).toBe(500);
  expect(internal.toProblem().detail).not.toContain('secret');
  expect(toApiProblem({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400, message: 'x' }).status).toBe(
    400,
  );
  expect(toApiProblem({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).status).toBe(413);
});
