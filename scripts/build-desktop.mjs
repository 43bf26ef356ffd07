// Builds the desktop app into out/: main process, preload, job process entry (bundled with
// esbuild; native and wasm packages stay external so electron-builder can unpack and rebuild
// them) and the renderer (vite).
import { build } from 'esbuild';
import { cp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// --out DIR (inside the repository, so the bundles still find node_modules): used by a test.
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'out');
const external = [
  'electron',
  'better-sqlite3',
  'sharp',
  'onnxruntime-node',
  // tfjs registers backends and gradients by side effect, which bundlers drop, and its wasm
  // backend loads .wasm files from beside its own script: keep all of it in node_modules.
  '@tensorflow/*',
  // Dawn's Node addon: index.js loads dist/<platform>-<arch>/dawn.node from beside itself.
  'webgpu',
  'chokidar',
  'ws',
];

await rm(out, { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, external, logLevel: 'warning' };
await build({
  ...common,
  entryPoints: [path.join(root, 'main/electron/main.ts')],
  outfile: path.join(out, 'main/index.mjs'),
  format: 'esm',
});
await build({
  ...common,
  entryPoints: [path.join(root, 'main/jobs/child-main.ts')],
  outfile: path.join(out, 'jobs/child-main.js'),
  format: 'esm',
});
// The threaded wasm backend starts its pool from this file, found beside the code that loads it.
await cp(path.join(root, 'main/gan/backend/wasm-pthread-worker.cjs'), path.join(out, 'jobs/wasm-pthread-worker.cjs'));
// Sandboxed preloads must be a single CommonJS file that requires only 'electron'.
await build({ ...common, entryPoints: [path.join(root, 'preload/index.ts')], outfile: path.join(out, 'preload/index.cjs'), format: 'cjs' });
execFileSync(
  process.execPath,
  [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
  { cwd: root, stdio: 'inherit' },
);
await cp(path.join(root, 'renderer/dist'), path.join(out, 'renderer'), { recursive: true });
console.log(`built the desktop app into ${path.relative(root, out)}/`);
