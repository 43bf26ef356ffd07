import type { BackendInfo, ImportedModelInfo, MetricPoint, ModelExport, Project, Run, RunSummary } from '../../../main/api/entities.js';
import { runOptionsSchema, runScheduleSchema } from '../../../main/api/run-options.js';

export function project(over: Partial<Project> = {}): Project {
  return {
    id: 'p_abcdef12',
    name: 'facades',
    kind: 'paired',
    layout: 'paired-folders',
    folders: [
      { role: 'A', path: '/data/facades/A', present: true },
      { role: 'B', path: '/data/facades/B', present: true },
    ],
    artifactDir: '/studio/projects/p_abcdef12',
    status: 'ready',
    statusReason: null,
    counts: { files: 800, unreadable: 2 },
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...over,
  };
}

export function runSummary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'r_run00001',
    projectId: 'p_abcdef12',
    name: 'Quick draft',
    model: 'pix2pix',
    origin: 'trained',
    imported: null,
    startedFrom: null,
    status: 'running',
    statusReason: null,
    backend: 'auto',
    backendUsed: 'backend: wasm (SIMD, 2 threads)',
    totalIters: 0,
    epoch: 1,
    lastEpoch: 10,
    lastCheckpoint: null,
    createdAt: 1_700_000_000_000,
    startedAt: 1_700_000_000_000,
    endedAt: null,
    ...over,
  };
}

export function points(from: number, to: number, step = 1): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (let i = from; i <= to; i += step) {
    out.push({
      iteration: i,
      epoch: 1 + Math.floor(i / 100),
      losses: { G_GAN: 1 + 1 / (1 + i), G_L1: 30 / (1 + i / 50), D_real: 0.6, D_fake: 0.5 },
      lr: 0.0002,
      seconds: i * 0.1,
    });
  }
  return out;
}

export function importedInfo(over: Partial<ImportedModelInfo> = {}): ImportedModelInfo {
  return {
    files: ['/models/resnet6_ngf8_instance.pth'],
    format: 'zip',
    netG: 'resnet_6blocks',
    ngf: 8,
    norm: 'instance',
    inputNc: 3,
    outputNc: 3,
    generators: 1,
    params: 124_931,
    notes: [],
    ...over,
  };
}

/** A finished import of one generator (override `imported`, `model`, `projectId` for others). */
export function importedRun(over: Partial<RunSummary> = {}): RunSummary {
  return runSummary({
    id: 'r_import001',
    name: 'resnet6_ngf8_instance',
    origin: 'imported',
    imported: importedInfo(),
    status: 'finished',
    backendUsed: null,
    epoch: 1,
    lastEpoch: 1,
    lastCheckpoint: 'model.tandem',
    ...over,
  });
}

/** runs.get's answer for a summary: its architecture as its options. */
export function fullRun(s: RunSummary): Run {
  // An import records whether its generator used dropout (the reference's resnets mostly do not).
  const arch = s.imported ? { netG: s.imported.netG, ngf: s.imported.ngf, norm: s.imported.norm, no_dropout: true } : {};
  return {
    ...s,
    options: runOptionsSchema.parse({ model: s.model, ...arch }),
    schedule: runScheduleSchema.parse({}),
    runDir: `/studio/runs/${s.id}`,
    progress: null,
  };
}

export function modelExport(over: Partial<ModelExport> = {}): ModelExport {
  return {
    id: 'x_export001',
    projectId: 'p_abcdef12',
    runId: 'r_import001',
    checkpointId: 1,
    format: 'onnx',
    direction: 'AtoB',
    outputPath: '/studio/projects/p_abcdef12/models/resnet6-abc123.onnx',
    status: 'queued',
    statusReason: null,
    files: [],
    createdAt: 1_700_000_000_000,
    endedAt: null,
    ...over,
  };
}

/** backend.info on a machine with wasm and cpu only, nothing measured yet. */
export function wasmBackendInfo(): BackendInfo {
  return {
    requested: 'auto',
    installed: { gpu: false, node: false, wasm: true, cpu: true },
    lastReported: null,
    jobsAvailable: true,
    webgpu: null,
    measured: {},
  };
}
