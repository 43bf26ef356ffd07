// The dataset side of Tandem: folders in, batches and reports out.
export * from './errors.js';
export * from './scan.js';
export * from './image-read.js';
export * from './raw-pixels.js';
export * from './image-write.js';
export * from './layout.js';
export * from './preprocess.js';
export * from './health.js';
export * from './health-summary.js';
export * from './loader.js';
export type { PlannedItem } from './epoch-sampling.js';
export * from './demo.js';
