import { protocol } from 'electron';
import type { Studio } from '../studio/index.js';
import { tandemProtocolHandler } from './protocol-handler.js';

/**
 * tandem://app/… serves the renderer's built files and, under /files/, the images of a project's
 * folders and artifacts, resolved by the studio (which refuses anything outside them). The
 * renderer never gets file:// access.
 */
export function registerTandemScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'tandem', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export function handleTandemProtocol(studio: Studio, rendererDir: string): void {
  protocol.handle('tandem', tandemProtocolHandler(studio, rendererDir));
}
