import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * onnxruntime sessions in worker threads. onnxruntime-node's session.run() is synchronous on the
 * calling thread (it merely defers to setImmediate), so run on the main thread it blocks image
 * decoding, encoding and conversion for the whole inference; and on few cores two sessions with
 * one thread each translate ~10% more images per second than one session with two threads
 * (fewer synchronisations in the cheap ops between convolutions). Workers give both.
 *
 * The worker's code is a string evaluated as CommonJS, not a file beside this module: the desktop
 * build bundles main/ into one file, where no sibling file would exist.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
const sessions = new Map();
async function handle(m) {
  if (m.type === 'open') {
    sessions.set(m.key, await ort.InferenceSession.create(m.model, m.options));
    return [null, []];
  }
  const s = sessions.get(m.key);
  if (!s) throw new Error('no session ' + m.key);
  if (m.type === 'release') {
    sessions.delete(m.key);
    await s.release();
    return [null, []];
  }
  const feeds = {};
  for (const [name, f] of Object.entries(m.feeds)) feeds[name] = new ort.Tensor('float32', f.data, f.dims);
  const out = await s.run(feeds);
  const result = {};
  const transfer = new Set();
  for (const [name, t] of Object.entries(out)) {
    result[name] = { data: t.data, dims: t.dims };
    transfer.add(t.data.buffer);
  }
  return [result, [...transfer]];
}
parentPort.on('message', (m) => {
  handle(m).then(
    ([result, transfer]) => parentPort.postMessage({ id: m.id, result }, transfer),
    (e) => parentPort.postMessage({ id: m.id, error: e && e.message ? e.message : String(e) }),
  );
});
parentPort.postMessage({ id: 0, result: null });
`;

export interface Feed {
  data: Float32Array;
  dims: readonly number[];
}
export type Feeds = Record<string, Feed>;

/** The subset of onnxruntime's SessionOptions that crosses to a worker (structured-cloneable). */
export interface WorkerSessionOptions {
  executionProviders: string[];
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  intraOpNumThreads?: number;
  enableCpuMemArena?: boolean;
  extra?: Record<string, Record<string, string>>;
}

interface Reply {
  id: number;
  result?: Feeds | null;
  error?: string;
}

interface Pending {
  resolve: (r: Feeds | null) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  sessions: Set<string>;
  pending: Map<number, Pending>;
  /** A run is in progress: runs are handed out one per worker. */
  busy: boolean;
  dead: Error | null;
}

interface Job {
  key: string;
  feeds: Feeds;
  transfer: ArrayBuffer[];
  resolve: (r: Feeds) => void;
  reject: (e: Error) => void;
}

export class OrtWorkerPool {
  private readonly queue: Job[] = [];
  private nextId = 1;

  private constructor(private readonly slots: Slot[]) {}

  /** Starts `size` workers, each loading onnxruntime-node; rejects if it cannot load. */
  static async start(size: number): Promise<OrtWorkerPool> {
    const ort = createRequire(import.meta.url).resolve('onnxruntime-node');
    const slots = Array.from({ length: size }, (): Slot => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ort } });
      return { worker, sessions: new Set(), pending: new Map(), busy: false, dead: null };
    });
    const pool = new OrtWorkerPool(slots);
    try {
      await Promise.all(slots.map((s) => pool.listen(s)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Resolves once the worker has loaded onnxruntime; wires its replies and failures. */
  private listen(slot: Slot): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => slot.pending.set(0, { resolve: () => resolve(), reject }));
    slot.worker.on('message', (m: Reply) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      this.updateRef(slot);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result ?? null);
    });
    const die = (e: Error) => {
      slot.dead ??= e;
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
      this.dispatch();
    };
    slot.worker.on('error', die);
    slot.worker.on('exit', (code) => die(new Error(`onnxruntime worker exited (code ${code})`)));
    this.updateRef(slot);
    return ready;
  }

  /** A worker with nothing pending must not keep the process alive. */
  private updateRef(slot: Slot): void {
    if (slot.pending.size > 0) slot.worker.ref();
    else slot.worker.unref();
  }

  private send(slot: Slot, msg: object, transfer: ArrayBuffer[] = []): Promise<Feeds | null> {
    if (slot.dead) return Promise.reject(slot.dead);
    const id = this.nextId++;
    const reply = new Promise<Feeds | null>((resolve, reject) => slot.pending.set(id, { resolve, reject }));
    slot.worker.postMessage({ ...msg, id }, transfer);
    this.updateRef(slot);
    return reply;
  }

  /**
   * Opens a model (a file path, or its bytes) under `key` in the given workers (default: all), so
   * runs of that key go to whichever of them is free.
   */
  async open(key: string, model: string | Uint8Array, options: WorkerSessionOptions, workers?: readonly number[]): Promise<void> {
    const chosen = (workers ?? this.slots.map((_, i) => i)).map((i) => this.slots[i]!);
    await Promise.all(
      chosen.map(async (slot) => {
        await this.send(slot, { type: 'open', key, model, options });
        slot.sessions.add(key);
      }),
    );
  }

  /**
   * Runs the session `key` on the first free worker that has it. Buffers in `transfer` move to the
   * worker (the caller must not use them again); other inputs are copied.
   */
  run(key: string, feeds: Feeds, transfer: ArrayBuffer[] = []): Promise<Feeds> {
    if (!this.slots.some((s) => s.sessions.has(key) && !s.dead)) return Promise.reject(new Error(`no live onnxruntime session '${key}'`));
    return new Promise<Feeds>((resolve, reject) => {
      this.queue.push({ key, feeds, transfer, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (let i = 0; i < this.queue.length;) {
      const job = this.queue[i]!;
      const able = this.slots.filter((s) => s.sessions.has(job.key) && !s.dead);
      if (able.length === 0) {
        this.queue.splice(i, 1);
        job.reject(this.slots.find((s) => s.dead)?.dead ?? new Error(`no live onnxruntime session '${job.key}'`));
        continue;
      }
      const slot = able.find((s) => !s.busy);
      if (!slot) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      slot.busy = true;
      this.send(slot, { type: 'run', key: job.key, feeds: job.feeds }, job.transfer).then(
        (r) => {
          slot.busy = false;
          job.resolve(r ?? {});
          this.dispatch();
        },
        (e: Error) => {
          slot.busy = false;
          job.reject(e);
          this.dispatch();
        },
      );
    }
  }

  /** Releases every session and stops the workers. */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new Error('the onnxruntime pool was closed'));
    await Promise.all(
      this.slots.map(async (slot) => {
        if (!slot.dead) await Promise.all([...slot.sessions].map((key) => this.send(slot, { type: 'release', key }).catch(() => null)));
        slot.dead ??= new Error('the onnxruntime pool was closed');
        await slot.worker.terminate();
      }),
    );
  }
}
