/**
 * When a conv takes the Winograd route (winograd-conv.ts, winograd-filter-grad.ts): the thresholds
 * measured on 2 threads, and a switch benchmarks use to time the direct kernels on the same convs.
 * Policy, apart from the arithmetic: these numbers move with the machine and the tfjs-backend-wasm
 * version, the transforms do not.
 */

/** Used when both channel counts reach this: below it the transforms cost more than they save. */
export const WINOGRAD_MIN_CHANNELS = 128;
/** Output pixels (N·OH·OW) from which a forward conv gains; see winogradApplies. */
export const WINOGRAD_MIN_FORWARD_PIXELS = 2048;
/** Input-gradient pixels (N·H·W) from which an input gradient gains. */
export const WINOGRAD_MIN_INPUT_PIXELS = 256;
/**
 * CI·CO·N·OH·OW from which a filter gradient (winograd-filter-grad.ts) gains: 32×32 output pixels
 * at 256→256 channels, 64×64 at 128→128. Measured on 2 threads against the im2col + matMul route:
 * 24×24×256 and 32×32×128 are a tie, 32×32×256 ~23% and 64×64×256 ~30% faster.
 */
export const WINOGRAD_MIN_FILTER_WORK = 2 ** 26;

let enabled = true;

/** Runs `body` with Winograd off (every conv on the direct kernels), for before/after measurements. */
export function withoutWinograd<T>(body: () => T): T {
  const was = enabled;
  enabled = false;
  try {
    return body();
  } finally {
    enabled = was;
  }
}

/**
 * Whether a conv is one the Winograd kernels run: 3×3, stride 1, no dilation, and big enough that the
 * fixed costs (filter transform, XNNPACK packing 16 right operands, JS transforms) are repaid.
 * Measured on 2 threads: a forward conv at 32×32×256 is ~15% slower than XNNPACK's (which keeps
 * its packed filter across calls) and ~28% faster at 64×64×256; an input gradient is faster from
 * 16×16×256 and 32×32×128 up (the direct route rebuilds and repacks a flipped filter every call).
 * Below 128 channels it loses everywhere. A filter gradient ('filter', outPixels = N·OH·OW) pays
 * from WINOGRAD_MIN_FILTER_WORK on.
 */
export function winogradApplies(
  filterShape: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  outPixels: number,
  direction: 'forward' | 'input' | 'filter',
): boolean {
  const [kh, kw, ci, co] = filterShape as [number, number, number, number];
  return (
    enabled &&
    kh === 3 &&
    kw === 3 &&
    strides.every((s) => s === 1) &&
    dilations.every((d) => d === 1) &&
    ci >= WINOGRAD_MIN_CHANNELS &&
    co >= WINOGRAD_MIN_CHANNELS &&
    outPixels >= minPixels(direction, ci, co)
  );
}

function minPixels(direction: 'forward' | 'input' | 'filter', ci: number, co: number): number {
  if (direction === 'forward') return WINOGRAD_MIN_FORWARD_PIXELS;
  if (direction === 'input') return WINOGRAD_MIN_INPUT_PIXELS;
  return WINOGRAD_MIN_FILTER_WORK / (ci * co);
}
