import * as tf from '@tensorflow/tfjs-core';

type Shape4 = [number, number, number, number];
type Pad = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];

/** The geometry of one NHWC conv2d, as its backprop kernels see it. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

export interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function convGeometry(inShape: Shape4, filterShape: Shape4, attrs: ConvAttrs): ConvGeometry {
  if (attrs.dataFormat !== 'NHWC') {
    // The wasm backend's own Conv2D rejects NCHW too, so no network here can produce this.
    throw new Error(`wasm conv2d backprop kernels support dataFormat 'NHWC' only, got '${attrs.dataFormat}'`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Kernel inputs are Tensors when they come from ops; wrap bare TensorInfos defensively. */
export function asTensor<R extends tf.Rank>(info: tf.TensorInfo): tf.Tensor<R> {
  if (info instanceof tf.Tensor) return info as tf.Tensor<R>;
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

/** Floats per temporary buffer: the wasm heap is capped at 4 GiB, so stay well clear of it. */
export const TEMP_BUFFER_FLOATS = (64 * 1024 * 1024) / 4;
