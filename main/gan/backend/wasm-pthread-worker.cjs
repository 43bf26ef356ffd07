'use strict';
// Emscripten pthread worker for tfjs-backend-wasm's threaded SIMD build, loadable by Node's
// worker_threads. The stock worker is handed to `new Worker()` as a blob: URL and told to
// import the main script from a Blob, neither of which Node's Worker accepts; here the stock
// worker code runs unchanged, and only its script import is redirected to the real file.
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
const factoryPath = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');

// The exported source carries raw newlines inside string literals (tfjs escapes them the same way).
const source = wasmWorkerContents.replace(/\n/g, '\\n');
new Function('require', '__filename', '__dirname', source)(require, __filename, __dirname);

// Stock code assigned global.importScripts; replace it so the factory comes from disk.
globalThis.importScripts = function importFactory() {
  globalThis.WasmBackendModuleThreadedSimd = require(factoryPath);
};
