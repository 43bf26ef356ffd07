// Screenshots against a real `tandem serve` (default http://127.0.0.1:4873/), driving the UI as an
// artist would: create the demo projects from folders, start a Quick draft, watch it, open Runs and
// Export. Run: tandem demo /tmp/tandem-demo && tandem serve --data /tmp/tandem-data, then
//   npx tsx test/renderer/screenshots-live.ts [url] [demo-folder]
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchChromium } from '../helpers/chromium.js';

const base = process.argv[2] ?? 'http://127.0.0.1:4873/';
const demo = process.argv[3] ?? '/tmp/tandem-demo';
const watchMs = Number(process.env.WATCH_MS ?? 60_000);
const root = resolve(import.meta.dirname, '../..');
const out = join(root, 'test-artifacts/screenshots/live');
await mkdir(out, { recursive: true });

const context = await launchChromium();
const page = await context.newPage();
const errors: string[] = [];
page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
const shot = (name: string) => page.screenshot({ path: join(out, `${name}.png`) });

await page.goto(base);
await page.waitForTimeout(1500);
await shot('01-projects-empty');

// Paired project from one folder of side-by-side images.
await page.goto(base + '#/new');
await page.getByRole('radio', { name: /One folder of side-by-side/ }).check();
await page.getByRole('textbox', { name: 'Folder of side-by-side images' }).fill(`${demo}/paired/train`);
await page.getByRole('textbox', { name: 'Project name' }).fill('Demo shapes (paired)');
await shot('02-new-project-filled');
await page.getByRole('button', { name: 'Create project' }).click();
await page.waitForTimeout(3000);
await shot('03-dataset-paired');

// Unpaired project from two folders.
await page.goto(base + '#/new');
await page.getByRole('radio', { name: /Two styles/ }).check();
await page.getByRole('textbox', { name: 'Folder A (first style)' }).fill(`${demo}/unpaired/trainA`);
await page.getByRole('textbox', { name: 'Folder B (second style)' }).fill(`${demo}/unpaired/trainB`);
await page.getByRole('textbox', { name: 'Project name' }).fill('Demo pastel ↔ neon');
await page.getByRole('button', { name: 'Create project' }).click();
await page.waitForTimeout(3000);
await shot('04-dataset-unpaired');
await page.goto(base + '#/');
await page.waitForTimeout(1500);
await shot('05-projects');

// Train a Quick draft on the paired project.
await page.getByRole('link', { name: 'Demo shapes (paired)' }).first().click();
await page.waitForTimeout(800);
await page.getByRole('link', { name: 'Train' }).first().click();
await page.waitForTimeout(1500);
await page.getByRole('spinbutton', { name: 'Sample every' }).fill('40');
await shot('06-train');
await page.getByRole('button', { name: /Start training/ }).click();
await page.waitForTimeout(5000);
await shot('07-live-start');
await page.waitForTimeout(watchMs);
await shot('08-live');
await page.reload();
await page.waitForTimeout(3000);
await shot('09-live-after-reload');
await page.getByRole('button', { name: 'Pause' }).click();
await page.waitForTimeout(3000);
await shot('10-live-paused');
await page.getByRole('button', { name: 'Resume' }).click();
await page.waitForTimeout(3000);
await page.getByRole('link', { name: 'Runs' }).first().click();
await page.waitForTimeout(2500);
await shot('11-runs');
await page.getByRole('link', { name: 'Export' }).first().click();
await page.waitForTimeout(2500);
await shot('12-export');

await context.close();
console.log(errors.length ? errors.join('\n') : 'no page errors');
console.log(`screenshots in ${out}`);
