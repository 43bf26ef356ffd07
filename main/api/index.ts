// The StudioApi contract: the only module main, preload and renderer share. It imports zod and
// nothing from Node or TensorFlow.js, so the sandboxed renderer can import it.
export * from './errors.js';
export * from './entities.js';
export * from './run-options.js';
export * from './schemas.js';
export * from './methods.js';
export * from './events.js';
export * from './wire.js';
export * from './urls.js';
