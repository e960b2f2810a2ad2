import { createHash } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { createDocumentRenderer } from '../../activities/documents/render';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import { conventionRecord, reportRecord } from '../../domain/documents/ledger';
import { signatureEntries, type ConventionDocumentSource } from '../../domain/documents/sources';
import { applyEventUpdate, type ConventionState } from '../../domain/temporal-contract';
import { conventionCreate, chasedOnce } from '../support/fixtures';
import { Life, OPERATOR, party } from '../support/life';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';

/**
 * Versions bound to signatures, on the time-skipping server: the text becomes version 1 when the
 * signature phase opens and the worker renders its hash; a SIGN naming another version or hash is
 * refused with both expected values (raw Temporal updates included); returning to drafting makes
 * version 2; the "signed by all parties" notice carries the signed convention, the procureur's
 * email the year's report, the renewal decision the next term's text; versions survive the
 * continue-as-new of a renewal.
 */

let h: TimeSkippingHarness;
beforeAll(async () => {
  h = await startTimeSkipping();
});
afterAll(async () => {
  await h?.teardown();
});

const renderer = createDocumentRenderer();
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function rendered(life: Life, version: number): Promise<ConventionState['documents'][number]> {
  for (let i = 0; i < 100; i++) {
    const state = await life.state();
    const record = state.documents.find((d) => d.kind === 'convention' && d.version === version);
    if (record?.rendered) return record;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`version ${version} jamais rendue`);
}

async function mailWithSubject(subject: string) {
  for (let i = 0; i < 100; i++) {
    const mail = h.sink.received.find((m) => m.subject.includes(subject));
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`aucun courriel « ${subject} »`);
}

test('a life of versions: signed, refused, reopened, attached, renewed', async () => {
  await h.withWorker(async () => {
    const create = conventionCreate('documents', { reminders: chasedOnce() });
    const life = await Life.create(h, create);
    const documents = () => h.conventions.documents(life.conventionId);
    await life.goTo('2026-12-01');
    await life.send('SUBMIT_DRAFT', {});
    expect((await life.state()).documents).toEqual([]);
    await life.recruit();
    expect((await life.state()).phase).toBe('signature');

    // Version 1: its hash is that of the PDF anyone renders from the recorded source.
    const v1 = await rendered(life, 1);
    const record1 = conventionRecord(await documents(), 1)!;
    expect(record1.source).toMatchObject({
      kind: 'convention',
      version: 1,
      term: { number: 1, startDate: '2027-03-01' },
    });
    const file1 = await renderer.render(record1.source, 'pdf');
    expect(v1.rendered).toEqual({
      sha256: file1.sha256,
      bytes: file1.bytes.length,
      pages: file1.pages,
      renderer: renderer.revision,
    });
    const hash1 = file1.sha256;
    // The hash is in the workflow's memo, and the task that learnt it recorded that (a command):
    // a task without commands may be merged with the next one when a restarted worker replays.
    const description = await h.env.client.workflow.getHandle(life.conventionId).describe();
    expect(description.memo).toMatchObject({
      [`document:${record1.key}`]: { version: 1, sha256: hash1, pages: file1.pages },
    });
    const events = (await h.env.client.workflow.getHandle(life.conventionId).fetchHistory()).events ?? [];
    const renderedAt = events.findIndex((e) => e.activityTaskCompletedEventAttributes);
    const nextCompleted = events.findIndex(
      (e, i) =>
        i > renderedAt && e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    );
    expect(events[nextCompleted + 1]?.eventType).not.toBe(
      temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    );

    await life.goTo('2027-01-05');
    const signature = {
      partyId: 'etat',
      signerName: 'Signataire État',
      signerTitle: 'Préfet du Nord',
      signedOn: '2027-01-05',
    };
    const otherVersion = await life.refusal('SIGN', { ...signature, documentVersion: 2 }, party('etat'));
    expect(otherVersion).toMatchObject({ code: 'refused', field: 'documentVersion', phase: 'signature' });
    expect(otherVersion.message).toContain(`attendu version 1, SHA-256 ${hash1}; reçu version 2`);
    const otherHash = await life.refusal(
      'SIGN',
      { ...signature, documentSha256: 'a'.repeat(64) },
      party('etat'),
    );
    expect(otherHash).toMatchObject({ code: 'refused', field: 'documentSha256' });
    expect(otherHash.message).toContain(
      `attendu version 1, SHA-256 ${hash1}; reçu SHA-256 ${'a'.repeat(64)}`,
    );
    // Raw Temporal access meets the same check: the update's validator refuses it.
    const raw = await h.env.client.workflow
      .getHandle(life.conventionId)
      .executeUpdate(applyEventUpdate, {
        args: [
          {
            type: 'SIGN',
            payload: { ...signature, documentVersion: 1, documentSha256: 'b'.repeat(64) },
            actor: OPERATOR,
          },
        ],
      })
      .then(
        () => null,
        (error: unknown) => error as { cause?: Error },
      );
    expect(raw?.cause?.message).toContain(`attendu version 1, SHA-256 ${hash1}`);
    expect((await life.state()).signatures.collected).toEqual({});

    await life.send('SIGN', { ...signature, documentVersion: 1, documentSha256: hash1 }, party('etat'));
    expect((await life.state()).signatures.collected.etat).toMatchObject({
      document: { version: 1, sha256: hash1 },
    });

    // Back to drafting: the signatures are void, and the next signable text is version 2.
    await life.send('REOPEN_DRAFTING', { reason: 'modification-des-termes' });
    await life.send('AMEND', { patch: { financing: { salaryPaymentDay: 27 } } });
    await life.send('SUBMIT_DRAFT', {});
    await life.recruit('CAND-002');
    const v2 = await rendered(life, 2);
    expect(v2.rendered!.sha256).not.toBe(hash1);
    const stale = await life.refusal(
      'SIGN',
      { ...signature, documentVersion: 1, documentSha256: hash1 },
      party('etat'),
    );
    expect(stale.message).toContain(`attendu version 2, SHA-256 ${v2.rendered!.sha256}`);

    // Signatures that name nothing are bound to the current version.
    await life.signAll(create, '2027-01-12');
    let state = await life.state();
    for (const id of signatoryPartyIds(create.data))
      expect(state.signatures.collected[id]?.document).toEqual({ version: 2, sha256: v2.rendered!.sha256 });

    // The notice to all parties carries the signed convention, certificate page included.
    const signedMail = await mailWithSubject('Convention signée par toutes les parties');
    const signedPdf = signedMail.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(signedPdf.filename).toBe(`${life.conventionId}-v2-signee.pdf`);
    const record2 = conventionRecord(await documents(), 2)!;
    const expected = await renderer.render(
      {
        kind: 'signed',
        convention: record2.source as ConventionDocumentSource,
        sha256: v2.rendered!.sha256,
        signatures: signatureEntries(state.signatures.collected),
      },
      'pdf',
    );
    expect(sha256(signedPdf.bytes)).toBe(expected.sha256);

    // Year 1's review: the procureur's email carries the report, kept with its own hash.
    await life.goTo('2027-03-01');
    await life.goTo('2028-01-10');
    await life.send(
      'SCHEDULE_COMMITTEE',
      { termYear: 1, meetingDate: '2028-02-01', location: 'Préfecture' },
      party('etat'),
    );
    await life.goTo('2028-01-20');
    await life.send(
      'SUBMIT_ACTIVITY_REPORT',
      {
        termYear: 1,
        submittedOn: '2028-01-20',
        documentRef: 'BILAN-2027',
        statistics: { 'personnes-recues': 321 },
      },
      party('association'),
    );
    await life.goTo('2028-02-01', 15);
    await life.send(
      'RECORD_COMMITTEE_REVIEW',
      {
        termYear: 1,
        heldOn: '2028-02-01',
        recommendations: ['Maintenir la permanence'],
        minutesRef: 'PV-2028',
      },
      party('etat'),
    );
    const reportMail = await mailWithSubject('Bilan d’activité de l’année 1');
    expect(reportMail.to).toEqual(['parquet.lille@justice.example']);
    const reportPdf = reportMail.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(reportPdf.filename).toBe(`${life.conventionId}-bilan-t1-annee-1.pdf`);
    for (let i = 0; i < 100 && !reportRecord(await documents(), 1, 1)?.rendered; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reportRecord(await documents(), 1, 1)!.rendered!.sha256).toBe(sha256(reportPdf.bytes));

    // A renewal with a new partner: the next term's text is a version of its own, sent with the decision.
    await life.goTo('2029-10-01');
    await life.send(
      'RECORD_RENEWAL_DECISION',
      {
        decision: 'renew',
        decidedOn: '2029-10-01',
        nextTermPatch: {
          parties: {
            'commune-roubaix': {
              role: 'commune',
              organisation: 'Ville de Roubaix',
              representative: { title: 'Maire de Roubaix' },
              contacts: [{ email: 'prevention@roubaix.example' }],
            },
          },
          financing: { coFinancers: { 'commune-roubaix': { annualContributionEur: 5000 } } },
        },
      },
      party('etat'),
    );
    const v3 = await rendered(life, 3);
    expect(v3).toMatchObject({ term: 2, reason: 'renewal', current: true });
    const record3 = conventionRecord(await documents(), 3)!;
    expect(record3.source).toMatchObject({
      term: { number: 2, startDate: '2030-03-01', endDate: '2033-02-28' },
      renewal: { newPartnerIds: ['commune-roubaix'] },
    });
    const decisionMail = await mailWithSubject('Reconduction de la convention décidée');
    expect(sha256(decisionMail.attachments.find((a) => a.contentType === 'application/pdf')!.bytes)).toBe(
      v3.rendered!.sha256,
    );

    // The new term runs in a new run of the workflow: the versions come along.
    await life.goTo('2030-03-02');
    state = await life.state();
    expect(state.run.number).toBe(2);
    expect(state.documents.map((d) => [d.kind, d.version, d.term])).toEqual([
      ['convention', 1, 1],
      ['convention', 2, 1],
      ['report', 1, 1],
      ['convention', 3, 2],
    ]);
    expect(state.deliveryFailures).toEqual([]);
    // Kept for the replay tests: the first recorded life with versions (npm run record-histories).
    await life.recordHistories('document-versions');
  });
});
