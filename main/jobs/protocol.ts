// The message protocol between the studio (parent) and a job child process (trainer or exporter).
//
// Every message is a plain JSON object with a `type`, validated on receipt on both sides: a
// malformed message becomes a clear error (`parseChildMessage` / `parseParentMessage` return it),
// never a crash.
//
// This module is loaded by the main process, which must stay free of tfjs: from the engine it
// imports only the option schema, which is zod-only, so a bad option is refused at enqueue time.
//
// Conversation:
//   child  → hello {pid, protocol}            as soon as it can listen (messages sent earlier would be lost)
//   parent → start {spec}
//   child  → ready {backendLine}               the backend is up
//   child  → started {progress, resumed, …}    (train) where the run begins
//   child  → progress / metrics / sample / checkpoint / log / skipped / paused / resumed …
//   parent → pause | resume | stop             at any time after start
//   child  → finished {result} | failed {message, userFacing}, then exits
import { z } from 'zod';
import type { LayoutSpec } from '../data/layout.js';
import { modelOptionsSchema, type ModelOptionsInput } from '../gan/models/options.js';
import { GENERATORS } from '../gan/networks/names.js';
import { SPEED_BASES } from '../gan/training/run-estimate.js';
import type { JobKind } from './job-names.js';

/** Bumped when a message changes incompatibly; the child announces its own in `hello`. */
export const PROTOCOL_VERSION = 1;

// Job ids name temporary folders (`<output>.partial-<jobId>`), so they are kept filename-safe.
export const jobIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'a job id is 1–128 letters, digits, dots, dashes or underscores, starting with a letter or digit',
  );

const path = z.string().min(1, 'a path is required');
const count = z.number().int().min(0);
const seconds = z.number().min(0);
const backend = z.string().min(1).optional();

const phaseSchema = z.enum(['train', 'test', 'val']);

export const layoutSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('detect'), dataroot: path, phase: phaseSchema, model: z.enum(['pix2pix', 'cyclegan']) }),
  z.object({ kind: z.literal('aligned'), dir: path }),
  z.object({ kind: z.literal('paired-folders'), dirA: path, dirB: path }),
  z.object({ kind: z.literal('unpaired'), dirA: path, dirB: path }),
  z.object({ kind: z.literal('single'), dir: path }),
]);

export const trainingProgressSchema = z.object({ epoch: z.number().int().min(1), epochIter: count, totalIters: count });
export type WireTrainingProgress = z.infer<typeof trainingProgressSchema>;

export const trainJobSpecSchema = z.object({
  kind: z.literal('train'),
  jobId: jobIdSchema,
  /** Checkpoints (latest.tandem, epoch_<n>.tandem), samples/ and options.json go here. */
  runDir: path,
  /**
   * The model options (the reference's names; defaults fill the rest). On resume the run keeps its
   * own options except n_epochs and n_epochs_decay, which are taken from here (to lengthen or
   * shorten a run); other differences are reported in a log line and ignored.
   */
  options: modelOptionsSchema,
  data: layoutSpecSchema,
  /** Continue from <runDir>/latest.tandem (which must exist); false refuses to overwrite a run. */
  resume: z.boolean().default(false),
  schedule: z.object({
    /** A sample grid every this many images (0 = never). */
    sampleEvery: count.default(400),
    /** latest.tandem every this many images (0 = only at epoch ends and on stop). */
    checkpointEvery: count.default(5000),
    /** Keep epoch_<n>.tandem every this many epochs (0 = never). */
    saveEpochFreq: count.default(5),
  }),
  /** Images in the sample grid (0 = no samples). */
  numSamples: count.default(4),
  /** Take images in order instead of shuffling. */
  serialBatches: z.boolean().default(false),
  /**
   * A new run starts from these weights (fine-tuning): a training checkpoint (every network it
   * holds) or a generator file (pix2pix's G). Optimisers, schedule and counters start fresh.
   */
  initFrom: z.object({ file: path, generatorsOnly: z.boolean().default(false) }).optional(),
  /** auto | gpu | node | wasm | cpu; default: auto (or TANDEM_BACKEND). */
  backend,
});

/** What a job that reads a Tandem model says: the file, and which way it translates. */
const fromModel = {
  jobId: jobIdSchema,
  /** A Tandem checkpoint (.tandem) or an imported generator file. */
  model: path,
  direction: z.enum(['AtoB', 'BtoA']).default('AtoB'),
};

export const exportJobSpecSchema = z.object({
  kind: z.literal('export'),
  ...fromModel,
  /** An image, or a folder of images (subfolders included). */
  input: path,
  /** The final folder. Images are written to `<output>.partial-<jobId>`, moved here at the end (never over anything). */
  output: path,
  format: z.enum(['png', 'jpeg', 'webp']).optional(),
  /** Tile side in pixels (0 or absent: tiles only for large images). */
  tile: count.optional(),
  overlap: count.optional(),
  /** auto: onnxruntime when it loads (faster), else tfjs on `backend`. */
  engine: z.enum(['auto', 'onnx', 'tfjs']).default('auto'),
  backend,
});

/** Reads PyTorch .pth file(s) (parsed, never executed) and writes a Tandem model. */
export const importJobSpecSchema = z.object({
  kind: z.literal('import'),
  jobId: jobIdSchema,
  file: path,
  /** G_B of a CycleGAN pair: the result is a training checkpoint that translates both ways and fine-tunes. */
  pairWith: path.optional(),
  /** The Tandem model to write; an existing file is refused. */
  out: path,
  /** Architecture facts the files cannot tell. */
  overrides: z
    .object({
      netG: z.enum(GENERATORS).optional(),
      norm: z.enum(['batch', 'instance', 'none']).optional(),
      ngf: z.number().int().min(1).max(1024).optional(),
    })
    .default({}),
  backend,
});

/** Writes one generator of a Tandem model as ONNX or a TF.js graph model. */
export const modelExportJobSpecSchema = z.object({
  kind: z.literal('model-export'),
  ...fromModel,
  format: z.enum(['onnx', 'tfjs']),
  /** The .onnx file or the TF.js folder; written beside it first and moved here when complete (never over anything). */
  out: path,
  backend,
});

/** Names the GPU a job process would train on (WebGPU through Dawn), without starting tfjs. */
export const probeJobSpecSchema = z.object({ kind: z.literal('probe'), jobId: jobIdSchema });

export const jobSpecSchema = z.discriminatedUnion('kind', [
  trainJobSpecSchema,
  exportJobSpecSchema,
  importJobSpecSchema,
  modelExportJobSpecSchema,
  probeJobSpecSchema,
]);
/** Short jobs that do not wait behind a training or a batch export. */
export const LIGHT_JOB_KINDS: ReadonlySet<JobKind> = new Set(['import', 'model-export', 'probe']);

// The engine's own types for the parts checked loosely here (type-only imports: nothing loads).
type WithEngineTypes<T> = T extends { kind: 'train' } ? Omit<T, 'options' | 'data'> & { options: ModelOptionsInput; data: LayoutSpec } : T;
/** A job as validated (defaults filled in). */
export type TrainJobSpec = WithEngineTypes<z.output<typeof trainJobSpecSchema>>;
export type ExportJobSpec = z.output<typeof exportJobSpecSchema>;
export type ImportJobSpec = z.output<typeof importJobSpecSchema>;
export type ModelExportJobSpec = z.output<typeof modelExportJobSpecSchema>;
export type ProbeJobSpec = z.output<typeof probeJobSpecSchema>;
export type JobSpec = TrainJobSpec | ExportJobSpec | ImportJobSpec | ModelExportJobSpec | ProbeJobSpec;
/** A job as callers write it (defaults optional). */
export type TrainJobSpecInput = WithEngineTypes<z.input<typeof trainJobSpecSchema>>;
export type ExportJobSpecInput = z.input<typeof exportJobSpecSchema>;
export type JobSpecInput =
  | TrainJobSpecInput
  | ExportJobSpecInput
  | z.input<typeof importJobSpecSchema>
  | z.input<typeof modelExportJobSpecSchema>
  | z.input<typeof probeJobSpecSchema>;
export type { JobKind } from './job-names.js';

// ── child → parent ───────────────────────────────────────────────────────────────────────────

/** A loss that is not a finite number (the run diverged) travels as null: JSON has no NaN. */
const lossValue = z.number().nullable();

export const trainResultSchema = z.object({
  kind: z.literal('train'),
  /** True when stopped on request (a checkpoint was saved), false when every epoch ran. */
  stopped: z.boolean(),
  progress: trainingProgressSchema,
  /** latest.tandem, or null when stopped before the first iteration of a new run. */
  latestCheckpoint: z.string().nullable(),
});

export const exportResultSchema = z.object({
  kind: z.literal('export'),
  stopped: z.boolean(),
  /** Where the images are: the final folder, or the `.partial-<jobId>` folder when stopped. */
  folder: z.string(),
  total: count,
  translated: count,
  skippedExisting: count,
  failed: z.array(z.object({ file: z.string(), reason: z.string() })),
});

export const importResultSchema = z.object({
  kind: z.literal('import'),
  /** The Tandem model written. */
  file: z.string(),
  /** The .pth files read: [G] or [G_A, G_B]. */
  sources: z.array(z.string()).min(1).max(2),
  format: z.enum(['zip', 'legacy']),
  arch: z.object({
    netG: z.enum(GENERATORS),
    ngf: z.number().int().min(1),
    norm: z.enum(['batch', 'instance', 'none']),
    inputNc: z.number().int().min(1).max(4),
    outputNc: z.number().int().min(1).max(4),
    useDropout: z.boolean(),
  }),
  generators: z.union([z.literal(1), z.literal(2)]),
  params: count,
  notes: z.array(z.string()),
});

export const modelExportResultSchema = z.object({
  kind: z.literal('model-export'),
  /** Every file written (the .onnx file, or model.json, its weight shards and the example page). */
  files: z.array(z.string()).min(1),
});

export const gpuAdapterSchema = z.object({
  name: z.string(),
  vendor: z.string(),
  architecture: z.string(),
  api: z.enum(['metal', 'd3d12', 'vulkan']),
  software: z.boolean(),
});

export const probeResultSchema = z.object({
  kind: z.literal('probe'),
  webgpu: z.discriminatedUnion('found', [
    z.object({ found: z.literal(true), adapter: gpuAdapterSchema }),
    z.object({ found: z.literal(false), reason: z.string() }),
  ]),
});

export const jobResultSchema = z.discriminatedUnion('kind', [
  trainResultSchema,
  exportResultSchema,
  importResultSchema,
  modelExportResultSchema,
  probeResultSchema,
]);
export type TrainResultMessage = z.infer<typeof trainResultSchema>;
export type ExportResultMessage = z.infer<typeof exportResultSchema>;
export type ImportResultMessage = z.infer<typeof importResultSchema>;
export type ModelExportResultMessage = z.infer<typeof modelExportResultSchema>;
export type ProbeResultMessage = z.infer<typeof probeResultSchema>;
export type GpuAdapter = z.infer<typeof gpuAdapterSchema>;
export type JobResult = z.infer<typeof jobResultSchema>;

export const childMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), pid: z.number().int(), protocol: z.number().int() }),
  z.object({
    type: z.literal('ready'),
    backendLine: z.string(),
    /** The backend as the studio names it, and the GPU when it is webgpu. */
    backend: z.enum(['gpu', 'webgpu', 'node', 'wasm', 'cpu']).optional(),
    adapter: gpuAdapterSchema.optional(),
  }),
  z.object({
    type: z.literal('started'),
    /** Where training begins: the checkpoint's position on resume, the start otherwise. */
    progress: trainingProgressSchema,
    resumed: z.boolean(),
    lastEpoch: z.number().int().min(0),
    epochSize: count,
    lossNames: z.array(z.string()),
  }),
  // Progress has one shape per job kind, told apart by `job`.
  z.discriminatedUnion('job', [
    z.object({
      type: z.literal('progress'),
      job: z.literal('train'),
      epoch: z.number().int(),
      epochIter: count,
      epochSize: count,
      totalIters: count,
      lastEpoch: z.number().int(),
      secondsPerIter: seconds,
      speedBasis: z.enum(SPEED_BASES),
      etaEpochSeconds: seconds,
      etaRunSeconds: seconds,
    }),
    z.object({ type: z.literal('progress'), job: z.literal('export'), done: count, total: count, etaSeconds: seconds }),
  ]),
  z.object({
    type: z.literal('metrics'),
    totalIters: count,
    epoch: z.number().int(),
    losses: z.record(z.string(), lossValue),
    lr: z.number(),
    secondsPerIter: seconds,
  }),
  z.object({ type: z.literal('sample'), file: z.string(), totalIters: count }),
  z.object({
    type: z.literal('checkpoint'),
    file: z.string(),
    progress: trainingProgressSchema,
    reason: z.enum(['interval', 'epoch', 'stopped']),
    /** How long writing it took (sizes the studio's wait for a stopping trainer). */
    seconds: seconds.optional(),
  }),
  z.object({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), line: z.string() }),
  z.object({ type: z.literal('skipped'), path: z.string(), reason: z.string() }),
  z.object({ type: z.literal('paused') }),
  z.object({ type: z.literal('resumed') }),
  z.object({ type: z.literal('finished'), result: jobResultSchema }),
  z.object({
    type: z.literal('failed'),
    message: z.string(),
    /** True when the message is written for the user (bad folder, bad option); false for a bug. */
    userFacing: z.boolean(),
  }),
  /** Stopped by the machine, not by a mistake (the GPU ran out of memory): the run resumes from its last checkpoint. */
  z.object({ type: z.literal('interrupted'), reason: z.string() }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;
export type ChildMessageType = ChildMessage['type'];
export type ChildMessageOf<T extends ChildMessageType> = Extract<ChildMessage, { type: T }>;

// ── parent → child ───────────────────────────────────────────────────────────────────────────

export const parentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), spec: jobSpecSchema }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('stop') }),
]);
/** As received (spec validated, defaults filled). */
export type ParentMessage = Exclude<z.output<typeof parentMessageSchema>, { type: 'start' }> | { type: 'start'; spec: JobSpec };
/** As sent. */
export type ParentMessageInput = Exclude<z.input<typeof parentMessageSchema>, { type: 'start' }> | { type: 'start'; spec: JobSpecInput };

// ── validation ───────────────────────────────────────────────────────────────────────────────

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** One line naming each problem by its field: "metrics.losses.G_GAN: expected number, received string". */
export function describeIssues(error: z.ZodError, subject: string): string {
  const issues = error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  return `invalid ${subject}: ${issues.join('; ')}`;
}

function parseWith<T>(schema: z.ZodType, raw: unknown, subject: string): Parsed<T> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data as T };
  const kind =
    typeof raw === 'object' && raw !== null && typeof (raw as { type?: unknown }).type === 'string'
      ? ` '${(raw as { type: string }).type}'`
      : '';
  return { ok: false, error: describeIssues(r.error, `${subject}${kind}`) };
}

/** Validates a message the parent received from a child. */
export function parseChildMessage(raw: unknown): Parsed<ChildMessage> {
  return parseWith<ChildMessage>(childMessageSchema, raw, 'message from the job process');
}

/** Validates a message the child received from the parent. */
export function parseParentMessage(raw: unknown): Parsed<ParentMessage> {
  return parseWith<ParentMessage>(parentMessageSchema, raw, 'message from the studio');
}

/** Validates a job as a caller wrote it; the error names each wrong field. */
export function parseJobSpec(raw: unknown): Parsed<JobSpec> {
  return parseWith<JobSpec>(jobSpecSchema, raw, 'job');
}

/** The temporary sibling an export writes into until it completes (shared by both sides). */
export function partialFolderFor(output: string, jobId: string): string {
  return `${output.replace(/[\\/]+$/, '')}.partial-${jobId}`;
}
