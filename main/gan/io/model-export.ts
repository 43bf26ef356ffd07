// A generator written as ONNX or as a TF.js graph model, for `tandem export-model` and the studio's
// model-export job alike: written beside its final place, then published there in one step that
// never replaces anything (main/data/publish.ts), so a failed or killed export leaves no half model
// where the user expects a whole one, and a file that appears meanwhile is kept.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { publishFile, publishFolder, PublishConflictError } from '../../data/publish.js';
import type { GeneratorArch } from '../networks/define.js';
import type { Network } from '../networks/network.js';
import { exportOnnx } from './onnx-export.js';
import { exportTfjs } from './tfjs-export.js';

export type ModelExportFormat = 'onnx' | 'tfjs';

export interface ModelExportOutcome {
  /** Every file written, at its final place. */
  files: string[];
  /** One line for people: what was written and how to use it. */
  summary: string;
}

/** Refuses a target that exists, before any work (a courtesy: only publishing's check is atomic). */
export function assertModelExportTarget(out: string): void {
  if (existsSync(out)) throw new Error(`${out} already exists; choose another name (an export never overwrites)`);
}

/**
 * `temp`: a sibling of `out` that nothing else uses (it is emptied first). Callers check the target
 * with assertModelExportTarget before loading anything; publishing checks it again, atomically.
 */
export async function exportModel(
  net: Network,
  arch: GeneratorArch,
  format: ModelExportFormat,
  out: string,
  temp: string,
): Promise<ModelExportOutcome> {
  await rm(temp, { recursive: true, force: true });
  await mkdir(path.dirname(out), { recursive: true });
  try {
    if (format === 'onnx') {
      const r = await exportOnnx(net, arch, temp);
      await publishFile(temp, out);
      return { files: [out], summary: `wrote ${out} (ONNX opset ${r.opset}, input 'input' NCHW [-1,1], dynamic height and width)` };
    }
    const r = await exportTfjs(net, arch, temp);
    await publishFolder(temp, out);
    const files = (await readdir(out)).sort().map((n) => path.join(out, n));
    const page = path.join(out, path.basename(r.examplePage));
    return {
      files,
      summary: `wrote ${path.join(out, 'model.json')} with ${r.shards.length} weight file(s); open ${page} in a browser to try it`,
    };
  } catch (e) {
    // A conflict keeps the finished result (the error names it); anything else leaves nothing.
    if (!(e instanceof PublishConflictError)) await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}
