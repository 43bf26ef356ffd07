// A batch export inside the child process. Images go to `<output>.partial-<jobId>` and the folder
// is moved to `<output>` only once every image is done (never over anything there): a killed export never leaves a folder
// that looks finished, and running the same job again continues in the same partial folder
// (translateFolder skips outputs that exist).
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { publishFolder } from '../data/publish.js';
import { initBackend } from '../gan/backend/index.js';
import { isAtomicTempName } from '../gan/checkpoint/atomic-write.js';
import { openImageTranslator } from '../gan/translate/image-translator.js';
import { translateFolder } from '../gan/translate/translate-folder.js';
import { throttle, type JobContext } from './job-context.js';
import { partialFolderFor, type ExportJobSpec, type ExportResultMessage } from './protocol.js';
import { readyMessage } from './ready-message.js';

const PROGRESS_INTERVAL_MS = 200;

export async function runExportJob(spec: ExportJobSpec, ctx: JobContext): Promise<ExportResultMessage> {
  const input = path.resolve(spec.input);
  const output = path.resolve(spec.output);
  const partial = partialFolderFor(output, spec.jobId);
  // translateFolder checks the folder it writes to (the partial one, a sibling of the output);
  // the final folder must not lie inside the input either, or the next export would read it.
  if (output === input || output.startsWith(input + path.sep)) {
    throw new Error(`the output folder ${spec.output} lies inside the input folder ${spec.input}; choose a folder outside it`);
  }
  await assertFreeOutput(output);

  const backend = await initBackend(spec.backend);
  ctx.send(readyMessage(backend));
  const translator = await openImageTranslator(spec.model, { direction: spec.direction, engine: spec.engine });
  ctx.send({ type: 'log', level: 'info', line: `engine: ${translator.engine}` });
  try {
    await mkdir(partial, { recursive: true });
    await removeWriteLeftovers(partial);
    const progressDue = throttle(PROGRESS_INTERVAL_MS);
    const started = performance.now();
    const summary = await translateFolder(translator, {
      input: spec.input,
      output: partial,
      ...(spec.format ? { format: spec.format } : {}),
      ...(spec.tile !== undefined ? { tile: spec.tile } : {}),
      ...(spec.overlap !== undefined ? { overlap: spec.overlap } : {}),
      signal: ctx.signal,
      onStart: (file, plan) => {
        if (plan.path !== 'whole') ctx.send({ type: 'log', level: 'info', line: `${path.basename(file)}: ${plan.reason}` });
      },
      onProgress: (p) => {
        if (p.status === 'failed') ctx.send({ type: 'skipped', path: p.file, reason: p.reason ?? 'could not be translated' });
        if (p.note) ctx.send({ type: 'log', level: 'warn', line: `${path.basename(p.file)}: ${p.note}` });
        if (!progressDue(p.done === p.total)) return;
        // Pixels measure the work (a 50 MP photo is not one unit among thumbnails); images already
        // written take no time, so the rate comes from this session's pixels.
        const seconds = (performance.now() - started) / 1000;
        const eta = p.pixelsDone > 0 ? (seconds / p.pixelsDone) * (p.pixelsTotal - p.pixelsDone) : 0;
        ctx.send({ type: 'progress', job: 'export', done: p.done, total: p.total, etaSeconds: eta });
      },
    });
    const counts = {
      total: summary.total,
      translated: summary.translated,
      skippedExisting: summary.skippedExisting,
      failed: summary.failed,
    };
    if (summary.stopped) return { kind: 'export', stopped: true, folder: partial, ...counts };
    if (summary.total > 0 && summary.failed.length === summary.total) {
      throw new Error(`no image could be translated (${summary.failed[0]!.file}: ${summary.failed[0]!.reason})`);
    }
    await moveIntoPlace(partial, output);
    return { kind: 'export', stopped: false, folder: output, ...counts };
  } finally {
    await translator.dispose();
  }
}

/** An empty folder may be replaced; anything else at the output is the user's and stays. */
async function assertFreeOutput(output: string): Promise<void> {
  const s = await stat(output).catch(() => null);
  if (!s) return;
  if (!s.isDirectory()) throw new Error(`the output ${output} exists and is not a folder; choose another output folder`);
  if ((await readdir(output)).length > 0) {
    throw new Error(`the output folder ${output} already exists and is not empty; choose another folder, or remove it first`);
  }
}

/** A killed run may have left hidden temporary files of images it was writing; they must not ship. */
async function removeWriteLeftovers(folder: string): Promise<void> {
  const names = await readdir(folder, { recursive: true });
  await Promise.all(names.filter((n) => isAtomicTempName(path.basename(n))).map((n) => rm(path.join(folder, n), { force: true })));
}

/** Anything that appeared at the output while we worked stays, and the error names the partial folder. */
async function moveIntoPlace(partial: string, output: string): Promise<void> {
  await publishFolder(partial, output, { intoEmptyFolder: true });
}
