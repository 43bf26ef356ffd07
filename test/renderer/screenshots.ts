// Screenshots of every view at 1280×800 in headless Chromium, against the fake studio
// (helpers/fake-studio.ts) and against no studio at all. Run: npx tsx test/renderer/screenshots.ts
// after `npm run build:renderer`. Output: test-artifacts/screenshots/*.png
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchChromium } from '../helpers/chromium.js';
import { startFakeStudio } from './helpers/fake-studio.js';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'renderer/dist');
const out = join(root, 'test-artifacts/screenshots');
await mkdir(out, { recursive: true });

const studio = await startFakeStudio({ dist });
const offline = await startFakeStudio({ dist, websocket: false, live: false });
const context = await launchChromium();
const page = await context.newPage();
const errors: string[] = [];
page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));

const base = `http://127.0.0.1:${studio.port}/`;
const shots: Array<[string, string, (() => Promise<void>)?]> = [
  ['01-projects', '#/'],
  ['02-new-project', '#/new'],
  ['03-dataset-pairs', '#/p/p_facades01/dataset'],
  ['04-train', '#/p/p_facades01/train'],
  ['05-live', '#/p/p_facades01/live/r_live00001'],
  ['06-runs', '#/p/p_facades01/runs'],
  ['07-export', '#/p/p_facades01/export'],
  ['08-shortcuts', '#/p/p_facades01/live/r_live00001', async () => void (await page.keyboard.press('Shift+Slash'))],
  [
    '09-dataset-unreadable',
    '#/p/p_facades01/dataset',
    async () => {
      await page.getByText('Folder A').click();
      await page.getByLabel('Only unreadable').check();
    },
  ],
  [
    '09b-dataset-unmatched',
    '#/p/p_facades01/dataset',
    async () => {
      await page.getByText('Pairs', { exact: true }).click();
      await page.getByLabel('Only without a partner').check();
    },
  ],
  ['10-train-unpaired', '#/p/p_horses001/train'],
  [
    '11-focus-ring',
    '#/p/p_facades01/train',
    async () => {
      for (let i = 0; i < 9; i++) await page.keyboard.press('Tab');
    },
  ],
  ['13-runs-imported', '#/p/p_horses001/runs'],
  [
    '14-import-form',
    '#/p/p_horses001/runs/import',
    async () => {
      await page.getByRole('checkbox', { name: /Add the other direction/ }).check();
      await page.getByRole('button', { name: 'Import', exact: true }).click();
    },
  ],
  [
    '15-import-browser',
    '#/p/p_horses001/runs/import',
    async () => {
      await page.getByRole('button', { name: /Browse for Generator file/ }).click();
      for (const f of ['Downloads', 'model-zoo', 'horse2zebra']) await page.getByRole('button', { name: new RegExp(f) }).click();
    },
  ],
  [
    '16-import-finished',
    '#/p/p_horses001/runs/import',
    async () => {
      await page.getByRole('textbox', { name: /Generator file/ }).fill('/home/ana/Downloads/model-zoo/horse2zebra/latest_net_G_A.pth');
      await page.getByRole('checkbox', { name: /Add the other direction/ }).check();
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByText('Parameters', { exact: true }).waitFor();
    },
  ],
  [
    '17-import-failed',
    '#/p/p_horses001/runs/import',
    async () => {
      await page.getByRole('textbox', { name: /Generator file/ }).fill('/home/ana/Downloads/evil.pth');
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('alert').waitFor();
    },
  ],
  ['18-export-model', '#/p/p_horses001/export/r_horsezoo1/model'],
  ['19-export-model-facades', '#/p/p_facades01/export/r_facadesz1/model'],
  ['20-train-fine-tune', '#/p/p_horses001/train/r_horsezoo1'],
  ['21-runs-paired-imported', '#/p/p_facades01/runs'],
  ['22-live-imported', '#/p/p_horses001/live/r_horsezoo1'],
];
for (const [name, hash, action] of shots) {
  await page.goto(base + hash);
  await page.waitForTimeout(1200);
  if (action) {
    await action().catch(async (e: unknown) => {
      await page.screenshot({ path: join(out, `${name}-failed.png`) });
      throw e;
    });
    await page.waitForTimeout(500);
  }
  await page.screenshot({ path: join(out, `${name}.png`) });
  await page.keyboard.press('Escape');
  await page.waitForTimeout(200);
}
// Reload survival: reload the live view mid-training and check the chart is rebuilt.
await page.goto(base + '#/p/p_facades01/live/r_live00001');
await page.waitForTimeout(800);
await page.reload();
await page.waitForTimeout(1500);
await page.screenshot({ path: join(out, '12-live-after-reload.png') });

await page.goto(`http://127.0.0.1:${offline.port}/#/`);
await page.waitForTimeout(1500);
await page.screenshot({ path: join(out, '00-cannot-reach.png') });

await context.close();
await studio.close();
await offline.close();
console.log(errors.length ? errors.join('\n') : 'no page errors');
console.log(`screenshots in ${out}`);
