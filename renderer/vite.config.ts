// Builds the studio UI to renderer/dist. base './' so the same files load from file://, tandem://
// (Electron) and http:// under `tandem serve`.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run dev:renderer` next to `tandem serve` on :4873 (or TANDEM_URL): API, events and files are proxied.
    proxy: {
      '/api': { target: process.env.TANDEM_URL ?? 'http://127.0.0.1:4873', ws: true },
      '/files': { target: process.env.TANDEM_URL ?? 'http://127.0.0.1:4873' },
    },
  },
});
