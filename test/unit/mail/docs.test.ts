import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTemplates } from '../../../activities/mail/render';
import { conventionCreate } from '../../support/fixtures';
import { openSignatures, signAll, Simulation } from '../reminders/simulation';

/**
 * docs/reminders.md shows one email as the real templates render it: the overdue salary
 * reminder that copies the préfecture. This keeps that example true.
 */
function sampleEmail() {
  const s = openSignatures(new Simulation(conventionCreate('lille-centre'), '2027-01-04'));
  signAll(s, '2027-01-05');
  s.goTo('2027-04-07');
  const request = s.mails.find((m) => m.mail.id.includes('salaire-2027-03.apres-5'))!.mail;
  const mail = loadTemplates().render(request, {
    publicUrl: 'https://iscg.example.gouv.fr',
    domain: 'iscg.example.gouv.fr',
  });
  const html = mail.html.split('\n');
  const from = html.findIndex((line) => line.includes('Madame, Monsieur'));
  const to = html.findIndex((line, i) => i > from && line.trim() === '</div>');
  return { request, mail, htmlExcerpt: html.slice(from, to + 1).join('\n') };
}

test('docs/reminders.md shows an email as the templates render it', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'reminders.md'), 'utf8');
  const { request, mail, htmlExcerpt } = sampleEmail();
  if (process.env.PRINT_SAMPLE)
    console.log(`${request.id}\n${mail.subject}\n\n${mail.text}\n${htmlExcerpt}\n\n${mail.ics ?? ''}`);
  expect(doc).toContain(mail.subject);
  expect(doc).toContain(mail.text.trim());
  expect(doc).toContain(htmlExcerpt);
});
