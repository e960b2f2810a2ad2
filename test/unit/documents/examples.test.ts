import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { missingBlanks, signatoryPartyIds } from '../../../domain/convention/completeness';
import { conventionCreateSchema } from '../../../domain/convention/schema';

/** The example conventions are accepted as they are by `iscg create`, and complete: a draft ready to submit. */

const DIR = path.resolve(__dirname, '..', '..', '..', 'examples', 'conventions');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

test('three examples: police only, gendarmerie only with several communes, overseas', () => {
  expect(files.sort()).toEqual([
    '35-montfort-communaute.yaml',
    '59-lille-centre.yaml',
    '974-saint-denis.yaml',
  ]);
});

describe.each(files)('%s', (file) => {
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  const parsed = conventionCreateSchema.safeParse(YAML.parse(text));

  test('matches the creation schema, commented in French, with no blank left', () => {
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(missingBlanks(parsed.data!.data)).toEqual([]);
    expect(text.split('\n').filter((line) => line.trim().startsWith('#')).length).toBeGreaterThanOrEqual(3);
    expect(file.startsWith(`${parsed.data!.data.departement}-${parsed.data!.slug}`)).toBe(true);
  });

  test('names no person: representatives by their title only', () => {
    for (const party of Object.values(parsed.data!.data.parties))
      expect(party.representative.name).toBeUndefined();
  });
});

test('between them: police, gendarmerie, both; an EPCI and several communes; a procureur associated or not', () => {
  const all = files.map(
    (f) => conventionCreateSchema.parse(YAML.parse(fs.readFileSync(path.join(DIR, f), 'utf8'))).data,
  );
  const roles = (d: (typeof all)[number]) => Object.values(d.parties).map((p) => p.role);
  expect(all.some((d) => roles(d).includes('police') && !roles(d).includes('gendarmerie'))).toBe(true);
  expect(all.some((d) => roles(d).includes('gendarmerie') && !roles(d).includes('police'))).toBe(true);
  expect(all.some((d) => roles(d).includes('gendarmerie') && roles(d).includes('police'))).toBe(true);
  expect(
    all.some((d) => roles(d).includes('epci') && roles(d).filter((r) => r === 'commune').length >= 2),
  ).toBe(true);
  expect(all.some((d) => ['971', '972', '973', '974', '976'].includes(d.departement))).toBe(true);
  const associated = all.map((d) => signatoryPartyIds(d).some((id) => d.parties[id]!.role === 'procureur'));
  expect(new Set(associated)).toEqual(new Set([true, false]));
});
