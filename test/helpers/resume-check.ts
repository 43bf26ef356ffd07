// Exact resume, as tests check it for every model: the same batches trained straight through, and
// trained half-way, saved, loaded into a fresh process's model and trained on.
import type { GanModel } from '../../main/gan/models/model.js';
import { createModel } from '../../main/gan/models/create-model.js';
import { loadModelCheckpoint, saveModelCheckpoint, type TrainingProgress } from '../../main/gan/models/model-checkpoint.js';
import type { ModelOptionsInput } from '../../main/gan/models/options.js';
import type { tf } from '../../main/gan/tf.js';

type Batch = { A: tf.Tensor4D; B: tf.Tensor4D };

async function train(model: GanModel, batches: readonly Batch[]): Promise<void> {
  for (const batch of batches) {
    model.setInput(batch);
    await model.optimizeParameters();
  }
}

/** Both models (the caller disposes them) and the progress the checkpoint gave back. */
export async function trainStraightAndResumed(
  options: ModelOptionsInput,
  batches: readonly Batch[],
  file: string,
): Promise<{ straight: GanModel; resumed: GanModel; progress: TrainingProgress }> {
  const half = Math.floor(batches.length / 2);
  const straight = createModel(options);
  await train(straight, batches);
  const first = createModel(options);
  await train(first, batches.slice(0, half));
  await saveModelCheckpoint(file, first, { epoch: 1, epochIter: half, totalIters: half });
  first.dispose();
  const { model: resumed, progress } = await loadModelCheckpoint(file);
  await train(resumed, batches.slice(half));
  return { straight, resumed, progress };
}
