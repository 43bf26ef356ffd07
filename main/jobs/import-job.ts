// Importing PyTorch weights inside the child process: the .pth is parsed (never executed) and
// written as a Tandem model, so the studio process never holds tfjs or an untrusted pickle.
import { existsSync } from 'node:fs';
import { initBackend } from '../gan/backend/index.js';
import { importCycleGanPair, importPthModel } from '../gan/io/import-pth.js';
import type { ArchOverrides } from '../gan/io/infer-arch.js';
import type { JobContext } from './job-context.js';
import type { ImportJobSpec, ImportResultMessage } from './protocol.js';
import { readyMessage } from './ready-message.js';

export async function runImportJob(spec: ImportJobSpec, ctx: JobContext): Promise<ImportResultMessage> {
  if (existsSync(spec.out)) throw new Error(`${spec.out} already exists; an import never overwrites a model`);
  const backend = await initBackend(spec.backend);
  ctx.send(readyMessage(backend));
  const overrides: ArchOverrides = { ...spec.overrides };
  if (spec.pairWith) {
    const r = await importCycleGanPair(spec.file, spec.pairWith, spec.out, { overrides });
    return {
      kind: 'import',
      file: r.outPath,
      sources: [spec.file, spec.pairWith],
      format: r.format,
      arch: r.archA,
      generators: 2,
      params: r.params,
      notes: r.notes,
    };
  }
  const r = await importPthModel(spec.file, spec.out, overrides);
  return {
    kind: 'import',
    file: r.outPath,
    sources: [spec.file],
    format: r.format,
    arch: r.arch,
    generators: 1,
    params: r.params,
    notes: r.notes,
  };
}
