// FastCUT as an artist starts it: Debian's Chromium against a real `tandem serve` with real child
// processes. An unpaired project, the "Fast style — FastCUT" preset shrunk to a test's size, and
// the Live view's loss curves named as CUT names them. Screenshots go to test-artifacts/e2e/.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDatasets } from '../../main/data/demo.js';
import { shootOnFailure, startE2EStudio, type E2EStudio } from '../helpers/e2e-studio.js';

let studio: E2EStudio;
let page: Page;

beforeAll(async () => {
  studio = await startE2EStudio('tandem-e2e-cut-', async (dir) => {
    await writeDemoDatasets(path.join(dir, 'demo'), { trainCount: 6, testCount: 2, size: 48 });
  });
  page = studio.page;
}, 180_000);

afterAll(() => studio?.close());

async function fill(label: string, value: string): Promise<void> {
  await page.getByRole('spinbutton', { name: label, exact: true }).fill(value);
}

describe('FastCUT in a browser', () => {
  it('unpaired project → Fast style preset → Live shows CUT’s losses', async () => {
    await shootOnFailure(studio, 'cut-failure', async () => {
      const base = studio.url.split('?')[0];
      await page.goto(`${base}#/new`);
      await page.getByRole('radio', { name: /Two styles/ }).check();
      await page.getByRole('textbox', { name: 'Folder A (first style)' }).fill(path.join(studio.work, 'demo', 'unpaired', 'trainA'));
      await page.getByRole('textbox', { name: 'Folder B (second style)' }).fill(path.join(studio.work, 'demo', 'unpaired', 'trainB'));
      await page.getByRole('textbox', { name: 'Project name' }).fill('E2E styles');
      await page.getByRole('button', { name: 'Create project' }).click();
      await page
        .getByText(/usable for training/)
        .first()
        .waitFor({ timeout: 30_000 });

      await page.getByRole('link', { name: 'Train' }).first().click();
      await page.getByRole('radio', { name: /Fast style — FastCUT/ }).check();
      expect(await page.getByRole('radio', { name: /^CUT/ }).isChecked()).toBe(true);
      await page.getByRole('checkbox', { name: 'Show all options' }).check();
      await fill('Generator width', '4');
      await fill('Discriminator width', '4');
      await fill('Projection width', '8');
      await fill('Patches per layer', '8');
      await fill('Load size', '40');
      await fill('Crop size', '32');
      await fill('Epochs', '50');
      await fill('Decay epochs', '0');
      await fill('Sample every', '3');
      await studio.shot('cut-01-train');
      await page.getByRole('button', { name: /Start training/ }).click();

      const chart = page.locator('[data-points]').first();
      await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
      const toggles = page.getByRole('group', { name: 'Show or hide losses' }).locator('label');
      await expect
        .poll(async () => (await toggles.allTextContents()).map((t) => t.trim().split(/\s+/)[0]), { timeout: 30_000 })
        .toEqual(['G_GAN', 'D_real', 'D_fake', 'G', 'NCE']);
      expect(await page.locator('.live .top').textContent()).toMatch(/FastCUT · resnet_9blocks · 32 px/);
      await page
        .getByRole('button', { name: /^Sample at iteration/ })
        .first()
        .waitFor({ timeout: 120_000 });
      await studio.shot('cut-02-live');
      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect
        .poll(async () => (await page.locator('.live').first().textContent()) ?? '', { timeout: 120_000 })
        .toMatch(/stopped|finished/);
      expect(studio.pageErrors).toEqual([]);
    });
  }, 600_000);
});
