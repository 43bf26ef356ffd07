import { sizeMultiple, type GeneratorArch } from '../networks/define.js';

const TFJS_VERSION = '4.22.0';

/**
 * A minimal page that loads the exported model.json with TF.js from a CDN and translates an image
 * the user picks. Written as index.html next to the export; serve the folder over http (browsers
 * do not fetch model.json from file://). Kept in code, not as an .html asset, so it ships inside
 * the bundled main process.
 */
export function tfjsExamplePage(arch: GeneratorArch): string {
  const multiple = sizeMultiple(arch.netG);
  const title = `Tandem ${arch.netG} (ngf ${arch.ngf}, ${arch.norm} norm)`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@${TFJS_VERSION}/dist/tf.min.js"></script>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
  canvas { max-width: 45vw; margin: 1em 1em 0 0; border: 1px solid #ccc; }
  #status { margin-left: 1em; color: #666; }
</style>
</head>
<body>
<h1>${title}</h1>
<p>Serve this folder over http (for example <code>npx http-server .</code>) and open it; browsers do not load model.json from file://.</p>
<input type="file" id="file" accept="image/*"><span id="status">loading the model…</span>
<div><canvas id="source"></canvas><canvas id="result"></canvas></div>
<script>
const INPUT_NC = ${arch.inputNc};
const MULTIPLE = ${multiple}; // height and width must be multiples of this
const MAX_SIDE = ${Math.max(512, multiple)};
const status = document.getElementById('status');
const source = document.getElementById('source');
const result = document.getElementById('result');

(async () => {
  const model = await tf.loadGraphModel('model.json');
  status.textContent = 'ready: pick an image (backend ' + tf.getBackend() + ')';
  document.getElementById('file').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const img = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
    const fit = (v) => Math.max(MULTIPLE, Math.round((v * scale) / MULTIPLE) * MULTIPLE);
    source.width = fit(img.width);
    source.height = fit(img.height);
    source.getContext('2d').drawImage(img, 0, 0, source.width, source.height);
    status.textContent = 'translating…';
    const started = performance.now();
    const y = tf.tidy(() => {
      let x = tf.browser.fromPixels(source, 3).toFloat().div(127.5).sub(1);
      if (INPUT_NC === 1) x = x.mean(2, true);
      const out = model.execute(x.expandDims(0));
      return out.squeeze([0]).add(1).div(2).clipByValue(0, 1);
    });
    result.width = source.width;
    result.height = source.height;
    await tf.browser.toPixels(y, result);
    y.dispose();
    status.textContent = 'done in ' + Math.round(performance.now() - started) + ' ms';
  });
})().catch((e) => { status.textContent = 'failed: ' + e.message; });
</script>
</body>
</html>
`;
}
