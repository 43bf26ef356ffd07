// Builds the studio UI to renderer/dist. base './' so the same files load from file://, tandem://
// (Electron) and http:// under `tandem serve`.
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { META_CONTENT_SECURITY_POLICY } from '../main/security/content-security-policy.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** `$api/<module>.js`: the API contract of main/api, the one part of main/ the renderer may import. */
export const apiAlias = { find: /^\$api\//, replacement: `${fileURLToPath(new URL('../main/api/', import.meta.url))}` };

/**
 * index.html carries the studio's content security policy as a <meta>, first in <head>: a second
 * line of defence behind the headers of `tandem serve` and the desktop protocol, written from the
 * same module so the two cannot drift apart.
 */
export function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'tandem-csp-meta',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [contentSecurityPolicyMeta(), svelte()],
  resolve: { alias: [apiAlias] },
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
