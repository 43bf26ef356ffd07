// Writing a generator as ONNX or a TF.js graph model inside the child process (main/gan/io/
// model-export.ts: written beside its final place, published without replacing anything).
import path from 'node:path';
import { initBackend } from '../gan/backend/index.js';
import { assertModelExportTarget, exportModel } from '../gan/io/model-export.js';
import { loadTranslator } from '../gan/models/generator-file.js';
import type { JobContext } from './job-context.js';
import { partialFolderFor, type ModelExportJobSpec, type ModelExportResultMessage } from './protocol.js';
import { readyMessage } from './ready-message.js';

export async function runModelExportJob(spec: ModelExportJobSpec, ctx: JobContext): Promise<ModelExportResultMessage> {
  const out = path.resolve(spec.out);
  assertModelExportTarget(out); // before loading anything: the common mistake fails at once
  const backend = await initBackend(spec.backend);
  ctx.send(readyMessage(backend));
  const t = await loadTranslator(spec.model, spec.direction);
  try {
    const { files } = await exportModel(t.net, t.arch, spec.format, out, partialFolderFor(out, spec.jobId));
    return { kind: 'model-export', files };
  } finally {
    t.net.dispose();
  }
}
