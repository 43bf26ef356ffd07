// Models end to end, as an artist uses them: Debian's Chromium (playwright-core) against a real
// `tandem serve` with real job processes. A reference .pth is picked with the in-app file browser
// and imported, exported as ONNX from the Export view, translates a folder to the reference's
// pixels, and starts a fine-tune with its architecture locked. Screenshots go to test-artifacts/e2e/.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDatasets } from '../../main/data/demo.js';
import { fillSideBySideProject, shootOnFailure, startE2EStudio, type E2EStudio } from '../helpers/e2e-studio.js';
import { REFERENCE_DIR } from '../helpers/reference-fixtures.js';

const PTH_DIR = path.join(REFERENCE_DIR, 'pth');
const PTH = 'resnet6_ngf8_instance.pth';
let studio: E2EStudio;
let work = '';
let page: Page;
let pageErrors: string[] = [];
const shot = (name: string) => studio.shot(name);

beforeAll(async () => {
  studio = await startE2EStudio('tandem-e2e-models-', async (dir) => {
    await writeDemoDatasets(path.join(dir, 'demo'), { trainCount: 6, testCount: 2, size: 64 });
    mkdirSync(path.join(dir, 'photos'));
    copyFileSync(path.join(PTH_DIR, 'resnet6_ngf8_instance.in.png'), path.join(dir, 'photos', 'photo.png'));
  });
  ({ work, page, pageErrors } = studio);
}, 180_000);

afterAll(() => studio?.close());

describe('models in the studio, in a browser', () => {
  it('import a .pth with the file browser → its architecture → ONNX on disk → translate a folder → fine-tune', async () => {
    await shootOnFailure(studio, 'models-failure', journey);
  }, 480_000);
});

async function rgb(file: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(file).removeAlpha().raw().toBuffer());
}

async function journey(): Promise<void> {
  // A paired project: one imported generator can be fine-tuned there as pix2pix.
  await fillSideBySideProject(studio, path.join(work, 'demo', 'paired', 'train'), 'E2E models');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page
    .getByText(/6 usable for training/)
    .first()
    .waitFor({ timeout: 30_000 });

  // Runs → Import PyTorch model… → Browse… through the folders to the .pth.
  await page.getByRole('link', { name: 'Runs' }).first().click();
  await page.getByRole('button', { name: 'Import PyTorch model…' }).first().click();
  const form = page.getByRole('dialog', { name: 'Import a PyTorch model' });
  await form.getByRole('button', { name: /Browse for Generator file/ }).click();
  const browser = page.getByRole('dialog', { name: /Generator file/ });
  await browser.getByRole('button', { name: 'Computer' }).click();
  for (const folder of PTH_DIR.split(path.sep).filter(Boolean)) {
    await browser.getByRole('list').getByRole('button', { name: folder, exact: true }).click();
    await expect.poll(() => browser.getByRole('textbox', { name: 'Folder path' }).inputValue()).toMatch(new RegExp(`${folder}$`));
  }
  await browser.getByRole('button', { name: `Choose ${PTH}` }).click();
  await expect.poll(() => form.getByRole('textbox', { name: /Generator file/ }).inputValue()).toBe(path.join(PTH_DIR, PTH));
  await shot('09-import');

  await form.getByRole('button', { name: 'Import', exact: true }).click();
  await form.getByText('Parameters', { exact: true }).waitFor({ timeout: 90_000 });
  const result = (await form.textContent()) ?? '';
  expect(result).toContain('ResNet, 6 blocks · 8 filters · instance norm · RGB → RGB');
  expect(result).toContain('124,931');
  expect(result).toContain('one: translates A → B');
  await shot('10-imported-run');
  await form.getByRole('button', { name: 'Close' }).click();
  const row = page.getByRole('row', { name: /resnet6_ngf8_instance/ });
  await expect.poll(async () => (await row.textContent()) ?? '').toMatch(/imported.*finished.*ResNet-6 · ngf 8 · instance/);
  expect(await row.getByRole('button', { name: 'Resume' }).count()).toBe(0);
  await shot('10b-runs-imported');

  // Export model… → ONNX into a folder of our choosing; the file appears on disk.
  await row.getByRole('link', { name: 'Export model…' }).click();
  const modelForm = page.getByRole('form', { name: 'Export the model' });
  await modelForm.getByRole('radio', { name: /ONNX/ }).check();
  await modelForm.getByRole('textbox', { name: 'Save in folder (optional)' }).fill(path.join(work, 'models'));
  await modelForm.getByRole('textbox', { name: 'File name (optional)' }).fill('resnet6');
  await modelForm.getByRole('button', { name: 'Export model' }).click();
  const onnx = path.join(work, 'models', 'resnet6.onnx');
  const exported = page.getByRole('article', { name: /ONNX export of resnet6_ngf8_instance/ });
  await expect.poll(async () => (await exported.textContent()) ?? '', { timeout: 90_000 }).toMatch(/finished/);
  expect(existsSync(onnx)).toBe(true);
  expect(await exported.getByText(onnx).count()).toBeGreaterThan(0);
  await shot('11-export-model');

  // Translate a folder with the imported model: the reference's own pixels come out.
  await page.getByRole('textbox', { name: 'Input folder' }).fill(path.join(work, 'photos'));
  const out = path.join(work, 'translated');
  await page.getByRole('textbox', { name: /Output folder/ }).fill(out);
  expect(await page.getByRole('combobox', { name: 'Direction' }).first().isDisabled()).toBe(true);
  await page.getByRole('button', { name: 'Translate folder' }).click();
  await expect.poll(() => (existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.png')).length : 0), { timeout: 90_000 }).toBe(1);
  await expect.poll(async () => (await page.locator('.jobs').textContent()) ?? '', { timeout: 30_000 }).toMatch(/finished/);
  const got = await rgb(path.join(out, 'photo.png'));
  const want = await rgb(path.join(PTH_DIR, 'resnet6_ngf8_instance.out.png'));
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThanOrEqual(1);
  await shot('12-translate-imported');

  // Fine-tune… → Train with the architecture locked to the import; one short epoch trains.
  await page.getByRole('link', { name: 'Runs' }).first().click();
  await page
    .getByRole('row', { name: /resnet6_ngf8_instance/ })
    .getByRole('link', { name: 'Fine-tune…' })
    .click();
  // The Quick draft preset is resnet_6blocks too, so wait for the lock, not the value.
  await expect.poll(() => page.getByRole('combobox', { name: 'Generator', exact: true }).isDisabled()).toBe(true);
  expect(await page.getByRole('combobox', { name: 'Generator', exact: true }).inputValue()).toBe('resnet_6blocks');
  expect(await page.getByRole('spinbutton', { name: 'Generator width' }).inputValue()).toBe('8');
  await page.getByText('Taken from resnet6_ngf8_instance: its weights need this.').first().waitFor();
  await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
  await page.getByRole('spinbutton', { name: 'Decay epochs' }).fill('0');
  await page.getByRole('spinbutton', { name: 'Sample every' }).fill('0');
  await shot('13-fine-tune');
  await page.getByRole('button', { name: /Start fine-tuning/ }).click();
  await expect.poll(async () => (await page.locator('.live').textContent()) ?? '', { timeout: 120_000 }).toMatch(/finished/);
  expect((await page.locator('.live').textContent()) ?? '').toContain('resnet6_ngf8_instance fine-tuned');
  await shot('14-fine-tuned');
  expect(pageErrors).toEqual([]);
}
