// The renderer's built files (renderer/dist). Single-page app: unknown paths without an extension
// get index.html. Before the renderer is built, a short page says how to build it.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { decodePath } from './request-parsing.js';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bmp': 'image/bmp',
  '.ppm': 'image/x-portable-pixmap',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>Tandem is running, but its interface is not built</h1>
<p>The studio service answers on this address (WebSocket <code>/api</code>), but there is no built
interface to show: <code>renderer/dist/index.html</code> does not exist. <code>npm run serve</code>
and <code>npm start</code> build it when they start (the terminal says why if that failed);
<code>npm run build:renderer</code> builds it by hand. Or start <code>tandem serve --ui &lt;folder&gt;</code>
with a folder holding a built renderer. Then reload this page.</p>
</body></html>
`;

export async function sendFile(
  res: ServerResponse,
  file: string,
  headOnly: boolean,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const info = await stat(file);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(info.size),
    ...extraHeaders,
  });
  if (headOnly) return void res.end();
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file);
    stream.on('error', reject);
    res.on('close', resolve);
    stream.pipe(res);
  });
}

/** The file under `root` for a URL path, or null (not there, outside, or no renderer); BadRequest when it does not decode. */
export async function staticFileFor(root: string | null, urlPath: string): Promise<string | null> {
  const parts = decodePath(urlPath)
    .split('/')
    .filter((s) => s !== '');
  if (parts.some((s) => s === '..' || s.includes('\\') || s.includes('\u0000'))) return null;
  if (!root) return null;
  const realRoot = await realpath(root).catch(() => null);
  if (!realRoot) return null;
  const candidates =
    parts.length === 0 || !extname(parts[parts.length - 1]!)
      ? [join(realRoot, ...parts), join(realRoot, 'index.html')]
      : [join(realRoot, ...parts)];
  for (const c of candidates) {
    const real = await realpath(c).catch(() => null);
    if (!real) continue;
    const rel = relative(realRoot, real);
    if (rel.startsWith('..') || rel.startsWith(sep)) continue;
    if ((await stat(real).catch(() => null))?.isFile()) return real;
  }
  return null;
}
