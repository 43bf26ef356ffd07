// The single import point for TensorFlow.js in the engine.
// tfjs-core's Node entry registers no gradients; the union package's Node bundle registers all of
// them into the same core registry, so importing it once here makes tf.grad / variableGrads work.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';

// Production mode: tfjs's console hints (e.g. "install tfjs-node" on every cpu-backend start) would
// reach users on every command; Tandem prints its own one-line backend report instead.
tf.env().set('PROD', true);

export { tf };
export type { Tensor, Tensor1D, Tensor4D, Variable, Scalar, Rank } from '@tensorflow/tfjs-core';
