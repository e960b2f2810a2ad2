import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { searchAttributes } from '../../domain/temporal-contract';

/**
 * A real browser for the tests of what people look at: the machine's Chromium (Debian's package,
 * installed by scripts/install-chromium.mjs), driven headless by playwright-core. Playwright's own
 * browser downloads are never used.
 */

export const ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOTS_DIR = path.join(ROOT, 'test-results', 'screenshots');
export const DOC_IMAGES_DIR = path.join(ROOT, 'docs', 'images');

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/**
 * This network is closed: without the background-networking flags Chromium's own connections
 * (updates, sync, field trials) are refused and slow every page. No sandbox: tests run as root.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  // Playwright passes --headless and a fresh --user-data-dir of its own.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/** The columns an operator adds to the workflow list (UI: "Configure columns", at the foot of the table). */
export const OPERATOR_COLUMNS = [
  'Workflow ID',
  searchAttributes.phase.name,
  searchAttributes.nextDeadline.name,
  searchAttributes.nextDeadlineKind.name,
  searchAttributes.nextActor.name,
  searchAttributes.suspended.name,
  searchAttributes.departement.name,
  searchAttributes.employer.name,
  searchAttributes.site.name,
];

/**
 * A browser context set up as an operator would set the UI once: French dates, times shown in UTC
 * (dates of deadlines are stored at midnight UTC), the convention columns in the workflow list, the
 * side menu folded.
 * The UI keeps these choices in the browser's local storage; they are written there before it loads.
 */
export async function operatorContext(browser: Browser, namespace = 'default'): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'fr-FR',
    timezoneId: 'UTC',
  });
  const settings = {
    'namespace-workflow-table-columns': { [namespace]: OPERATOR_COLUMNS.map((label) => ({ label })) },
    // The side menu folded: room for the columns.
    navOpen: false,
  };
  // A script string: it runs in the page, where `localStorage` exists (not in this Node program).
  await context.addInitScript(
    `for (const [key, value] of Object.entries(${JSON.stringify(settings)}))
       window.localStorage.setItem(key, JSON.stringify(value));`,
  );
  return context;
}

/** The workflow list filtered by a visibility query, as an operator would bookmark it. */
export function workflowsUrl(uiUrl: string, query: string, namespace = 'default'): string {
  return `${uiUrl}/namespaces/${namespace}/workflows?query=${encodeURIComponent(query)}`;
}

export function workflowUrl(uiUrl: string, workflowId: string, tab?: string, namespace = 'default'): string {
  return `${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}${tab ? `/${tab}` : ''}`;
}

/**
 * Saves a screenshot as a test artifact (git-ignored): the viewport, or the part of the page from
 * `from` down, `height` pixels high. Those marked `doc` illustrate the operator's guide: with
 * `ISCG_DOC_SCREENSHOTS=1` they are also written to docs/images/.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { doc?: boolean; from?: Locator; height?: number; fullPage?: boolean } = {},
): Promise<string> {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
  if (options.from) {
    // The UI scrolls inside its own panes: a tall viewport lays the whole section out.
    const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
    await page.setViewportSize({ width: viewport.width, height: 2400 });
    await page.waitForTimeout(300);
    const box = await options.from.boundingBox();
    if (!box) throw new Error(`${name}: the element to start from is not visible`);
    await page.screenshot({
      path: file,
      clip: { x: 0, y: Math.max(box.y - 12, 0), width: viewport.width, height: options.height ?? 600 },
    });
    await page.setViewportSize(viewport);
  } else await page.screenshot({ path: file, fullPage: options.fullPage === true });
  if (options.doc && process.env.ISCG_DOC_SCREENSHOTS === '1') {
    fs.mkdirSync(DOC_IMAGES_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(DOC_IMAGES_DIR, `${name}.png`));
  }
  return file;
}
