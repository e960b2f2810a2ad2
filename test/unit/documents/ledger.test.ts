import {
  checkSignedDocument,
  missingDocuments,
  summarize,
  type DocumentRecord,
} from '../../../domain/documents/ledger';
import { conventionView } from '../../../domain/lifecycle/view';
import { currentDetails } from '../../../domain/presentation';
import type { ConventionState } from '../../../domain/temporal-contract';
import { Driver, recruit } from '../../support/driver';
import { conventionCreate } from '../../support/fixtures';
import {
  frenchTypography,
  legalDate,
  ofPlace,
  representative,
} from '../../../activities/documents/typography';
import type { ConventionContext } from '../../../domain/lifecycle/context';
import { completeConventionData } from '../../support/fixtures';
import { scheduleWithReminders } from '../../../domain/reminders/schedule';

/** Versions and their binding to a SIGN, and the typography rules, as pure functions. */

const HASH = 'c'.repeat(64);
const context = (reopens = 0): ConventionContext =>
  ({
    conventionId: 'convention-59-lille-centre',
    data: completeConventionData(),
    term: null,
    renewal: null,
    reviews: [],
    history: Array.from({ length: reopens }, () => ({ event: 'REOPEN_DRAFTING' })),
  }) as unknown as ConventionContext;

function signatureVersion(reopens = 0, rendered = true): DocumentRecord[] {
  const [record] = missingDocuments(context(reopens), 'signature', [], 1000);
  return [{ ...record!, rendered: rendered ? { sha256: HASH, bytes: 1, pages: 1, renderer: 'r' } : null }];
}

describe('versions', () => {
  test('the signature phase makes one version per round; nothing before it', () => {
    expect(missingDocuments(context(), 'drafting', [], 0)).toEqual([]);
    expect(missingDocuments(context(), 'recruitment', [], 0)).toEqual([]);
    const ledger = signatureVersion();
    expect(ledger[0]).toMatchObject({ key: 't1-signature-0', kind: 'convention', version: 1, term: 1 });
    expect(ledger[0]!.source).toMatchObject({
      version: 1,
      term: { number: 1, startDate: '2027-03-01', endDate: '2030-02-28' },
    });
    expect(missingDocuments(context(), 'signature', ledger, 2000)).toEqual([]);
    const again = missingDocuments(context(1), 'signature', ledger, 3000);
    expect(again.map((r) => [r.key, r.version])).toEqual([['t1-signature-1', 2]]);
  });

  test('a SIGN names the current version, its hash, both or neither; anything else is refused with both', () => {
    const ledger = signatureVersion();
    expect(checkSignedDocument(ledger, {})).toEqual({ status: 'ok', version: 1, sha256: HASH });
    expect(checkSignedDocument(ledger, { documentVersion: 1, documentSha256: HASH }).status).toBe('ok');
    const wrong = checkSignedDocument(ledger, { documentVersion: 2 });
    expect(wrong).toMatchObject({
      status: 'refused',
      refusal: { code: 'refused', field: 'documentVersion' },
    });
    expect(wrong.status === 'refused' && wrong.refusal.message).toContain(
      `attendu version 1, SHA-256 ${HASH}; reçu version 2`,
    );
    const other = checkSignedDocument(ledger, { documentSha256: 'd'.repeat(64) });
    expect(other).toMatchObject({ status: 'refused', refusal: { field: 'documentSha256' } });
    expect(checkSignedDocument(signatureVersion(0, false), {})).toEqual({ status: 'pending', version: 1 });
    expect(checkSignedDocument(signatureVersion(0, false), { documentVersion: 3 }).status).toBe('refused');
    expect(checkSignedDocument([], {}).status).toBe('refused');
  });
});

describe('French typography', () => {
  test('spaces before high punctuation and inside guillemets, apostrophes, dates', () => {
    expect(frenchTypography("Article 1: l'objet ; « chef de file » ! ok ?")).toBe(
      'Article 1\u00a0: l’objet\u202f; «\u00a0chef de file\u00a0»\u202f! ok\u202f?',
    );
    expect(frenchTypography('à 10:00, https://x.example/a')).toBe('à 10:00, https://x.example/a');
    expect(legalDate('2027-03-01')).toBe('1er\u00a0mars 2027');
    expect(legalDate('2030-02-28')).toBe('28\u00a0février 2030');
  });

  test('places and representatives take their article', () => {
    expect(ofPlace('commissariat de Lille')).toBe('du commissariat de Lille');
    expect(ofPlace('brigade de gendarmerie de Seclin')).toBe('de la brigade de gendarmerie de Seclin');
    expect(ofPlace('hôtel de police de Lyon')).toBe('de l’hôtel de police de Lyon');
    expect(representative('Préfet du Nord')).toBe('le préfet du Nord');
    expect(representative('Préfète du Nord')).toBe('la préfète du Nord');
    expect(representative('Préfète du Nord', 'Claire Dupont')).toBe('Claire Dupont, préfète du Nord');
    expect(representative('ANISCG')).toBe('l’ANISCG');
  });
});

describe('the Temporal UI’s details', () => {
  test('name the current version and its hash, and say when it is still being rendered', () => {
    const d = recruit(new Driver(conventionCreate(), '2026-12-01').send('SUBMIT_DRAFT', {}));
    const records = missingDocuments(d.context, d.phase, [], d.now);
    const state = (rendered: boolean): ConventionState => ({
      ...conventionView(d.snapshot, d.now),
      schedule: scheduleWithReminders(conventionView(d.snapshot, d.now), d.snapshot, d.now, {}),
      deliveryFailures: [],
      webhooks: [],
      changeSequence: 0,
      sentMessages: 0,
      run: { number: 1, historyLength: 1 },
      documents: summarize(
        records.map((r) => ({
          ...r,
          rendered: rendered ? { sha256: HASH, bytes: 51_000, pages: 5, renderer: 'r' } : null,
        })),
      ),
    });
    expect(currentDetails(state(true))).toContain(
      `**Texte de la convention** : version 1 (à signer), SHA-256 \`${HASH}\` (5 pages). Télécharger : \`iscg document convention-59-lille-centre\``,
    );
    expect(currentDetails(state(false))).toContain('version 1 (à signer), empreinte en cours de calcul');
  });
});
