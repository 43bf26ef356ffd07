// Fine-tuning: which model file a new run starts from, and the options it must share with it.
// The weights decide the architecture, so those options come from the source run; what the user
// chooses (epochs, learning rate, loss weights, crop) stays theirs.
import { architectureKeys, modelDefinition, type ModelName } from '../options/index.js';
import type { ProjectRecord } from '../store/projects.js';
import { chooseCheckpoint } from './checkpoint-choice.js';
import { requireRun, type StudioContext } from './context.js';
import { StudioError } from './studio-error.js';

export interface FineTuneSource {
  file: string;
  /** What the new run records as its origin. */
  from: { runId: string; runName: string; checkpointId: number; fileName: string };
  /** An imported model's discriminators (if any) were never trained: they start fresh. */
  generatorsOnly: boolean;
  /** Options the new run takes from the source. */
  options: Record<string, unknown>;
}

export function fineTuneSource(
  ctx: StudioContext,
  project: ProjectRecord,
  model: ModelName,
  from: { runId: string; checkpointId?: number | undefined },
  given: Record<string, unknown>,
): FineTuneSource {
  const src = requireRun(ctx, from.runId);
  if (src.projectId !== project.id) {
    throw new StudioError(
      'invalid-input',
      `"${src.name}" belongs to another project; import the model into this project to fine-tune it here.`,
      'initFrom.runId',
    );
  }
  if (src.origin === 'imported' && !src.imported)
    throw new StudioError('conflict', `"${src.name}" has not finished importing.`, 'initFrom.runId');
  if (src.model !== model || (src.imported && src.imported.generators === 1 && model === 'cyclegan')) {
    const why =
      model === 'pix2pix'
        ? 'it is a CycleGAN pair; pix2pix fine-tunes one generator (import latest_net_G.pth on its own)'
        : model === 'cyclegan' && src.imported?.generators === 1
          ? 'it holds one generator, and a CycleGAN fine-tunes both directions: import the pair (G_A and G_B)'
          : `it is a ${src.model} model`;
    throw new StudioError('invalid-input', `"${src.name}" cannot start a ${model} run in this project: ${why}.`, 'initFrom.runId');
  }
  const { checkpoint, file } = chooseCheckpoint(
    ctx,
    src,
    from.checkpointId,
    `"${src.name}" has no saved model to start from yet.`,
    'initFrom.runId',
  );

  const generatorsOnly = src.origin === 'imported';
  // The generator's shape, and the discriminator's (and CUT's projection's) when those were trained.
  const keys = architectureKeys(modelDefinition(model), generatorsOnly);
  const own = src.options as unknown as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const k of keys) {
    if (given[k] !== undefined && given[k] !== own[k]) {
      throw new StudioError(
        'invalid-input',
        `options.${k}: a fine-tuned run keeps the architecture of "${src.name}" (${k} ${String(own[k])}).`,
        `options.${k}`,
      );
    }
    options[k] = own[k];
  }
  return {
    file,
    from: { runId: src.id, runName: src.name, checkpointId: checkpoint.id, fileName: checkpoint.fileName },
    generatorsOnly,
    options,
  };
}
