// Writing a generator as ONNX or a TF.js graph model inside the child process. The result is
// written beside its final place and renamed when complete, so a failed or killed export never
// leaves a half-written model where the user expects a whole one.
import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../gan/backend/index.js';
import { exportOnnx } from '../gan/io/onnx-export.js';
import { exportTfjs } from '../gan/io/tfjs-export.js';
import { loadTranslator } from '../gan/models/generator-file.js';
import type { JobContext } from './job-context.js';
import { partialFolderFor, type ModelExportJobSpec, type ModelExportResultMessage } from './protocol.js';
import { readyMessage } from './ready-message.js';

export async function runModelExportJob(spec: ModelExportJobSpec, ctx: JobContext): Promise<ModelExportResultMessage> {
  const out = path.resolve(spec.out);
  if (existsSync(out)) throw new Error(`${out} already exists; choose another name (an export never overwrites)`);
  const backend = await initBackend(spec.backend);
  ctx.send(readyMessage(backend));
  const t = await loadTranslator(spec.model, spec.direction);
  const temp = partialFolderFor(out, spec.jobId);
  try {
    await rm(temp, { recursive: true, force: true });
    if (spec.format === 'onnx') {
      await exportOnnx(t.net, t.arch, temp);
      await rename(temp, out);
      return { kind: 'model-export', files: [out] };
    }
    await exportTfjs(t.net, t.arch, temp);
    await rename(temp, out);
    const names = (await readdir(out)).sort();
    return { kind: 'model-export', files: names.map((n) => path.join(out, n)) };
  } catch (e) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  } finally {
    t.net.dispose();
  }
}
