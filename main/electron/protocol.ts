import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Studio } from '../studio/index.js';

/**
 * tandem://app/… serves the renderer's built files; tandem://files/<projectId>/… serves images
 * of a project's folders and artifacts, resolved by the studio (which refuses anything outside
 * them). The renderer never gets file:// access.
 */
export function registerTandemScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'tandem', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export function handleTandemProtocol(studio: Studio, rendererDir: string): void {
  protocol.handle('tandem', async (request) => {
    const url = new URL(request.url);
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      if (url.host === 'app') {
        const file = path.resolve(rendererDir, ...(segments.length ? segments : ['index.html']));
        if (!file.startsWith(rendererDir + path.sep)) return new Response('Forbidden', { status: 403 });
        return net.fetch(pathToFileURL(file).href);
      }
      if (url.host === 'files') return net.fetch(pathToFileURL(await studio.resolveFile(segments)).href);
      return new Response('Not found', { status: 404 });
    } catch (e) {
      return new Response(e instanceof Error ? e.message : 'Not found', { status: 404 });
    }
  });
}
