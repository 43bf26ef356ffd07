// Exports never overwrite, even what appears while they run: a file or folder made at the target
// between the job's start and its end is left untouched, and the error says where the result is.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPthModel } from '../../../main/gan/io/import-pth.js';
import { translateFolder } from '../../../main/gan/translate/translate-folder.js';
import { openImageTranslator } from '../../../main/gan/translate/image-translator.js';
import { runExportJob } from '../../../main/jobs/export-job.js';
import type { JobContext } from '../../../main/jobs/job-context.js';
import { runModelExportJob } from '../../../main/jobs/model-export-job.js';
import { PauseGate } from '../../../main/jobs/pause-gate.js';
import { partialFolderFor, type ChildMessage } from '../../../main/jobs/protocol.js';
import { useTestBackend } from '../../helpers/backend.js';
import { makeTempDir, noise, writeTestImage } from '../../helpers/image-files.js';
import { PTH_DIR } from '../io/helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
let images: string;

beforeAll(async () => {
  await useTestBackend();
  tmp = await makeTempDir('tandem-no-overwrite-');
  model = path.join(tmp.dir, 'g.tandem');
  await importPthModel(path.join(PTH_DIR, 'resnet6_ngf8_instance.pth'), model);
  images = path.join(tmp.dir, 'images');
  for (const name of ['a.png', 'b.png', 'c.png']) await writeTestImage(path.join(images, name), 16, 16, noise);
});
afterAll(() => tmp?.cleanup());

/** A job context whose `ready` (sent after the job checked its target) lets the test act mid-export. */
function contextActingAtReady(act: () => void): JobContext {
  return {
    send: (m: ChildMessage) => {
      if (m.type === 'ready') act();
    },
    signal: new AbortController().signal,
    gate: new PauseGate(),
  };
}

const USERS = "the user's own file";

/** The error a job ended with (a job that succeeds fails the test). */
async function failure(job: Promise<unknown>): Promise<Error> {
  const outcome = await job.then(
    (r) => ({ r }),
    (e: unknown) => ({ e }),
  );
  if (!('e' in outcome)) throw new Error(`the job succeeded: ${JSON.stringify(outcome.r)}`);
  expect(outcome.e).toBeInstanceOf(Error);
  return outcome.e as Error;
}

describe('exports never overwrite what appears while they run', () => {
  it('an ONNX file created mid-export is kept; the error names the finished model beside it', async () => {
    const out = path.join(tmp.dir, 'made-meanwhile.onnx');
    const spec = { kind: 'model-export', jobId: 'onnx-race', model, direction: 'AtoB', format: 'onnx', out, backend: 'wasm' } as const;
    const error = await failure(
      runModelExportJob(
        spec,
        contextActingAtReady(() => writeFileSync(out, USERS)),
      ),
    );
    const kept = partialFolderFor(out, 'onnx-race');
    expect(error.message).toBe(
      `${out} appeared while the export ran, so it was left untouched; the result was kept in ${kept} (move or rename it yourself)`,
    );
    expect(readFileSync(out, 'utf8')).toBe(USERS);
    expect(readFileSync(kept).length).toBeGreaterThan(10_000); // the whole model, not an empty claim
  });

  it('a TF.js folder created mid-export (even an empty one) is kept, with the finished model beside it', async () => {
    const out = path.join(tmp.dir, 'tfjs-meanwhile');
    const spec = { kind: 'model-export', jobId: 'tfjs-race', model, direction: 'AtoB', format: 'tfjs', out, backend: 'wasm' } as const;
    const error = await failure(
      runModelExportJob(
        spec,
        contextActingAtReady(() => mkdirSync(out)),
      ),
    );
    const kept = partialFolderFor(out, 'tfjs-race');
    expect(error.message).toContain(`the result was kept in ${kept}`);
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(kept)).toContain('model.json');
  });

  it('an image export whose output folder fills up mid-export keeps those files and names the partial folder', async () => {
    const output = path.join(tmp.dir, 'export-meanwhile');
    const spec = {
      kind: 'export',
      jobId: 'images-race',
      model,
      direction: 'AtoB',
      input: images,
      output,
      engine: 'tfjs',
      backend: 'wasm',
    } as const;
    const act = () => {
      mkdirSync(output);
      writeFileSync(path.join(output, 'a.png'), USERS);
    };
    const error = await failure(runExportJob(spec, contextActingAtReady(act)));
    const kept = partialFolderFor(output, 'images-race');
    expect(error.message).toContain(`the result was kept in ${kept}`);
    expect(readdirSync(output)).toEqual(['a.png']);
    expect(readFileSync(path.join(output, 'a.png'), 'utf8')).toBe(USERS);
    expect(readdirSync(kept).sort()).toEqual(['a.png', 'b.png', 'c.png']);
  });

  it('translating into a folder keeps an output file that appears while its image is translated', async () => {
    const output = path.join(tmp.dir, 'translate-meanwhile');
    const translator = await openImageTranslator(model, { direction: 'AtoB', engine: 'tfjs' });
    try {
      const summary = await translateFolder(translator, {
        input: images,
        output,
        // When a.png is written, b.png is translating: its output appears before it is written.
        onProgress: (p) => {
          if (p.status === 'translated' && p.file.endsWith('a.png')) writeFileSync(path.join(output, 'b.png'), USERS);
        },
      });
      expect(summary).toMatchObject({ translated: 2, skippedExisting: 1, failed: [] });
    } finally {
      await translator.dispose();
    }
    expect(readFileSync(path.join(output, 'b.png'), 'utf8')).toBe(USERS);
    expect(readdirSync(output).sort()).toEqual(['a.png', 'c.png', 'b.png'].sort());
    expect(existsSync(path.join(output, 'c.png'))).toBe(true);
  });
});
