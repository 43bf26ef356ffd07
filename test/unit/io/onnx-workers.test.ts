import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrtWorkerPool } from '../../../main/gan/io/onnx-workers.js';

const { onnx } = onnxProto;

/** input → 2·input (Add of the input to itself), any shape. */
function doubling(): Uint8Array {
  const info = (name: string) => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'n' }] } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'double',
      node: [{ opType: 'Add', input: ['input', 'input'], output: ['output'] }],
      input: [info('input')],
      output: [info('output')],
    },
  }).finish();
}

describe('onnxruntime worker pool', () => {
  let pool: OrtWorkerPool;
  beforeAll(async () => {
    pool = await OrtWorkerPool.start(2);
    await pool.open('double', doubling(), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  });
  afterAll(() => pool.close());

  it('runs more jobs than workers, each with its own answer, and moves transferred inputs', async () => {
    const inputs = Array.from({ length: 5 }, (_, i) => Float32Array.from({ length: 1000 }, (_, j) => i * 1000 + j));
    const outs = await Promise.all(
      inputs.map((data, i) => pool.run('double', { input: { data, dims: [data.length] } }, i === 0 ? [data.buffer] : [])),
    );
    expect(inputs[0]!.length, 'transferred').toBe(0);
    outs.forEach((o, i) => {
      expect(o.output!.data[0]).toBe(2 * i * 1000);
      expect(o.output!.data[999]).toBe(2 * (i * 1000 + 999));
    });
    expect(inputs[1]![5], 'copied, not moved').toBe(1005);
  });

  it('reports a failed run and stays usable; refuses unknown sessions and bad models', async () => {
    await expect(pool.run('double', { wrong: { data: new Float32Array(2), dims: [2] } })).rejects.toThrow(/input/i);
    const ok = await pool.run('double', { input: { data: Float32Array.of(3), dims: [1] } });
    expect(ok.output!.data[0]).toBe(6);
    await expect(pool.run('missing', {})).rejects.toThrow(/no live onnxruntime session 'missing'/);
    await expect(pool.open('bad', Uint8Array.of(1, 2, 3), { executionProviders: ['cpu'] })).rejects.toThrow();
  });

  it('rejects work once closed', async () => {
    const p = await OrtWorkerPool.start(1);
    await p.open('double', doubling(), { executionProviders: ['cpu'] });
    await p.close();
    await expect(p.run('double', { input: { data: Float32Array.of(1), dims: [1] } })).rejects.toThrow();
  });
});
