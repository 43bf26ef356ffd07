// What tandem:// answers, as a plain function of a Request (no 'electron' import, so tests call
// it directly). tandem://app/… is the built renderer; tandem://app/files/… are a project's images,
// the same URLs as under `tandem serve`. Every response carries the studio's security headers
// itself: session.webRequest.onHeadersReceived never sees custom protocols, so a policy set
// there would be absent from every page of the app.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { SECURITY_HEADERS } from '../security/content-security-policy.js';
import { projectFileErrorStatus, projectFileFor, requestedThumb } from '../server/file-route.js';
import { BadRequest, requestUrl } from '../server/request-parsing.js';
import { CONTENT_TYPES, staticFileFor } from '../server/static-files.js';
import type { Studio } from '../studio/studio.js';

export const APP_HOST = 'app';

function answer(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' } });
}

async function fileResponse(file: string, headOnly: boolean, extra: Record<string, string> = {}): Promise<Response> {
  const { size } = await stat(file);
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(size),
    ...extra,
  };
  const body = headOnly ? null : (Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>);
  return new Response(body, { status: 200, headers });
}

export function tandemProtocolHandler(studio: Studio, rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      const url = requestUrl(request);
      if (url.host !== APP_HOST) return answer(404, `Nothing at ${url.host}.`);
      if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'Only GET and HEAD.');
      const headOnly = request.method === 'HEAD';
      if (url.pathname.startsWith('/files/')) {
        try {
          const { file, cacheControl } = await projectFileFor(
            studio,
            url.pathname.slice('/files/'.length),
            requestedThumb(url.searchParams),
          );
          return await fileResponse(file, headOnly, { 'cache-control': cacheControl });
        } catch (e) {
          const status = projectFileErrorStatus(e);
          return answer(status, status === 500 ? 'Could not read the file.' : (e as Error).message);
        }
      }
      const file = await staticFileFor(rendererDir, url.pathname);
      return file ? await fileResponse(file, headOnly) : answer(404, `Nothing at ${url.pathname}.`);
    } catch (e) {
      return e instanceof BadRequest ? answer(400, e.message) : answer(500, 'Internal error.');
    }
  };
}
