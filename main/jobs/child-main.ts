// Entry point of a job process (trainer or exporter), started by the supervisor through a
// ChildLauncher. It says hello, waits for `start {spec}`, runs the job, reports `finished` or
// `failed`, and exits: the process lives for one job, so its memory goes back to the system.
//
// Only light modules are imported statically: the hello must go out quickly, and the engine
// (tfjs, sharp) is loaded for the job kind at hand.
import './child-signals.js'; // first: the terminal's Ctrl-C must not end a job before it can save
import { isUserFacing } from '../cli/user-error.js';
import { GpuOutOfMemoryError } from '../gan/backend/gpu-errors.js';
import type { JobContext } from './job-context.js';
import { connectToParent } from './parent-port.js';
import { PauseGate } from './pause-gate.js';
import { parseParentMessage, PROTOCOL_VERSION, type ChildMessage, type JobKind, type JobResult, type JobSpec } from './protocol.js';

const port = connectToParent();
if (!port) {
  console.error('tandem job process: start me through the job supervisor (no message channel)');
  process.exit(2);
}

let spec: JobSpec | null = null;
const abort = new AbortController();
const gate = new PauseGate(() => send({ type: 'paused' }));

function send(message: ChildMessage, then?: () => void): void {
  port!.post(message, then);
}

function log(level: 'debug' | 'info' | 'warn' | 'error', line: string): void {
  send({ type: 'log', level, line });
}

let ending = false;

/** Sends the last message, then exits (explicitly: wasm threads or sharp would keep us alive). */
function finish(message: ChildMessage, code: number): void {
  if (ending) return; // e.g. an uncaught error while the result is on its way
  ending = true;
  send(message, () => process.exit(code));
}

function stop(): void {
  abort.abort();
  // A paused run must move again to reach its checkpoint (one more iteration, then it saves).
  gate.open();
}

port.onMessage((raw) => {
  const parsed = parseParentMessage(raw);
  if (!parsed.ok) {
    log('error', `ignored ${parsed.error}`);
    return;
  }
  const message = parsed.value;
  switch (message.type) {
    case 'start':
      if (spec) {
        log('error', `ignored a second start (this process already runs job ${spec.jobId})`);
        return;
      }
      spec = message.spec;
      void run(message.spec);
      return;
    case 'pause':
      if (spec?.kind === 'train') gate.pause();
      else log('warn', 'only training can be paused');
      return;
    case 'resume':
      gate.open();
      // Also when the pause had not taken hold yet: the parent then knows the run goes on.
      if (spec?.kind === 'train') send({ type: 'resumed' });
      return;
    case 'stop':
      if (!spec) process.exit(0);
      stop();
      return;
  }
});

// The studio went away (closed or crashed), or a service manager stops the whole process group
// (SIGTERM): save what we have and end, as on stop.
function stopUnasked(): void {
  if (!spec) process.exit(0);
  stop();
}
port.onDisconnect(stopUnasked);
process.on('SIGTERM', stopUnasked);

process.on('uncaughtException', (e) => fail(e));
process.on('unhandledRejection', (e) => fail(e));

function fail(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && e.stack) log('debug', e.stack);
  // Out of GPU memory is the machine's limit, not a failure: the run stops unsaved and can resume.
  if (e instanceof GpuOutOfMemoryError) finish({ type: 'interrupted', reason: message }, 1);
  else finish({ type: 'failed', message, userFacing: isUserFacing(e) }, 1);
}

/** Each kind's job, loaded when needed: the engine modules a kind needs load only in its process. */
type RunJob<K extends JobKind> = (job: Extract<JobSpec, { kind: K }>, ctx: JobContext) => Promise<JobResult>;
const JOBS: { [K in JobKind]: () => Promise<RunJob<K>> } = {
  train: async () => (await import('./train-job.js')).runTrainJob,
  export: async () => (await import('./export-job.js')).runExportJob,
  import: async () => (await import('./import-job.js')).runImportJob,
  'model-export': async () => (await import('./model-export-job.js')).runModelExportJob,
  probe: async () => (await import('./probe-job.js')).runProbeJob,
};

async function run(job: JobSpec): Promise<void> {
  const ctx: JobContext = { send, signal: abort.signal, gate };
  let result: JobResult;
  try {
    const runJob = (await JOBS[job.kind]()) as RunJob<JobKind>;
    result = await runJob(job, ctx);
  } catch (e) {
    fail(e);
    return;
  }
  finish({ type: 'finished', result }, 0);
}

send({ type: 'hello', pid: process.pid, protocol: PROTOCOL_VERSION });
