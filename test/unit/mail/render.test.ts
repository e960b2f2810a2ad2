import { loadTemplates } from '../../../activities/mail/render';
import type { NoticeKind } from '../../../domain/lifecycle/effects';
import type { MailRequest } from '../../../domain/mail/mail-request';
import { signatoryPartyIds } from '../../../domain/convention/completeness';
import { noticeMail, NOTICE_SUBJECTS } from '../../../domain/mail/notices';
import { conventionCreate } from '../../support/fixtures';
import { fullTerm, openSignatures, signAll, Simulation } from '../reminders/simulation';

const templates = loadTemplates();
const options = { publicUrl: 'https://iscg.example.gouv.fr/', domain: 'iscg.test' };

/** Every kind of message a convention sends, from lives of the pure machine. */
function everyMessage(): MailRequest[] {
  const late = fullTerm(conventionCreate('modeles'), true).mails.map((m) => m.mail);
  const s = openSignatures(new Simulation(conventionCreate('modeles-bis'), '2027-01-04'));
  signAll(s, '2027-01-05');
  s.goTo('2027-04-10');
  s.send('RECORD_NON_PAYMENT', { itemId: 't1-salaire-2027-03', notedOn: '2027-04-09' });
  s.goTo('2027-05-01');
  s.send('RECORD_PAYMENT', { itemId: 't1-salaire-2027-03', paidOn: '2027-04-30' });
  s.send('DECLARE_VACANCY', { vacantFrom: '2027-06-01', reason: 'demission' });
  // A meeting whose review is never recorded: the préfecture is asked for it.
  s.send('SCHEDULE_COMMITTEE', { termYear: 1, meetingDate: '2027-06-15', meetingTime: '10:00' });
  s.goTo('2028-02-10');
  const notices = (Object.keys(NOTICE_SUBJECTS) as NoticeKind[]).map((kind) =>
    noticeMail(s.context, kind, `essai-${kind}`, kind === 'vacancy' ? { vacantFrom: '2027-06-01' } : {}),
  );
  // A year whose committee is never convened: the préfecture is reminded to convene it.
  const quiet = { before: [], after: [], every: null };
  const unconvened = openSignatures(
    new Simulation(
      conventionCreate('modeles-ter', {
        reminders: { 'salary-payment': quiet, 'state-participation': quiet, 'co-financing': quiet },
      }),
      '2027-01-04',
    ),
  );
  signAll(unconvened, '2027-01-05');
  unconvened.goTo('2028-01-10');
  return [...late, ...s.mails.map((m) => m.mail), ...unconvened.mails.map((m) => m.mail), ...notices];
}

describe('mail templates', () => {
  const messages = everyMessage();

  it('has a template for every message, and every template is used', () => {
    const used = new Set(messages.map((m) => m.template));
    expect([...used].sort()).toEqual([...templates.names].sort());
  });

  it.each([...new Set(messages.map((m) => m.template))])('%s renders in French, text and HTML', (name) => {
    for (const request of messages.filter((m) => m.template === name)) {
      const mail = templates.render(request, options);
      for (const part of [mail.subject, mail.text, mail.html])
        expect(part).not.toMatch(/undefined|\[object|\{\{|NaN/);
      expect(mail.subject).toContain(request.data.title as string);
      expect(mail.subject).not.toMatch(/\n/);
      expect(mail.text).not.toMatch(/<\/?[a-z]+[^>]*>|&[a-z]+;|&#/);
      expect(mail.text).toMatch(/^Madame, Monsieur,\n\n/);
      expect(mail.html).toMatch(/^<!DOCTYPE html>/);
      const deadline = request.data.deadline as { dateText: string } | undefined;
      if (deadline && request.kind === 'reminder') expect(mail.subject).toContain(deadline.dateText);
      const action = request.data.action as { path: string; cli: string } | null;
      if (action) {
        expect(mail.text).toContain(`https://iscg.example.gouv.fr${action.path}`);
        expect(mail.text).toContain(action.cli);
      }
    }
  });

  it('escapes what comes from the convention in HTML, and only there', () => {
    const s = openSignatures(new Simulation(conventionCreate('echappement'), '2027-01-04'));
    signAll(s, '2027-01-05');
    s.goTo('2027-05-10');
    s.send('SCHEDULE_COMMITTEE', {
      termYear: 1,
      meetingDate: '2027-06-15',
      meetingTime: '09:30',
      location: 'Préfecture, salle <A> & "B"',
    });
    const convocation = s.mails.find((m) => m.mail.kind === 'convocation')!.mail;
    const mail = templates.render(convocation, options);
    expect(mail.html).toContain('salle &lt;A&gt; &amp; &quot;B&quot;');
    expect(mail.html).not.toContain('<A>');
    expect(mail.text).toContain('salle <A> & "B"');
    expect(mail.subject).toBe(
      'Convocation au comité de suivi du mardi 15 juin 2027 à 9 h 30 — ISCG commissariat central de Lille (59)',
    );
  });

  it('dates a meeting in UTC from the département’s own zone, and a deadline as a whole day', () => {
    const s = openSignatures(
      new Simulation(
        conventionCreate('reunion', { departement: '974', startDate: '2027-03-01' }),
        '2027-01-04',
      ),
    );
    signAll(s, '2027-01-05');
    s.goTo('2027-05-10');
    s.send('SCHEDULE_COMMITTEE', { termYear: 1, meetingDate: '2027-06-15', meetingTime: '14:30' });
    const ics = templates.render(s.mails.find((m) => m.mail.kind === 'convocation')!.mail, options).ics!;
    // 14:30 in Saint-Denis (UTC+4) is 10:30 UTC.
    expect(ics).toContain('DTSTART:20270615T103000Z');
    expect(ics).toContain('DURATION:PT120M');
    expect(ics).toContain('METHOD:PUBLISH');
    expect(ics).toMatch(/UID:convention-974-reunion\.t1\.comite-1@iscg\.test/);
    const salary = s.mails.find((m) => m.mail.template === 'reminders/salary-payment')!.mail;
    const deadline = templates.render(salary, options).ics!;
    expect(deadline).toContain(
      `DTSTART;VALUE=DATE:${(salary.data.deadline as { date: string }).date.replace(/-/g, '')}`,
    );
    // Rendering twice gives the same file: DTSTAMP is the planned instant, not the clock.
    expect(templates.render(salary, options).ics).toBe(deadline);
  });
});

test('the recruitment decision says that signing is open, and who must sign', () => {
  const s = openSignatures(new Simulation(conventionCreate('signature-ouverte'), '2027-01-04'));
  const decided = s.mails.map((m) => m.mail).find((m) => m.template === 'notices/recruitment-decided');
  expect(decided).toBeDefined();
  const text = templates.render(decided!, options).text.replace(/\s+/g, ' ');
  const signatories = signatoryPartyIds(s.context.data).map((id) => s.context.data.parties[id]!.organisation);
  expect(signatories.length).toBeGreaterThan(2);
  expect(text).toContain('La signature de la convention est ouverte. Doivent la signer :');
  for (const organisation of signatories) expect(text).toContain(organisation.replace(/\s+/g, ' '));
});
