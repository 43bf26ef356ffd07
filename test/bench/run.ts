// `npm run bench [-- --only CASE[,CASE]] [--backend NAME]`: each case in a child process; one JSON
// object on the last line. --backend (else TANDEM_BACKEND, else auto) picks the tfjs backend.
import type { GpuAdapter } from '../../main/gan/backend/webgpu-adapter.js';
import { spawn } from 'node:child_process';
import { ALL_CASES, DATA_CASES, EXPORT_CASES, INFER_CASES, PHOTO_CASES, TRAIN_CASES } from './cases.js';

interface CaseResult {
  case: string;
  status: 'ok' | 'cannot-run';
  backend?: string;
  threads?: number;
  adapter?: GpuAdapter | null;
  backend_line?: string;
  seconds?: number;
  /** Train cases: CPU seconds (all threads) per iteration. */
  cpu_seconds?: number;
  reference_seconds?: number | null;
  ratio_to_reference?: number;
  tensor_peak_mb?: number;
  gpu_allocated_peak_mb?: number | null;
  peak_rss_mb?: number;
  reason?: string;
  engine?: string;
  data_loading_share?: number;
  /** Photo cases: how the image was translated (whole, exact tiles) and why. */
  path?: string;
}

/** A case still running after this long is killed and reported as cannot-run (BENCH_TIMEOUT_S). */
const CASE_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 1800) * 1000;

function runCase(name: string, backend: string | undefined): Promise<CaseResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./case.ts', import.meta.url).pathname, name], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: backend ? { ...process.env, TANDEM_BACKEND: backend } : process.env,
    });
    let out = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, CASE_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as CaseResult);
      } catch {
        // Killed by the OS, out of memory in wasm, or over the time limit before it could report.
        const why = timedOut
          ? `no result within ${CASE_TIMEOUT_MS / 1000} s (killed)`
          : `process ended (${signal ?? `exit ${code}`}) without a result`;
        resolve({ case: name, status: 'cannot-run', reason: why });
      }
    });
  });
}

/**
 * Each train case's cost against the CycleGAN case of the same size run alongside it
 * ("fastcut_resnet9_128" against "cyclegan_resnet9_128"), by wall time and by CPU time.
 */
function ratiosToCycleGan(ok: CaseResult[]): Record<string, { wall: number; cpu: number | null }> {
  const out: Record<string, { wall: number; cpu: number | null }> = {};
  for (const r of ok) {
    const m = /^(\w+?)_(resnet9_\d+)$/.exec(r.case);
    const base = m && m[1] !== 'cyclegan' ? ok.find((b) => b.case === `cyclegan_${m[2]}`) : undefined;
    if (!base?.seconds || !r.seconds) continue;
    const cpu = r.cpu_seconds && base.cpu_seconds ? Number((r.cpu_seconds / base.cpu_seconds).toFixed(2)) : null;
    out[r.case] = { wall: Number((r.seconds / base.seconds).toFixed(2)), cpu };
  }
  return out;
}

async function main(): Promise<void> {
  const onlyIdx = process.argv.indexOf('--only');
  const all = Object.keys(ALL_CASES);
  const only = onlyIdx >= 0 ? (process.argv[onlyIdx + 1] ?? '').split(',').filter(Boolean) : all;
  for (const n of only) if (!all.includes(n)) throw new Error(`unknown case '${n}'; cases: ${all.join(', ')}`);
  const backendIdx = process.argv.indexOf('--backend');
  const backend = backendIdx >= 0 ? process.argv[backendIdx + 1] : undefined;
  if (backendIdx >= 0 && !backend) throw new Error('--backend needs a name (auto, gpu, webgpu, node, wasm, cpu)');
  const results: CaseResult[] = [];
  for (const name of only) {
    const r = await runCase(name, backend);
    const detail =
      r.data_loading_share !== undefined
        ? `data loading ${(r.data_loading_share * 100).toFixed(2)}% of an iteration`
        : r.ratio_to_reference != null
          ? `${r.ratio_to_reference.toFixed(2)}× reference`
          : 'no reference';
    console.error(`${name}: ${r.status === 'ok' ? `${r.seconds?.toFixed(3)} s (${detail}), peak RSS ${r.peak_rss_mb} MB` : r.reason}`);
    results.push(r);
  }
  const ok = results.filter((r) => r.status === 'ok');
  const pick = (names: string[]) =>
    Object.fromEntries(results.filter((r) => names.includes(r.case)).map((r) => [r.case, r.status === 'ok' ? r.seconds : 'cannot-run']));
  console.log(
    JSON.stringify({
      backend: ok[0]?.backend ?? null,
      threads: ok[0]?.threads ?? null,
      adapter: ok[0]?.adapter?.name ?? null,
      adapter_api: ok[0]?.adapter?.api ?? null,
      adapter_software: ok[0]?.adapter?.software ?? null,
      backend_line: ok[0]?.backend_line ?? null,
      train_s_per_iter: pick(Object.keys(TRAIN_CASES)),
      infer_s_per_image: pick(Object.keys(INFER_CASES)),
      train_cpu_s_per_iter: Object.fromEntries(ok.filter((r) => r.cpu_seconds !== undefined).map((r) => [r.case, r.cpu_seconds])),
      train_ratio_to_cyclegan: ratiosToCycleGan(ok),
      export_s_per_image: pick(Object.keys(EXPORT_CASES)),
      export_engine: results.find((r) => r.engine)?.engine ?? null,
      photo_s_per_image: pick(Object.keys(PHOTO_CASES)),
      photo_path: Object.fromEntries(results.filter((r) => r.case in PHOTO_CASES && r.path).map((r) => [r.case, r.path])),
      data_loading_share: Object.fromEntries(
        results.filter((r) => r.case in DATA_CASES && r.status === 'ok').map((r) => [r.case, r.data_loading_share]),
      ),
      ratio_to_reference: Object.fromEntries(
        ok.filter((r) => r.ratio_to_reference != null).map((r) => [r.case, Number(r.ratio_to_reference!.toFixed(2))]),
      ),
      peak_rss_mb: Math.max(0, ...ok.map((r) => r.peak_rss_mb ?? 0)),
      peak_rss_mb_per_case: Object.fromEntries(results.map((r) => [r.case, r.peak_rss_mb ?? null])),
      // webgpu: device memory held by tfjs's buffer pool at its peak (free buffers included).
      gpu_allocated_peak_mb_per_case: Object.fromEntries(
        ok.filter((r) => r.gpu_allocated_peak_mb != null).map((r) => [r.case, r.gpu_allocated_peak_mb]),
      ),
      cannot_run: Object.fromEntries(results.filter((r) => r.status !== 'ok').map((r) => [r.case, r.reason])),
    }),
  );
}

void main();
