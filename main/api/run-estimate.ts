// The run-time estimate, shared with the renderer as the option schema is: the engine's own
// estimator (free of TensorFlow.js), so the Train view, the trainer's ETA and the CLI agree.
export {
  STEPS_BEFORE_MEASURED,
  WARMUP_STEPS,
  epochCount,
  estimateRun,
  iterationMacs,
  networkCost,
  type ComputeBackend,
  type Estimate,
  type MeasuredStep,
  type SpeedBasis,
} from '../gan/training/run-estimate.js';
