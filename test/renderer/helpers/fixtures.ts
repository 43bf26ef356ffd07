import type { MetricPoint, Project, RunSummary } from '../../../main/api/entities.js';

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
    out.push({ iteration: i, epoch: 1 + Math.floor(i / 100), losses: { G_GAN: 1 + 1 / (1 + i), G_L1: 30 / (1 + i / 50), D_real: 0.6, D_fake: 0.5 }, lr: 0.0002, seconds: i * 0.1 });
  }
  return out;
}
