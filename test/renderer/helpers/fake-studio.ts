// A stand-in studio for screenshots and manual checks of the renderer before main/server exists:
// serves renderer/dist, /files/* (generated images) and the /ws wire protocol with canned data,
// and streams training events for one running run. Not used by the product.
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import sharp from 'sharp';
import { WebSocketServer, type WebSocket } from 'ws';
import type {
  Checkpoint,
  DatasetItem,
  ExportJob,
  ImportedModelInfo,
  MetricPoint,
  ModelExport,
  Project,
  Run,
  RunSummary,
  Sample,
} from '../../../main/api/entities.js';
import type { StudioEvent } from '../../../main/api/events.js';
import { runOptionsSchema, runScheduleSchema } from '../../../main/api/run-options.js';
import { fileUrl } from '../../../main/api/urls.js';
import { defaultImportName } from '../../../renderer/src/lib/models.js';
import type { ResponseEnvelope } from '../../../main/api/wire.js';

const now = Date.now();
const P1 = 'p_facades01';
const P2 = 'p_horses001';

const projects: Project[] = [
  {
    id: P1,
    name: 'Facades',
    kind: 'paired',
    layout: 'paired-folders',
    folders: [
      { role: 'A', path: '/home/ana/datasets/facades/labels', present: true },
      { role: 'B', path: '/home/ana/datasets/facades/photos', present: true },
    ],
    artifactDir: '/home/ana/.tandem/projects/p_facades01',
    status: 'ready',
    statusReason: null,
    counts: { files: 10_000, unreadable: 2 },
    createdAt: now - 86400e3 * 3,
    updatedAt: now - 60e3,
  },
  {
    id: P2,
    name: 'Horses ↔ zebras',
    kind: 'unpaired',
    layout: 'unpaired',
    folders: [
      { role: 'A', path: '/home/ana/datasets/horse2zebra/trainA', present: true },
      { role: 'B', path: '/mnt/usb/zebras', present: false },
    ],
    artifactDir: '/home/ana/.tandem/projects/p_horses001',
    status: 'folder missing',
    statusReason: '/mnt/usb/zebras was removed or renamed',
    counts: { files: 1067, unreadable: 0 },
    createdAt: now - 86400e3 * 10,
    updatedAt: now - 86400e3,
  },
];

const perSide = 5000;
function item(projectId: string, role: 'A' | 'B', i: number): DatasetItem {
  const rel = `${String(i).padStart(5, '0')}.png`;
  const bad = role === 'A' && (i === 7 || i === 4242);
  return {
    role,
    relPath: rel,
    url: fileUrl(projectId, role, rel),
    size: 48_213,
    width: bad ? null : 256,
    height: bad ? null : 256,
    contentHash: null,
    status: bad ? 'unreadable' : 'ok',
    reason: bad ? 'truncated PNG (IDAT ends early)' : null,
  };
}

const RUN = 'r_live00001';
const quick = runOptionsSchema.parse({
  model: 'pix2pix',
  netG: 'resnet_6blocks',
  ngf: 16,
  ndf: 16,
  load_size: 143,
  crop_size: 128,
  n_epochs: 5,
  n_epochs_decay: 5,
});
const summary = (over: Partial<RunSummary>): RunSummary => ({
  id: RUN,
  projectId: P1,
  name: 'Quick draft',
  model: 'pix2pix',
  origin: 'trained',
  imported: null,
  startedFrom: null,
  status: 'running',
  statusReason: null,
  backend: 'auto',
  backendUsed: 'backend: wasm (SIMD, 2 threads); tensorflow: @tensorflow/tfjs-node-gpu not installed',
  totalIters: 0,
  epoch: 1,
  lastEpoch: 10,
  lastCheckpoint: 'latest.tandem',
  createdAt: now - 3600e3,
  startedAt: now - 3600e3,
  endedAt: null,
  ...over,
});
const runs: RunSummary[] = [
  summary({}),
  summary({
    id: 'r_paper0001',
    name: 'pix2pix (paper)',
    status: 'interrupted',
    statusReason: 'The studio closed while training; resume continues from iteration 12,400.',
    totalIters: 12_400,
    epoch: 32,
    lastEpoch: 200,
    createdAt: now - 86400e3 * 2,
    startedAt: now - 86400e3 * 2,
    endedAt: now - 86400e3,
  }),
  summary({
    id: 'r_draft0002',
    name: 'Quick draft, L1 50',
    status: 'finished',
    totalIters: 4000,
    epoch: 10,
    lastEpoch: 10,
    createdAt: now - 86400e3 * 2.5,
    startedAt: now - 86400e3 * 2.5,
    endedAt: now - 86400e3 * 2.4,
  }),
];

// Imported models: a pix2pix generator in the paired project, a CycleGAN pair and a refused file in
// the unpaired one.
const zoo = '/home/ana/Downloads/model-zoo';
const facadesInfo: ImportedModelInfo = {
  files: [`${zoo}/facades_label2photo/latest_net_G.pth`],
  format: 'legacy',
  netG: 'unet_256',
  ngf: 64,
  norm: 'batch',
  inputNc: 3,
  outputNc: 3,
  generators: 1,
  params: 54_414_080,
  notes: ['removed the “module.” prefix of DataParallel from 136 names'],
};
const horseInfo: ImportedModelInfo = {
  files: [`${zoo}/horse2zebra/latest_net_G_A.pth`, `${zoo}/horse2zebra/latest_net_G_B.pth`],
  format: 'zip',
  netG: 'resnet_9blocks',
  ngf: 64,
  norm: 'instance',
  inputNc: 3,
  outputNc: 3,
  generators: 2,
  params: 2 * 11_378_179,
  notes: [],
};
const imported = (over: Partial<RunSummary>): RunSummary =>
  summary({
    origin: 'imported',
    status: 'finished',
    backendUsed: null,
    totalIters: 0,
    epoch: 1,
    lastEpoch: 1,
    lastCheckpoint: 'model.tandem',
    createdAt: now - 7200e3,
    startedAt: now - 7200e3,
    endedAt: now - 7190e3,
    ...over,
  });
runs.push(
  imported({ id: 'r_facadesz1', name: 'facades_label2photo', imported: facadesInfo }),
  imported({
    id: 'r_horsezoo1',
    projectId: P2,
    name: 'horse2zebra',
    model: 'cyclegan',
    imported: horseInfo,
    createdAt: now - 86400e3 * 4,
    startedAt: now - 86400e3 * 4,
    endedAt: now - 86400e3 * 4,
  }),
  imported({
    id: 'r_monet0001',
    projectId: P2,
    name: 'style_monet',
    model: 'cyclegan',
    createdAt: now - 86400e3 * 3.5,
    startedAt: now - 86400e3 * 3.5,
    endedAt: now - 86400e3 * 3.5,
    imported: { ...horseInfo, files: [`${zoo}/style_monet_pretrained/latest_net_G.pth`], generators: 1, params: 11_378_179 },
  }),
  imported({
    id: 'r_horseevil',
    projectId: P2,
    name: 'zebra_from_forum',
    model: 'cyclegan',
    imported: null,
    status: 'failed',
    lastCheckpoint: null,
    statusReason: 'refusing to load: the file asks for os.system, which a model file never needs (it may be malicious)',
    createdAt: now - 86400e3 * 3,
  }),
);

const modelExportsList: ModelExport[] = [
  {
    id: 'x_onnx00001',
    projectId: P1,
    runId: 'r_facadesz1',
    checkpointId: 9,
    format: 'onnx',
    direction: 'AtoB',
    outputPath: '/home/ana/.tandem/projects/p_facades01/models/facades_label2photo-3fa9c1.onnx',
    status: 'finished',
    statusReason: null,
    files: ['/home/ana/.tandem/projects/p_facades01/models/facades_label2photo-3fa9c1.onnx'],
    createdAt: now - 3000e3,
    endedAt: now - 2990e3,
  },
  {
    id: 'x_tfjs00001',
    projectId: P1,
    runId: 'r_draft0002',
    checkpointId: 1,
    format: 'tfjs',
    direction: 'AtoB',
    outputPath: '/home/ana/web/facades-draft',
    status: 'failed',
    statusReason: 'ENOSPC: no space left on device, write /home/ana/web/facades-draft/group1-shard1of1.bin',
    files: [],
    createdAt: now - 600e3,
    endedAt: now - 590e3,
  },
];

let nextId = 1;
const fakeId = (prefix: string) => `${prefix}_fake${String(nextId++).padStart(5, '0')}`;

function lossAt(i: number, seed: number): Record<string, number> {
  const n = (k: number) => (Math.sin(i * 12.9898 * k + seed) * 43758.5453) % 1;
  const t = i / 400;
  return {
    G_GAN: 0.7 + 0.5 / (1 + t) + 0.25 * Math.abs(n(1)),
    G_L1: 4 + 26 / (1 + t * (seed === 2 ? 1.5 : 1)) + 2 * Math.abs(n(2)),
    D_real: 0.35 + 0.25 * Math.abs(n(3)) + 0.1 / (1 + t),
    D_fake: 0.3 + 0.25 * Math.abs(n(4)) + 0.1 / (1 + t),
  };
}
const history = new Map<string, MetricPoint[]>();
function pointsFor(runId: string, upto: number): MetricPoint[] {
  const seed = runs.findIndex((r) => r.id === runId);
  const pts: MetricPoint[] = [];
  for (let i = 0; i <= upto; i += 10)
    pts.push({ iteration: i, epoch: 1 + Math.floor(i / 400), losses: lossAt(i, seed), lr: 0.0002, seconds: i * 0.08 });
  return pts;
}
history.set(RUN, pointsFor(RUN, 2990));
history.set('r_paper0001', pointsFor('r_paper0001', 12_400));
history.set('r_draft0002', pointsFor('r_draft0002', 4000));

let liveIter = 2990;
const samples: Sample[] = [];
for (let i = 400; i <= 2800; i += 400)
  samples.push({ runId: RUN, iteration: i, url: fileUrl(P1, 'runs', `${RUN}/samples/iter_${i}.png`), createdAt: now - (3000 - i) * 1000 });

const checkpoints: Checkpoint[] = [
  {
    id: 3,
    runId: RUN,
    fileName: 'latest.tandem',
    kind: 'latest',
    epoch: 8,
    epochIter: 200,
    totalIters: 2990,
    reason: 'interval',
    createdAt: now - 60e3,
  },
  {
    id: 2,
    runId: RUN,
    fileName: 'epoch_5.tandem',
    kind: 'epoch',
    epoch: 5,
    epochIter: 400,
    totalIters: 2000,
    reason: 'epoch',
    createdAt: now - 900e3,
  },
];
const exportsList: ExportJob[] = [
  {
    id: 'e_export001',
    projectId: P1,
    runId: 'r_draft0002',
    checkpointId: 1,
    inputDir: '/home/ana/datasets/facades/test_labels',
    outputDir: '/home/ana/.tandem/projects/p_facades01/exports/e_export001',
    format: 'png',
    tile: 0,
    direction: 'AtoB',
    status: 'finished',
    statusReason: null,
    done: 106,
    total: 106,
    failed: 0,
    createdAt: now - 86400e3,
    endedAt: now - 86400e3 + 95e3,
  },
  {
    id: 'e_export002',
    projectId: P1,
    runId: RUN,
    checkpointId: 3,
    inputDir: '/home/ana/scans/street_2024',
    outputDir: '/home/ana/Pictures/facades_out',
    format: 'jpeg',
    tile: 512,
    direction: 'AtoB',
    status: 'running',
    statusReason: null,
    done: 312,
    total: 1200,
    failed: 1,
    createdAt: now - 120e3,
    endedAt: null,
  },
];

function progress() {
  const epochSize = 400;
  return {
    epoch: 1 + Math.floor(liveIter / epochSize),
    lastEpoch: 10,
    epochIter: liveIter % epochSize,
    epochSize,
    totalIters: liveIter,
    secondsPerIter: 0.083,
    speedBasis: 'measured' as const,
    etaSeconds: (4000 - liveIter) * 0.083,
  };
}

type FakeError = { code: 'not-found' | 'unknown-method' | 'invalid-input' | 'conflict'; message: string; field?: string };
let emit: (e: StudioEvent) => void = () => {};
const later = (ms: number, f: () => void) => setTimeout(f, ms).unref?.();

/** A folder tree for the in-app browser: the model zoo under Downloads. */
const FOLDERS: Record<string, { folders: string[]; files?: Array<[string, number]> }> = {
  '/': { folders: ['home', 'mnt'] },
  '/home': { folders: ['ana'] },
  '/home/ana': { folders: ['Downloads', 'Pictures', 'datasets'] },
  '/home/ana/Downloads': { folders: ['model-zoo'] },
  '/home/ana/Downloads/model-zoo': { folders: ['facades_label2photo', 'horse2zebra'] },
  '/home/ana/Downloads/model-zoo/horse2zebra': {
    folders: [],
    files: [
      ['latest_net_G_A.pth', 45_575_000],
      ['latest_net_G_B.pth', 45_575_000],
    ],
  },
  '/home/ana/Downloads/model-zoo/facades_label2photo': { folders: [], files: [['latest_net_G.pth', 217_704_000]] },
};

function listFolders(params: Record<string, unknown>): unknown {
  const path = String(params.path ?? '/home/ana').replace(/\/+$/, '') || '/';
  const node = FOLDERS[path] ?? { folders: [] };
  const join = (n: string) => (path === '/' ? `/${n}` : `${path}/${n}`);
  const wanted = (params.fileExtensions as string[] | undefined) ?? [];
  return {
    path,
    parent: path === '/' ? null : path.slice(0, path.lastIndexOf('/')) || '/',
    roots: [
      { label: 'Home', path: '/home/ana' },
      { label: 'Computer', path: '/' },
    ],
    entries: node.folders.map((n) => ({ name: n, path: join(n), images: null })),
    files: (node.files ?? []).filter(([n]) => wanted.some((x) => n.endsWith(x))).map(([name, size]) => ({ name, path: join(name), size })),
    truncated: false,
  };
}

/** An import that goes queued → starting → running → finished (or failed for a file named "evil"). */
function importModel(params: Record<string, unknown>): { ok: true; result: unknown } | { ok: false; error: FakeError } {
  const file = String(params.file ?? '');
  if (!/\.(pth|pt)$/i.test(file))
    return { ok: false, error: { code: 'invalid-input', message: 'give a PyTorch checkpoint file (.pth or .pt)', field: 'file' } };
  if (/missing/.test(file)) return { ok: false, error: { code: 'not-found', message: `${file} does not exist.`, field: 'file' } };
  const project = projects.find((p) => p.id === params.projectId)!;
  const pairWith = params.pairWith ? String(params.pairWith) : null;
  const run = imported({
    id: fakeId('r'),
    projectId: project.id,
    name: String(params.name ?? defaultImportName(file)),
    model: pairWith || project.kind === 'unpaired' ? 'cyclegan' : 'pix2pix',
    status: 'queued',
    lastCheckpoint: null,
    createdAt: Date.now(),
    startedAt: null,
    endedAt: null,
  });
  runs.push(run);
  const step = (over: Partial<RunSummary>) => {
    Object.assign(run, over);
    emit({ event: 'run.changed', data: { run: { ...run } } });
  };
  later(300, () => step({ status: 'starting', startedAt: Date.now() }));
  later(600, () => step({ status: 'running' }));
  later(1500, () =>
    /evil/.test(file)
      ? step({
          status: 'failed',
          statusReason: 'refusing to load: the file asks for os.system, which a model file never needs (it may be malicious)',
          endedAt: Date.now(),
        })
      : step({
          status: 'finished',
          endedAt: Date.now(),
          lastCheckpoint: 'model.tandem',
          imported: {
            ...horseInfo,
            files: pairWith ? [file, pairWith] : [file],
            generators: pairWith ? 2 : 1,
            params: (pairWith ? 2 : 1) * 11_378_179,
            notes: ['read G_A from the legacy pickle format'],
          },
        }),
  );
  return {
    ok: true,
    result: {
      ...run,
      options: runOptionsSchema.parse({ model: run.model }),
      schedule: runScheduleSchema.parse({}),
      runDir: `/x/${run.id}`,
      progress: null,
    },
  };
}

function exportModel(params: Record<string, unknown>): { ok: true; result: unknown } | { ok: false; error: FakeError } {
  const run = runs.find((r) => r.id === params.runId);
  if (!run) return { ok: false, error: { code: 'not-found', message: 'no such run' } };
  const format = params.format as 'onnx' | 'tfjs';
  const outputPath = String(
    params.outputPath ??
      `/home/ana/.tandem/projects/${run.projectId}/models/${run.name}-${String(nextId).padStart(6, '0')}${format === 'onnx' ? '.onnx' : ''}`,
  );
  if (modelExportsList.some((x) => x.outputPath === outputPath))
    return {
      ok: false,
      error: {
        code: 'conflict',
        message: `${outputPath} already exists; choose another name (an export never overwrites).`,
        field: 'outputPath',
      },
    };
  const x: ModelExport = {
    id: fakeId('x'),
    projectId: run.projectId,
    runId: run.id,
    checkpointId: 9,
    format,
    direction: (params.direction as 'AtoB' | 'BtoA') ?? 'AtoB',
    outputPath,
    status: 'queued',
    statusReason: null,
    files: [],
    createdAt: Date.now(),
    endedAt: null,
  };
  modelExportsList.push(x);
  const step = (over: Partial<ModelExport>) => {
    Object.assign(x, over);
    emit({ event: 'modelExport.changed', data: { modelExport: { ...x } } });
  };
  later(300, () => step({ status: 'running' }));
  later(1200, () =>
    step({
      status: 'finished',
      endedAt: Date.now(),
      files: format === 'onnx' ? [outputPath] : ['model.json', 'group1-shard1of1.bin', 'index.html'].map((f) => `${outputPath}/${f}`),
    }),
  );
  return { ok: true, result: { ...x } };
}

function handle(method: string, params: Record<string, unknown>): { ok: true; result: unknown } | { ok: false; error: FakeError } {
  const ok = (result: unknown) => ({ ok: true as const, result });
  switch (method) {
    case 'projects.list':
      return ok(projects);
    case 'projects.get':
      return ok(projects.find((p) => p.id === params.projectId));
    case 'datasets.list': {
      const offset = Number(params.offset ?? 0);
      const limit = Number(params.limit ?? 100);
      const pid = String(params.projectId);
      const role = (params.role as 'A' | 'B' | undefined) ?? 'A';
      if (params.status === 'unreadable') {
        const bad = pid === P1 ? [item(pid, 'A', 7), item(pid, 'A', 4242)] : [];
        return ok({ total: bad.length, offset, items: bad.slice(offset, offset + limit) });
      }
      const total = pid === P1 ? perSide : 1067;
      const items = [];
      for (let i = offset; i < Math.min(total, offset + limit); i++) items.push(item(pid, role, i));
      return ok({ total, offset, items });
    }
    case 'datasets.pairs': {
      // The stand-in's A and B hold the same names, except A/00007 whose partner is missing.
      const offset = Number(params.offset ?? 0);
      const limit = Number(params.limit ?? 100);
      const pid = String(params.projectId);
      const keys = Array.from({ length: perSide }, (_, i) => i).filter((i) => params.only !== 'unmatched' || i === 7);
      const items = keys.slice(offset, offset + limit).map((i) => ({
        key: item(pid, 'A', i).relPath.replace(/\.[^.]+$/, ''),
        A: item(pid, 'A', i),
        B: i === 7 ? null : item(pid, 'B', i),
      }));
      return ok({ total: keys.length, matched: perSide - 1, unmatched: 1, offset, items });
    }
    case 'datasets.health':
      return ok(
        params.projectId === P1
          ? {
              projectId: P1,
              status: 'ready',
              folders: [
                {
                  role: 'A',
                  path: projects[0]!.folders[0]!.path,
                  present: true,
                  files: 5000,
                  readable: 4998,
                  sizes: { min: { width: 256, height: 256 }, max: { width: 256, height: 256 }, distinct: 1 },
                },
                {
                  role: 'B',
                  path: projects[0]!.folders[1]!.path,
                  present: true,
                  files: 5000,
                  readable: 5000,
                  sizes: { min: { width: 256, height: 256 }, max: { width: 256, height: 256 }, distinct: 1 },
                },
              ],
              unreadable: [
                { role: 'A', relPath: '00007.png', reason: 'truncated PNG' },
                { role: 'A', relPath: '04242.png', reason: 'truncated PNG' },
              ],
              unreadableTotal: 2,
              duplicates: [],
              unmatched: { A: [], B: [] },
              usable: 4998,
              problems: ['2 files in A cannot be read (00007.png, 04242.png); their pairs are skipped.'],
            }
          : {
              projectId: P2,
              status: 'folder missing',
              folders: [],
              unreadable: [],
              unreadableTotal: 0,
              duplicates: [],
              unmatched: null,
              usable: 1067,
              problems: ['/mnt/usb/zebras was removed or renamed'],
            },
      );
    case 'runs.list':
      return ok(runs.filter((r) => r.projectId === params.projectId));
    case 'runs.get': {
      const r = runs.find((x) => x.id === params.runId);
      if (!r) return { ok: false, error: { code: 'not-found', message: 'no such run' } };
      const arch = r.imported ? { netG: r.imported.netG, ngf: r.imported.ngf, norm: r.imported.norm } : null;
      const options = arch
        ? runOptionsSchema.parse({ model: r.model, ...arch })
        : r.id === 'r_paper0001'
          ? runOptionsSchema.parse({ model: 'pix2pix' })
          : quick;
      const run: Run = {
        ...r,
        totalIters: r.id === RUN ? liveIter : r.totalIters,
        options,
        schedule: runScheduleSchema.parse({}),
        runDir: `/x/${r.id}`,
        progress: r.id === RUN ? progress() : null,
      };
      return ok(run);
    }
    case 'runs.metrics': {
      const after = Number(params.afterIteration ?? -1);
      const pts = (history.get(String(params.runId)) ?? []).filter((p) => p.iteration > after);
      return ok({ runId: params.runId, total: pts.length, lossNames: ['G_GAN', 'G_L1', 'D_real', 'D_fake'], points: pts });
    }
    case 'runs.samples':
      return ok(params.runId === RUN ? samples : []);
    case 'checkpoints.list': {
      const r = runs.find((x) => x.id === params.runId);
      if (r?.origin === 'imported')
        return ok(
          r.lastCheckpoint
            ? [
                {
                  id: 9,
                  runId: r.id,
                  fileName: 'model.tandem',
                  kind: 'imported',
                  epoch: 1,
                  epochIter: 0,
                  totalIters: 0,
                  reason: 'imported',
                  createdAt: r.endedAt ?? now,
                },
              ]
            : [],
        );
      return ok(params.runId === RUN ? checkpoints : [{ ...checkpoints[0]!, runId: params.runId }]);
    }
    case 'models.import':
      return importModel(params);
    case 'models.export':
      return exportModel(params);
    case 'models.exports':
      return ok(modelExportsList.filter((x) => x.projectId === params.projectId));
    case 'models.getExport': {
      const x = modelExportsList.find((m) => m.id === params.modelExportId);
      return x ? ok(x) : { ok: false, error: { code: 'not-found', message: 'no such model export' } };
    }
    case 'exports.stop': {
      const e = exportsList.find((x) => x.id === params.exportId);
      if (!e) return { ok: false, error: { code: 'not-found', message: 'no such export' } };
      if (e.status !== 'running' && e.status !== 'queued')
        return { ok: false, error: { code: 'conflict', message: `This export is ${e.status}; there is nothing to stop.` } };
      Object.assign(e, { status: 'stopped', endedAt: Date.now() });
      later(50, () => emit({ event: 'export.changed', data: { export: { ...e } } }));
      return ok({ ...e });
    }
    case 'fs.listFolders':
      return ok(listFolders(params));
    case 'exports.list':
      return ok(exportsList.filter((e) => e.projectId === params.projectId));
    case 'settings.get':
      return ok({ backend: 'auto', schedule: runScheduleSchema.parse({}) });
    case 'backend.info':
      return ok({
        requested: 'auto',
        installed: { gpu: false, node: false, wasm: true, cpu: true },
        lastReported: { line: 'backend: wasm (SIMD, 2 threads); tensorflow: not installed', at: now },
        jobsAvailable: true,
        webgpu: null,
        measured: {},
      });
    case 'runs.pause':
    case 'runs.resume':
    case 'runs.stop':
      return ok(runs.find((x) => x.id === params.runId));
    default:
      return { ok: false, error: { code: 'unknown-method', message: `The studio has no method ${method}.` } };
  }
}

// ---- images ----
const imageCache = new Map<string, Buffer>();
function hash(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}
function facade(seed: number, size: number, photo: boolean): Buffer {
  const buf = Buffer.alloc(size * size * 3);
  const palette = [
    [30, 60, 200],
    [220, 40, 40],
    [40, 160, 220],
    [240, 200, 40],
    [90, 200, 90],
    [160, 60, 200],
  ];
  const cols = 3 + (seed % 3);
  const rows = 4 + (seed % 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = Math.floor((x / size) * cols);
      const cy = Math.floor((y / size) * rows);
      const fx = ((x / size) * cols) % 1;
      const fy = ((y / size) * rows) % 1;
      const win = fx > 0.25 && fx < 0.75 && fy > 0.2 && fy < 0.8;
      let c = win ? palette[(cx + cy + seed) % palette.length]! : [30, 60, 200];
      if (photo) {
        const base = win ? [70 + ((seed * 13) % 40), 80, 90 + ((cy * 9) % 30)] : [170 - cy * 6, 150 - cy * 5, 125 - cy * 4];
        const noise = (hash(`${x},${y},${seed}`) % 24) - 12;
        c = base.map((v) => Math.max(0, Math.min(255, v + noise))) as number[];
      }
      const o = (y * size + x) * 3;
      buf[o] = c[0]!;
      buf[o + 1] = c[1]!;
      buf[o + 2] = c[2]!;
    }
  }
  return buf;
}
async function imageFor(path: string): Promise<Buffer> {
  const hit = imageCache.get(path);
  if (hit) return hit;
  let png: Buffer;
  const m = /samples\/iter_(\d+)\.png$/.exec(path);
  if (m) {
    const iter = Number(m[1]);
    const t = 128,
      gap = 4,
      rows = 4,
      cols = 3;
    const W = cols * t + (cols - 1) * gap,
      H = rows * t + (rows - 1) * gap;
    const canvas = Buffer.alloc(W * H * 3, 24);
    for (let r = 0; r < rows; r++) {
      const a = facade(r + 3, t, false),
        b = facade(r + 3, t, true);
      const blur = Math.max(0, 1 - iter / 3000);
      for (let c = 0; c < cols; c++) {
        for (let y = 0; y < t; y++)
          for (let x = 0; x < t; x++) {
            const o = (y * t + x) * 3;
            const d = ((r * (t + gap) + y) * W + c * (t + gap) + x) * 3;
            for (let k = 0; k < 3; k++) {
              const v = c === 0 ? a[o + k]! : c === 2 ? b[o + k]! : Math.round(blur * (a[o + k]! * 0.5 + 64) + (1 - blur) * b[o + k]!);
              canvas[d + k] = v;
            }
          }
      }
    }
    png = await sharp(canvas, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toBuffer();
  } else {
    const seed = hash(path.replace(/\/(A|B)\//, '/')) % 97;
    png = await sharp(facade(seed, 128, /\/B\//.test(path)), { raw: { width: 128, height: 128, channels: 3 } })
      .png()
      .toBuffer();
  }
  imageCache.set(path, png);
  return png;
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

export interface FakeStudio {
  port: number;
  broadcast(e: StudioEvent): void;
  close(): Promise<void>;
}

export async function startFakeStudio(opts: { port?: number; dist: string; websocket?: boolean; live?: boolean }): Promise<FakeStudio> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/files/')) {
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=3600' });
      res.end(await imageFor(decodeURIComponent(url.pathname)));
      return;
    }
    const rel = url.pathname === '/' ? '/index.html' : url.pathname;
    const file = normalize(join(opts.dist, rel));
    if (!file.startsWith(opts.dist)) return void res.writeHead(403).end();
    try {
      await stat(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  const sockets = new Set<WebSocket>();
  if (opts.websocket !== false) {
    const wss = new WebSocketServer({ server, path: '/api' });
    wss.on('connection', (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      const snap: StudioEvent = {
        event: 'snapshot',
        data: { projects, activeRuns: runs.filter((r) => r.status === 'running'), progress: { [RUN]: progress() }, jobs: [] },
      };
      ws.send(JSON.stringify(snap));
      for (const e of exportsList) ws.send(JSON.stringify({ event: 'export.changed', data: { export: e } }));
      for (const x of modelExportsList) ws.send(JSON.stringify({ event: 'modelExport.changed', data: { modelExport: x } }));
      ws.on('message', (raw) => {
        const req = JSON.parse(String(raw)) as { id: number; method: string; params?: Record<string, unknown> };
        const r = handle(req.method, req.params ?? {});
        const env: ResponseEnvelope = r.ok ? { id: req.id, ok: true, result: r.result } : { id: req.id, ok: false, error: r.error };
        ws.send(JSON.stringify(env));
      });
    });
  }
  const broadcast = (e: StudioEvent) => {
    for (const s of sockets) s.send(JSON.stringify(e));
  };
  if (opts.websocket !== false) emit = broadcast;
  let timer: ReturnType<typeof setInterval> | null = null;
  if (opts.live !== false) {
    timer = setInterval(() => {
      const pts: MetricPoint[] = [];
      for (let k = 0; k < 3; k++) {
        liveIter += 10;
        pts.push({ iteration: liveIter, epoch: progress().epoch, losses: lossAt(liveIter, 0), lr: 0.0002, seconds: liveIter * 0.08 });
      }
      history.get(RUN)!.push(...pts);
      broadcast({ event: 'run.metrics', data: { runId: RUN, points: pts } });
      broadcast({ event: 'run.progress', data: { runId: RUN, progress: progress() } });
      const e = exportsList[1]!;
      if (e.status === 'running' && e.done < (e.total ?? 0)) {
        e.done += 2;
        broadcast({ event: 'export.changed', data: { export: { ...e } } });
      }
    }, 250);
  }
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    broadcast,
    close: () =>
      new Promise<void>((r) => {
        if (timer) clearInterval(timer);
        for (const s of sockets) s.terminate();
        server.close(() => r());
      }),
  };
}
