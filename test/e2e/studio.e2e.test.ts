// End to end, as an artist uses it: Debian's Chromium (playwright-core) against a real
// `tandem serve` with real child processes. Screenshots of each view go to test-artifacts/e2e/.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDatasets } from '../../main/data/demo.js';
import { fillSideBySideProject, shootOnFailure, startE2EStudio, type E2EStudio } from '../helpers/e2e-studio.js';

const text = async (selector: string) => (await page.locator(selector).first().textContent()) ?? '';
let studio: E2EStudio;
let work = '';
let url = '';
let page: Page;
let pageErrors: string[] = [];
const shot = (name: string) => studio.shot(name);

beforeAll(async () => {
  studio = await startE2EStudio('tandem-e2e-', async (dir) => {
    await writeDemoDatasets(path.join(dir, 'demo'), { trainCount: 10, testCount: 3, size: 64 });
  });
  ({ work, url, page, pageErrors } = studio);
}, 180_000);

afterAll(() => studio?.close());

describe('the studio in a browser', () => {
  it('project → Quick draft → live chart and samples → stop → export a folder', async () => {
    await shootOnFailure(studio, 'failure', journey);
  }, 600_000);
});

async function journey(): Promise<void> {
  {
    await page.goto(url);
    await page
      .getByRole('link', { name: /new project/i })
      .first()
      .waitFor();
    await shot('01-projects');

    // A paired project from the demo's side-by-side images.
    await fillSideBySideProject(studio, path.join(work, 'demo', 'paired', 'train'), 'E2E shapes');
    await shot('02-new-project');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page
      .getByText(/10 usable for training/)
      .first()
      .waitFor({ timeout: 30_000 });
    await shot('03-dataset');

    // A Quick draft, shortened so the test stays quick.
    await page.getByRole('link', { name: 'Train' }).first().click();
    await page.getByRole('radio', { name: /Quick draft/ }).check();
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
    await page.getByRole('spinbutton', { name: 'Decay epochs' }).fill('2');
    await page.getByRole('spinbutton', { name: 'Sample every' }).fill('3');
    await shot('04-train');
    await page.getByRole('button', { name: /Start training/ }).click();

    // The chart gains points and the sample grid appears, then changes.
    const chart = page.locator('[data-points]').first();
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
    const sample = page.getByRole('button', { name: /^Sample at iteration/ }).first();
    await sample.waitFor({ timeout: 120_000 });
    const firstSample = await sample.getAttribute('aria-label');
    await expect
      .poll(
        async () =>
          page
            .getByRole('button', { name: /^Sample at iteration/ })
            .first()
            .getAttribute('aria-label'),
        { timeout: 120_000 },
      )
      .not.toBe(firstSample);
    const pointsBefore = Number(await chart.getAttribute('data-points'));
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(pointsBefore);
    await shot('05-live');

    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(async () => text('.live'), { timeout: 120_000 }).toMatch(/stopped|finished/);
    await shot('06-live-stopped');

    await page.getByRole('link', { name: 'Runs' }).first().click();
    await page.waitForTimeout(1000);
    await shot('07-runs');

    // Export a folder with the run's checkpoint and find the files on disk.
    const out = path.join(work, 'translated');
    await page.getByRole('link', { name: 'Export' }).first().click();
    await page.getByRole('textbox', { name: 'Input folder' }).fill(path.join(work, 'demo', 'unpaired', 'testA'));
    await page.getByRole('textbox', { name: /Output folder/ }).fill(out);
    await page.getByRole('button', { name: 'Translate folder' }).click();
    await expect
      .poll(() => (existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.png')).length : 0), { timeout: 120_000 })
      .toBe(3);
    await shot('08-export');
    expect(pageErrors).toEqual([]);
  }
}
