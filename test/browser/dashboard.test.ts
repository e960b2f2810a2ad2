import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventSlug } from '../../domain/lifecycle/events';
import { activityTable, deadlinesTable, financingTables, type Table } from '../../domain/reports/tables';
import { launchChromium, screenshot } from '../support/browser';
import { seedConventions, type SeedTarget, type SeededConventions } from '../support/report-fixtures';
import { openWithCalc } from '../support/spreadsheet';
import { RunningStack } from '../support/stack';

/**
 * The dashboard of the stack `npm start` runs, read in Chromium as a préfecture's officer would:
 * sign in with the key, read the three pages, their charts and their text alternatives, check
 * them with axe-core, download the CSV files and open them in LibreOffice Calc. Screenshots go
 * to test-results/screenshots/ (and to docs/images/ with ISCG_DOC_SCREENSHOTS=1).
 */

let stack: RunningStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let seeded: SeededConventions;
let work: string;
const BASE = '/tableau-de-bord';

/** Data a person typed that the pages must never show: representatives, contacts, candidates, documents. */
const NEVER_SHOWN = ['Représentant État', '@', 'CAND-A', 'BILAN-LILLE', 'Signataire'];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    RunningStack.start({ env: { ISCG_REPORTS_REFRESH_SECONDS: '2' } }),
    launchChromium(),
  ]);
  const target: SeedTarget = {
    create: async (create) => stack.apiOk('POST', '/conventions', create),
    send: (id, request) =>
      stack.apiOk('POST', `/conventions/${id}/events/${eventSlug(request.type)}`, request.payload),
    get: (id) => stack.apiOk('GET', `/conventions/${id}`),
  };
  seeded = await seedConventions(target, 'tb');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-dashboard-'));
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    acceptDownloads: true,
    // The pages run no script: the browser runs none either.
    javaScriptEnabled: false,
  });
  page = await context.newPage();
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  if (stack) {
    await stack.stop();
    stack.remove();
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function runAxe(target: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // A context of its own with scripts on, for the checker alone: the page under test runs none.
  const checker = await browser.newContext({ bypassCSP: true, locale: 'fr-FR' });
  try {
    await checker.addCookies(await context.cookies());
    const p = await checker.newPage();
    await p.goto(target.url());
    await p.evaluate(source);
    // A script string: it runs in the page, where `axe` now exists (not in this Node program).
    const result: any = await p.evaluate(
      `axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })`,
    );
    // A checker that checked nothing would pass anything.
    expect(result.passes.length).toBeGreaterThan(15);
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n: any) => n.target.join(' ')),
    }));
  } finally {
    await checker.close();
  }
}

/** Every chart: an SVG image named by its title and description, a legend, and its values in a table. */
async function checkCharts(): Promise<number> {
  const figures = page.locator('figure.chart');
  const n = await figures.count();
  for (let i = 0; i < n; i++) {
    const figure = figures.nth(i);
    const svg = figure.locator('svg[role="img"]');
    const ids = (await svg.getAttribute('aria-labelledby'))!.split(' ');
    expect(ids).toHaveLength(2);
    const title = (await page.locator(`[id="${ids[0]}"]`).textContent())!.trim();
    const description = (await page.locator(`[id="${ids[1]}"]`).textContent())!.trim();
    expect(title.length).toBeGreaterThan(10);
    expect(description.length).toBeGreaterThan(30);
    expect(await figure.locator('ul.legend li').count()).toBeGreaterThan(1);
    const rows = await figure.locator('details.chart-data tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    expect(await figure.locator('details.chart-data caption').textContent()).toContain(title);
  }
  return n;
}

async function expectNothingPersonal(): Promise<void> {
  const text = await page.locator('body').innerText();
  for (const value of NEVER_SHOWN) expect(text).not.toContain(value);
}

async function download(linkText: RegExp, name: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: linkText }).click(),
  ]);
  const target = path.join(work, name);
  await file.saveAs(target);
  return target;
}

/** The file opened in Calc: the same columns, numbers as numbers, dates as dates, accents intact. */
function expectOpensInCalc(csvFile: string, table: Table): void {
  const rows = openWithCalc(csvFile, work);
  expect(rows[0]!.map((c) => c.text)).toEqual(table.columns.map((c) => c.header));
  expect(rows).toHaveLength(table.rows.length + 1);
  table.rows.forEach((row, r) => {
    const cells = rows[r + 1]!;
    table.columns.forEach((column, c) => {
      const value = column.value(row);
      const cell = cells[c] ?? { type: 'empty', value: null, text: '' };
      const where = `${table.name} ligne ${r + 2}, colonne « ${column.header} »`;
      if (value === null || value === '') expect([where, cell.type]).toEqual([where, 'empty']);
      else if (column.type === 'integer' || column.type === 'euros')
        expect([where, cell.type, cell.value]).toEqual([where, 'float', value]);
      else if (column.type === 'date') expect([where, cell.type, cell.value]).toEqual([where, 'date', value]);
      else if (column.type === 'boolean') expect([where, cell.text]).toEqual([where, value ? 'oui' : 'non']);
      else if (column.type === 'text') expect([where, cell.text]).toEqual([where, value]);
    });
  });
}

test('a wrong key is refused; the right one opens the dashboard, in a cookie scripts cannot read', async () => {
  await page.goto(`${stack.apiUrl}${BASE}`);
  expect(new URL(page.url()).pathname).toBe(`${BASE}/connexion`);
  await expect(page.locator('h1').innerText()).resolves.toBe('Connexion au tableau de bord');
  await page.getByLabel('Clé d’API').fill('iscg_pas-une-vraie-cle');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert').innerText()).resolves.toContain('inconnue ou révoquée');
  await screenshot(page, 'tableau-de-bord-connexion');

  await page.getByLabel('Clé d’API').fill(stack.apiKey());
  await page.getByRole('button', { name: 'Se connecter' }).click();
  expect(new URL(page.url()).pathname).toBe(BASE);
  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ name: 'iscg_tableau', path: BASE, httpOnly: true, sameSite: 'Strict' });
  expect(cookie!.expires - Date.now() / 1000).toBeLessThanOrEqual(12 * 3600 + 5);
});

test('financing: each payer’s money, by département and month, with text alternatives', async () => {
  await page.goto(`${stack.apiUrl}${BASE}`);
  const year = seeded.today.slice(0, 4);
  await expect(page.locator('h1').innerText()).resolves.toBe(`Financement ${year}`);
  const summary = page.locator('table').first();
  await expect(summary.locator('caption').innerText()).resolves.toContain('Ensemble');
  await expect(summary.innerText()).resolves.toContain('État');
  await expect(
    page.locator('#suspendues + table, #suspendues ~ table').first().innerText(),
  ).resolves.toContain('Ville de Lille');
  await expect(page.locator('#fins ~ table').first().innerText()).resolves.toContain('reconduction décidée');
  expect(await checkCharts()).toBe(2);
  await expectNothingPersonal();
  await screenshot(page, 'tableau-de-bord-financement', { doc: true, fullPage: true });
  expect(await runAxe(page)).toEqual([]);

  const json = await stack.apiOk('GET', `/reports/financing?years=${year}`);
  const file = await download(/par année, département et payeur/, 'financement.csv');
  expect([...fs.readFileSync(file).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expectOpensInCalc(file, financingTables(json).annees);
});

test('filters are kept in the form; a bad one is explained', async () => {
  await page.goto(`${stack.apiUrl}${BASE}?departements=59&phase=suspended`);
  await expect(page.getByLabel('Départements').inputValue()).resolves.toBe('59');
  await expect(page.locator('.freshness').innerText()).resolves.toMatch(/^1 convention/);
  const response = await page.goto(`${stack.apiUrl}${BASE}?years=demain`);
  expect(response!.status()).toBe(422);
  await expect(page.getByRole('alert').innerText()).resolves.toContain('years');
  await screenshot(page, 'tableau-de-bord-filtre-refuse');
});

test('deadlines: late first, then week by week, with who must act', async () => {
  await page.goto(`${stack.apiUrl}${BASE}/echeances?days=45`);
  await expect(page.locator('h1').innerText()).resolves.toBe(
    'Échéances en retard ou dans les 45 prochains jours',
  );
  const json = await stack.apiOk('GET', '/reports/deadlines?days=45');
  const rows = page.locator('#liste ~ table tbody tr');
  expect(await rows.count()).toBe(json.rows.length);
  await expect(rows.first().innerText()).resolves.toContain('en retard');
  const text = await page.locator('#liste ~ table').innerText();
  expect(text).toContain('Département du Nord');
  expect(text).toContain('(pour information)');
  expect(await checkCharts()).toBe(1);
  await expectNothingPersonal();
  await screenshot(page, 'tableau-de-bord-echeances', { fullPage: true });
  expect(await runAxe(page)).toEqual([]);

  const file = await download(/la liste/, 'echeances.csv');
  expectOpensInCalc(file, deadlinesTable(json));
});

test('activity: reports expected and received, indicators summed, no one named', async () => {
  const year = Number(seeded.today.slice(0, 4));
  const years = `${year - 1}-${year + 1}`;
  await page.goto(`${stack.apiUrl}${BASE}/activite?years=${years}`);
  await expect(page.locator('h1').innerText()).resolves.toBe(`Bilans d’activité ${year - 1}–${year + 1}`);
  await expect(page.locator('#indicateurs ~ table').innerText()).resolves.toContain('personnes-recues');
  expect(await checkCharts()).toBe(1);
  await expectNothingPersonal();
  await screenshot(page, 'tableau-de-bord-activite', { fullPage: true });
  expect(await runAxe(page)).toEqual([]);

  const json = await stack.apiOk('GET', `/reports/activity?years=${years}`);
  const file = await download(/bilans et indicateurs/, 'activite.csv');
  expectOpensInCalc(file, activityTable(json));
});

test('the keyboard reaches the content first; signing out ends access', async () => {
  await page.goto(`${stack.apiUrl}${BASE}`);
  await page.keyboard.press('Tab');
  await expect(page.locator(':focus').innerText()).resolves.toBe('Aller au contenu');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  expect(new URL(page.url()).pathname).toBe(`${BASE}/connexion`);
  expect(await context.cookies()).toEqual([]);
  await page.goto(`${stack.apiUrl}${BASE}/activite`);
  expect(new URL(page.url()).pathname).toBe(`${BASE}/connexion`);
});

test('ended conventions stay readable and counted for a year on the embedded stack too', async () => {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(365 * 24 * 3600);
  } finally {
    await connection.close();
  }
});
