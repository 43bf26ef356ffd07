// Architecture names, kept free of TensorFlow.js so option schemas (shared with the studio's API
// and the renderer) can use them without loading the engine.
export const GENERATORS = ['resnet_9blocks', 'resnet_6blocks', 'unet_256', 'unet_128'] as const;
export const DISCRIMINATORS = ['basic', 'n_layers', 'pixel'] as const;
export type NetG = (typeof GENERATORS)[number];
export type NetD = (typeof DISCRIMINATORS)[number];
