import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addDays } from '../../domain/calendar/dates';
import { launchChromium, operatorContext, screenshot, workflowUrl, workflowsUrl } from '../support/browser';
import { RunningStack } from '../support/stack';
import { createConventions, EMPLOYER_974, PERSONAL, today, type Expected } from './conventions';

/**
 * What an operator sees in the Temporal Web UI of the stack `npm start` runs: conventions in every
 * phase, found with the search attributes (suspended in one département, a deadline in the next
 * 30 days, overdue, one employer), then read: summary, current details, timers and activities in
 * French, and nothing personal. Screenshots go to test-results/screenshots/ (and to docs/images/
 * with ISCG_DOC_SCREENSHOTS=1).
 */

let stack: RunningStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let c: Record<string, Expected>;

const day = (date: string) => `"${date}T00:00:00Z"`;

/** Waits until Temporal's visibility store (what the UI lists) shows each convention in its phase. */
async function waitForVisibility(conventions: Expected[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const { id, phase } of conventions) {
    const query = encodeURIComponent(`WorkflowId = "${id}" AND IscgPhase = "${phase}"`);
    for (;;) {
      const response = await fetch(`${stack.uiUrl}/api/v1/namespaces/default/workflows?query=${query}`);
      if ((await response.text()).includes(id)) break;
      if (Date.now() > deadline) throw new Error(`${id} n’apparaît pas en phase ${phase} dans la visibilité`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Opens the workflow list filtered by a query and reads the workflow IDs it shows, once loaded. */
async function listed(query: string, name?: string, options: { doc?: boolean } = {}): Promise<string[]> {
  await page.goto(query ? workflowsUrl(stack.uiUrl, query) : `${stack.uiUrl}/namespaces/default/workflows`);
  const count = page.getByTestId('workflow-count');
  await count.waitFor();
  const rows = page.getByTestId('workflows-summary-configurable-table-row');
  const ids = async () =>
    (await page.locator('a[href*="/workflows/convention-"]').allInnerTexts()).map((t) => t.trim());
  // The count and the rows come from two requests: wait until they agree.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const expected = Number((await count.innerText()).trim());
    const shown = await rows.count();
    if (shown === expected && (await ids()).length === expected) break;
    if (Date.now() > deadline)
      throw new Error(`la liste ne se charge pas (${shown} lignes, ${expected} annoncées)`);
    await page.waitForTimeout(200);
  }
  if (name) await screenshot(page, name, options);
  return (await ids()).sort();
}

async function bodyText(): Promise<string> {
  return page.locator('body').innerText();
}

function expectNothingPersonal(text: string): void {
  for (const value of PERSONAL) expect(text).not.toContain(value);
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([RunningStack.start(), launchChromium()]);
  c = await createConventions(stack);
  await waitForVisibility(Object.values(c));
  context = await operatorContext(browser);
  page = await context.newPage();
}, 170_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  if (stack) {
    const code = await stack.stop();
    stack.remove();
    expect(code).toBe(0);
  }
});

test('the list shows every convention with its phase, département, site and next deadline', async () => {
  const ids = await listed('', '01-liste-des-conventions', { doc: true });
  expect(ids).toEqual(
    Object.values(c)
      .map((x) => x.id)
      .sort(),
  );
  const row = page
    .getByTestId('workflows-summary-configurable-table-row')
    .filter({ hasText: c.suspended974!.id });
  const text = await row.innerText();
  for (const value of ['suspended', '974', 'commissariat de Saint-Denis', EMPLOYER_974, 'salary-payment'])
    expect(text).toContain(value);
  expect(text.toLowerCase()).toContain('true');
  expectNothingPersonal(await bodyText());
});

test('suspended conventions of La Réunion', async () => {
  const ids = await listed(
    'IscgSuspended = true AND IscgDepartement = "974"',
    '02-conventions-suspendues-974',
    { doc: true },
  );
  expect(ids).toEqual([c.suspended974!.id]);
  // The same filter without the département finds the Nord's suspended one too.
  expect(await listed('IscgSuspended = true')).toEqual([c.suspended59!.id, c.suspended974!.id].sort());
});

test('a deadline in the next 30 days', async () => {
  const from = today('59');
  const ids = await listed(
    `ExecutionStatus = "Running" AND IscgNextDeadline BETWEEN ${day(from)} AND ${day(addDays(from, 30))}`,
    '03-echeance-dans-les-30-jours',
    { doc: true },
  );
  // Saint-Pierre must be signed before its start in 20 days; Valenciennes starts in 75 days.
  expect(ids).toEqual([c.signature974!.id]);
});

test('deadlines already passed', async () => {
  const ids = await listed(
    `ExecutionStatus = "Running" AND IscgNextDeadline < ${day(today('59'))}`,
    '04-echeances-depassees',
  );
  expect(ids).toEqual(
    [c.active59!.id, c.suspended59!.id, c.suspended974!.id, c.renewal974!.id, c.settling59!.id].sort(),
  );
});

test('every convention of an employer, and those waiting on the préfecture', async () => {
  const ids = await listed(`IscgEmployer = "${EMPLOYER_974}"`, '05-conventions-d-un-employeur');
  expect(ids).toEqual([c.signature974!.id, c.suspended974!.id].sort());
  expect(await listed('IscgPhase = "drafting" AND IscgNextActor = "Préfecture du Nord"')).toEqual([
    c.drafting59!.id,
  ]);
});

/** Opens a convention's "User Metadata" tab; the UI renders each Markdown text in its own frame. */
async function userMetadata(
  workflowId: string,
): Promise<{ summary: string; details: string; current: string }> {
  await page.goto(workflowUrl(stack.uiUrl, workflowId));
  await page.getByTestId('user-metadata-tab').click();
  const frame = (id: string) => page.frameLocator(`#user-metadata-${id}`).locator('body');
  // Current details come from a query answered by the worker: wait for its text.
  await frame('current-details').getByText('État au').waitFor();
  return {
    summary: await frame('summary').innerText(),
    details: await frame('details').innerText(),
    current: await frame('current-details').innerText(),
  };
}

test('a convention’s summary and current details say what it is, who must act, by when, and its funding', async () => {
  const suspended = await userMetadata(c.suspended974!.id);
  expect(suspended.summary).toContain('Convention ISCG — commissariat de Saint-Denis — La Réunion (974)');
  expect(suspended.current).toContain('Suspendue (non-versement des crédits)');
  expect(suspended.current).toMatch(
    new RegExp(`À faire : Versement du salaire d[’e] ?\\S+ \\d{4} — par ${EMPLOYER_974}, échéance le`),
  );
  expect(suspended.current).toMatch(/Financement : suspendue depuis le \S+ \S+ \S+ \d{4}/);
  expect(suspended.current).toContain('Échéance du préavis de dénonciation');
  expect(suspended.current).toContain('record-payment');
  for (const text of [...Object.values(suspended), await bodyText()]) expectNothingPersonal(text);
  await page.setViewportSize({ width: 1440, height: 1250 });
  await screenshot(page, '06-resume-et-details', { doc: true });
  await page.setViewportSize({ width: 1440, height: 900 });

  const signing = await userMetadata(c.signature974!.id);
  expect(signing.summary).toContain(
    'Convention ISCG — compagnie de gendarmerie de Saint-Pierre — La Réunion (974)',
  );
  expect(signing.current).toContain(
    '2 signature(s) attendue(s) sur 4 : Département de La Réunion, Gendarmerie de La Réunion',
  );
  expect(signing.current).toContain('Gendarmerie de La Réunion');
  expect(signing.current).toContain('Déjà signée par : Préfecture de La Réunion');
  for (const text of Object.values(signing)) expectNothingPersonal(text);

  const renewal = await userMetadata(c.renewal974!.id);
  expect(renewal.current).toContain('Concertation sur la reconduction · ISCG commissariat du Port');
  expect(renewal.current).toMatch(
    /Reconduction : concertation ouverte depuis le .+ ; décision attendue de Préfecture de La Réunion avant le/,
  );
  expect(renewal.current).toContain('Échéance du préavis de dénonciation');

  // Ended with its lines unpaid: the phase says so, and so does who must still pay what.
  expect(await listed('IscgPhase = "settling"')).toEqual([c.settling59!.id]);
  const settling = await userMetadata(c.settling59!.id);
  expect(settling.current).toContain('Terminée, financements à solder · ISCG commissariat de Cambrai');
  expect(settling.current).toMatch(
    /À solder : la convention est terminée depuis le .+ \(arrivée à échéance sans décision de reconduction\), mais \d+ échéance\(s\) de financement restent dues — par /,
  );
  expect(settling.current).toContain('Restent dues : Versement du salaire');
  expect(settling.current).toContain('write-off');
  for (const text of Object.values(settling)) expectNothingPersonal(text);

  const drafting = await userMetadata(c.drafting59!.id);
  expect(drafting.current).toContain('Blancs à compléter : Art. 6 (equipment)');
  expect(drafting.current).toContain('par Préfecture du Nord');
});

/** A timer's summary: the next reminder and its day, or the dated change it waits for. */
const TIMER_SUMMARY =
  /Rappel: .+ — \S+ \S+ \S+ \d{4}|(Prise d’effet|Ouverture de la concertation|Échéance).+\(\S+ \S+ \S+ \d{4}\)/;

/** Opens a convention's Event History, compact view: one line per timer, activity or event. */
/** The compact history once every awaited text is shown: the UI renders its rows as they load. */
async function compactHistory(workflowId: string, ...waitFor: string[]): Promise<string> {
  await page.goto(workflowUrl(stack.uiUrl, workflowId));
  await page.getByTestId('history-tab').click();
  await page.getByRole('button', { name: 'Compact' }).click();
  for (const text of waitFor) await page.getByText(text).first().waitFor();
  return bodyText();
}

test('timers and activities carry French summaries in the timeline and the history', async () => {
  // The convention's one timer says what it waits for, and when.
  await page.goto(workflowUrl(stack.uiUrl, c.signature974!.id));
  await page
    .getByText(/Rappel: signature de /)
    .first()
    .waitFor();
  expect(await bodyText()).toMatch(/Rappel: signature de .+ — \S+ \S+ \S+ \d{4}/);
  await page.goto(workflowUrl(stack.uiUrl, c.active59!.id));
  await page.getByText(TIMER_SUMMARY).first().waitFor();
  // From the timeline down: the input above it holds the parties' contacts.
  await screenshot(page, '07-chronologie', {
    doc: true,
    from: page.getByRole('heading', { name: 'Timeline' }),
    height: 520,
  });

  // Each email sent, with its French summary (the timeline names only the activity).
  const history = await compactHistory(
    c.active59!.id,
    'Envoi du bilan au procureur — année 1',
    'Information de l’ANISCG du recrutement',
    'Avis aux parties — Convention signée par toutes les parties',
  );
  expect(history).toContain('Information de l’ANISCG du recrutement');
  expect(history).toContain('Avis aux parties — Convention signée par toutes les parties');
  await screenshot(page, '08-historique-compact', {
    doc: true,
    from: page.getByRole('heading', { name: 'Event History' }),
    height: 520,
  });

  const suspended = await compactHistory(
    c.suspended974!.id,
    'Avis aux parties — Suspension de la convention pour non-versement des crédits',
  );
  expect(suspended).toMatch(TIMER_SUMMARY);
});

test('a filter saved as a view comes back from the Saved Views menu', async () => {
  // The UI accepts only unaccented letters, digits, spaces, '-', '_' and '.' in a view's name.
  const name = 'Suspendues - 974';
  await listed('IscgSuspended = true AND IscgDepartement = "974"');
  await page.getByRole('button', { name: 'Save as New' }).click();
  await page.getByTestId('workflow-save-view-modal-input').fill(name);
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await page.goto(`${stack.uiUrl}/namespaces/default/workflows`);
  await page.getByTestId('saved-views-button').click();
  await page.getByText(name).first().click();
  await page.getByTestId('workflow-count').filter({ hasText: /^1$/ }).waitFor();
  expect(await page.locator('a[href*="/workflows/convention-"]').allInnerTexts()).toEqual([
    c.suspended974!.id,
  ]);
  await screenshot(page, '09-vue-enregistree');
});
