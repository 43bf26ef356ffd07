// GET /files/<projectId>/<root>/<path>: images of a project, only from inside its folders.
import type { ServerResponse } from 'node:http';
import type { Studio } from '../studio/studio.js';
import { StudioError } from '../studio/studio-error.js';
import path from 'node:path';
import { decodePath, type BadRequest } from './request-parsing.js';
import { sendFile } from './static-files.js';
import { thumbnailFor } from './thumbnails.js';

/** `thumb`: the longest side wanted (?thumb=N), served from a cache of small WebPs. */
export async function serveProjectFile(studio: Studio, rawPath: string, res: ServerResponse, headOnly: boolean, thumb: number | null = null): Promise<void> {
  // Split before decoding: an encoded slash (%2F) must stay inside its segment, where the
  // resolver refuses it, rather than becoming a separator.
  let segments: string[];
  try {
    segments = rawPath.split('/').map(decodePath);
  } catch (e) {
    return sendError(res, 400, (e as BadRequest).message);
  }
  try {
    const file = await studio.resolveFile(segments);
    if (thumb !== null) {
      let small: string;
      try {
        small = await thumbnailFor(file, thumb, path.join(studio.dataDir.root, 'thumbs'));
      } catch {
        // Unreadable as an image (the grid flags those): the original's bytes are the honest answer.
        return await sendFile(res, file, headOnly, { 'cache-control': 'no-cache' });
      }
      return await sendFile(res, small, headOnly, { 'cache-control': 'private, max-age=3600' });
    }
    await sendFile(res, file, headOnly, { 'cache-control': 'no-cache' });
  } catch (e) {
    if (e instanceof StudioError) return sendError(res, e.code === 'not-found' ? 404 : 403, e.message);
    if (!res.headersSent) sendError(res, 500, 'Could not read the file.');
    else res.destroy();
  }
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.end();
  const body = JSON.stringify({ ok: false, error: { code: status === 401 ? 'unauthorized' : status === 403 ? 'forbidden-path' : status === 404 ? 'not-found' : 'invalid-input', message } });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
