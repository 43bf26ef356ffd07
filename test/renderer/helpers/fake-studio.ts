// A stand-in studio for screenshots and manual checks of the renderer before main/server exists:
// serves renderer/dist, /files/* (generated images) and the /ws wire protocol with canned data,
// and streams training events for one running run. Not used by the product.
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import sharp from 'sharp';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Checkpoint, DatasetItem, ExportJob, MetricPoint, Project, Run, RunSummary, Sample } from '../../../main/api/entities.js';
import type { StudioEvent } from '../../../main/api/events.js';
import { runOptionsSchema, runScheduleSchema } from '../../../main/api/run-options.js';
import { fileUrl } from '../../../main/api/urls.js';
import type { ResponseEnvelope } from '../../../main/api/wire.js';

const now = Date.now();
const P1 = 'p_facades01';
const P2 = 'p_horses001';

const projects: Project[] = [
  {
    id: P1, name: 'Facades', kind: 'paired', layout: 'paired-folders',
    folders: [{ role: 'A', path: '/home/ana/datasets/facades/labels', present: true }, { role: 'B', path: '/home/ana/datasets/facades/photos', present: true }],
    artifactDir: '/home/ana/.tandem/projects/p_facades01', status: 'ready', statusReason: null,
    counts: { files: 10_000, unreadable: 2 }, createdAt: now - 86400e3 * 3, updatedAt: now - 60e3,
  },
  {
    id: P2, name: 'Horses ↔ zebras', kind: 'unpaired', layout: 'unpaired',
    folders: [{ role: 'A', path: '/home/ana/datasets/horse2zebra/trainA', present: true }, { role: 'B', path: '/mnt/usb/zebras', present: false }],
    artifactDir: '/home/ana/.tandem/projects/p_horses001', status: 'folder missing', statusReason: '/mnt/usb/zebras was removed or renamed',
    counts: { files: 1067, unreadable: 0 }, createdAt: now - 86400e3 * 10, updatedAt: now - 86400e3,
  },
];

const perSide = 5000;
function item(projectId: string, role: 'A' | 'B', i: number): DatasetItem {
  const rel = `${String(i).padStart(5, '0')}.png`;
  const bad = role === 'A' && (i === 7 || i === 4242);
  return { role, relPath: rel, url: fileUrl(projectId, role, rel), size: 48_213, width: bad ? null : 256, height: bad ? null : 256, contentHash: null, status: bad ? 'unreadable' : 'ok', reason: bad ? 'truncated PNG (IDAT ends early)' : null };
}

const RUN = 'r_live00001';
const quick = runOptionsSchema.parse({ model: 'pix2pix', netG: 'resnet_6blocks', ngf: 16, ndf: 16, load_size: 143, crop_size: 128, n_epochs: 5, n_epochs_decay: 5 });
const summary = (over: Partial<RunSummary>): RunSummary => ({
  id: RUN, projectId: P1, name: 'Quick draft', model: 'pix2pix', status: 'running', statusReason: null, backend: 'auto',
  backendUsed: 'backend: wasm (SIMD, 2 threads); tensorflow: @tensorflow/tfjs-node-gpu not installed',
  totalIters: 0, epoch: 1, lastEpoch: 10, lastCheckpoint: 'latest.tandem', createdAt: now - 3600e3, startedAt: now - 3600e3, endedAt: null, ...over,
});
const runs: RunSummary[] = [
  summary({}),
  summary({ id: 'r_paper0001', name: 'pix2pix (paper)', status: 'interrupted', statusReason: 'The studio closed while training; resume continues from iteration 12,400.', totalIters: 12_400, epoch: 32, lastEpoch: 200, createdAt: now - 86400e3 * 2, startedAt: now - 86400e3 * 2, endedAt: now - 86400e3 }),
  summary({ id: 'r_draft0002', name: 'Quick draft, L1 50', status: 'finished', totalIters: 4000, epoch: 10, lastEpoch: 10, createdAt: now - 86400e3 * 2.5, startedAt: now - 86400e3 * 2.5, endedAt: now - 86400e3 * 2.4 }),
];

function lossAt(i: number, seed: number): Record<string, number> {
  const n = (k: number) => Math.sin(i * 12.9898 * k + seed) * 43758.5453 % 1;
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
  for (let i = 0; i <= upto; i += 10) pts.push({ iteration: i, epoch: 1 + Math.floor(i / 400), losses: lossAt(i, seed), lr: 0.0002, seconds: i * 0.08 });
  return pts;
}
history.set(RUN, pointsFor(RUN, 2990));
history.set('r_paper0001', pointsFor('r_paper0001', 12_400));
history.set('r_draft0002', pointsFor('r_draft0002', 4000));

let liveIter = 2990;
const samples: Sample[] = [];
for (let i = 400; i <= 2800; i += 400) samples.push({ runId: RUN, iteration: i, url: fileUrl(P1, 'runs', `${RUN}/samples/iter_${i}.png`), createdAt: now - (3000 - i) * 1000 });

const checkpoints: Checkpoint[] = [
  { id: 3, runId: RUN, fileName: 'latest.tandem', kind: 'latest', epoch: 8, epochIter: 200, totalIters: 2990, reason: 'interval', createdAt: now - 60e3 },
  { id: 2, runId: RUN, fileName: 'epoch_5.tandem', kind: 'epoch', epoch: 5, epochIter: 400, totalIters: 2000, reason: 'epoch', createdAt: now - 900e3 },
];
const exportsList: ExportJob[] = [
  { id: 'e_export001', projectId: P1, runId: 'r_draft0002', checkpointId: 1, inputDir: '/home/ana/datasets/facades/test_labels', outputDir: '/home/ana/.tandem/projects/p_facades01/exports/e_export001', format: 'png', tile: 0, direction: 'AtoB', status: 'finished', statusReason: null, done: 106, total: 106, failed: 0, createdAt: now - 86400e3, endedAt: now - 86400e3 + 95e3 },
  { id: 'e_export002', projectId: P1, runId: RUN, checkpointId: 3, inputDir: '/home/ana/scans/street_2024', outputDir: '/home/ana/Pictures/facades_out', format: 'jpeg', tile: 512, direction: 'AtoB', status: 'running', statusReason: null, done: 312, total: 1200, failed: 1, createdAt: now - 120e3, endedAt: null },
];

function progress() {
  const epochSize = 400;
  return { epoch: 1 + Math.floor(liveIter / epochSize), lastEpoch: 10, epochIter: liveIter % epochSize, epochSize, totalIters: liveIter, secondsPerIter: 0.083, etaSeconds: (4000 - liveIter) * 0.083 };
}

function handle(method: string, params: Record<string, unknown>): { ok: true; result: unknown } | { ok: false; error: { code: 'not-found' | 'unknown-method'; message: string } } {
  const ok = (result: unknown) => ({ ok: true as const, result });
  switch (method) {
    case 'projects.list': return ok(projects);
    case 'projects.get': return ok(projects.find((p) => p.id === params.projectId));
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
    case 'datasets.health':
      return ok(params.projectId === P1
        ? { projectId: P1, status: 'ready', folders: [{ role: 'A', path: projects[0]!.folders[0]!.path, present: true, files: 5000, readable: 4998, sizes: { min: { width: 256, height: 256 }, max: { width: 256, height: 256 }, distinct: 1 } }, { role: 'B', path: projects[0]!.folders[1]!.path, present: true, files: 5000, readable: 5000, sizes: { min: { width: 256, height: 256 }, max: { width: 256, height: 256 }, distinct: 1 } }], unreadable: [{ role: 'A', relPath: '00007.png', reason: 'truncated PNG' }, { role: 'A', relPath: '04242.png', reason: 'truncated PNG' }], unreadableTotal: 2, duplicates: [], unmatched: { A: [], B: [] }, usable: 4998, problems: ['2 files in A cannot be read (00007.png, 04242.png); their pairs are skipped.'] }
        : { projectId: P2, status: 'folder missing', folders: [], unreadable: [], unreadableTotal: 0, duplicates: [], unmatched: null, usable: 1067, problems: ['/mnt/usb/zebras was removed or renamed'] });
    case 'runs.list': return ok(runs.filter((r) => r.projectId === params.projectId));
    case 'runs.get': {
      const r = runs.find((x) => x.id === params.runId);
      if (!r) return { ok: false, error: { code: 'not-found', message: 'no such run' } };
      const run: Run = { ...r, totalIters: r.id === RUN ? liveIter : r.totalIters, options: r.id === 'r_paper0001' ? runOptionsSchema.parse({ model: 'pix2pix' }) : quick, schedule: runScheduleSchema.parse({}), runDir: `/x/${r.id}`, progress: r.id === RUN ? progress() : null };
      return ok(run);
    }
    case 'runs.metrics': {
      const after = Number(params.afterIteration ?? -1);
      const pts = (history.get(String(params.runId)) ?? []).filter((p) => p.iteration > after);
      return ok({ runId: params.runId, total: pts.length, lossNames: ['G_GAN', 'G_L1', 'D_real', 'D_fake'], points: pts });
    }
    case 'runs.samples': return ok(params.runId === RUN ? samples : []);
    case 'checkpoints.list': return ok(params.runId === RUN ? checkpoints : [{ ...checkpoints[0]!, runId: params.runId }]);
    case 'exports.list': return ok(exportsList.filter((e) => e.projectId === params.projectId));
    case 'settings.get': return ok({ backend: 'auto', schedule: runScheduleSchema.parse({}) });
    case 'backend.info': return ok({ requested: 'auto', installed: { gpu: false, node: false, wasm: true, cpu: true }, lastReported: { line: 'backend: wasm (SIMD, 2 threads); tensorflow: not installed', at: now }, jobsAvailable: true });
    case 'runs.pause': case 'runs.resume': case 'runs.stop':
      return ok(runs.find((x) => x.id === params.runId));
    default: return { ok: false, error: { code: 'unknown-method', message: `The studio has no method ${method}.` } };
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
  const palette = [[30, 60, 200], [220, 40, 40], [40, 160, 220], [240, 200, 40], [90, 200, 90], [160, 60, 200]];
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
        const base = win ? [70 + ((seed * 13) % 40), 80, 90 + (cy * 9) % 30] : [170 - cy * 6, 150 - cy * 5, 125 - cy * 4];
        const noise = ((hash(`${x},${y},${seed}`) % 24) - 12);
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
    const t = 128, gap = 4, rows = 4, cols = 3;
    const W = cols * t + (cols - 1) * gap, H = rows * t + (rows - 1) * gap;
    const canvas = Buffer.alloc(W * H * 3, 24);
    for (let r = 0; r < rows; r++) {
      const a = facade(r + 3, t, false), b = facade(r + 3, t, true);
      const blur = Math.max(0, 1 - iter / 3000);
      for (let c = 0; c < cols; c++) {
        for (let y = 0; y < t; y++) for (let x = 0; x < t; x++) {
          const o = (y * t + x) * 3;
          const d = ((r * (t + gap) + y) * W + c * (t + gap) + x) * 3;
          for (let k = 0; k < 3; k++) {
            const v = c === 0 ? a[o + k]! : c === 2 ? b[o + k]! : Math.round(blur * (a[o + k]! * 0.5 + 64) + (1 - blur) * b[o + k]!);
            canvas[d + k] = v;
          }
        }
      }
    }
    png = await sharp(canvas, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
  } else {
    const seed = hash(path.replace(/\/(A|B)\//, '/')) % 97;
    png = await sharp(facade(seed, 128, /\/B\//.test(path)), { raw: { width: 128, height: 128, channels: 3 } }).png().toBuffer();
  }
  imageCache.set(path, png);
  return png;
}

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };

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
      const snap: StudioEvent = { event: 'snapshot', data: { projects, activeRuns: runs.filter((r) => r.status === 'running'), progress: { [RUN]: progress() }, jobs: [] } };
      ws.send(JSON.stringify(snap));
      for (const e of exportsList) ws.send(JSON.stringify({ event: 'export.changed', data: { export: e } }));
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
      if (e.done < (e.total ?? 0)) {
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
