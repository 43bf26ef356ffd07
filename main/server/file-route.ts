// GET /files/<projectId>/<root>/<path>: images of a project, only from inside its folders. The
// desktop app's tandem://app/files/… answers from the same function (main/electron).
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type { Studio } from '../studio/studio.js';
import { StudioError } from '../studio/studio-error.js';
import { BadRequest, decodePath } from './request-parsing.js';
import { sendFile } from './static-files.js';
import { thumbnailFor } from './thumbnails.js';

/** ?thumb=N, the longest side wanted, when it is a sensible size; else null (the original). */
export function requestedThumb(params: URLSearchParams): number | null {
  const thumb = Number(params.get('thumb'));
  return Number.isInteger(thumb) && thumb >= 16 && thumb <= 2048 ? thumb : null;
}

/**
 * The file that answers /files/<rawPath>, and how long a browser may keep it. `thumb`: a small
 * WebP from the thumbnail cache instead. Throws BadRequest (the path does not decode) or
 * StudioError (outside the project, not there).
 */
export async function projectFileFor(
  studio: Studio,
  rawPath: string,
  thumb: number | null,
): Promise<{ file: string; cacheControl: string }> {
  // Split before decoding: an encoded slash (%2F) must stay inside its segment, where the
  // resolver refuses it, rather than becoming a separator.
  const file = await studio.resolveFile(rawPath.split('/').map(decodePath));
  if (thumb === null) return { file, cacheControl: 'no-cache' };
  try {
    return { file: await thumbnailFor(file, thumb, path.join(studio.dataDir.root, 'thumbs')), cacheControl: 'private, max-age=3600' };
  } catch {
    // Unreadable as an image (the grid flags those): the original's bytes are the honest answer.
    return { file, cacheControl: 'no-cache' };
  }
}

/** The status that answers a failure of projectFileFor. */
export function projectFileErrorStatus(e: unknown): 400 | 403 | 404 | 500 {
  if (e instanceof BadRequest) return 400;
  if (e instanceof StudioError) return e.code === 'not-found' ? 404 : 403;
  return 500;
}

export async function serveProjectFile(
  studio: Studio,
  rawPath: string,
  res: ServerResponse,
  headOnly: boolean,
  thumb: number | null = null,
): Promise<void> {
  try {
    const { file, cacheControl } = await projectFileFor(studio, rawPath, thumb);
    await sendFile(res, file, headOnly, { 'cache-control': cacheControl });
  } catch (e) {
    const status = projectFileErrorStatus(e);
    if (status !== 500) return sendError(res, status, (e as Error).message);
    if (!res.headersSent) sendError(res, 500, 'Could not read the file.');
    else res.destroy();
  }
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.end();
  const body = JSON.stringify({
    ok: false,
    error: {
      code: status === 401 ? 'unauthorized' : status === 403 ? 'forbidden-path' : status === 404 ? 'not-found' : 'invalid-input',
      message,
    },
  });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
