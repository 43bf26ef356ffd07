// Lint rules, and the import boundaries of the architecture: the renderer never loads Node, tfjs
// or anything of main/ but the API contract; only main/electron and preload load 'electron'.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'net',
  'worker_threads',
  'url',
  'stream',
  'util',
  'events',
  'module',
  'process',
  'buffer',
  'readline',
  'zlib',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'renderer/dist/',
      'renderer/.dist-*/',
      '.tmp/',
      'test-artifacts/',
      'bench-results/',
      '**/*.svelte',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: "Only main/electron and preload may import 'electron'." }] },
      ],
    },
  },
  {
    // Node loads the wasm pthread worker as CommonJS.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['main/electron/**', 'preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to the studio through window.studio or the WebSocket client.' },
            ...NODE_BUILTINS.map((name) => ({ name, message: 'The renderer runs in a sandboxed browser page: no Node modules.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a sandboxed browser page: no Node modules.' },
            { group: ['@tensorflow/*'], message: 'The renderer never loads tfjs; training runs in job processes the studio starts.' },
            { group: ['**/main/**'], message: 'The renderer may import only the API contract of main/, as $api/<module>.js.' },
          ],
        },
      ],
    },
  },
);
