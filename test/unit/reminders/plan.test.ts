import { isBusinessDay } from '../../../domain/calendar/business-days';
import { instantAt, localDate } from '../../../domain/calendar/dates';
import type { ConventionDataInput } from '../../../domain/convention/schema';
import { conventionDataSchema } from '../../../domain/convention/schema';
import { planReminders } from '../../../domain/reminders/plan';
import { reminderOccurrences } from '../../../domain/reminders/occurrences';
import { DEFAULT_REMINDER_POLICY, reminderPolicy } from '../../../domain/reminders/policy';
import { conventionCreate } from '../../support/fixtures';
import { fullTerm, openSignatures, party, signAll, Simulation, type SentMail } from './simulation';

const reminders = (mails: SentMail[]) => mails.filter((m) => m.mail.kind === 'reminder');
const ids = (mails: SentMail[]) => mails.map((m) => m.mail.id.replace(/^convention-[0-9a-z]+-[a-z-]+\./, ''));

/** Every reminder on a business day of the département, at 9:00 in its zone. */
function expectOnBusinessDays(s: Simulation, hour = 9) {
  const code = s.context.data.departement;
  for (const { at, mail } of reminders(s.mails)) {
    const day = localDate(at, code);
    expect({ id: mail.id, businessDay: isBusinessDay(code, day) }).toEqual({
      id: mail.id,
      businessDay: true,
    });
    expect({ id: mail.id, at }).toEqual({ id: mail.id, at: instantAt(day, code, hour) });
  }
}

/** A convention in force from 28 September 2027, salary on the 18th: in `departement`. */
function inForce(departement: string, overrides: Partial<ConventionDataInput> = {}) {
  const create = conventionCreate('site', {
    departement: departement as ConventionDataInput['departement'],
    startDate: '2027-09-28',
    financing: {
      stateAnnualParticipationEur: 20000,
      coFinancers: { cd59: { annualContributionEur: 15000 } },
      salaryPaymentDay: 18,
    },
    ...overrides,
  });
  const s = openSignatures(new Simulation(create, '2027-06-01'));
  signAll(s, '2027-06-02');
  return s.goTo('2027-09-28', 12);
}

/** Pays every item due up to `until` on its due date. */
function payUntil(s: Simulation, until: string) {
  for (const item of s.context.ledger
    .filter((i) => i.dueDate <= until)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate))) {
    s.goTo(item.dueDate, 11);
    s.send('RECORD_PAYMENT', {
      itemId: item.id,
      paidOn: item.dueDate,
      ...(item.kind === 'salary' ? {} : { amountEur: item.plannedAmountEur }),
    });
  }
  return s;
}

describe('when reminders go out', () => {
  it.each(['57', '67', '68'])('Alsace-Moselle (%s): never on Vendredi saint nor on 26 December', (code) => {
    const s = payUntil(inForce(code), '2029-01-31');
    expectOnBusinessDays(s);
    const sent = ids(reminders(s.mails));
    // 18 April 2028 is a Tuesday after Easter Monday and Good Friday: two business days before is
    // Wednesday 12 April here, Thursday 13 elsewhere.
    expect(sent).toContain('t1.rappel.salary-payment.t1-salaire-2028-04.avant-2.2028-04-12');
    // Contributions due Thursday 28 December 2028: five business days before skips the 25th and 26th.
    expect(sent).toContain('t1.rappel.co-financing.t1-cd59-annee-2.avant-5.2028-12-19');
  });

  it('elsewhere in metropolitan France the same ladders keep 13 April and 20 December', () => {
    const s = payUntil(inForce('59'), '2029-01-31');
    expectOnBusinessDays(s);
    const sent = ids(reminders(s.mails));
    expect(sent).toContain('t1.rappel.salary-payment.t1-salaire-2028-04.avant-2.2028-04-13');
    expect(sent).toContain('t1.rappel.co-financing.t1-cd59-annee-2.avant-5.2028-12-20');
  });

  it('La Réunion: 9:00 in Indian/Reunion (5:00 UTC), never on 20 December', () => {
    const s = payUntil(
      inForce('974', { financing: { stateAnnualParticipationEur: 1, salaryPaymentDay: 22 } }),
      '2028-12-31',
    );
    expectOnBusinessDays(s);
    for (const { at } of reminders(s.mails)) expect(new Date(at).getUTCHours()).toBe(5);
    // Friday 22 December 2028 is due; Wednesday 20 is the abolition of slavery there.
    expect(ids(reminders(s.mails))).toContain(
      't1.rappel.salary-payment.t1-salaire-2028-12.avant-2.2028-12-19',
    );
    const dec2027 = ids(reminders(s.mails)).find((id) => id.includes('t1-salaire-2027-12.avant-2'));
    expect(dec2027).toBe('t1.rappel.salary-payment.t1-salaire-2027-12.avant-2.2027-12-17');
  });

  it('announces the denunciation deadline on the business days before it, even when it falls on a Sunday', () => {
    // Expiry 31 December 2029: the notice deadline is Sunday 30 September 2029, never moved.
    const quiet = { before: [], after: [], every: null };
    const create = conventionCreate('dimanche', {
      startDate: '2027-01-01',
      endDate: '2029-12-31',
      // Only this ladder matters here: the unpaid ledger would add nothing but time.
      reminders: { 'salary-payment': quiet, 'state-participation': quiet, 'co-financing': quiet },
    });
    const s = openSignatures(new Simulation(create, '2026-12-01'));
    signAll(s, '2026-12-02');
    s.goTo('2029-09-30', 12);
    const notice = ids(reminders(s.mails)).filter((id) => id.includes('denunciation-notice'));
    expect(notice).toEqual([
      't1.rappel.denunciation-notice.t1.avant-30.2029-08-20',
      't1.rappel.denunciation-notice.t1.avant-7.2029-09-20',
      't1.rappel.denunciation-notice.t1.avant-1.2029-09-28',
    ]);
  });
});

describe('what a convention may change', () => {
  it('overrides the hour and any ladder; the others keep their defaults', () => {
    const reminders = conventionDataSchema.shape.reminders.parse({
      hour: 8,
      'salary-payment': { before: [3], after: [], every: null },
    });
    const policy = reminderPolicy(reminders);
    expect(policy.hour).toBe(8);
    expect(policy.ladders['salary-payment']).toEqual({
      before: [3],
      after: [],
      every: null,
      escalateAfter: 5,
    });
    expect(policy.ladders.signature).toEqual(DEFAULT_REMINDER_POLICY.ladders.signature);

    const s = inForce('59', { reminders });
    s.goTo('2027-11-30');
    const salary = reminders_(s).filter((m) => m.mail.id.includes('salary-payment'));
    // 18 October 2027 is a Monday: three business days before is Wednesday 13, at 8:00. Unpaid, no relaunch.
    expect(ids(salary)).toEqual([
      't1.rappel.salary-payment.t1-salaire-2027-10.avant-3.2027-10-13',
      't1.rappel.salary-payment.t1-salaire-2027-11.avant-3.2027-11-15',
    ]);
    expectOnBusinessDays(s, 8);
  });

  it('refuses an override that makes no sense, naming the field', () => {
    const parsed = conventionDataSchema.shape.reminders.safeParse({ signature: { before: [3] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['signature', 'before']);
    expect(conventionDataSchema.shape.reminders.safeParse({ hour: 23 }).success).toBe(false);
    expect(conventionDataSchema.shape.reminders.safeParse({ expiry: { before: [5, 5] } }).success).toBe(
      false,
    );
  });
});

const reminders_ = (s: Simulation) => reminders(s.mails);

describe('who receives them', () => {
  it('reminds each party that has not signed, then copies the préfecture, and stops at its signature', () => {
    const s = openSignatures(new Simulation(conventionCreate('signatures'), '2027-01-04'));
    signAll(s, '2027-01-05', ['commune-lille', 'etat']);
    s.goTo('2027-01-21', 12);
    s.send(
      'SIGN',
      { partyId: 'commune-lille', signerName: 'S', signerTitle: 'Maire', signedOn: '2027-01-21' },
      party('commune-lille'),
    );
    s.goTo('2027-02-05', 12);
    const commune = reminders_(s).filter((m) => m.mail.id.includes('signature.commune-lille'));
    // Opened Monday 4 January: 3, 8 and 13 business days later; the last copies the préfecture.
    expect(ids(commune)).toEqual([
      't0.rappel.signature.commune-lille.apres-3.2027-01-07',
      't0.rappel.signature.commune-lille.apres-8.2027-01-14',
      't0.rappel.signature.commune-lille.apres-13.2027-01-21',
    ]);
    expect(commune.map((m) => m.mail.cc.map((r) => r.partyId))).toEqual([[], [], ['etat']]);
    // The préfecture's own reminders go on; it is never copied to itself.
    const etat = reminders_(s).filter((m) => m.mail.id.includes('signature.etat'));
    expect(ids(etat).at(-1)).toBe('t0.rappel.signature.etat.apres-23.2027-02-04');
    expect(
      etat.every(
        (m) =>
          m.mail.cc.length === 0 &&
          m.mail.data.rung &&
          !(m.mail.data.rung as { escalated: boolean }).escalated,
      ),
    ).toBe(true);
  });

  it('writes to the contact as it is when the reminder is planned', () => {
    const s = openSignatures(new Simulation(conventionCreate('contacts'), '2027-01-04'));
    signAll(s, '2027-01-05', ['commune-lille']);
    s.goTo('2027-01-08');
    s.send(
      'AMEND',
      { patch: { parties: { 'commune-lille': { contacts: [{ email: 'secretariat@lille.example' }] } } } },
      party('commune-lille'),
    );
    s.goTo('2027-01-15');
    const commune = reminders_(s).filter((m) => m.mail.id.includes('signature.commune-lille'));
    expect(commune.map((m) => m.mail.to.map((r) => r.email))).toEqual([
      ['prevention@lille.example'],
      ['secretariat@lille.example'],
    ]);
  });

  it('never writes outside the convention’s parties', () => {
    const s = fullTerm(conventionCreate('parties'), true);
    const addresses = new Set(
      Object.values(s.context.data.parties).flatMap((p) => p.contacts.map((c) => c.email)),
    );
    for (const { mail } of s.mails)
      for (const r of [...mail.to, ...mail.cc])
        if (mail.kind !== 'aniscg' || r.partyId !== null) expect(addresses).toContain(r.email);
  });
});

describe('when they stop, and what a late wake-up does', () => {
  it('stops a ladder once the awaited event is recorded', () => {
    const s = inForce('59');
    s.goTo('2027-10-19', 11);
    s.send('RECORD_PAYMENT', { itemId: 't1-salaire-2027-10', paidOn: '2027-10-19' });
    const pending = reminderOccurrences(s.snapshot, s.now).map((o) => o.id);
    expect(pending.some((id) => id.includes('t1-salaire-2027-10'))).toBe(false);
    s.goTo('2027-11-30');
    expect(ids(reminders_(s)).filter((id) => id.includes('t1-salaire-2027-10'))).toEqual([
      't1.rappel.salary-payment.t1-salaire-2027-10.avant-2.2027-10-14',
    ]);
  });

  it('after a long outage sends only the latest rung of each ladder, and no announcement of a past date', () => {
    const s = inForce('59');
    const sent = { ...s.sent };
    // Back on Friday 29 October 2027 at 9:30 after an outage: October's salary (due Monday 18)
    // had rungs on the 14th, 20th and 25th, each good for one business day: none goes out late.
    const late = planReminders(s.snapshot, instantAt('2027-10-29', '59', 9, 30), sent);
    expect(late.due.map((m) => m.id)).toEqual([]);
    // Back on Monday 25 October at 12:00: the rung of that morning goes out, not the two before.
    const sameDay = planReminders(s.snapshot, instantAt('2027-10-25', '59', 12), sent);
    expect(sameDay.due.map((m) => m.id.replace(/^.*?\.t1\./, 't1.'))).toEqual([
      't1.rappel.salary-payment.t1-salaire-2027-10.apres-5.2027-10-25',
    ]);
    expect(sameDay.next?.summary).toMatch(/^Rappel: /);
  });

  it('gives a meeting set three business days ahead no one-week reminder', () => {
    const s = inForce('59');
    s.goTo('2028-06-06');
    s.send('SCHEDULE_COMMITTEE', { termYear: 1, meetingDate: '2028-06-09', meetingTime: '10:00' });
    s.goTo('2028-06-20');
    expect(ids(s.mails).filter((id) => id.includes('committee-meeting.annee-1.avant'))).toEqual([]);
    expect(ids(s.mails)).toContain('t1.comite-1.convocation.2028-06-09T10.00');
  });

  it('plans the same identities from the same state, and never twice the same', () => {
    const s = fullTerm(conventionCreate('identites'), true);
    const all = s.mails.map((m) => m.mail.id);
    expect(new Set(all).size).toBe(all.length);
    expectOnBusinessDays(s);
    const at = instantAt('2027-06-01', '59', 9);
    const a = reminderOccurrences(s.snapshot, at).map((o) => o.id);
    const b = reminderOccurrences(s.snapshot, at).map((o) => o.id);
    expect(a).toEqual(b);
  });
});

describe('the end of a convention', () => {
  it('is announced at expiry on the next business morning, at the set hour, to every party', () => {
    const s = fullTerm(conventionCreate('fin'), false);
    const ended = s.mails.filter((m) => m.mail.template === 'notices/terminated');
    expect(ended).toHaveLength(1);
    const code = s.context.data.departement;
    // The term ends on Thursday 28 February 2030; Friday 1 March is a business day.
    expect(s.context.termination).toMatchObject({ reason: 'not_renewed' });
    expect(localDate(ended[0]!.at, code)).toBe('2030-03-01');
    expect(ended[0]!.at).toBe(instantAt('2030-03-01', code, 9));
    const recipients = new Set(ended[0]!.mail.to.map((r) => r.partyId));
    for (const partyId of Object.keys(s.context.data.parties)) expect(recipients).toContain(partyId);
  });
});

describe('a three-year term of the fixture convention', () => {
  it('counts its emails, all on time and with late payments', () => {
    const onTime = fullTerm(conventionCreate('a-l-heure'), false);
    const late = fullTerm(conventionCreate('en-retard'), true);
    const figures = (s: Simulation) => ({
      messages: s.mails.length,
      reminders: reminders(s.mails).length,
      relaunches: reminders(s.mails).filter(
        (m) => m.mail.template !== 'reminders/signature' && /\.apres-/.test(m.mail.id),
      ).length,
      escalated: reminders(s.mails).filter((m) => m.mail.cc.some((r) => r.partyId === 'etat')).length,
      byTemplate: Object.fromEntries(
        [...new Set(s.mails.map((m) => m.mail.template))]
          .sort()
          .map((t) => [t, s.mails.filter((m) => m.mail.template === t).length]),
      ),
    });
    const result = { onTime: figures(onTime), late: figures(late) };
    console.log(JSON.stringify(result, null, 2));
    expect(result.onTime.relaunches).toBe(0);
    expect(result.late.relaunches).toBeGreaterThan(0);
    expectOnBusinessDays(onTime);
    expectOnBusinessDays(late);
    expect({ onTime: result.onTime.messages, late: result.late.messages }).toEqual({ onTime: 86, late: 97 });
  });
});
