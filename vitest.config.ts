import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { apiAlias } from './renderer/vite.config.js';

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // tfjs keeps global engine state and the wasm module per process: isolate test files in forks.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/renderer/**', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        // The Svelte renderer: components compiled by the svelte plugin for the browser. Files that
        // need a DOM say `// @vitest-environment happy-dom`; the rest (stores, the ws client against
        // a real WebSocketServer) run in node.
        extends: true,
        plugins: [svelte({ configFile: false })],
        resolve: { conditions: ['browser'], alias: [apiAlias] },
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
    ],
  },
});
