// The TF.js export in a real browser: the example page written next to model.json loads the model
// with @tensorflow/tfjs (the CDN script is served from node_modules, as this machine is offline),
// translates a picked image, and the pixels match Tandem's own translation.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTfjs } from '../../main/gan/io/tfjs-export.js';
import { translateBatch } from '../../main/gan/models/inference.js';
import { defineG, type GeneratorArch } from '../../main/gan/networks/define.js';
import { tf } from '../../main/gan/tf.js';
import { Rng } from '../../main/gan/util/rng.js';
import { useTestBackend } from '../helpers/backend.js';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { REPO } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tandem-tfjs-page-'));
let server: Server;
let port = 0;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the end-to-end tests drive Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  await useTestBackend();
  server = createServer((req, res) => {
    const file = path.join(dir, 'model', decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(path.join(dir, 'model')) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': file.endsWith('.html') ? 'text/html' : file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TF.js export', () => {
  it('loads in Chromium with @tensorflow/tfjs and translates like Tandem', async () => {
    const arch: GeneratorArch = { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 8, norm: 'instance', useDropout: false };
    const net = defineG('G', arch, { type: 'normal', gain: 0.1, rng: new Rng(4) });
    await exportTfjs(net, arch, path.join(dir, 'model'));
    // A 64×64 test image (a multiple of 4, so the page does not resize it).
    const w = 64;
    const pixels = Buffer.alloc(w * w * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
    const png = path.join(dir, 'in.png');
    await sharp(pixels, { raw: { width: w, height: w, channels: 3 } })
      .png()
      .toFile(png);
    const expected = tf.tidy(() => {
      const x = tf.sub(tf.div(tf.tensor4d(Uint8Array.from(pixels), [1, w, w, 3], 'int32'), 127.5), 1) as tf.Tensor4D;
      const y = translateBatch(net, arch.netG, x);
      return tf.clipByValue(tf.mul(tf.div(tf.add(y, 1), 2), 255), 0, 255).dataSync() as Float32Array;
    });

    const context = await launchChromium();
    try {
      const page = await context.newPage();
      const tfjsScript = readFileSync(path.join(REPO, 'node_modules/@tensorflow/tfjs/dist/tf.min.js'));
      await page.route('https://cdn.jsdelivr.net/**', (route) =>
        route.fulfill({ body: tfjsScript, contentType: 'application/javascript' }),
      );
      await page.goto(`http://127.0.0.1:${port}/index.html`);
      await page.getByText(/^ready/).waitFor({ timeout: 60_000 });
      await page.setInputFiles('#file', png);
      await page.getByText(/^done in/).waitFor({ timeout: 60_000 });
      // A page-side expression (the project compiles without DOM types).
      const rgba = (await page.evaluate(
        "(() => { const c = document.getElementById('result'); return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); })()",
      )) as number[];
      let worst = 0;
      for (let p = 0; p < w * w; p++) {
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(rgba[p * 4 + c]! - expected[p * 3 + c]!));
      }
      // The page's canvas round trip truncates to 8 bits; the browser's float math differs a little.
      expect(worst).toBeLessThanOrEqual(2);
    } finally {
      await context.close();
      net.dispose();
    }
  }, 180_000);
});
