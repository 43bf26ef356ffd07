import * as tf from '@tensorflow/tfjs-core';
import { TEMP_BUFFER_FLOATS } from './conv-geometry.js';
import { allocateTensor } from './wasm-heap.js';
import { inputTransform, outputTransform, WINOGRAD_TAPS, type WinogradConv } from './winograd-tile-transforms.js';

/**
 * 3×3, stride-1 convolutions by Winograd's F(2×2, 3×3): each 2×2 block of output pixels costs 16
 * multiplies per (input channel, output channel) pair instead of 36. The image is cut into 4×4
 * input tiles overlapping by 2; every tile is taken to the transform domain (V = Bᵀ d B, adds
 * only), the 16 transform positions become 16 independent products V[p] · U[p] over the channels
 * (U = G g Gᵀ, the transformed filter), and each tile's 4×4 result is taken back to its 2×2 output
 * pixels (Y = Aᵀ M A). The products are plain 2-D matMuls, which XNNPACK runs on its thread pool
 * at 40–48 GFLOP/s on 2 threads (its direct conv: ~50), so 2.25× fewer flops pay for the
 * transforms (single-threaded JS passes over the wasm heap) and for packing 16 fresh right
 * operands per call once images and channel counts are large enough (winogradApplies in
 * winograd-applicability.ts). The transforms are in winograd-tile-transforms.ts (input, output)
 * and winograd-filter-transform.ts (U).
 *
 * Rounding: the transforms' coefficients (0, ±1, ±½) are exact, but their sums are rounded in
 * float32, so results differ from a direct conv by ~2e-6 of the output's scale (direct vs cpu
 * backend: ~4e-7); well inside the 1e-4 the kernels are held to.
 *
 * The ResNet generators' residual blocks (3×3, 256→256 at ¼ resolution) carry ~85% of their
 * flops; their input gradients (stride-1 convs of dy with the flipped filter) and, from 256²
 * crops on, their forward convs run here; their filter gradients run the adjoint algorithm in
 * winograd-filter-grad.ts.
 */

/** out[n, oy, ox, o] = Σ x[n, oy + ky − padTop, ox + kx − padLeft, c] · g[ky, kx, c, o] for a filter g given through u. */
export function winogradConv2d(conv: WinogradConv, tempBufferFloats = TEMP_BUFFER_FLOATS): tf.Tensor4D {
  const { x, u, outHeight: oh, outWidth: ow } = conv;
  const [n, , , cin] = x.shape;
  const cout = u[0]!.shape[1];
  const tilesX = Math.ceil(ow / 2);
  const tileRows = Math.ceil(oh / 2);
  // V and M for one chunk of tile rows: 16 · tilesX · (CIN + COUT) floats per tile row.
  const perTileRow = WINOGRAD_TAPS * tilesX * Math.max(cin, cout);
  const rowsPerChunk = Math.max(1, Math.min(tileRows, Math.floor(tempBufferFloats / perTileRow)));
  const out = allocateTensor<tf.Rank.R4>([n, oh, ow, cout]);
  try {
    for (let b = 0; b < n; b++) {
      for (let ty0 = 0; ty0 < tileRows; ty0 += rowsPerChunk) {
        const rows = Math.min(rowsPerChunk, tileRows - ty0);
        const tiles = rows * tilesX;
        const v: tf.Tensor2D[] = [];
        const m: tf.Tensor2D[] = [];
        try {
          for (let p = 0; p < WINOGRAD_TAPS; p++) v.push(allocateTensor<tf.Rank.R2>([tiles, cin]));
          inputTransform(conv, v, b, ty0, rows, tilesX);
          for (let p = 0; p < WINOGRAD_TAPS; p++) m.push(tf.matMul(v[p]!, u[p]!));
          tf.dispose(v.splice(0));
          outputTransform(m, out, b, ty0, rows, tilesX);
        } finally {
          tf.dispose(v);
          tf.dispose(m);
        }
      }
    }
    return out;
  } catch (err) {
    out.dispose();
    throw err;
  }
}
